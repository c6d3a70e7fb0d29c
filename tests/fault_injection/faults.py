"""Fault injection for the fault tests (``sitecustomize`` installs it).

No real article makes the coder raise, hang or crash (that would be a bug to fix), so the
tests mark articles instead: text containing one of the markers below makes the real
extraction misbehave in that way, in the real worker processes, on every coding path
(batches, single articles, long articles in slices). Nothing else changes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Generator, Iterable, Iterator

from service.extraction import pipeline
from service.models import Article, DiplomaticEvent

RAISE = "[[fault:raise]]"  # extraction raises (a poison pill)
HANG = "[[fault:hang]]"  # extraction never returns (pathological text)
CRASH = "[[fault:crash]]"  # the extraction process dies (native crash, OOM killer)


def _misbehave(article: Article) -> None:
    if RAISE in article.text:
        raise RuntimeError(f"injected fault in article {article.id}")
    if HANG in article.text:
        while True:
            time.sleep(1)
    if CRASH in article.text:
        os._exit(70)


def install() -> None:
    extractor = pipeline.EventExtractor
    extract_many, extract_in_steps = extractor.extract_many, extractor.extract_in_steps

    def faulty_many(
        self: pipeline.EventExtractor, articles: Iterable[Article]
    ) -> Iterator[list[DiplomaticEvent]]:
        batch = list(articles)
        for article in batch:
            _misbehave(article)
        return extract_many(self, batch)

    def faulty_steps(
        self: pipeline.EventExtractor, article: Article
    ) -> Generator[None, None, list[DiplomaticEvent]]:
        _misbehave(article)  # on the first step, where the real generator would raise
        return (yield from extract_in_steps(self, article))

    extractor.extract_many = faulty_many
    extractor.extract_in_steps = faulty_steps
