"""What is published for each outcome, without Kafka (``stream.publication``)."""

from __future__ import annotations

from datetime import UTC, datetime

from service.models import Article, ProcessedRecord
from service.outcomes import Coded, DeadLetterReason, Failed, Skipped, SkipReason
from service.settings import Settings
from service.stream import publication
from service.stream.publication import InputRecord

SETTINGS = Settings()
RECORD = InputRecord("articles.raw", 2, 41, b"key", b'{"id": "a", "text": "..."}')
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def _processed(outcome) -> tuple[publication.Message, ProcessedRecord]:
    message = publication.processed(outcome, RECORD, NOW, 0.5, "model-1", SETTINGS)
    assert message.topic == SETTINGS.topic_processed
    return message, ProcessedRecord.model_validate_json(message.value)


def test_coded_events_go_to_the_events_topic_and_their_quad_topic(extractor):
    article = Article(id="a", text="Japan's foreign minister visited China on Monday.")
    events = extractor.extract(article)
    assert events
    outcome = Coded("a", events, 0.25)
    messages = publication.outputs(outcome, RECORD, SETTINGS)
    assert [m.topic for m in messages] == [
        topic
        for event in events
        for topic in (SETTINGS.topic_events, f"events.{event.quad_category.value}")
    ]
    assert {m.event_type for m in messages} == {e.event_type.value for e in events}
    message, processed = _processed(outcome)
    assert (processed.status, processed.reason, processed.article_id) == ("ok", None, "a")
    assert processed.event_ids == [e.event_id for e in events]
    assert processed.extraction_seconds == 0.25 and processed.total_seconds == 0.5
    assert processed.extractor.model == "model-1" and message.key == b"a"


def test_a_skipped_article_has_its_processed_record_only():
    outcome = Skipped("a", SkipReason.NOT_ENGLISH)
    assert publication.outputs(outcome, RECORD, SETTINGS) == []
    _, processed = _processed(outcome)
    assert (processed.status, processed.reason, processed.event_count) == (
        "skipped",
        "not_english",
        0,
    )


def test_a_failure_is_dead_lettered_as_it_came():
    outcome = Failed(None, DeadLetterReason.INVALID_JSON, "Expecting value")
    (letter,) = publication.outputs(outcome, RECORD, SETTINGS)
    headers = dict(letter.headers)
    assert (letter.topic, letter.key, letter.value) == (SETTINGS.topic_dlq, b"key", RECORD.value)
    assert headers["dlq-reason"] == b"invalid_json" and headers["dlq-error"] == b"Expecting value"
    assert headers["dlq-source-partition"] == b"2" and headers["dlq-source-offset"] == b"41"
    message, processed = _processed(outcome)
    assert (processed.status, processed.reason, processed.article_id) == (
        "dead_letter",
        "invalid_json",
        None,
    )
    assert message.key == b"articles.raw/2/41"  # no article id: keyed by its position
    # The same position gives the same processed record id, so a redelivery repeats it.
    again, _ = _processed(outcome)
    assert dict(again.headers)["ce_id"] == dict(message.headers)["ce_id"]


def test_an_error_is_cut_to_500_characters():
    assert len(Failed("a", DeadLetterReason.EXTRACTION_ERROR, "x" * 2000).error) == 500
