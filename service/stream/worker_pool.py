"""Extraction in worker processes, so the event loop keeps consuming and heart-beating
while spaCy works; scheduled so that short articles never queue behind long ones.

Articles are handed over one at a time (``extract``) and wait in one of two queues:
short articles, and long ones (over ``long_chars`` characters). Each process has a
dispatcher that, whenever its process falls idle, gives it
- the short articles waiting, as one batch (up to ``batch_articles`` articles and
  ``batch_chars`` characters): under light load a batch is one article and nothing waits
  for a batch to fill; under heavy load batches grow and the model's per-call cost is
  shared;
- else the next slice (``slice_seconds``) of the long article it is coding
  (``EventExtractor.extract_in_steps`` pauses between stages), or a new long article;
  while short articles keep coming, a long one still gets ``long_share`` of the time the
  short batches take.
So a short article waits at most one slice or one batch, however long the articles ahead
of it, and a long one is never starved.

Each process is its own single-process executor because a long article's state stays in
the process that began it. Processes are started with ``spawn`` (the faust worker runs
threads; forking them is unsafe) and each loads the model once, in ``_init``.
"""

from __future__ import annotations

import asyncio
import collections
import multiprocessing
import os
import time
from collections.abc import Generator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from service.models import Article, DiplomaticEvent
from service.stream import metrics

# --- in the worker processes -------------------------------------------------------------

_extractor = None
_long: tuple[Article, Generator[None, None, list[DiplomaticEvent]], float] | None = None


def _init(model: str) -> None:
    global _extractor
    from service.extraction import EventExtractor

    _extractor = EventExtractor(model)


def _warm() -> tuple[str, int]:
    assert _extractor is not None
    return _extractor.info.model, os.getpid()


@dataclass(frozen=True)
class Outcome:
    """What coding one article gave: events, or the error that stopped it."""

    article_id: str
    events: list[DiplomaticEvent]
    error: str | None
    seconds: float


