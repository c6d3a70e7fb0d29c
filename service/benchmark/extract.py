"""``extract`` by worker count: the batch path (``service.batch``, as the command runs it)
over the corpus, its start-up and its steady-state rate measured apart."""

from __future__ import annotations

import asyncio
from typing import Any

from service import batch
from service.coding import RecordCoder
from service.models import Article, DiplomaticEvent
from service.settings import Settings

PASSES = 2  # the corpus twice: a steadier rate, less of it the last long article alone


class _Discard:
    def write(self, events: list[DiplomaticEvent]) -> None:
        pass

    def close(self) -> None:
        pass


def run(articles: list[Article], workers: int, settings: Settings) -> dict[str, Any]:
    values = [a.model_dump_json(exclude_none=True).encode() for a in articles] * PASSES
    records = (batch.Record("bench", n, v, len(v)) for n, v in enumerate(values, 1))
    coder = RecordCoder.from_settings(settings, workers)
    summary = asyncio.run(batch.run(records, coder, _Discard(), say=lambda line: None))
    return {
        "workers": workers,
        "records": summary.records,
        "events": summary.events,
        "startup_s": round(summary.startup_seconds, 2),
        "seconds": round(summary.seconds, 2),
        "articles_per_s_steady": round(summary.steady_rate, 2),
    }
