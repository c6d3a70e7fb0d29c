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
  (``EventExtractor.code_in_steps`` pauses between stages), or a new long article;
  while short articles keep coming, a long one still gets ``long_share`` of the time the
  short batches take.
So a short article waits at most one slice or one batch, however long the articles ahead
of it, and a long one is never starved.

Faults stay with the article that caused them. A call that outlives ``timeout`` seconds
(pathological text) or whose process dies (a crash in native code, the OOM killer) costs
that process: it is killed and replaced by a fresh one. A batch that failed so is coded
again article by article, so only the culprit fails; an article that fails alone, or a
long article whose coding time passes ``timeout``, comes back ``Failed``, and the stream
goes on.

Each process is its own single-process executor because a long article's state stays in
the process that began it. Processes are started with ``spawn`` (the faust worker runs
threads; forking them is unsafe) and each makes its extractor once, in ``_init``, with
the factory the pool was given (``ExtractorFactory``).
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import ctypes
import functools
import importlib
import logging
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from typing import Any, Protocol, TypeVar

from service import heap
from service.models import Article, Extractor
from service.outcomes import Coded, DeadLetterReason, Failed, Outcome, Skipped, describe
from service.settings import Settings, get_settings
from service.stream import metrics

log = logging.getLogger(__name__)

# --- in the worker processes -------------------------------------------------------------


class ArticleCoder(Protocol):
    """What the pool needs of an extractor (``EventExtractor``)."""

    info: Extractor

    def code_many(self, articles: Iterable[Article]) -> Iterator[Coded | Skipped]: ...

    def code_in_steps(self, article: Article) -> Generator[None, None, Coded | Skipped]: ...


@dataclass(frozen=True)
class ExtractorFactory:
    """Makes the extractor in each extraction process: ``target`` (``module:attribute``)
    called with the model's name. Plain data, so that it pickles to a spawned process
    without the worker's own process importing spaCy; tests name a faulty extractor."""

    model: str
    target: str = "service.extraction:EventExtractor"

    def __call__(self) -> ArticleCoder:
        module, _, name = self.target.partition(":")
        coder: ArticleCoder = getattr(importlib.import_module(module), name)(self.model)
        return coder


_extractor: ArticleCoder | None = None
_long: tuple[Article, Generator[None, None, Coded | Skipped], float] | None = None


def _init(make_extractor: Callable[[], ArticleCoder]) -> None:
    global _extractor
    # The worker owns these processes' lifetime: a Ctrl-C or a SIGTERM sent to the whole
    # process group must not kill the batches at work while the worker drains them...
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # ...and they must not outlive it when it is killed outright (Linux: PR_SET_PDEATHSIG).
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    # Its imports too load for good: the collector runs rarely meanwhile (``heap``).
    with heap.loading():
        _extractor = make_extractor()


def _warm() -> tuple[str, int]:
    assert _extractor is not None
    return _extractor.info.model, os.getpid()


def _code_batch(articles: Sequence[Article]) -> list[Outcome]:
    """The batch in one call of the extractor (one parser call for all); when it raises,
    each article again on its own, so that the culprit sinks no other."""
    assert _extractor is not None
    try:
        return list(_extractor.code_many(articles))
    except Exception:
        return [_code_one(article) for article in articles]


def _code_one(article: Article) -> Outcome:
    assert _extractor is not None
    started = time.perf_counter()
    try:
        return next(_extractor.code_many([article]))
    except Exception as exc:
        return Failed.raised(article.id, exc, time.perf_counter() - started)


def _begin_long(article: Article, budget: float, limit: float) -> Outcome | None:
    global _long
    assert _extractor is not None
    _long = (article, _extractor.code_in_steps(article), 0.0)
    return _continue_long(budget, limit)


def _continue_long(budget: float, limit: float) -> Outcome | None:
    """Code the long article for about ``budget`` seconds; its outcome once done, or once
    its coding has taken ``limit`` seconds in all."""
    global _long
    assert _long is not None
    article, steps, spent = _long
    started = time.perf_counter()
    try:
        while time.perf_counter() - started < budget:
            next(steps)
    except StopIteration as done:
        _long = None
        outcome: Coded | Skipped = done.value
        return replace(outcome, seconds=spent + time.perf_counter() - started)
    except Exception as exc:
        _long = None
        return Failed.raised(article.id, exc, spent + time.perf_counter() - started)
    spent += time.perf_counter() - started
    if spent >= limit:
        _long = None
        steps.close()
        return Failed(article.id, DeadLetterReason.EXTRACTION_TIMEOUT, _overran(limit), spent)
    _long = (article, steps, spent)
    return None


def _overran(limit: float) -> str:
    return f"coding took over the {limit:g} s limit per article"


# --- in the worker's event loop ----------------------------------------------------------

