"""One process, no Kafka: the plain spaCy full pipeline (the baseline) against the
extraction core, on the same articles; and how the core's cost grows with length."""

from __future__ import annotations

import multiprocessing
import resource
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

import spacy

from service.benchmark.corpus import Corpus
from service.extraction import EventExtractor
from service.extraction.components import numeric_backend
from service.models import Article
from service.outcomes import events_of

_Result = TypeVar("_Result")

# The worker's default batch (settings.batch_size) and a short warm-up.
BATCH = 16
WARM_UP = 20
# Article length buckets, in words, for "how cost grows".
LENGTHS = ((0, 250), (250, 1000), (1000, 5000), (5000, 10**9))


@dataclass
class Run:
    name: str
    articles: int
    sentences: int
    words: int
    events: int
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float

    @property
    def articles_per_s(self) -> float:
        return self.articles / self.seconds

    def as_dict(self) -> dict[str, float | int | str]:
        out: dict[str, float | int | str] = asdict(self)
        out["articles_per_s"] = round(self.articles_per_s, 2)
        out["sentences_per_s"] = round(self.sentences / self.seconds, 1)
        out["words_per_s"] = round(self.words / self.seconds, 1)
        out["events_per_s"] = round(self.events / self.seconds, 1)
        return out


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def in_child(function: Callable[..., _Result], *args: Any) -> _Result:
    """``function(*args)`` in a fresh process: each measurement's peak RSS is its own, and
    no allocator state carries over from the one before."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as child:
        return child.submit(function, *args).result()


def extraction_core(
    model: str, corpus: Corpus, sentences: list[int], batch: int = BATCH
) -> tuple[Run, list[dict[str, float | int | str]]]:
    """The core over the whole corpus, then by article length (one extractor for both)."""
    extractor = EventExtractor(model)
    warm_up(extractor, corpus)
    run = core(extractor, corpus.articles, sum(sentences), corpus.total_words, batch)
    return run, by_length(extractor, corpus, sentences, batch)


def _timed(work: Callable[[], int]) -> tuple[int, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def baseline(model: str, corpus: Corpus, openblas: bool = False) -> tuple[Run, list[int]]:
    """The plain spaCy full pipeline over the corpus; also each article's sentence count.
    ``openblas``: the same pipeline multiplying with the service's BLAS (a reference that
    shows how much of the core's lead is the matrix library)."""
    nlp = numeric_backend.load(lambda: spacy.load(model)) if openblas else spacy.load(model)
    texts = [a.text for a in corpus.articles]
    sentences: list[int] = []

    def work() -> int:
        for doc in nlp.pipe(texts):
            sentences.append(sum(1 for _ in doc.sents))
        return len(sentences)

    _, seconds, cpu = _timed(work)
    run = Run(
        "spaCy full pipeline, OpenBLAS (reference)"
        if openblas
        else "spaCy full pipeline (baseline)",
        len(texts),
        sum(sentences),
        corpus.total_words,
        0,
        seconds,
        cpu,
        _peak_rss_mb(),
    )
    return run, sentences


def warm_up(extractor: EventExtractor, corpus: Corpus, articles: int = WARM_UP) -> None:
    """A few articles first, as a worker has coded some before it is measured: the first
    call loads the classifier and fills the tokenizer's and the lemmatizer's caches."""
    for _ in extractor.code_many(corpus.articles[:articles]):
        pass


def core(
    extractor: EventExtractor,
    articles: list[Article],
    sentences: int,
    words: int,
    batch: int = BATCH,
) -> Run:
    """The extraction core in batches of ``batch`` articles, the most the worker pool
    hands an extraction process in one call (``settings.batch_size``)."""

    def work() -> int:
        return sum(
            len(events_of(outcome))
            for start in range(0, len(articles), batch)
            for outcome in extractor.code_many(articles[start : start + batch])
        )

    events, seconds, cpu = _timed(work)
    return Run(
        "extraction core", len(articles), sentences, words, events, seconds, cpu, _peak_rss_mb()
    )


def by_length(
    extractor: EventExtractor, corpus: Corpus, sentences: list[int], batch: int = BATCH
) -> list[dict[str, float | int | str]]:
    rows = []
    for low, high in LENGTHS:
        picked = [i for i, w in enumerate(corpus.words) if low <= w < high]
        if not picked:
            continue
        run = core(
            extractor,
            [corpus.articles[i] for i in picked],
            sum(sentences[i] for i in picked),
            sum(corpus.words[i] for i in picked),
            batch,
        )
        row = run.as_dict()
        row["name"] = f"{low}-{high if high < 10**9 else ''} words"
        rows.append(row)
    return rows
