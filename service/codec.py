"""Decode and validate input records; encode output records with CloudEvents headers.

Pure functions on bytes: the stream layer calls them, the tests call them directly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from cloudevents.v1.http import CloudEvent
from cloudevents.v1.kafka import to_binary
from pydantic import BaseModel, ValidationError

from service.models import Article, DiplomaticEvent
from service.outcomes import DeadLetterReason, Failed

CE_SOURCE = "urn:diplomatic-events"
CE_TYPE_EVENT = "org.diplomatic-events.event.v1"
CE_TYPE_PROCESSED = "org.diplomatic-events.article-processed.v1"


def too_large(size: int, limit: int) -> Failed:
    return Failed(None, DeadLetterReason.TOO_LARGE, f"{size} bytes > limit {limit}")


def decode_article(
    value: bytes | None, max_message_bytes: int, max_text_bytes: int
) -> Article | Failed:
    """Bytes of one ``articles.raw`` record -> a valid Article, or why it is not one."""
    if value is None:
        return Failed(None, DeadLetterReason.INVALID_JSON, "empty record (tombstone)")
    if len(value) > max_message_bytes:
        return too_large(len(value), max_message_bytes)
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Failed(None, DeadLetterReason.INVALID_UTF8, str(exc))
    try:
        payload = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        return Failed(None, DeadLetterReason.INVALID_JSON, str(exc)[:200])
    if not isinstance(payload, dict):
        return Failed(None, DeadLetterReason.NOT_AN_OBJECT, f"JSON {type(payload).__name__}")
    try:
        # JSON mode, as the text came: from a Python dict, "2024-05-09" would become a
        # midnight datetime rather than the date that was sent.
        article = Article.model_validate_json(text)
    except ValidationError as exc:
        summary = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()[:5]
        )
        return Failed(_article_id(payload), DeadLetterReason.INVALID_ARTICLE, summary)
    if not article.text.strip():
        return Failed(
            article.id, DeadLetterReason.INVALID_ARTICLE, "text: empty or whitespace only"
        )
    size = len(article.text.encode("utf-8"))
    if size > max_text_bytes:
        return Failed(
            article.id, DeadLetterReason.TEXT_TOO_LONG, f"{size} bytes > limit {max_text_bytes}"
        )
    return article


def _article_id(payload: dict[str, object]) -> str | None:
    """The id of a record that is no valid article, when it has a usable one."""
    value = payload.get("id")
    return value.strip() or None if isinstance(value, str) else None


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
