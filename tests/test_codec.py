from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from service import codec
from service.codec import DeadLetterReason, DecodeError
from service.models import DiplomaticEvent
from tests.bad_inputs import CORPUS, MAX_MESSAGE_BYTES, MAX_TEXT_BYTES

LIMIT = 1_000_000


def decode(value: bytes, text_limit: int = LIMIT):
    return codec.decode_article(value, 2 * LIMIT, text_limit)


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
    with pytest.raises(DecodeError) as caught:
        decode(value)
    assert caught.value.reason is reason


def test_text_size_limit():
    value = json.dumps({"id": "big", "text": "x" * 2000}).encode()
    with pytest.raises(DecodeError) as caught:
        decode(value, text_limit=1000)
    assert caught.value.reason is DeadLetterReason.TEXT_TOO_LONG
    assert decode(value, text_limit=5000).id == "big"


def test_message_size_limit():
    with pytest.raises(DecodeError) as caught:
        codec.decode_article(b"x" * 100, 50, 50)
    assert caught.value.reason is DeadLetterReason.TOO_LARGE


def test_event_encoding_carries_cloudevents_headers(extractor):
    from service.models import Article

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
        article = codec.decode_article(value, 10_000, 10_000)
        assert type(article.published_at) is kind
        assert article.published_at.isoformat() == sent


@pytest.mark.parametrize("bad", [b for b in CORPUS if b.outcome == "dead_letter"], ids=str)
def test_bad_input_corpus_dead_letters(bad):
    with pytest.raises(DecodeError) as raised:
        codec.decode_article(bad.value, MAX_MESSAGE_BYTES, MAX_TEXT_BYTES)
    assert raised.value.reason.value == bad.reason
    assert 0 < len(raised.value.detail) <= 500


@pytest.mark.parametrize("bad", [b for b in CORPUS if b.outcome != "dead_letter"], ids=str)
def test_bad_input_corpus_decodes_what_is_coded_or_skipped(bad):
    assert codec.decode_article(bad.value, MAX_MESSAGE_BYTES, MAX_TEXT_BYTES).text.strip()