def _error(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def _extract_batch(articles: Sequence[Article]) -> list[Outcome]:
    """The batch through ``extract_many`` (one parser call for all); an article that
    raises is coded again on its own, so that it sinks no other."""
    assert _extractor is not None
    started = time.perf_counter()
    try:
        coded = list(_extractor.extract_many(articles))
    except Exception:
        return [_extract_one(article) for article in articles]
    # One call for the batch: each article is charged its share by length.
    seconds = time.perf_counter() - started
    total = sum(len(a.text) for a in articles) or 1
    return [
        Outcome(article.id, events, None, seconds * len(article.text) / total)
        for article, events in zip(articles, coded, strict=True)
    ]


def _extract_one(article: Article) -> Outcome:
    assert _extractor is not None
    started = time.perf_counter()
    try:
        events, error = _extractor.extract(article), None
    except Exception as exc:
        events, error = [], _error(exc)
    return Outcome(article.id, events, error, time.perf_counter() - started)


def _begin_long(article: Article, budget: float) -> Outcome | None:
    global _long
    assert _extractor is not None
    _long = (article, _extractor.extract_in_steps(article), 0.0)
    return _continue_long(budget)


def _continue_long(budget: float) -> Outcome | None:
    """Code the long article for about ``budget`` seconds; its outcome once done."""
    global _long
    assert _long is not None
    article, steps, spent = _long
    started = time.perf_counter()
    try:
        while time.perf_counter() - started < budget:
            next(steps)
    except StopIteration as done:
        _long = None
        return Outcome(article.id, done.value, None, spent + time.perf_counter() - started)
    except Exception as exc:
        _long = None
        return Outcome(article.id, [], _error(exc), spent + time.perf_counter() - started)
    _long = (article, steps, spent + time.perf_counter() - started)
    return None


# --- in the worker's event loop ----------------------------------------------------------

_Waiting = tuple[Article, "asyncio.Future[Outcome]"]


class ExtractionPool:
    def __init__(
        self,
        processes: int,
        model: str,
        batch_articles: int = 16,
        batch_chars: int = 30_000,
        long_chars: int = 25_000,
        slice_seconds: float = 0.05,
        long_share: float = 0.5,
    ) -> None:
        self.processes = processes
        self.model = model
        self.batch_articles = batch_articles
        self.batch_chars = batch_chars
        self.long_chars = long_chars
        self.slice_seconds = slice_seconds
        self.long_share = long_share
        self._executors: list[ProcessPoolExecutor] = []
        self.model_info: str | None = None
        self.pids: list[int] = []
        self._started = asyncio.Event()
        self._short: collections.deque[_Waiting] = collections.deque()
        self._long: collections.deque[_Waiting] = collections.deque()
        self._arrived = asyncio.Event()
        self._dispatchers: list[asyncio.Task[None]] = []

    @property
    def ready(self) -> bool:
        return bool(self._executors) and self.model_info is not None

    async def start(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._executors = [
            ProcessPoolExecutor(
                max_workers=1, mp_context=context, initializer=_init, initargs=(self.model,)
            )
            for _ in range(self.processes)
        ]
        loop = asyncio.get_running_loop()
        # Load the model in every process before declaring the pool ready.
        infos = await asyncio.gather(
            *(loop.run_in_executor(executor, _warm) for executor in self._executors)
        )
        self.model_info = infos[0][0]
        self.pids = [pid for _, pid in infos]
        self._dispatchers = [
            asyncio.create_task(self._dispatch(executor)) for executor in self._executors
        ]
        self._started.set()

    async def stop(self) -> None:
        for task in self._dispatchers:
            task.cancel()
        await asyncio.gather(*self._dispatchers, return_exceptions=True)
        self._dispatchers = []
        self.pids = []
        self._started.clear()
        executors, self._executors = self._executors, []
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(None, e.shutdown, True) for e in executors))

    async def extract(self, article: Article) -> Outcome:
        """Code one article in a worker process."""
        # faust starts user services after its agents: the first article may have to wait.
        await self._started.wait()
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        queue = self._long if len(article.text) > self.long_chars else self._short
        queue.append((article, future))
        self._arrived.set()
        metrics.POOL_QUEUE_DEPTH.inc()
        try:
            return await future
        finally:
            metrics.POOL_QUEUE_DEPTH.dec()

    def _short_batch(self) -> list[_Waiting]:
        batch = [self._short.popleft()]
        chars = len(batch[0][0].text)
        while self._short and len(batch) < self.batch_articles:
            size = len(self._short[0][0].text)
            if chars + size > self.batch_chars:
                break
            batch.append(self._short.popleft())
            chars += size
        return [(a, f) for a, f in batch if not f.cancelled()]

    async def _dispatch(self, executor: ProcessPoolExecutor) -> None:
        """Feeds one process: short batches first, slices of its long article between;
        while both wait, the long article is owed ``long_share`` of the time the short
        batches take, so that under full load long articles move on too (and do not all
        pile up at the end, one process coding the last while the others idle)."""
        current: asyncio.Future[Outcome] | None = None  # the long article in this process
        owed = 0.0  # seconds of process time owed to the long article
        while True:
            long_waiting = current is not None or bool(self._long)
            started = time.perf_counter()
            if self._short and not (long_waiting and owed >= self.slice_seconds):
                await self._code_short(executor, self._short_batch())
                if long_waiting:
                    owed += self.long_share * (time.perf_counter() - started)
            elif long_waiting:
                current = await self._code_long(executor, current)
                owed = max(0.0, owed - (time.perf_counter() - started))
            else:
                owed = 0.0
                self._arrived.clear()
                await self._arrived.wait()

    async def _code_short(self, executor: ProcessPoolExecutor, batch: list[_Waiting]) -> None:
        if not batch:
            return
        metrics.BATCH_SIZE.observe(len(batch))
        loop = asyncio.get_running_loop()
        try:
            outcomes = await loop.run_in_executor(executor, _extract_batch, [a for a, _ in batch])
        except Exception as exc:  # the process died: the batch fails
            for _, future in batch:
                _fail(future, exc)
            return
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            _settle(future, outcome)

    async def _code_long(
        self, executor: ProcessPoolExecutor, current: asyncio.Future[Outcome] | None
    ) -> asyncio.Future[Outcome] | None:
        """One slice of the process's long article (begun from the queue if it has none);
        the article's future while it is unfinished, else None."""
        loop = asyncio.get_running_loop()
        if current is None:
            article, current = self._long.popleft()
            metrics.BATCH_SIZE.observe(1)
            call = loop.run_in_executor(executor, _begin_long, article, self.slice_seconds)
        else:
            call = loop.run_in_executor(executor, _continue_long, self.slice_seconds)
        try:
            outcome = await call
        except Exception as exc:  # the process died: the article fails
            _fail(current, exc)
            return None
        if outcome is None:
            return current
        _settle(current, outcome)
        return None


def _settle(future: asyncio.Future[Outcome], outcome: Outcome) -> None:
    if not future.done():
        future.set_result(outcome)


def _fail(future: asyncio.Future[Outcome], exc: Exception) -> None:
    if not future.done():
        future.set_exception(exc)
