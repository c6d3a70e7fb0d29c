"""Scores on the real-news corpus: whole articles, annotated sentence by sentence.

The unit is an event, not a message: a two-sided event (talks, a call, a joint agreement)
is one unit whose keys are both directions, so the two directed messages the service
publishes for it count once and a gold two-sided event matches a prediction in either
direction. A predicted event belongs to the gold sentence that holds its trigger.

- type, actor, recipient: sets of (sentence, value) per sentence, micro-averaged;
- dyad: (type, actor, recipient) units matched within a sentence;
- strict event: dyad plus modality, the figure the issue's targets are set on; also per
  article (each article's distinct events, however often they are repeated);
- on strict matches: the date (with its precision) and the location;
- key-event recall: the article's main events found anywhere in it;
- error classes (see ``ERROR_CLASSES``) and calibration: the reliability of the
  confidence of predicted units against their being strictly right.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from service.evaluation.news import GoldNewsEvent, NewsArticle, SentenceAnnotation
from service.evaluation.scoring import Counts, accuracy_dict
from service.models import DiplomaticEvent

Key = tuple[str, str | None, str | None, str]  # type, actor, recipient, modality
CALIBRATION_BINS = 10
ERROR_CLASSES = {
    "missed_key_event": "a main event of the article found nowhere in it",
    "missed_event": "a gold event with no matching prediction in its sentence",
    "recipient_missing": "type and actor right, recipient named in gold but not predicted",
    "wrong_country": "type right and one side right, the other side a different code",
    "direction_reversed": "actor and recipient swapped on a one-directional event",
    "colisted_paired": "two actors of one gold event type paired with each other",
    "false_event": "an event predicted in a sentence that reports none",
    "wrong_type": "actor and recipient right, type wrong",
    "one_event_two_types": "one pair in one sentence published under two types, gold has one",
    "date_wrong": "a matched event dated differently from gold",
    "location_empty": "a matched event whose sentence names its place, published without one",
    "location_wrong": "a matched event published with a different place",
}


@dataclass(frozen=True)
class Unit:
    """One event: its keys (both directions when two-sided) and what is checked on it."""

    sentence: str
    event_type: str
    actor: str | None
    recipient: str | None
    modality: str
    two_sided: bool
    event_date: date | None = None
    date_precision: str | None = None
    location: tuple[str, str | None] | None = None  # name, country
    confidence: float = 1.0
    key: bool = False

    def keys(self, with_modality: bool = True) -> set[Key]:
        modality = self.modality if with_modality else ""
        forward = (self.event_type, self.actor, self.recipient, modality)
        if self.two_sided:
            return {forward, (self.event_type, self.recipient, self.actor, modality)}
        return {forward}

    def actors(self) -> set[str | None]:
        return {self.actor, self.recipient} if self.two_sided else {self.actor}

    def recipients(self) -> set[str | None]:
        return {self.actor, self.recipient} if self.two_sided else {self.recipient}


def gold_unit(sentence: str, event: GoldNewsEvent) -> Unit:
    return Unit(
        sentence=sentence,
        event_type=event.type.value,
        actor=event.actor.code,
        recipient=event.recipient.code if event.recipient else None,
        modality=event.modality.value,
        two_sided=event.two_sided,
        event_date=event.event_date,
        date_precision=event.date_precision,
        location=(event.location.text, event.location.country) if event.location else None,
        key=event.key,
    )


def _sentence_of(article: NewsArticle, offset: int) -> str | None:
    for sentence in article.sentences:
        if sentence.start <= offset < sentence.end:
            return sentence.id
    return None


def predicted_units(article: NewsArticle, events: Iterable[DiplomaticEvent]) -> list[Unit]:
    """The article's published messages as units: the two directions of a two-sided event
    fold into one."""
    units: dict[tuple[Any, ...], Unit] = {}
    for event in events:
        sentence = _sentence_of(article, event.evidence.trigger.start) or _sentence_of(
            article, event.evidence.start
        )
        if sentence is None:
            continue
        actor = event.actor.country
        recipient = event.recipient.country if event.recipient else None
        sides: tuple[str | None, ...] = (actor, recipient)
        if event.two_sided:
            sides = tuple(sorted(sides, key=lambda s: s or ""))
        fold = (sentence, event.event_type.value, sides, event.modality.value, event.two_sided)
        location = event.location
        unit = Unit(
            sentence=sentence,
            event_type=event.event_type.value,
            actor=sides[0] if event.two_sided else actor,
            recipient=sides[1] if event.two_sided else recipient,
            modality=event.modality.value,
            two_sided=event.two_sided,
            event_date=event.event_date,
            date_precision=event.date_precision,
            location=(location.name, location.country) if location else None,
            confidence=event.confidence,
        )
        previous = units.get(fold)
        if previous is None or previous.confidence < unit.confidence:
            units[fold] = unit
    return list(units.values())


def match(
    gold: list[Unit], predicted: list[Unit], with_modality: bool = True
) -> tuple[list[tuple[Unit, Unit]], list[Unit], list[Unit]]:
    """Pair gold and predicted units whose keys meet, most confident predictions first.
    Returns (pairs, unmatched gold, unmatched predictions)."""
    pairs: list[tuple[Unit, Unit]] = []
    free = list(gold)
    unmatched: list[Unit] = []
    for unit in sorted(predicted, key=lambda u: -u.confidence):
        keys = unit.keys(with_modality)
        partner = next((g for g in free if g.keys(with_modality) & keys), None)
        if partner is None:
            unmatched.append(unit)
        else:
            free.remove(partner)
            pairs.append((partner, unit))
    return pairs, free, unmatched


def _same_place(gold: tuple[str, str | None], predicted: tuple[str, str | None]) -> bool:
    gold_name, predicted_name = gold[0].casefold(), predicted[0].casefold()
    return gold_name in predicted_name or predicted_name in gold_name


@dataclass
class Calibration:
    bins: list[dict[str, float]]
    ece: float

    def as_dict(self) -> dict[str, Any]:
        return {"ece": round(self.ece, 4), "bins": self.bins}


def calibration(scored: list[tuple[float, bool]], bins: int = CALIBRATION_BINS) -> Calibration:
    """Expected calibration error over equal-width confidence bins."""
    table = []
    ece = 0.0
    for index in range(bins):
        low, high = index / bins, (index + 1) / bins
        members = [
            right
            for conf, right in scored
            if low <= conf < high or (index == bins - 1 and conf == 1)
        ]
        confs = [
            conf for conf, _ in scored if low <= conf < high or (index == bins - 1 and conf == 1)
        ]
        if not members:
            continue
        accuracy = sum(members) / len(members)
        mean_conf = sum(confs) / len(confs)
        ece += len(members) / len(scored) * abs(accuracy - mean_conf)
        table.append(
            {
                "low": low,
                "high": high,
                "count": len(members),
                "accuracy": round(accuracy, 4),
                "confidence": round(mean_conf, 4),
            }
        )
    return Calibration(table, ece)


@dataclass
class NewsReport:
    name: str
    articles: int
    sentences: int
    gold_events: int
    predicted_events: int
    fields: dict[str, Counts] = field(default_factory=dict)
    per_type: dict[str, Counts] = field(default_factory=dict)
    attributes: dict[str, Counts] = field(default_factory=dict)
    key_events: Counts = field(default_factory=Counts)
    key_recall_per_article: float = 0.0
    errors: Counter[str] = field(default_factory=Counter)
    calibration: Calibration = field(default_factory=lambda: Calibration([], 0.0))
    confident_strict: Counts = field(default_factory=Counts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "articles": self.articles,
            "sentences": self.sentences,
            "gold_events": self.gold_events,
            "predicted_events": self.predicted_events,
            "fields": {k: v.as_dict() for k, v in self.fields.items()},
            "per_type": {k: v.as_dict() for k, v in self.per_type.items()},
            "attributes": {k: accuracy_dict(v) for k, v in self.attributes.items()},
            "key_event_recall": round(self.key_events.recall, 4),
            "key_event_recall_per_article": round(self.key_recall_per_article, 4),
            "strict_at_confidence_0.5": self.confident_strict.as_dict(),
            "errors": dict(sorted(self.errors.items())),
            "calibration": self.calibration.as_dict(),
        }


def _count(counts: Counts, pairs: int, missed: int, spurious: int) -> None:
    counts.tp += pairs
    counts.fn += missed
    counts.fp += spurious


def _check(attributes: dict[str, Counts], name: str, correct: bool) -> None:
    counts = attributes.setdefault(name, Counts())
    counts.tp += int(correct)
    counts.fp += int(not correct)


def _classify_misses(
    gold: list[Unit], missed: list[Unit], spurious: list[Unit], errors: Counter[str]
) -> None:
    """Name what went wrong with the gold events of one sentence that found no match."""
    for unit in missed:
        errors["missed_event"] += 1
        same_type = [p for p in spurious if p.event_type == unit.event_type]
        if any(
            p.actor in unit.actors() and p.recipient is None and unit.recipient is not None
            for p in same_type
        ):
            errors["recipient_missing"] += 1
        elif not unit.two_sided and any(
            (p.actor, p.recipient) == (unit.recipient, unit.actor) for p in same_type
        ):
            errors["direction_reversed"] += 1
        elif any(
            (p.actor in unit.actors()) != (p.recipient in unit.recipients()) and p.recipient
            for p in same_type
        ):
            errors["wrong_country"] += 1
        elif any(
            p.event_type != unit.event_type
            and p.keys(False) & {(p.event_type, a, r, "") for a, r in _pairs(unit)}
            for p in spurious
        ):
            errors["wrong_type"] += 1
    gold_actors: dict[str, set[str | None]] = defaultdict(set)
    for unit in gold:
        gold_actors[unit.event_type] |= {unit.actor}
    for unit in spurious:
        if unit.recipient in gold_actors.get(
            unit.event_type, set()
        ) and unit.actor in gold_actors.get(unit.event_type, set()):
            errors["colisted_paired"] += 1


def _pairs(unit: Unit) -> set[tuple[str | None, str | None]]:
    pairs = {(unit.actor, unit.recipient)}
    return pairs | {(unit.recipient, unit.actor)} if unit.two_sided else pairs


def score_news(
    name: str,
    articles: list[NewsArticle],
    annotations: Mapping[str, SentenceAnnotation],
    predictions: Mapping[str, list[DiplomaticEvent]],
    min_confidence: float = 0.5,
) -> NewsReport:
    fields = {
        k: Counts()
        for k in (
            "event_type",
            "actor",
            "recipient",
            "dyad",
            "strict_event",
            "strict_event_article",
        )
    }
    per_type: dict[str, Counts] = defaultdict(Counts)
    report = NewsReport(name, len(articles), 0, 0, 0)
    scored: list[tuple[float, bool]] = []
    article_key_recalls: list[float] = []
    for article in articles:
        predicted = predicted_units(article, predictions.get(article.id, []))
        by_sentence: dict[str, list[Unit]] = defaultdict(list)
        for unit in predicted:
            by_sentence[unit.sentence].append(unit)
        article_gold: list[Unit] = []
        for sentence in article.sentences:
            annotation = annotations.get(sentence.id)
            if annotation is None:
                continue
            report.sentences += 1
            gold = [gold_unit(sentence.id, e) for e in annotation.events]
            article_gold += gold
            mine = by_sentence.get(sentence.id, [])
            report.gold_events += len(gold)
            report.predicted_events += len(mine)
            fields["event_type"].add({u.event_type for u in gold}, {u.event_type for u in mine})
            fields["actor"].add(
                set().union(*(u.actors() for u in gold)), set().union(*(u.actors() for u in mine))
            )
            fields["recipient"].add(
                set().union(*(u.recipients() for u in gold)) - {None},
                set().union(*(u.recipients() for u in mine)) - {None},
            )
            dyads, _, _ = match(gold, mine, with_modality=False)
            _count(fields["dyad"], len(dyads), len(gold) - len(dyads), len(mine) - len(dyads))
            pairs, missed, spurious = match(gold, mine)
            _count(fields["strict_event"], len(pairs), len(missed), len(spurious))
            confident = [u for u in mine if u.confidence >= min_confidence]
            kept, _, _ = match(gold, confident)
            _count(
                report.confident_strict,
                len(kept),
                len(gold) - len(kept),
                len(confident) - len(kept),
            )
            for event_type in {u.event_type for u in gold} | {u.event_type for u in mine}:
                typed = [u for u in gold if u.event_type == event_type]
                hits = sum(1 for g, _ in pairs if g.event_type == event_type)
                guessed = sum(1 for u in mine if u.event_type == event_type)
                _count(per_type[event_type], hits, len(typed) - hits, guessed - hits)
            matched = {id(p) for _, p in pairs}
            scored += [(u.confidence, id(u) in matched) for u in mine]
            for gold_event, prediction in pairs:
                right_date = (prediction.event_date, prediction.date_precision) == (
                    gold_event.event_date,
                    gold_event.date_precision,
                )
                _check(report.attributes, "event_date", right_date)
                if not right_date:
                    report.errors["date_wrong"] += 1
                if gold_event.location is not None:
                    right_place = prediction.location is not None and _same_place(
                        gold_event.location, prediction.location
                    )
                    _check(report.attributes, "location (sentence names a place)", right_place)
                    if prediction.location is None:
                        report.errors["location_empty"] += 1
                    elif not right_place:
                        report.errors["location_wrong"] += 1
            if not gold:
                report.errors["false_event"] += len(mine)
            _classify_misses(gold, missed, spurious, report.errors)
            types_per_pair: dict[frozenset[str | None], set[str]] = defaultdict(set)
            for unit in mine:
                types_per_pair[frozenset((unit.actor, unit.recipient))].add(unit.event_type)
            for pair, types in types_per_pair.items():
                gold_types = {
                    u.event_type for u in gold if frozenset((u.actor, u.recipient)) == pair
                }
                if len(types) > 1 and len(gold_types) == 1:
                    report.errors["one_event_two_types"] += 1
        distinct_gold = _distinct(article_gold)
        distinct_predicted = _distinct(predicted)
        pairs, missed, spurious = match(distinct_gold, distinct_predicted)
        _count(fields["strict_event_article"], len(pairs), len(missed), len(spurious))
        key_events = [u for u in article_gold if u.key]
        if key_events:
            found, _, _ = match(key_events, predicted, with_modality=False)
            _count(report.key_events, len(found), len(key_events) - len(found), 0)
            report.errors["missed_key_event"] += len(key_events) - len(found)
            article_key_recalls.append(len(found) / len(key_events))
    report.fields = fields
    report.per_type = dict(sorted(per_type.items()))
    report.key_recall_per_article = (
        sum(article_key_recalls) / len(article_key_recalls) if article_key_recalls else 0.0
    )
    report.calibration = calibration(scored)
    return report


def _distinct(units: list[Unit]) -> list[Unit]:
    """One unit per distinct event of an article (its canonical key)."""
    seen: dict[frozenset[Key], Unit] = {}
    for unit in units:
        canonical = frozenset(unit.keys())
        if canonical not in seen or seen[canonical].confidence < unit.confidence:
            seen[canonical] = unit
    return list(seen.values())
