"""Property tests of decode-and-validate: whatever bytes arrive, the result is a valid
Article or a Failed outcome with a dead-letter reason - never another exception."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service import codec
from service.models import Article
from service.outcomes import DeadLetterReason, Failed
from service.settings import Settings

LIMITS = Settings()


def _outcome(value: bytes) -> Article | DeadLetterReason:
    article = codec.decode_article(value, LIMITS.max_message_bytes, LIMITS.max_text_bytes)
    if isinstance(article, Failed):
        assert article.error  # the dead letter says why
        return article.reason
    assert article.id and article.text.strip()
    assert len(article.text.encode()) <= LIMITS.max_text_bytes
    return article


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children),
    max_leaves=20,
)
article_like = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.text(), st.integers(), st.none()),
        "text": st.one_of(st.text(), st.integers(), json_values),
        "title": st.one_of(st.text(), st.none(), st.integers()),
        "url": st.one_of(st.text(), st.none()),
        "published_at": st.one_of(st.text(), st.dates().map(str), st.none(), st.integers()),
        "language": st.one_of(st.text(), st.none()),
    },
)


@given(st.binary(max_size=2000))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_random_bytes_never_escape_decoding(value: bytes):
    _outcome(value)


@given(json_values)
@settings(max_examples=300)
def test_random_json_never_escapes_decoding(value: object):
    outcome = _outcome(json.dumps(value).encode())
    if not isinstance(value, dict):
        assert outcome is DeadLetterReason.NOT_AN_OBJECT


@given(article_like)
@settings(max_examples=300)
def test_article_shaped_json_is_an_article_or_an_invalid_article(value: dict):
    outcome = _outcome(json.dumps(value).encode())
    assert isinstance(outcome, Article) or outcome is DeadLetterReason.INVALID_ARTICLE


def test_deeply_nested_json_is_invalid_json_not_a_crash():
    for depth in (10_000, 100_000):
        assert _outcome(b"[" * depth + b"]" * depth) is DeadLetterReason.INVALID_JSON
        nested = b'{"a":' * depth + b"1" + b"}" * depth
        assert _outcome(nested) is DeadLetterReason.INVALID_JSON


def test_ten_megabytes_of_text_is_too_large():
    value = json.dumps({"id": "huge", "text": "word " * 2_000_000}).encode()
    assert len(value) > 10_000_000
    assert _outcome(value) is DeadLetterReason.TOO_LARGE
