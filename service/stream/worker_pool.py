"""Extraction in worker processes, so the event loop keeps consuming and heart-beating
while spaCy works.

Articles are handed over one at a time (``extract``) and wait in a queue; one dispatcher
per process takes what is waiting whenever its process falls idle - up to
``batch_articles`` articles or ``batch_chars`` characters - and codes it in one call.
Under light load a batch is one article and nothing waits for a batch to fill; under
heavy load batches grow and the model's per-call cost is shared. A long article goes
alone, so that it holds up no short one, and with several processes the others carry on
meanwhile.

Processes are started with ``spawn`` (the faust worker runs threads; forking them is
unsafe) and each loads the model once, in ``_init``.
"""

from __future__ import annotations

import asyncio
import collections
import multiprocessing
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from service.models import Article, DiplomaticEvent
from service.stream import metrics

_extractor = None


def _init(model: str) -> None:
    global _extractor
    from service.extraction import EventExtractor

    _extractor = EventExtractor(model)


def _warm() -> str:
    assert _extractor is not None
    return _extractor.info.model


@dataclass(frozen=True)
class Outcome:
    """What coding one article gave: events, or the error that stopped it."""

    article_id: str
    events: list[DiplomaticEvent]
    error: str | None
    seconds: float


def _extract_batch(articles: Sequence[Article]) -> list[Outcome]:
    """In a worker process: the batch through ``extract_many`` (one parser call for all);
    an article that raises is coded again on its own, so it sinks no other."""
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
        events, error = [], f"{type(exc).__name__}: {exc}"[:500]
    return Outcome(article.id, events, error, time.perf_counter() - started)


_Waiting = tuple[Article, "asyncio.Future[Outcome]"]


class ExtractionPool:
    def __init__(
        self, processes: int, model: str, batch_articles: int = 16, batch_chars: int = 30_000
    ) -> None:
        self.processes = processes
        self.model = model
        self.batch_articles = batch_articles
        self.batch_chars = batch_chars
        self._executor: ProcessPoolExecutor | None = None
        self.model_info: str | None = None
        self._started = asyncio.Event()
        self._waiting: collections.deque[_Waiting] = collections.deque()
        self._arrived = asyncio.Event()
        self._dispatchers: list[asyncio.Task[None]] = []

    @property
    def ready(self) -> bool:
        return self._executor is not None and self.model_info is not None

    async def start(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._executor = ProcessPoolExecutor(
            max_workers=self.processes,
            mp_context=context,
            initializer=_init,
            initargs=(self.model,),
        )
        loop = asyncio.get_running_loop()
        # Load the model in every process before declaring the pool ready.
        infos = await asyncio.gather(
            *(loop.run_in_executor(self._executor, _warm) for _ in range(self.processes))
        )
        self.model_info = infos[0]
        self._dispatchers = [asyncio.create_task(self._dispatch()) for _ in range(self.processes)]
        self._started.set()

    async def stop(self) -> None:
        for task in self._dispatchers:
            task.cancel()
        await asyncio.gather(*self._dispatchers, return_exceptions=True)
        self._dispatchers = []
        if self._executor is not None:
            self._started.clear()
            executor, self._executor = self._executor, None
            await asyncio.get_running_loop().run_in_executor(None, executor.shutdown, True)

    async def extract(self, article: Article) -> Outcome:
        """Code one article in a worker process."""
        # faust starts user services after its agents: the first article may have to wait.
        await self._started.wait()
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._waiting.append((article, future))
        self._arrived.set()
        metrics.POOL_QUEUE_DEPTH.inc()
        try:
            return await future
        finally:
            metrics.POOL_QUEUE_DEPTH.dec()

    def _next_batch(self) -> list[_Waiting]:
        batch = [self._waiting.popleft()]
        chars = len(batch[0][0].text)
        while self._waiting and len(batch) < self.batch_articles:
            size = len(self._waiting[0][0].text)
            if chars + size > self.batch_chars:
                break
            batch.append(self._waiting.popleft())
            chars += size
        return batch

    async def _dispatch(self) -> None:
        """One per process: each has at most one batch out, so it starts at once."""
        loop = asyncio.get_running_loop()
        while True:
            while not self._waiting:
                self._arrived.clear()
                await self._arrived.wait()
            batch = self._next_batch()
            batch = [(a, f) for a, f in batch if not f.cancelled()]
            if not batch or self._executor is None:
                continue
            metrics.BATCH_SIZE.observe(len(batch))
            try:
                outcomes = await loop.run_in_executor(
                    self._executor, _extract_batch, [a for a, _ in batch]
                )
            except Exception as exc:  # the process died: every article of the batch fails
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if not future.done():
                    future.set_result(outcome)
