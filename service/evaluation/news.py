"""The real-news corpus: whole openly licensed articles, annotated sentence by sentence.

``service/data/news/articles.jsonl`` holds the articles (built by
``scripts/build_news_corpus.py``): text, provenance, licence, split and sentence offsets.
``service/data/news/annotations/primary/*.jsonl`` holds one annotation per sentence, written
by reading the sentence against the PLOVER 2.0 manual and ``service/data/eval/GUIDELINES.md``
(never by correcting the coder's output); ``annotations/second/`` holds an independent
second annotation of a sample, for agreement. ``FROZEN`` fixes the test split: the digest of
its articles and annotations, written once before any tuning (``freeze``) and checked by a
test, so that nothing is tuned on it unseen.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import pycountry
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from service.extraction import tables
from service.models import EventType, Modality

NEWS_CORPUS = Path(__file__).resolve().parent.parent / "data" / "news"
Split = Literal["train", "dev", "test"]
SECTORS = frozenset(
    [
        "GOV",
        "MIL",
        "COP",
        "JUD",
        "LEG",
        "OPP",
        "REB",
        "CVL",
        "BUS",
        "MED",
        "EDU",
        "LAB",
        "REF",
        "SPY",
        "CRM",
        "HLH",
        "REL",
        "ELI",
        "AGR",
        "ENV",
    ]
)
DatePrecisionName = Literal["day", "week", "month", "year"]


def _codes() -> frozenset[str]:
    countries = {country.alpha_3 for country in pycountry.countries} | {"XKX"}  # Kosovo
    return frozenset(set(tables.organisations()) | countries)


class Participant(BaseModel):
    """An actor, recipient or third party: the mention and what it stands for."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    text: str | None = Field(
        description="The mention as written in the sentence; null when the participant is "
        "only implied (named elsewhere in the article)."
    )
    code: str = Field(description="ISO 3166-1 alpha-3 country code or organisation code.")
    sector: str | None = None

    @field_validator("sector")
    @classmethod
    def _known_sector(cls, value: str | None) -> str | None:
        if value is not None and value not in SECTORS:
            raise ValueError(f"unknown sector {value!r}")
        return value


class PlaceRef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    text: str = Field(description="The place as written in the sentence.")
    country: str | None = Field(description="ISO 3166-1 alpha-3 of the country it lies in.")


class GoldNewsEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    type: EventType
    mode: str | None = None
    trigger: str = Field(description="The word(s) of the sentence that express the event.")
    actor: Participant
    recipient: Participant | None = None
    third_parties: tuple[Participant, ...] = ()
    two_sided: bool = False
    modality: Modality = Modality.ASSERTED
    event_date: date | None = None
    date_precision: DatePrecisionName | None = None
    location: PlaceRef | None = None
    key: bool = Field(default=False, description="One of the article's main events.")

    @model_validator(mode="after")
    def _consistent(self) -> GoldNewsEvent:
        modes = tables.plover()[self.type.value]["modes"]
        if self.mode is not None and self.mode not in modes:
            raise ValueError(
                f"{self.type.value} has no mode {self.mode!r} (modes: {sorted(modes)})"
            )
        if (self.event_date is None) != (self.date_precision is None):
            raise ValueError("event_date and date_precision are given together or not at all")
        if self.two_sided and self.recipient is None:
            raise ValueError("a two-sided event names both sides: actor and recipient")
        return self


class SentenceAnnotation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    sentence: str = Field(description="Sentence id: '<article id>#<index>'.")
    events: tuple[GoldNewsEvent, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class NewsSentence:
    id: str
    article_id: str
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class NewsArticle:
    id: str
    title: str | None
    published_at: date | None
    url: str | None
    source: str | None
    license: str | None
    split: Split
    text: str
    sentences: tuple[NewsSentence, ...]


def load_articles(folder: Path = NEWS_CORPUS) -> list[NewsArticle]:
    articles = []
    for line in (folder / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        text = record["text"]
        sentences = tuple(
            NewsSentence(f"{record['id']}#{i}", record["id"], i, s, e, text[s:e])
            for i, (s, e) in enumerate(record["sentences"])
        )
        published = record.get("published_at")
        articles.append(
            NewsArticle(
                id=record["id"],
                title=record.get("title"),
                published_at=date.fromisoformat(published[:10]) if published else None,
                url=record.get("url"),
                source=record.get("source"),
                license=record.get("license"),
                split=record["split"],
                text=text,
                sentences=sentences,
            )
        )
    return articles


def read_annotations(paths: Iterable[Path]) -> Iterator[SentenceAnnotation]:
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    yield SentenceAnnotation.model_validate_json(line)
                except ValueError as error:
                    raise ValueError(f"{path}:{number}: {error}") from error


def load_annotations(
    annotator: str = "primary", folder: Path = NEWS_CORPUS
) -> dict[str, SentenceAnnotation]:
    found: dict[str, SentenceAnnotation] = {}
    for annotation in read_annotations(
        sorted((folder / "annotations" / annotator).glob("*.jsonl"))
    ):
        if annotation.sentence in found:
            raise ValueError(f"{annotation.sentence} is annotated twice by {annotator}")
        found[annotation.sentence] = annotation
    return found


def problems(
    annotation: SentenceAnnotation, sentence: NewsSentence, codes: frozenset[str]
) -> list[str]:
    """What is wrong with one annotation beyond its shape: spans not in the sentence,
    unknown codes."""
    found = []

    def check_span(what: str, span: str | None) -> None:
        if span is not None and span not in sentence.text:
            found.append(f"{what} {span!r} is not in the sentence")

    def check_code(what: str, code: str | None) -> None:
        if code is not None and code not in codes:
            found.append(f"{what} code {code!r} is neither ISO alpha-3 nor an organisation code")

    for number, event in enumerate(annotation.events, 1):
        check_span(f"event {number} trigger", event.trigger)
        participants = [("actor", event.actor)] + (
            [("recipient", event.recipient)] if event.recipient else []
        )
        participants += [("third party", p) for p in event.third_parties]
        for role, participant in participants:
            check_span(f"event {number} {role}", participant.text)
            check_code(f"event {number} {role}", participant.code)
        if event.location is not None:
            check_span(f"event {number} location", event.location.text)
            check_code(f"event {number} location", event.location.country)
    return found


def check(annotations: Iterable[SentenceAnnotation], articles: list[NewsArticle]) -> list[str]:
    sentences = {s.id: s for a in articles for s in a.sentences}
    codes = _codes()
    found = []
    for annotation in annotations:
        sentence = sentences.get(annotation.sentence)
        if sentence is None:
            found.append(f"{annotation.sentence}: no such sentence")
            continue
        found += [f"{annotation.sentence}: {p}" for p in problems(annotation, sentence, codes)]
    return found


def test_digest(folder: Path = NEWS_CORPUS) -> str:
    """Digest of the frozen test split: its articles (text and sentence offsets) and their
    primary annotations, in a canonical order."""
    digest = hashlib.sha256()
    test_articles = [a for a in load_articles(folder) if a.split == "test"]
    annotations = load_annotations("primary", folder)
    for article in sorted(test_articles, key=lambda a: a.id):
        digest.update(json.dumps([article.id, article.text]).encode())
        for sentence in article.sentences:
            digest.update(json.dumps([sentence.id, sentence.start, sentence.end]).encode())
            annotation = annotations.get(sentence.id)
            if annotation is not None:
                digest.update(annotation.model_dump_json().encode())
    return digest.hexdigest()
