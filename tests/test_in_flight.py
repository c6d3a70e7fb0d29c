"""Records finish in any order; their offsets are acknowledged in order per partition."""

from __future__ import annotations

import asyncio

import pytest

from service.stream.in_flight import InFlight


async def _after(seconds: float, done: list[str], name: str) -> None:
    await asyncio.sleep(seconds)
    done.append(name)


async def _fail(seconds: float) -> None:
    await asyncio.sleep(seconds)
    raise ConnectionError("broker gone")


def test_acks_follow_offsets_within_a_partition_not_completion():
    async def scenario() -> tuple[list[str], list[str]]:
        acked: list[str] = []
        done: list[str] = []

        async def ack(token: str) -> None:
            acked.append(token)

        window: InFlight[str] = InFlight(8, ack)
        # p0: a slow article first, two quick ones after it; p1: quick ones.
        await window.add("p0", "p0@0", _after(0.20, done, "p0@0"))
        await window.add("p0", "p0@1", _after(0.01, done, "p0@1"))
        await window.add("p1", "p1@0", _after(0.02, done, "p1@0"))
        await window.add("p0", "p0@2", _after(0.01, done, "p0@2"))
        await window.add("p1", "p1@1", _after(0.03, done, "p1@1"))
        await asyncio.sleep(0.1)
        early = list(acked)
        await window.drain()
        return early, acked

    early, acked = asyncio.run(scenario())
    # p1 is not held back by p0's slow head; p0's later records wait for it.
    assert early == ["p1@0", "p1@1"]
    assert [t for t in acked if t.startswith("p0")] == ["p0@0", "p0@1", "p0@2"]


def test_the_window_bounds_work_at_once():
    async def scenario() -> int:
        running = 0
        peak = 0

        async def work() -> None:
            nonlocal running, peak
            running += 1
            peak = max(peak, running)
            await asyncio.sleep(0.01)
            running -= 1

        async def ack(token: int) -> None:
            return None

        window: InFlight[int] = InFlight(3, ack)
        for n in range(12):
            await window.add("p", n, work())
        await window.drain()
        return peak

    assert asyncio.run(scenario()) == 3


def test_a_failure_is_never_acknowledged_and_stops_the_agent():
    async def scenario() -> list[str]:
        acked: list[str] = []

        async def ack(token: str) -> None:
            acked.append(token)

        window: InFlight[str] = InFlight(4, ack)
        done: list[str] = []
        await window.add("p", "a", _fail(0.01))
        await window.add("p", "b", _after(0.0, done, "b"))
        await asyncio.sleep(0.05)
        with pytest.raises(ConnectionError):
            await window.add("p", "c", _after(0.0, done, "c"))
        await window.drain()
        assert done == ["b"]  # later work ran, but nothing after the failure is acked
        return acked

    assert asyncio.run(scenario()) == []
