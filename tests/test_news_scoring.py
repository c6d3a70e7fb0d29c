"""The real-news scorer: units, two-sided matching, error classes, key events, calibration."""

from __future__ import annotations

from datetime import date

import pytest

from service.evaluation import news_scoring
from service.evaluation.news import NewsArticle, NewsSentence, SentenceAnnotation
from service.models import DiplomaticEvent

TEXT = "Kenya and Ethiopia held talks in Nairobi on Monday. Police arrested 40 protesters."
SENTENCES = (
    NewsSentence("a#0", "a", 0, 0, 51, TEXT[0:51]),
    NewsSentence("a#1", "a", 1, 52, len(TEXT), TEXT[52:]),
)
ARTICLE = NewsArticle(
    id="a",
    title=None,
    published_at=date(2024, 3, 6),
    url=None,
    source=None,
    license=None,
    split="dev",
    text=TEXT,
    sentences=SENTENCES,
)


def _event(
    event_type: str,
    actor: str,
    recipient: str | None,
    trigger_at: int,
    two_sided: bool = False,
    confidence: float = 0.9,
    location: str | None = None,
    event_date: date | None = None,
) -> DiplomaticEvent:
    sentence = next(s for s in SENTENCES if s.start <= trigger_at < s.end)
    return DiplomaticEvent.model_validate(
        {
            "event_id": f"{event_type}-{actor}-{recipient}-{trigger_at}",
            "article_id": "a",
            "event_type": event_type,
            "quad_category": "verbal_cooperation",
            "actor": {"text": actor, "start": 0, "end": 1, "country": actor, "confidence": 0.9},
            "recipient": (
                {"text": recipient, "start": 0, "end": 1, "country": recipient, "confidence": 0.9}
                if recipient
                else None
            ),
            "cameo": {"code": "040", "root": "04", "label": "x", "goldstein": 1.0, "quad_class": 1},
            "modality": "asserted",
            "two_sided": two_sided,
            "event_date": event_date,
            "date_precision": "day" if event_date else None,
            "location": {"name": location} if location else None,
            "evidence": {
                "sentence": sentence.text,
                "sentence_index": sentence.index,
                "start": sentence.start,
                "end": sentence.end,
                "trigger": {"text": "t", "start": trigger_at, "end": trigger_at + 1},
            },
            "confidence": confidence,
            "extractor": {"version": "test", "model": "test"},
        }
    )


def _annotations(first: list[dict], second: list[dict]) -> dict[str, SentenceAnnotation]:
    return {
        "a#0": SentenceAnnotation.model_validate({"sentence": "a#0", "events": first}),
        "a#1": SentenceAnnotation.model_validate({"sentence": "a#1", "events": second}),
    }


TALKS = {
    "type": "CONSULT",
    "trigger": "talks",
    "actor": {"text": "Kenya", "code": "KEN"},
    "recipient": {"text": "Ethiopia", "code": "ETH"},
    "two_sided": True,
    "event_date": "2024-03-04",
    "date_precision": "day",
    "location": {"text": "Nairobi", "country": "KEN"},
    "key": True,
}
ARREST = {
    "type": "COERCE",
    "mode": "arrest",
    "trigger": "arrested",
    "actor": {"text": "Police", "code": "KEN", "sector": "COP"},
    "recipient": {"text": "protesters", "code": "KEN", "sector": "CVL"},
}


def test_two_directed_messages_of_a_two_sided_event_are_one_unit_matching_either_way():
    predictions = {
        "a": [
            _event(
                "CONSULT",
                "ETH",
                "KEN",
                25,
                two_sided=True,
                location="Nairobi",
                event_date=date(2024, 3, 4),
            ),
            _event(
                "CONSULT",
                "KEN",
                "ETH",
                25,
                two_sided=True,
                location="Nairobi",
                event_date=date(2024, 3, 4),
            ),
        ]
    }
    report = news_scoring.score_news("t", [ARTICLE], _annotations([TALKS], []), predictions)
    strict = report.fields["strict_event"]
    assert (strict.tp, strict.fp, strict.fn) == (1, 0, 0)
    assert report.attributes["event_date"].precision == 1.0
    assert report.attributes["location (sentence names a place)"].precision == 1.0
    assert report.key_events.recall == 1.0


def test_a_one_directional_prediction_matches_a_two_sided_gold_event():
    predictions = {"a": [_event("CONSULT", "ETH", "KEN", 25)]}
    report = news_scoring.score_news("t", [ARTICLE], _annotations([TALKS], []), predictions)
    assert report.fields["strict_event"].tp == 1
    assert report.errors["location_empty"] == 1
    assert report.errors["date_wrong"] == 1


def test_misses_are_classified():
    predictions = {
        "a": [
            _event("COERCE", "KEN", None, 60),  # recipient missing
            _event("ACCUSE", "KEN", "ETH", 5),  # wrong type on the talks' pair
            _event("AID", "USA", "KEN", 70),  # extra event in a sentence with gold events
        ]
    }
    report = news_scoring.score_news("t", [ARTICLE], _annotations([TALKS], [ARREST]), predictions)
    assert report.errors["recipient_missing"] == 1
    assert report.errors["wrong_type"] == 1
    assert report.errors["missed_key_event"] == 1
    assert report.fields["strict_event"].fn == 2
    assert report.fields["strict_event"].fp == 3


def test_events_in_sentences_without_gold_events_are_false_events():
    predictions = {"a": [_event("PROTEST", "KEN", "KEN", 60)]}
    report = news_scoring.score_news("t", [ARTICLE], _annotations([TALKS], []), predictions)
    assert report.errors["false_event"] == 1
    assert report.errors["missed_event"] == 1


def test_reversed_direction_is_named():
    one_way = {**ARREST, "actor": ARREST["recipient"], "recipient": ARREST["actor"]}
    predictions = {"a": [_event("COERCE", "KEN", "KEN", 60)]}
    # same country on both sides: not a reversal, a match
    report = news_scoring.score_news("t", [ARTICLE], _annotations([], [one_way]), predictions)
    assert report.fields["strict_event"].tp == 1
    reversed_gold = {**TALKS, "two_sided": False}
    predictions = {"a": [_event("CONSULT", "ETH", "KEN", 25)]}
    report = news_scoring.score_news("t", [ARTICLE], _annotations([reversed_gold], []), predictions)
    assert report.errors["direction_reversed"] == 1


def test_calibration_error_is_zero_when_confidence_is_the_hit_rate():
    scored = [(0.75, True), (0.75, True), (0.75, True), (0.75, False)]
    assert news_scoring.calibration(scored).ece == pytest.approx(0.0)
    assert news_scoring.calibration([(0.9, False)]).ece == pytest.approx(0.9)
