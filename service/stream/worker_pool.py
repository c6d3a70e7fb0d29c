"""Extraction in worker processes, fed in batches, so the event loop keeps consuming and
heart-beating while spaCy works.

Processes are started with ``spawn`` (the faust worker runs threads; forking them is
unsafe) and each loads the model once, in ``_init``.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from service.models import Article, DiplomaticEvent

_extractor = None


CHUNKS_PER_PROCESS = 4


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


def _extract_chunk(articles: Sequence[Article]) -> list[Outcome]:
    assert _extractor is not None
    outcomes = []
    for article in articles:
        started = time.perf_counter()
        try:
            events = _extractor.extract(article)
            error = None
        except Exception as exc:  # one bad article must not sink its batch
            events, error = [], f"{type(exc).__name__}: {exc}"[:500]
        outcomes.append(Outcome(article.id, events, error, time.perf_counter() - started))
    return outcomes


class ExtractionPool:
    def __init__(self, processes: int, model: str) -> None:
        self.processes = processes
        self.model = model
        self._executor: ProcessPoolExecutor | None = None
        self.model_info: str | None = None
        self._started = asyncio.Event()

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
        self._started.set()

    async def stop(self) -> None:
        if self._executor is not None:
            self._started.clear()
            executor, self._executor = self._executor, None
            await asyncio.get_running_loop().run_in_executor(None, executor.shutdown, True)

    async def extract(self, articles: Sequence[Article]) -> list[Outcome]:
        """Code a batch over the processes; outcomes in input order. The batch goes out in
        small chunks (about four per process) that idle processes pick up: articles differ
        a lot in length, and equal shares would leave one process waiting on another."""
        # faust starts user services after its agents: the first batch may have to wait.
        await self._started.wait()
        if self._executor is None:
            raise RuntimeError("extraction pool is not running")
        if not articles:
            return []
        size = max(1, -(-len(articles) // (self.processes * CHUNKS_PER_PROCESS)))
        chunks = [list(articles[i : i + size]) for i in range(0, len(articles), size)]
        loop = asyncio.get_running_loop()
        results = await asyncio.gather(
            *(loop.run_in_executor(self._executor, _extract_chunk, c) for c in chunks)
        )
        return [outcome for chunk in results for outcome in chunk]
