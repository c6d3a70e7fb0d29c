"""Stage 6: PLOVER event type, mode and context for a CAMEO code, plus textual cues.

The CAMEO -> PLOVER crosswalk gives the type and usually the mode; the sentence can add a
mode the code does not carry ("talks by phone" under a plain 040).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span

from service.extraction import tables
from service.models import EventType

_PHONE_CUES = {"phone", "telephone", "video", "videoconference", "teleconference"}
_VISIT_CUES = {"visit", "trip", "tour"}


@dataclass(frozen=True)
class EventClass:
    event_type: EventType
    mode: str | None
    context: list[str]
    cameo_code: str


def classify(cameo_code: str, sentence: Span) -> EventClass:
    entry = tables.cameo()[cameo_code]
    event_type = EventType(entry["event_type"])
    mode = entry["mode"]
    allowed = tables.plover()[event_type.value]["modes"]
    if mode not in allowed:
        mode = None
    if event_type is EventType.CONSULT and mode is None:
        lemmas = {t.lemma_.lower() for t in sentence}
        if lemmas & _PHONE_CUES:
            mode = "phone"
        elif lemmas & _VISIT_CUES:
            mode = "visit"
    return EventClass(event_type, mode, list(entry["context"]), cameo_code)
