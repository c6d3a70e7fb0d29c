"""Agreement between two independent annotations of the same real-news sentences.

- event type: Cohen's kappa over every (sentence, PLOVER type) decision - does the
  sentence report an event of this type? - and over each sentence's first type (or none);
- participants: F1 of one annotation against the other (symmetric) on actor codes,
  recipient codes, the dyad (type, actor, recipient; two-sided events either way) and the
  strict event (dyad and modality), as the coder is scored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

from service.evaluation.news import SentenceAnnotation
from service.evaluation.news_scoring import Unit, gold_unit, match
from service.evaluation.scoring import Counts
from service.models import EventType

NO_EVENT = "NONE"


def cohen_kappa(first: Sequence[Hashable], second: Sequence[Hashable]) -> float:
    if len(first) != len(second) or not first:
        raise ValueError("kappa needs two equally long, non-empty label sequences")
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / len(first)
    count_a, count_b = Counter(first), Counter(second)
    expected = sum(count_a[k] * count_b[k] for k in count_a) / len(first) ** 2
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


@dataclass
class Agreement:
    sentences: int
    events_first: int
    events_second: int
    type_kappa: float
    first_type_kappa: float
    fields: dict[str, Counts]


def agreement(
    first: Mapping[str, SentenceAnnotation], second: Mapping[str, SentenceAnnotation]
) -> Agreement:
    shared = sorted(set(first) & set(second))
    decisions_a: list[bool] = []
    decisions_b: list[bool] = []
    heads_a: list[str] = []
    heads_b: list[str] = []
    fields = {k: Counts() for k in ("actor", "recipient", "dyad", "strict_event")}
    for sentence in shared:
        a = [gold_unit(sentence, e) for e in first[sentence].events]
        b = [gold_unit(sentence, e) for e in second[sentence].events]
        types_a = {u.event_type for u in a}
        types_b = {u.event_type for u in b}
        for event_type in EventType:
            decisions_a.append(event_type.value in types_a)
            decisions_b.append(event_type.value in types_b)
        heads_a.append(a[0].event_type if a else NO_EVENT)
        heads_b.append(b[0].event_type if b else NO_EVENT)
        fields["actor"].add(_codes(a, Unit.actors), _codes(b, Unit.actors))
        fields["recipient"].add(
            _codes(a, Unit.recipients) - {None}, _codes(b, Unit.recipients) - {None}
        )
        for name, with_modality in (("dyad", False), ("strict_event", True)):
            pairs, missed, extra = match(a, b, with_modality)
            fields[name].tp += len(pairs)
            fields[name].fn += len(missed)
            fields[name].fp += len(extra)
    return Agreement(
        sentences=len(shared),
        events_first=sum(len(first[s].events) for s in shared),
        events_second=sum(len(second[s].events) for s in shared),
        type_kappa=cohen_kappa(decisions_a, decisions_b),
        first_type_kappa=cohen_kappa(heads_a, heads_b),
        fields=fields,
    )


def _codes(units: list[Unit], side: object) -> set[str | None]:
    out: set[str | None] = set()
    for unit in units:
        out |= side(unit)  # type: ignore[operator]
    return out
