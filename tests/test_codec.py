from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from service import codec
from service.models import Article, DiplomaticEvent
from service.outcomes import DeadLetterReason, Failed
from tests.bad_inputs import CORPUS, MAX_MESSAGE_BYTES, MAX_TEXT_BYTES

LIMIT = 1_000_000


def decode(value: bytes, text_limit: int = LIMIT) -> Article:
    article = codec.decode_article(value, 2 * LIMIT, text_limit)
    assert isinstance(article, Article), article
    return article


def failure(value: bytes | None, limits: tuple[int, int] = (2 * LIMIT, LIMIT)) -> Failed:
    failed = codec.decode_article(value, *limits)
    assert isinstance(failed, Failed), failed
    return failed


def test_valid_article_with_defaults():
    article = decode(json.dumps({"id": "a1", "text": "Hello."}).encode())
    assert article.id == "a1"
    assert article.language == "en"
    assert article.published_at is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"\xff\xfe not utf-8", DeadLetterReason.INVALID_UTF8),
        (b"{not json", DeadLetterReason.INVALID_JSON),
        (b"[1, 2]", DeadLetterReason.NOT_AN_OBJECT),
        (b'"just a string"', DeadLetterReason.NOT_AN_OBJECT),
        (json.dumps({"text": "no id"}).encode(), DeadLetterReason.INVALID_ARTICLE),
        (json.dumps({"id": "", "text": "empty id"}).encode(), DeadLetterReason.INVALID_ARTICLE),
        (json.dumps({"id": "x", "text": ""}).encode(), DeadLetterReason.INVALID_ARTICLE),
        (json.dumps({"id": "x", "text": "  \n\t"}).encode(), DeadLetterReason.INVALID_ARTICLE),
        (json.dumps({"id": 5, "text": ["a"]}).encode(), DeadLetterReason.INVALID_ARTICLE),
        (
            json.dumps({"id": "x", "text": "t", "published_at": "not a date"}).encode(),
            DeadLetterReason.INVALID_ARTICLE,
        ),
    ],
)
def test_bad_input_is_classified(value: bytes, reason: DeadLetterReason):
    assert failure(value).reason is reason


def test_text_size_limit():
    value = json.dumps({"id": "big", "text": "x" * 2000}).encode()
    too_long = failure(value, (2 * LIMIT, 1000))
    assert too_long.reason is DeadLetterReason.TEXT_TOO_LONG and too_long.article_id == "big"
    assert decode(value, text_limit=5000).id == "big"


def test_message_size_limit():
    assert failure(b"x" * 100, (50, 50)).reason is DeadLetterReason.TOO_LARGE


def test_event_encoding_carries_cloudevents_headers(extractor):
    article = Article(
        id="k1", text="Japan's foreign minister visited China on Monday.", published_at="2025-01-06"
    )
    events = extractor.extract(article)
    assert events, "a visit between two named states must code"
    record = codec.encode_event(events[0])
    headers = dict(record.headers)
    assert headers["ce_id"].decode() == events[0].event_id
    assert headers["ce_specversion"] == b"1.0"
    assert headers["ce_type"] == codec.CE_TYPE_EVENT.encode()
    assert headers["content-type"] == b"application/json"
    assert {"ce_source", "ce_time"} <= set(headers)
    # Binary content mode: the value is the plain event JSON.
    assert DiplomaticEvent.model_validate_json(record.value) == events[0]
    assert record.key == b"JPN|CHN"


def test_publication_time_comes_out_as_it_was_sent():
    for sent, kind in (("2024-05-09", date), ("2024-05-09T10:30:00+00:00", datetime)):
        value = json.dumps({"id": "a", "text": "Text.", "published_at": sent}).encode()
        article = decode(value)
        assert type(article.published_at) is kind
        assert article.published_at.isoformat() == sent


@pytest.mark.parametrize("bad", [b for b in CORPUS if b.outcome == "dead_letter"], ids=str)
def test_bad_input_corpus_dead_letters(bad):
    failed = failure(bad.value, (MAX_MESSAGE_BYTES, MAX_TEXT_BYTES))
    assert failed.reason.value == bad.reason
    assert 0 < len(failed.error) <= 500


@pytest.mark.parametrize("bad", [b for b in CORPUS if b.outcome != "dead_letter"], ids=str)
def test_bad_input_corpus_decodes_what_is_coded_or_skipped(bad):
    article = codec.decode_article(bad.value, MAX_MESSAGE_BYTES, MAX_TEXT_BYTES)
    assert isinstance(article, Article) and article.text.strip()
