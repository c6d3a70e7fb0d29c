"""Stage 8: where an event took place, and what that says about a meeting.

The place is one named with "in"/"at" in the event's sentence, or, for a visit, the host
country. A meeting in one side's country is a visit (PLOVER CONSULT visit: the visitor is
the actor, the host the recipient): "Biden met Kishida in Washington" is Japan visiting.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from spacy.tokens import Span

from service.extraction.components.entity_recognizer import ents_in
from service.extraction.events.event_mode import EventClass
from service.extraction.participants import actor_resolver
from service.extraction.participants.actor_resolver import ResolvedActor
from service.models import EventType, Location

_PLACE_PREPS = {"in", "at"}


def place_named(sentence: Span, on: date | None) -> Location | None:
    for ent in ents_in(sentence):
        if ent.label_ not in ("GPE", "LOC", "FAC"):
            continue
        if ent.root.head.lower_ not in _PLACE_PREPS or ent.root.dep_ != "pobj":
            continue
        places = actor_resolver.resolve(ent.root, on)
        return Location(
            name=ent.text,
            country=places[0].country if places else None,
            start=ent.start_char,
            end=ent.end_char,
        )
    return None


def locate(
    place: Location | None, mode: str | None, recipient: ResolvedActor | None
) -> Location | None:
    if place is not None:
        return place
    if mode == "visit" and recipient is not None and recipient.country:
        name = actor_resolver.display_name(recipient.country) or recipient.country
        return Location(name=name, country=recipient.country)
    return None


def as_visit(
    event: EventClass,
    actors: list[ResolvedActor],
    recipients: list[ResolvedActor],
    place: Location | None,
) -> tuple[EventClass, list[ResolvedActor], list[ResolvedActor]]:
    """A meeting held in one side's country: that side hosts, the others visit."""
    if event.event_type is not EventType.CONSULT or event.mode is not None:
        return event, actors, recipients
    if place is None or place.country is None:
        return event, actors, recipients
    sides = actors + recipients
    hosts = [a for a in sides if a.country == place.country]
    guests = [a for a in sides if a.country and a.country != place.country]
    if not hosts or not guests:
        return event, actors, recipients
    return replace(event, mode="visit", cameo_code="042"), guests, hosts[:1]
