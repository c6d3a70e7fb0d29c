"""The benchmark corpus: real news with its attribution (``bench/corpus/``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from service.models import Article

DEFAULT_CORPUS = Path("bench/corpus/news-mix.jsonl")


@dataclass(frozen=True)
class Corpus:
    articles: list[Article]
    words: list[int]

    @property
    def total_words(self) -> int:
        return sum(self.words)


def load(path: Path = DEFAULT_CORPUS, limit: int = 0) -> Corpus:
    articles = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            articles.append(
                Article(
                    id=record["id"],
                    text=record["text"],
                    title=record.get("title"),
                    url=record.get("url"),
                    source=record.get("source"),
                    published_at=record.get("published_at"),
                )
            )
    if limit:
        articles = articles[:limit]
    return Corpus(articles, [len(a.text.split()) for a in articles])
