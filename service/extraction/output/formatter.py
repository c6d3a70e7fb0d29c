"""Stage 9: turn coded candidates into ``DiplomaticEvent`` messages.

Expands compound actors into one message per actor -> recipient pair, gives every message
a deterministic id, and merges restatements of the same event within an article.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from spacy.tokens import Span

from service.extraction import tables
from service.extraction.events.event_classifier import Trigger
from service.extraction.events.event_date import EventDate
from service.extraction.events.event_mode import EventClass
from service.extraction.participants.actor_resolver import ResolvedActor
from service.models import (
    ActorRef,
    Article,
    Cameo,
    DiplomaticEvent,
    Evidence,
    Extractor,
    Location,
    Modality,
    QuadCategory,
)
from service.models import Span as EvidenceSpan

# Fixed namespace: ids must not change between releases for the same event key.
EVENT_NAMESPACE = uuid.UUID("5b0c8c1e-3f1a-4c55-9d7e-6a1f3c2b9e41")
RECIPROCAL_TYPES = {"CONSULT", "AGREE", "COOPERATE", "SUPPORT"}


@dataclass(frozen=True)
class Candidate:
    """One coded event before formatting: everything the stages found."""

    trigger: Trigger
    event: EventClass
    actor: ResolvedActor
    recipient: ResolvedActor | None
    modality: Modality
    event_date: EventDate
    location: Location | None
    sentence: Span
    sentence_index: int
    confidence: float
    two_sided: bool = False


@dataclass(frozen=True)
class Pair:
    actor: ResolvedActor
    recipient: ResolvedActor | None
    two_sided: bool  # one direction of a two-sided event (a meeting, a joint agreement)


def pairs(
    actors: list[ResolvedActor],
    recipients: list[ResolvedActor],
    event_type: str,
    reciprocal: bool,
    mode: str | None = None,
) -> list[Pair]:
    """Actor -> recipient pairs; coordinated actors of a reciprocal event face each other.
    A meeting or a call is two-sided ("A spoke with B": B spoke with A too); a visit is
    not (the visitor is the actor, the host the recipient)."""
    if recipients:
        one_way = [(a, r) for a in actors for r in recipients if a.key != r.key]
        if event_type != "CONSULT" or mode == "visit":
            return [Pair(a, r, False) for a, r in one_way]
        both = one_way + [(r, a) for a, r in one_way if (r, a) not in one_way]
        return [Pair(a, r, True) for a, r in both]
    if len(actors) > 1 and (reciprocal or event_type in RECIPROCAL_TYPES):
        return [Pair(a, b, True) for a in actors for b in actors if a.key != b.key]
    return [Pair(a, None, False) for a in actors]


def _ref(actor: ResolvedActor) -> ActorRef:
    return ActorRef(
        text=actor.text,
        start=actor.start,
        end=actor.end,
        name=actor.name,
        country=actor.country,
        sector=actor.sector,
        code=actor.code,
        confidence=round(actor.confidence, 3),
    )


def _side(actor: ResolvedActor | None) -> str:
    """Who an event is between, for identity: the country (or organisation) when known -
    "KORGOV" and "KOR" meeting the US are one meeting said twice."""
    if actor is None:
        return "-"
    return actor.country or actor.key


def event_key(article_id: str, candidate: Candidate) -> str:
    return "|".join(
        (
            article_id,
            candidate.event.event_type.value,
            _side(candidate.actor),
            _side(candidate.recipient),
            candidate.modality.value,
        )
    )


def _better(new: Candidate, old: Candidate) -> bool:
    """Keep the most informative statement of a repeated event."""

    def score(c: Candidate) -> tuple[float, ...]:
        sectors = float(c.actor.sector is not None) + float(
            c.recipient is not None and c.recipient.sector is not None
        )
        return (float(c.event.mode is not None), sectors, c.confidence, -float(c.sentence_index))

    return score(new) > score(old)


def merge(article_id: str, candidates: list[Candidate]) -> list[Candidate]:
    best: dict[str, Candidate] = {}
    for candidate in candidates:
        key = event_key(article_id, candidate)
        if key not in best or _better(candidate, best[key]):
            best[key] = candidate
    # A restatement without a recipient ("Putin's visit" after "Putin's anticipated visit
    # to the DPRK") folds into the fuller statement of the same event.
    full = {(c.event.event_type, _side(c.actor)) for c in best.values() if c.recipient}
    kept = [
        c for c in best.values() if c.recipient or (c.event.event_type, _side(c.actor)) not in full
    ]
    # The meeting of a visit ("Putin's visit to the DPRK ... the potential meeting between
    # Putin and Kim Jong Un") is that visit, told again: the visit carries it.
    visits = {_pair(c) for c in kept if c.event.event_type.value == "CONSULT" and c.event.mode}
    kept = [
        c
        for c in kept
        if c.event.event_type.value != "CONSULT" or c.event.mode or _pair(c) not in visits
    ]
    return sorted(kept, key=lambda c: (c.sentence_index, c.trigger.token.i, c.actor.start))


def _pair(candidate: Candidate) -> frozenset[str]:
    return frozenset((_side(candidate.actor), _side(candidate.recipient)))


def to_event(article: Article, candidate: Candidate, extractor: Extractor) -> DiplomaticEvent:
    code = candidate.event.cameo_code
    entry = tables.cameo()[code]
    plover = tables.plover()[candidate.event.event_type.value]
    sentence = candidate.sentence
    trigger = candidate.trigger.span
    return DiplomaticEvent(
        event_id=str(uuid.uuid5(EVENT_NAMESPACE, event_key(article.id, candidate))),
        article_id=article.id,
        article_url=article.url,
        article_source=article.source,
        published_at=article.published_at,
        event_type=candidate.event.event_type,
        quad_category=QuadCategory(plover["quad_category"].lower().replace(" ", "_")),
        mode=candidate.event.mode,
        context=candidate.event.context,
        actor=_ref(candidate.actor),
        recipient=_ref(candidate.recipient) if candidate.recipient else None,
        cameo=Cameo(
            code=code,
            root=code[:2],
            label=entry["label"],
            goldstein=entry["goldstein"],
            quad_class=plover["quad_class"],
        ),
        modality=candidate.modality,
        two_sided=candidate.two_sided,
        event_date=candidate.event_date.day,
        date_precision=candidate.event_date.precision,
        location=candidate.location,
        evidence=Evidence(
            sentence=sentence.text.rstrip(),  # a line break closing the sentence is not in it
            sentence_index=candidate.sentence_index,
            start=sentence.start_char,
            end=sentence.start_char + len(sentence.text.rstrip()),
            trigger=EvidenceSpan(text=trigger.text, start=trigger.start_char, end=trigger.end_char),
        ),
        confidence=round(candidate.confidence, 3),
        extractor=extractor,
    )
