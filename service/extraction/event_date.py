"""Stage 7: the date an event happened (or will), resolved against publication time.

Only DATE entities in the event's sentence are read; relative expressions ("on Friday",
"last month") need the article's ``published_at`` and give null without it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import dateparser
from spacy.tokens import Span

from service.models import Modality

_HAS_YEAR = re.compile(r"\b(1[89]|20)\d\d\b")
_WEEKDAY = re.compile(
    r"^(on )?(last |this )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)$",
    re.IGNORECASE,
)
_VAGUE = re.compile(r"\b(years?|decades?|centur(y|ies)|recent|past|ago)\b", re.IGNORECASE)


def resolve(sentence: Span, published: date | None, modality: Modality) -> date | None:
    for ent in sentence.ents:
        if ent.label_ != "DATE":
            continue
        text = ent.text
        if _VAGUE.search(text) and not _HAS_YEAR.search(text):
            continue
        if published is None and not _HAS_YEAR.search(text):
            continue
        settings: dict[str, object] = {
            "PREFER_DATES_FROM": "future" if modality is Modality.ANTICIPATED else "past",
            "RETURN_AS_TIMEZONE_AWARE": False,
        }
        if published is not None:
            base = datetime(published.year, published.month, published.day)
            if _WEEKDAY.match(text.strip()) and modality is not Modality.ANTICIPATED:
                # "on Monday" in Monday's paper is that day, not a week before.
                base += timedelta(days=1)
            settings["RELATIVE_BASE"] = base
        parsed = dateparser.parse(text, languages=["en"], settings=settings)
        if parsed is not None:
            return parsed.date()
    return None
