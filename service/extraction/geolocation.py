"""Stage 8: where an event took place: a place named with "in"/"at" in its sentence, or,
for a visit, the host country."""

from __future__ import annotations

from datetime import date

from spacy.tokens import Span

from service.extraction import actor_resolver
from service.extraction.actor_resolver import ResolvedActor
from service.models import Location

_PLACE_PREPS = {"in", "at"}


def locate(
    sentence: Span, mode: str | None, recipient: ResolvedActor | None, on: date | None
) -> Location | None:
    for ent in sentence.ents:
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
    if mode == "visit" and recipient is not None and recipient.country:
        name = actor_resolver.display_name(recipient.country) or recipient.country
        return Location(name=name, country=recipient.country)
    return None
