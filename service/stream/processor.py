"""One input record -> its outcome -> its messages, on Kafka.

The agent hands each record here; ``coding`` gives its outcome and ``publication`` the
messages for it: every record leaves as exactly one processed record, and as events or one
dead letter. ``process`` returns once all of them are acknowledged
by the broker; only then may the record's offset be acknowledged (``in_flight``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Any, Protocol

from service.coding import RecordCoder
from service.settings import Settings
from service.stream import metrics, publication
from service.stream.publication import InputRecord


class Sender(Protocol):
    def __call__(
        self, topic: str, key: bytes | None, value: bytes | None, headers: list[tuple[str, bytes]]
    ) -> Awaitable[Awaitable[Any]]: ...


class RecordProcessor:
    def __init__(self, settings: Settings, coder: RecordCoder, send: Sender) -> None:
        self.settings = settings
        self.coder = coder
        self.send = send

    async def process(self, record: InputRecord) -> None:
        received, received_at = time.perf_counter(), datetime.now(UTC)
        metrics.ARTICLES_CONSUMED.inc()
        outcome = await self.coder.code(record.value)

        messages = publication.outputs(outcome, record, self.settings)
        pending = [await self._send(message) for message in messages]
        await asyncio.gather(*pending)
        processed = publication.processed(
            outcome,
            record,
            received_at,
            time.perf_counter() - received,
            self.coder.pool.model_info,
            self.settings,
        )
        await (await self._send(processed))

        for message in messages:
            if message.event_type is not None:
                metrics.EVENTS_PUBLISHED.labels(
                    event_type=message.event_type, topic=message.topic
                ).inc()
        status, reason = publication.status(outcome)
        if status == "dead_letter":
            metrics.ARTICLES_FAILED.labels(reason=reason).inc()
        elif status == "skipped":
            metrics.ARTICLES_SKIPPED.labels(reason=reason).inc()
        else:
            metrics.ARTICLES_PROCESSED.inc()
        metrics.END_TO_END_SECONDS.observe(time.perf_counter() - received)

    def _send(self, message: publication.Message) -> Awaitable[Awaitable[Any]]:
        return self.send(message.topic, message.key, message.value, message.headers)
