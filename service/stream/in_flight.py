"""Records between consumption and commit: processed concurrently, acknowledged in order.

The agent reads on while earlier records are still being coded, up to ``limit`` records
at work at once (the back-pressure that bounds memory). A record's offset is acknowledged
to faust only after its outputs are acknowledged by the broker *and* every earlier record
of its partition has been acknowledged: faust-streaming commits past a single missing
offset at the head of its acked list (faust-streaming #606, off by one; and not at all
when the committed offset is 0), so acking out of order could commit past an article
still being coded and lose it in a crash. In order, the committed offset never passes
unfinished work: at-least-once.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Awaitable, Callable, Coroutine, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

Token = TypeVar("Token")


@dataclass
class _Entry(Generic[Token]):
    token: Token
    done: bool = False


class InFlight(Generic[Token]):
    def __init__(self, limit: int, ack: Callable[[Token], Awaitable[Any]]) -> None:
        self._slots = asyncio.Semaphore(limit)
        self._ack = ack
        self._order: dict[Hashable, collections.deque[_Entry[Token]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.failure: BaseException | None = None

    async def add(self, partition: Hashable, token: Token, work: Coroutine[Any, Any, None]) -> None:
        """Start ``work`` for the record ``token`` once a slot is free. Raises the first
        failure of earlier work: its record was not acknowledged, so the agent must stop
        and the records come again after a restart."""
        if self.failure is None:
            await self._slots.acquire()
        if self.failure is not None:
            work.close()
            raise self.failure
        entry = _Entry(token)
        self._order.setdefault(partition, collections.deque()).append(entry)
        task = asyncio.create_task(self._run(partition, entry, work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(
        self, partition: Hashable, entry: _Entry[Token], work: Coroutine[Any, Any, None]
    ) -> None:
        try:
            await work
        except BaseException as exc:
            # Never acknowledged: this record and every later one of its partition stay
            # uncommitted.
            self.failure = self.failure or exc
            return
        finally:
            self._slots.release()
        entry.done = True
        queue = self._order[partition]
        try:
            while queue and queue[0].done:
                await self._ack(queue.popleft().token)
        except BaseException as exc:
            self.failure = self.failure or exc

    async def drain(self, timeout: float | None = None) -> None:
        """Wait for the work in flight (on shutdown, before the final commit)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)
