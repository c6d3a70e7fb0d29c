"""``extract``: articles from files or stdin through the worker's own coding path
(``coding.RecordCoder``: same limits, cleaning, language gate, time limit and outcomes),
in a pool of extraction processes, out in input order.

Memory stays bounded whatever the input: a line is read only up to the message size limit
(a longer one is failed ``too_large`` without being held), and at most ``window`` records,
or ``window_bytes`` of them, are in flight at once.
"""

from __future__ import annotations

import asyncio
import collections
import json
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from service import codec
from service.coding import RecordCoder
from service.export import EventWriter
from service.outcomes import Coded, DeadLetterReason, Failed, Outcome, Skipped

READ_CHUNK = 1 << 20


@dataclass(frozen=True)
class Record:
    """One input: a line of a JSON Lines file (or stdin), or a whole ``.txt`` file."""

    source: str
    line: int
    value: bytes | Failed  # failed already when it could not even be read whole
    size: int  # bytes of input it took (for the progress bar)


def _lines(handle: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | int, int]]:
    """(line number, content or the size of a line over ``limit`` bytes, bytes taken)."""
    number = 0
    while True:
        line = handle.readline(limit + 2)
        if not line:
            return
        number += 1
        taken = len(line)
        if len(line) == limit + 2 and not line.endswith(b"\n"):
            while not line.endswith(b"\n"):  # too long: skip to its end, holding none of it
                line = handle.readline(READ_CHUNK)
                if not line:
                    break
                taken += len(line)
            yield number, taken - (1 if line.endswith(b"\n") else 0), taken
            continue
        content = line.rstrip(b"\r\n")
        if content.strip():
            yield number, content, taken


def _text_file(path: Path, limit: int) -> Record:
    """A ``.txt`` file is one article, its id the file's name."""
    size = path.stat().st_size
    if size > limit:
        return Record(str(path), 1, codec.too_large(size, limit), size)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return Record(
            str(path), 1, Failed(path.stem, DeadLetterReason.INVALID_UTF8, str(exc)), size
        )
    return Record(str(path), 1, json.dumps({"id": path.stem, "text": text}).encode(), size)


def read_records(paths: list[str], limit: int) -> Iterator[Record]:
    """Every record of the inputs (``-``: stdin), in order."""
    for name in paths or ["-"]:
        if name != "-" and name.endswith(".txt"):
            yield _text_file(Path(name), limit)
            continue
        handle = sys.stdin.buffer if name == "-" else open(name, "rb")  # noqa: SIM115
        try:
            for number, content, taken in _lines(handle, limit):
                if isinstance(content, int):
                    yield Record(name, number, codec.too_large(content, limit), taken)
                else:
                    yield Record(name, number, content, taken)
        finally:
            if handle is not sys.stdin.buffer:
                handle.close()


@dataclass
class Summary:
    records: int = 0
    coded: int = 0
    events: int = 0
    skipped: collections.Counter[str] = field(default_factory=collections.Counter)
    failed: collections.Counter[str] = field(default_factory=collections.Counter)
    seconds: float = 0.0  # in all
    startup_seconds: float = 0.0  # until the extraction processes were ready

    @property
    def steady_rate(self) -> float:
        """Records per second once the processes were ready."""
        coding = self.seconds - self.startup_seconds
        return self.records / coding if coding > 0 else 0.0

    def add(self, outcome: Outcome) -> None:
        self.records += 1
        match outcome:
            case Coded(events=events):
                self.coded += 1
                self.events += len(events)
            case Skipped(reason=reason):
                self.skipped[reason.value] += 1
            case Failed(reason=reason):
                self.failed[reason.value] += 1

    def line(self) -> str:
        def by_reason(counts: collections.Counter[str]) -> str:
            listed = ", ".join(f"{reason} {n}" for reason, n in sorted(counts.items()))
            return f" ({listed})" if listed else ""

        return (
            f"{self.records} records in {self.seconds:.1f} s ({self.steady_rate:.1f}/s after "
            f"a {self.startup_seconds:.1f} s start): "
            f"{self.coded} coded ({self.events} events), "
            f"{self.skipped.total()} skipped{by_reason(self.skipped)}, "
            f"{self.failed.total()} failed{by_reason(self.failed)}"
        )


def describe(record: Record, outcome: Skipped | Failed) -> str:
    """The stderr line for an input that gave no events on purpose or by failure."""
    where = f"{record.source}:{record.line}"
    article = f" article {outcome.article_id}" if outcome.article_id else ""
    if isinstance(outcome, Skipped):
        return f"{where}:{article} skipped: {outcome.reason.value}"
    return f"{where}:{article} failed: {reason(outcome)}"


def reason(failed: Failed) -> str:
    return f"{failed.reason.value}: {failed.error}"


async def run(
    records: Iterator[Record],
    coder: RecordCoder,
    writer: EventWriter,
    say: Callable[[str], None],
    progress: Callable[[Summary, int], None] = lambda summary, size: None,
    window: int = 64,
    window_bytes: int = 32_000_000,
) -> Summary:
    """Code every record, writing events in input order; ``say`` each skipped or failed
    one, ``progress`` after each (the summary so far and the input bytes it took)."""
    loop = asyncio.get_running_loop()
    summary = Summary()
    started = time.perf_counter()
    pending: collections.deque[tuple[Record, asyncio.Future[Outcome]]] = collections.deque()
    pending_bytes = 0

    async def settle_first() -> None:
        nonlocal pending_bytes
        record, future = pending.popleft()
        pending_bytes -= record.size
        outcome = await future
        summary.add(outcome)
        if isinstance(outcome, Coded):
            writer.write(outcome.events)
        else:
            say(describe(record, outcome))
        progress(summary, record.size)

    await coder.start()
    summary.startup_seconds = time.perf_counter() - started
    try:
        # Reading blocks (a slow pipe): in a thread, so that the pool keeps being fed.
        with ThreadPoolExecutor(1, thread_name_prefix="read") as reader:
            while (record := await loop.run_in_executor(reader, next, records, None)) is not None:
                if isinstance(record.value, Failed):
                    future: asyncio.Future[Outcome] = loop.create_future()
                    future.set_result(record.value)
                else:
                    future = asyncio.ensure_future(coder.code(record.value))
                pending.append((record, future))
                pending_bytes += record.size
                while len(pending) >= window or pending_bytes > window_bytes:
                    await settle_first()
            while pending:
                await settle_first()
    finally:
        for _, future in pending:
            future.cancel()
        await coder.stop()
        writer.close()
    summary.seconds = time.perf_counter() - started
    return summary
