"""Precision, recall and F1 of predicted events against gold items.

Every field is scored as a set of tuples per item (micro-averaged over the data set):

- event type: (item, type)
- actor country / recipient country: (item, country)
- actor sector: (item, sector), on items whose gold actors carry a sector
- dyad: (item, type, actor country, recipient country or none)

A gold event matched by a predicted dyad is then checked attribute by attribute (mode,
modality, date), which is how the project's own test set measures those.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from service.evaluation.gold import GoldEvent, GoldItem
from service.extraction.participants.actor_resolver import is_country
from service.models import DiplomaticEvent, EventType

EVENT_TYPES = [t.value for t in EventType]
NONE = "NONE"


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, gold: AbstractSet[Hashable], predicted: AbstractSet[Hashable]) -> None:
        self.tp += len(gold & predicted)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


def accuracy_dict(counts: Counts) -> dict[str, float | int]:
    """An attribute checked on matched events: tp counts right, fp wrong."""
    return {
        "accuracy": round(counts.precision, 4),
        "correct": counts.tp,
        "checked": counts.tp + counts.fp,
    }


@dataclass(frozen=True)
class Predicted:
    event_type: str
    actor: str | None
    actor_sector: str | None
    recipient: str | None
    mode: str | None
    modality: str
    event_date: date | None
    date_precision: str | None
    confidence: float
    two_sided: bool = False

    @classmethod
    def of(cls, event: DiplomaticEvent) -> Predicted:
        recipient = event.recipient
        return cls(
            event_type=event.event_type.value,
            actor=event.actor.country,
            actor_sector=event.actor.sector,
            recipient=recipient.country if recipient else None,
            mode=event.mode,
            modality=event.modality.value,
            event_date=event.event_date,
            date_precision=event.date_precision,
            confidence=event.confidence,
            two_sided=event.two_sided,
        )

    def as_actor_list(self) -> Predicted:
        """PLOVER's representation of a two-sided event: both sides are actors and there
        is no recipient (the gold records code talks and joint agreements so)."""
        return replace(self, recipient=None) if self.two_sided else self


def country_key(code: str | None, coarse_orgs: bool) -> str | None:
    """The gold records code international organisations (and, inconsistently, NGOs such
    as Amnesty International) as ``IGO``: compare alike."""
    if code is None or not coarse_orgs or code == "IMG" or is_country(code):
        return code
    return "IGO"


@dataclass
class Report:
    name: str
    items: int
    gold_events: int
    predicted_events: int
    fields: dict[str, Counts] = field(default_factory=dict)
    per_type: dict[str, Counts] = field(default_factory=dict)
    per_category: dict[str, Counts] = field(default_factory=dict)
    attributes: dict[str, Counts] = field(default_factory=dict)
    confident_dyad: Counts = field(default_factory=Counts)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "items": self.items,
            "gold_events": self.gold_events,
            "predicted_events": self.predicted_events,
            "fields": {k: v.as_dict() for k, v in self.fields.items()},
            "per_type": {k: v.as_dict() for k, v in self.per_type.items()},
            "per_category": {k: v.as_dict() for k, v in self.per_category.items()},
            "attributes": {k: accuracy_dict(v) for k, v in self.attributes.items()},
            "dyad_at_confidence_0.5": self.confident_dyad.as_dict(),
            "confusion": [
                {"gold": g, "predicted": p, "count": n}
                for (g, p), n in sorted(self.confusion.items())
            ],
        }


def _gold_dyads(event: GoldEvent, coarse: bool) -> set[tuple[str, str | None, str | None]]:
    recipients = [country_key(r.country, coarse) for r in event.recipients] or [None]
    return {
        (event.event_type, country_key(a.country, coarse), r)
        for a in event.actors
        for r in recipients
    }


def _attribute_checks(
    gold: GoldEvent, predicted: list[Predicted], coarse: bool, out: dict[str, Counts]
) -> None:
    """Mode, modality and date of the predicted event that matches a gold dyad."""
    dyads = _gold_dyads(gold, coarse)
    match = next(
        (
            p
            for p in sorted(predicted, key=lambda p: -p.confidence)
            if (p.event_type, country_key(p.actor, coarse), country_key(p.recipient, coarse))
            in dyads
        ),
        None,
    )
    if match is None:
        return
    checks: dict[str, bool] = {"mode": match.mode == gold.mode}
    if gold.modality is not None:
        checks["modality"] = match.modality == gold.modality
        checks[f"modality when {gold.modality}"] = match.modality == gold.modality
        checks["event_date"] = (match.event_date, match.date_precision) == (
            gold.event_date,
            gold.date_precision,
        )
        checks["actor_sector"] = match.actor_sector == (gold.actors[0].sector or None)
    for name, correct in checks.items():
        counts = out.setdefault(name, Counts())
        counts.tp += int(correct)
        counts.fp += int(not correct)


def score(
    name: str,
    items: list[GoldItem],
    predictions: Mapping[str, list[Predicted]],
    coarse_orgs: bool = False,
    min_confidence: float = 0.5,
    actor_lists: bool = False,
) -> Report:
    if actor_lists:
        predictions = {k: [p.as_actor_list() for p in v] for k, v in predictions.items()}
    report = Report(
        name=name,
        items=len(items),
        gold_events=sum(len(i.events) for i in items),
        predicted_events=sum(len(predictions.get(i.id, [])) for i in items),
    )
    fields = {k: Counts() for k in ("event_type", "actor_country", "recipient_country")}
    fields["actor_sector"] = Counts()
    fields["dyad"] = Counts()
    per_type: dict[str, Counts] = defaultdict(Counts)
    per_category: dict[str, Counts] = defaultdict(Counts)

    def key(code: str | None) -> str | None:
        return country_key(code, coarse_orgs)

    for item in items:
        predicted = predictions.get(item.id, [])
        gold_types = {e.event_type for e in item.events}
        pred_types = {p.event_type for p in predicted}
        fields["event_type"].add(gold_types, pred_types)
        for event_type in gold_types | pred_types:
            per_type[event_type].add(gold_types & {event_type}, pred_types & {event_type})

        fields["actor_country"].add(
            {key(a.country) for e in item.events for a in e.actors},
            {key(p.actor) for p in predicted},
        )
        fields["recipient_country"].add(
            {key(r.country) for e in item.events for r in e.recipients},
            {key(p.recipient) for p in predicted if p.recipient},
        )
        gold_sectors = {a.sector for e in item.events for a in e.actors if a.sector}
        if gold_sectors:
            fields["actor_sector"].add(
                gold_sectors, {p.actor_sector for p in predicted if p.actor_sector}
            )

        gold_dyads = set().union(*(_gold_dyads(e, coarse_orgs) for e in item.events))
        pred_dyads = {(p.event_type, key(p.actor), key(p.recipient)) for p in predicted}
        fields["dyad"].add(gold_dyads, pred_dyads)
        per_category[item.category].add(gold_dyads, pred_dyads)
        report.confident_dyad.add(
            gold_dyads,
            {
                (p.event_type, key(p.actor), key(p.recipient))
                for p in predicted
                if p.confidence >= min_confidence
            },
        )
        for event in item.events:
            _attribute_checks(event, predicted, coarse_orgs, report.attributes)

        if len(gold_types) <= 1:
            gold_label = next(iter(gold_types), NONE)
            top = max(predicted, key=lambda p: p.confidence, default=None)
            report.confusion[(gold_label, top.event_type if top else NONE)] += 1

    report.fields = fields
    report.per_type = dict(sorted(per_type.items()))
    report.per_category = dict(sorted(per_category.items()))
    return report
