"""Stage 1b, a spaCy component: people's names, dates and places, without the statistical
NER model (which costs more than half of the spaCy pipeline's time).

Writes ``doc.ents``:
- DATE: weekdays, months and explicit dates, "yesterday", "last week", "earlier this
  month" (rule patterns; ``event_date`` resolves them);
- PERSON: runs of two or more proper nouns ("Kurt Campbell", "Kim Hong-kyun") once the
  names of countries and organisations and the title words around them are set aside
  ("U.S. Deputy Secretary of State Kurt Campbell" -> "Kurt Campbell"), plus dictionary
  people;
- GPE: countries, capitals and cities from the actor dictionary.
"""

from __future__ import annotations

import bisect
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from service.extraction import tables
from service.extraction.components import names
from service.extraction.components.actor_recognizer import actors_of, agents_of

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = [
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "jan.", "feb.", "aug.", "sept.",
    "sep.", "oct.", "nov.", "dec.",
]  # fmt: skip
_PERIODS = ["week", "month", "year", "weekend"]


def _date_patterns() -> list[list[dict[str, Any]]]:
    day = {"LOWER": {"IN": WEEKDAYS}}
    month = {"LOWER": {"IN": MONTHS}}
    year = {"SHAPE": "dddd"}
    number = {"IS_DIGIT": True}
    return [
        [day],
        [{"LOWER": {"IN": ["yesterday", "today", "tomorrow", "tonight"]}}],
        [
            {"LOWER": {"IN": ["last", "next", "this", "past", "coming"]}},
            {"LOWER": {"IN": _PERIODS}},
        ],
        [{"LOWER": {"IN": ["earlier", "later"]}}, {"LOWER": "this"}, {"LOWER": {"IN": _PERIODS}}],
        [{"LOWER": {"IN": ["last", "next", "this"]}}, day],
        [{"LOWER": {"IN": ["last", "next", "this"]}}, month],
        [month, number, {"TEXT": ",", "OP": "?"}, year],
        [month, number],
        [month, year],
        [month],
        [number, month, year],
        [number, month],
        [{"SHAPE": "dddd-dd-dd"}],
        [year],
    ]


def _person_spans(doc: Doc) -> list[Span]:
    """Name runs minus the country, organisation and title words inside them."""
    entries = tables.actors()
    not_names: set[int] = set()
    people: list[Span] = []
    for span in actors_of(doc):
        entry = entries[int(span.kb_id_)]
        if entry.kind == "actor" and entry.label is not None:
            people.append(Span(doc, span.start, span.end, label="PERSON"))
        else:
            not_names.update(range(span.start, span.end))
    not_titles: set[int] = set()  # the last word of an agent ("Prime Minister", "Chancellor")
    for span in agents_of(doc):
        not_names.update(range(span.start, span.end))
        if span[-1].pos_ == "PROPN":
            not_titles.add(span.end - 1)
    for run in names.name_runs(doc):
        start = None
        for i in range(run.start, run.end + 1):
            named = i < run.end and i not in not_names and not _title_word(doc[i])
            if named and start is None:
                start = i
            elif not named and start is not None:
                # One name after a title is a person too: "President Biden", "Mr. Sullivan".
                titled = start > 0 and (start - 1 in not_titles or _title_word(doc[start - 1]))
                if i - start >= 2 or (titled and doc[start].is_title):
                    people.append(Span(doc, start, i, label="PERSON"))
                start = None
    return people


def _title_word(token: Token) -> bool:
    return token.lower_ in ("mr.", "mrs.", "ms.", "dr.", "sir", "gen.", "lt.", "col.", "sen.")


class EntityRecognizer:
    def __init__(self, nlp: Language) -> None:
        self.dates = Matcher(nlp.vocab)
        self.dates.add("DATE", _date_patterns())

    def __call__(self, doc: Doc) -> Doc:
        entries = tables.actors()
        spans = [Span(doc, s, e, label="DATE") for _, s, e in self.dates(doc)]
        spans += _person_spans(doc)
        spans += [
            Span(doc, s.start, s.end, label="GPE")
            for s in actors_of(doc)
            if entries[int(s.kb_id_)].kind == "country"
        ]
        doc.ents = filter_spans(spans)
        doc.user_data.pop(_ENTS, None)
        return doc


_ENTS = "diplomatic_events.ents"


def ents_of(doc: Doc) -> tuple[Span, ...]:
    """``doc.ents``, built once per doc. spaCy builds every entity span anew on each read,
    and ``Span.ents`` reads them all: read per trigger, that made coding quadratic in the
    length of an article (a 157,000-character repetitive text took 32 s, not 9)."""
    cached: tuple[Span, ...] | None = doc.user_data.get(_ENTS)
    if cached is None:
        cached = doc.user_data[_ENTS] = tuple(doc.ents)
    return cached


def ents_in(span: Span) -> list[Span]:
    """``span.ents`` (the entities within the span) from the doc's entities read once."""
    ents = ents_of(span.doc)
    first = bisect.bisect_left(ents, span.start, key=lambda e: e.start)
    found = []
    for ent in ents[first:]:
        if ent.start >= span.end:
            break
        if ent.end <= span.end:
            found.append(ent)
    return found


@Language.factory("entity_recognizer")
def make_entity_recognizer(nlp: Language, name: str) -> EntityRecognizer:
    return EntityRecognizer(nlp)