_Waiting = tuple[Article, "asyncio.Future[Outcome]"]
_Launched = tuple[ProcessPoolExecutor, "concurrent.futures.Future[tuple[str, int]]"]
_Result = TypeVar("_Result")


@dataclass
class _Process:
    """One extraction process: its own executor, so that its state (a long article under
    way) stays with it, and it can be replaced alone."""

    executor: ProcessPoolExecutor
    pid: int


class _Lost(Exception):
    """A call failed: it raised, or its process was killed (timeout) or died and has been
    replaced."""

    def __init__(self, reason: DeadLetterReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class ExtractionPool:
    def __init__(
        self,
        processes: int,
        make_extractor: Callable[[], ArticleCoder],
        batch_articles: int = 16,
        batch_chars: int = 30_000,
        long_chars: int = 25_000,
        slice_seconds: float = 0.05,
        long_share: float = 0.5,
        timeout: float = 60.0,
    ) -> None:
        self.processes = processes
        self.make_extractor = make_extractor
        self.batch_articles = batch_articles
        self.batch_chars = batch_chars
        self.long_chars = long_chars
        self.slice_seconds = slice_seconds
        self.long_share = long_share
        self.timeout = timeout
        self._processes: list[_Process] = []
        self._launched: list[_Launched] = []
        self._generations = [0] * processes  # replacements of each process
        self.model_info: str | None = None
        self._started = asyncio.Event()
        self._short: collections.deque[_Waiting] = collections.deque()
        self._long: collections.deque[_Waiting] = collections.deque()
        self._arrived = asyncio.Event()
        self._dispatchers: list[asyncio.Task[None]] = []

    @classmethod
    def from_settings(cls, settings: Settings, processes: int | None = None) -> ExtractionPool:
        """The pool as configured: the worker's, and ``extract``'s with its own count."""
        return cls(
            settings.worker_processes if processes is None else processes,
            ExtractorFactory(settings.model, settings.extractor),
            batch_articles=settings.batch_size,
            batch_chars=settings.batch_chars,
            long_chars=settings.long_article_chars,
            slice_seconds=settings.slice_seconds,
            timeout=settings.article_timeout_seconds,
        )

    @property
    def ready(self) -> bool:
        return bool(self._processes) and self.model_info is not None

    @property
    def alive(self) -> bool:
        """Every process has its dispatcher (one that died would leave articles waiting
        for ever: the worker must then be restarted)."""
        return not any(task.done() for task in self._dispatchers)

    @property
    def pids(self) -> list[int]:
        return [process.pid for process in self._processes]

    def _launch_one(self) -> _Launched:
        """A new process, making its extractor from now on (``_warm`` answers once it has)."""
        executor = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init,
            initargs=(self.make_extractor,),
        )
        return executor, executor.submit(_warm)

    async def _ready(self, launched: _Launched) -> _Process:
        executor, warm = launched
        model, pid = await asyncio.wrap_future(warm)
        self.model_info = model
        return _Process(executor, pid)

    async def _spawn(self) -> _Process:
        return await self._ready(self._launch_one())

    def launch(self) -> None:
        """Start the processes now, so that they load the model while the caller goes on
        starting up (the worker: its topics, consumer and producer); ``start`` waits for
        them."""
        if not self._launched:
            self._launched = [self._launch_one() for _ in range(self.processes)]

    async def start(self) -> None:
        self.launch()
        launched, self._launched = self._launched, []
        self._processes = list(await asyncio.gather(*(self._ready(one) for one in launched)))
        self._dispatchers = [
            asyncio.create_task(self._dispatch(slot)) for slot in range(self.processes)
        ]
        self._started.set()

    async def stop(self) -> None:
        for task in self._dispatchers:
            task.cancel()
        await asyncio.gather(*self._dispatchers, return_exceptions=True)
        self._dispatchers = []
        self._started.clear()
        processes, self._processes = self._processes, []
        await asyncio.gather(*(self._shut(process) for process in processes))

    async def _shut(self, process: _Process, grace: float = 5.0) -> None:
        """Lets the process finish its call and exit; one stuck in a call (it ignores
        SIGTERM) is killed after ``grace`` seconds, so that the worker always exits."""
        loop = asyncio.get_running_loop()
        try:
            await asyncio.wait_for(
                loop.run_in_executor(None, process.executor.shutdown, True), grace
            )
        except TimeoutError:
            log.warning("extraction process (pid %d) still busy at shutdown: killed", process.pid)
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGKILL)

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
            outcome = await future
        finally:
            metrics.POOL_QUEUE_DEPTH.dec()
        metrics.EXTRACTION_SECONDS.observe(outcome.seconds)
        return outcome

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

    async def _dispatch(self, slot: int) -> None:
        """Feeds one process: short batches first, slices of its long article between;
        while both wait, the long article is owed ``long_share`` of the time the short
        batches take, so that under full load long articles move on too (and do not all
        pile up at the end, one process coding the last while the others idle)."""
        current: _Waiting | None = None  # the long article in this process
        began_in = 0  # the process generation that holds its state
        owed = 0.0  # seconds of process time owed to the long article
        while True:
            long_waiting = current is not None or bool(self._long)
            started = time.perf_counter()
            if self._short and not (long_waiting and owed >= self.slice_seconds):
                await self._code_short(slot, self._short_batch())
                if long_waiting:
                    owed += self.long_share * (time.perf_counter() - started)
            elif long_waiting:
                # Begun afresh when new, or when its process was replaced meanwhile (a short
                # batch overran): its state went with the old process.
                begin = current is None or began_in != self._generations[slot]
                current = current or self._long.popleft()
                began_in = self._generations[slot]
                current = await self._code_long(slot, current, begin)
                owed = max(0.0, owed - (time.perf_counter() - started))
            else:
                owed = 0.0
                self._arrived.clear()
                await self._arrived.wait()

    async def _call(self, slot: int, function: Callable[..., _Result], *args: Any) -> _Result:
        """``function(*args)`` in the slot's process, within the time limit. ``_Lost`` when
        it fails: a call that overruns, or whose process dies, costs the process, which is
        replaced first; an exception raised in the process leaves it as it is."""
        process = self._processes[slot]
        call = asyncio.get_running_loop().run_in_executor(process.executor, function, *args)
        try:
            return await asyncio.wait_for(call, self.timeout)
        except TimeoutError:
            reason, detail, cause = (
                DeadLetterReason.EXTRACTION_TIMEOUT,
                _overran(self.timeout) + "; its extraction process was replaced",
                "timeout",
            )
        except BrokenProcessPool:
            reason, detail, cause = (
                DeadLetterReason.EXTRACTION_ERROR,
                "the extraction process died while coding it; it was replaced",
                "crash",
            )
        except Exception as exc:  # raised in the process, which is fine: keep it
            raise _Lost(DeadLetterReason.EXTRACTION_ERROR, describe(exc)) from exc
        log.warning("extraction process %d (pid %d): %s", slot, process.pid, cause)
        await self._replace(slot, cause)
        raise _Lost(reason, detail)

    async def _replace(self, slot: int, cause: str) -> None:
        metrics.POOL_RESTARTS.labels(cause=cause).inc()
        old = self._processes[slot]
        self._generations[slot] += 1
        with contextlib.suppress(ProcessLookupError):  # unless it died by itself
            os.kill(old.pid, signal.SIGKILL)
        old.executor.shutdown(wait=False, cancel_futures=True)
        while True:
            try:
                self._processes[slot] = await self._spawn()
                break
            except Exception:
                log.exception("extraction process %d could not be restarted; retrying", slot)
                await asyncio.sleep(5)
        log.info("extraction process %d replaced (pid %d)", slot, self._processes[slot].pid)

    async def _code_short(self, slot: int, batch: list[_Waiting]) -> None:
        if not batch:
            return
        metrics.BATCH_SIZE.observe(len(batch))
        started = time.perf_counter()
        try:
            outcomes = await self._call(slot, _code_batch, [a for a, _ in batch])
        except _Lost as lost:
            if len(batch) > 1:
                # One of them is the cause, not all: each again on its own.
                for waiting in batch:
                    await self._code_short(slot, [waiting])
                return
            (article, future), seconds = batch[0], time.perf_counter() - started
            _settle(future, Failed(article.id, lost.reason, lost.detail, seconds))
            return
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            _settle(future, outcome)

    async def _code_long(self, slot: int, current: _Waiting, begin: bool) -> _Waiting | None:
        """One slice of the process's long article (``begin``: its first); the article
        while it is unfinished, else None."""
        article, future = current
        started = time.perf_counter()
        try:
            if begin:
                metrics.BATCH_SIZE.observe(1)
                outcome = await self._call(
                    slot, _begin_long, article, self.slice_seconds, self.timeout
                )
            else:
                outcome = await self._call(slot, _continue_long, self.slice_seconds, self.timeout)
        except _Lost as lost:
            seconds = time.perf_counter() - started
            _settle(future, Failed(article.id, lost.reason, lost.detail, seconds))
            return None
        if outcome is None:
            return current
        _settle(future, outcome)
        return None


@functools.cache
def for_worker() -> ExtractionPool:
    """The worker's pool, made once from its settings (as ``get_settings``): the worker
    command launches it before it imports faust, so that its processes load the model
    while the worker starts, and the faust app takes it."""
    return ExtractionPool.from_settings(get_settings())


def _settle(future: asyncio.Future[Outcome], outcome: Outcome) -> None:
    if not future.done():
        future.set_result(outcome)
