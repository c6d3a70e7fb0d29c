"""Stage 6: PLOVER event type, mode and context for a trigger.

Contexts come from the code (the crosswalk's) and from words in the sentence (the
manual's general contexts: "nuclear" is cbrn, "refugees" migration, "court" legal).

The trigger's reading gives the type (and sometimes the mode: "pull out troops" is RETREAT
withdraw); the CAMEO -> PLOVER crosswalk gives mode and context for the code; words in the
sentence then supply a mode the code does not carry ("killed by a roadside bomb":
explosives, "talks by phone": phone). Only modes the PLOVER manual defines are kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span

from service.extraction import tables
from service.extraction.events.event_classifier import Trigger
from service.models import EventType

_PHONE_CUES = {"phone", "telephone", "video", "videoconference", "teleconference", "virtual"}
_VISIT_CUES = {"visit", "trip", "tour", "arrive", "travel", "host", "fly"}


@dataclass(frozen=True)
class EventClass:
    event_type: EventType
    mode: str | None
    context: list[str]
    cameo_code: str


def _cue_mode(event_type: EventType, sentence: Span) -> str | None:
    cues = tables.trigger_lexicon().mode_cues.get(event_type.value)
    if not cues:
        return None
    words = {t.lemma_.lower() for t in sentence} | {t.lower_ for t in sentence}
    for mode, markers in cues.items():  # ordered most specific first in the lexicon
        if words & markers:
            return mode
    return None


def classify(trigger: Trigger, sentence: Span) -> EventClass:
    entry = tables.cameo()[trigger.cameo_code]
    event_type = EventType(trigger.event_type)
    allowed = tables.plover()[event_type.value]["modes"]
    mode = trigger.mode or (entry["mode"] if entry["event_type"] == event_type.value else None)
    if mode not in allowed:
        mode = None
    if mode is None and event_type is EventType.CONSULT:
        lemmas = {t.lemma_.lower() for t in sentence}
        if lemmas & _PHONE_CUES:
            mode = "phone"
        elif lemmas & _VISIT_CUES:
            mode = "visit"
    elif mode is None:
        mode = _cue_mode(event_type, sentence)
    return EventClass(event_type, mode, _contexts(entry["context"], sentence), trigger.cameo_code)


def _contexts(coded: list[str], sentence: Span) -> list[str]:
    """The code's contexts plus those the sentence's words support ("nuclear": cbrn)."""
    words = {t.lemma_.lower() for t in sentence} | {t.lower_ for t in sentence}
    cued = [c for c, cues in tables.trigger_lexicon().context_cues.items() if words & cues]
    return sorted(set(coded) | set(cued))
