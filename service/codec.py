"""Decode and validate input records; encode output records with CloudEvents headers.

Pure functions on bytes: the stream layer calls them, the tests call them directly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from cloudevents.v1.http import CloudEvent
from cloudevents.v1.kafka import to_binary
from pydantic import BaseModel, ValidationError

from service.models import Article, DiplomaticEvent

CE_SOURCE = "urn:diplomatic-events"
CE_TYPE_EVENT = "org.diplomatic-events.event.v1"
CE_TYPE_PROCESSED = "org.diplomatic-events.article-processed.v1"


class DeadLetterReason(StrEnum):
    """Why an input record went to the dead-letter topic (the ``dlq-reason`` header)."""

    TOO_LARGE = "too_large"
    INVALID_UTF8 = "invalid_utf8"
    INVALID_JSON = "invalid_json"
    NOT_AN_OBJECT = "not_an_object"
    INVALID_ARTICLE = "invalid_article"
    TEXT_TOO_LONG = "text_too_long"
    EXTRACTION_ERROR = "extraction_error"
    EXTRACTION_TIMEOUT = "extraction_timeout"


class DecodeError(Exception):
    def __init__(self, reason: DeadLetterReason, detail: str) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail


def decode_article(value: bytes | None, max_message_bytes: int, max_text_bytes: int) -> Article:
    """Bytes of one ``articles.raw`` record -> a valid Article, or ``DecodeError``."""
    if value is None:
        raise DecodeError(DeadLetterReason.INVALID_JSON, "empty record (tombstone)")
    if len(value) > max_message_bytes:
        raise DecodeError(
            DeadLetterReason.TOO_LARGE, f"{len(value)} bytes > limit {max_message_bytes}"
        )
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecodeError(DeadLetterReason.INVALID_UTF8, str(exc)) from exc
    try:
        payload = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise DecodeError(DeadLetterReason.INVALID_JSON, str(exc)[:200]) from exc
    if not isinstance(payload, dict):
        raise DecodeError(DeadLetterReason.NOT_AN_OBJECT, f"JSON {type(payload).__name__}")
    try:
        # JSON mode, as the text came: from a Python dict, "2024-05-09" would become a
        # midnight datetime rather than the date that was sent.
        article = Article.model_validate_json(text)
    except ValidationError as exc:
        summary = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()[:5]
        )
        raise DecodeError(DeadLetterReason.INVALID_ARTICLE, summary) from exc
    if not article.text.strip():
        raise DecodeError(DeadLetterReason.INVALID_ARTICLE, "text: empty or whitespace only")
    size = len(article.text.encode("utf-8"))
    if size > max_text_bytes:
        raise DecodeError(DeadLetterReason.TEXT_TOO_LONG, f"{size} bytes > limit {max_text_bytes}")
    return article


@dataclass(frozen=True)
class OutRecord:
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


def dyad_key(event: DiplomaticEvent) -> bytes:
    """Partition key: the events of one dyad stay in order on one partition."""
    actor = event.actor.country or event.actor.code or "UNK"
    recipient = (event.recipient.country or event.recipient.code) if event.recipient else None
    return f"{actor}|{recipient or '-'}".encode()


def _cloudevent(
    model: BaseModel, ce_id: str, ce_type: str, subject: str | None, key: bytes
) -> OutRecord:
    attributes = {
        "id": ce_id,
        "source": CE_SOURCE,
        "type": ce_type,
        "specversion": "1.0",
        "time": datetime.now(UTC).isoformat(),
        "datacontenttype": "application/json",
        "partitionkey": key.decode(),
    }
    if subject:
        attributes["subject"] = subject
    data = model.model_dump_json().encode()
    message = to_binary(CloudEvent(attributes, data), data_marshaller=lambda d: d)
    value = message.value if isinstance(message.value, bytes) else message.value.encode()
    return OutRecord(key=key, value=value, headers=list(message.headers.items()))


def encode_event(event: DiplomaticEvent) -> OutRecord:
    return _cloudevent(event, event.event_id, CE_TYPE_EVENT, event.article_id, dyad_key(event))


def encode_processed(record: BaseModel, article_key: str, ce_id: str) -> OutRecord:
    return _cloudevent(record, ce_id, CE_TYPE_PROCESSED, article_key, article_key.encode())


def dead_letter_headers(
    reason: DeadLetterReason, error: str, topic: str, partition: int, offset: int
) -> list[tuple[str, bytes]]:
    return [
        ("dlq-reason", reason.value.encode()),
        ("dlq-error", error[:1000].encode("utf-8", "replace")),
        ("dlq-source-topic", topic.encode()),
        ("dlq-source-partition", str(partition).encode()),
        ("dlq-source-offset", str(offset).encode()),
        ("dlq-time", datetime.now(UTC).isoformat().encode()),
    ]
