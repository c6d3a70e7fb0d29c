"""Stage 7: the date an event happened (or will), resolved against publication time.

Reads the DATE entities of the event's own clause - "met on Friday", but not "officials
said on Friday" - and resolves relative ones ("yesterday", "earlier this week", "last
month") against the article's ``published_at``, with how precise the text is: a day, a
week (given as its Monday) or a month (its first day). Null without a usable expression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateparser.date import DateDataParser
from spacy.tokens import Span, Token

from service.extraction.components.entity_recognizer import ents_in
from service.extraction.events.event_classifier import REPORTING_VERBS, Trigger
from service.models import DatePrecision, Modality

_HAS_YEAR = re.compile(r"\b(1[89]|20)\d\d\b")
_WEEKDAY = re.compile(
    r"^(on )?(last |this )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)$",
    re.IGNORECASE,
)
_THIS_WEEK = re.compile(r"\b(earlier|later) this week\b|\bthis week\b", re.IGNORECASE)
_VAGUE = re.compile(r"\b(years?|decades?|centur(y|ies)|recent|past|ago|days)\b", re.IGNORECASE)
_PRECISIONS: dict[str, DatePrecision] = {p: p for p in ("day", "week", "month", "year")}


@dataclass(frozen=True)
class EventDate:
    day: date | None
    precision: DatePrecision | None


UNKNOWN = EventDate(None, None)


def _governing_verb(token: Token) -> Token | None:
    """The verb a date phrase hangs on (through prepositions and nouns)."""
    current = token
    for _ in range(6):
        # "according to" is a preposition, whatever its tag says.
        is_verb = current.pos_ in ("VERB", "AUX") and current.lower_ != "according"
        if is_verb and current is not token:
            return current
        if current.head is current:
            return current if current.pos_ in ("VERB", "AUX") else None
        current = current.head
    return None


def _event_dates(sentence: Span, trigger: Trigger) -> list[Span]:
    anchors = {trigger.token.i}
    if trigger.light_verb is not None:
        anchors.add(trigger.light_verb.i)
    if trigger.nominal and trigger.token.head.pos_ in ("VERB", "AUX"):
        anchors.add(trigger.token.head.i)
    ours, elsewhere = [], []
    for ent in ents_in(sentence):
        if ent.label_ != "DATE":
            continue
        verb = _governing_verb(ent.root)
        if verb is not None and verb.i in anchors:
            ours.append(ent)
        elif trigger.nominal and ent.root.head.i == trigger.token.i:
            ours.append(ent)  # "Putin's visit on June 18"
        elif verb is None or verb.lemma_.lower() not in REPORTING_VERBS:
            elsewhere.append(ent)
    # A date tied to another verb of the sentence may still date this event ("arrived on
    # Monday and met ..."); a date tied to "said" dates the statement, not the event; a
    # named event ("held a call on Friday to discuss Putin's visit") has its own dates.
    if trigger.nominal:
        return ours
    return ours or elsewhere


def resolve(
    sentence: Span, trigger: Trigger, published: date | None, modality: Modality
) -> EventDate:
    for ent in _event_dates(sentence, trigger):
        found = parse(ent.text, published, modality)
        if found.day is not None:
            return found
    return UNKNOWN


def parse(text: str, published: date | None, modality: Modality) -> EventDate:
    """One date expression, against the publication date."""
    text = text.strip()
    if _VAGUE.search(text) and not _HAS_YEAR.search(text):
        return UNKNOWN
    if published is None and not _HAS_YEAR.search(text):
        return UNKNOWN
    if published is not None and _THIS_WEEK.search(text):
        return EventDate(published - timedelta(days=published.weekday()), "week")
    settings: dict[str, object] = {
        "PREFER_DATES_FROM": "future" if modality is Modality.ANTICIPATED else "past",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    if published is not None:
        base = datetime(published.year, published.month, published.day)
        if _WEEKDAY.match(text) and modality is not Modality.ANTICIPATED:
            # "on Monday" in Monday's paper is that day, not a week before.
            base += timedelta(days=1)
        settings["RELATIVE_BASE"] = base
    data = DateDataParser(languages=["en"], settings=settings).get_date_data(text)
    if data.date_obj is None:
        return UNKNOWN
    day = data.date_obj.date()
    precision: DatePrecision = "day"
    if data.period in _PRECISIONS:
        precision = _PRECISIONS[data.period]
    if precision == "week":
        day -= timedelta(days=day.weekday())
    elif precision == "month":
        day = day.replace(day=1)
    elif precision == "year":
        day = day.replace(month=1, day=1)
    return EventDate(day, precision)
