"""What to publish for an outcome: pure functions, no Kafka (``processor`` sends them).

Coded    -> each event on events.diplomatic and on its quad category's topic
Skipped  -> nothing but the processed record (status skipped)
Failed   -> the input record, as it came, on articles.dlq with dlq-* headers
and for every outcome one processed record on articles.processed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from service import __version__, codec
from service.models import Extractor, ProcessedRecord, QuadCategory
from service.outcomes import Coded, Failed, Outcome, Skipped, events_of
from service.settings import Settings


@dataclass(frozen=True)
class InputRecord:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


@dataclass(frozen=True)
class Message:
    topic: str
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]
    event_type: str | None = None  # of an event message (its metric's label)


def outputs(outcome: Outcome, record: InputRecord, settings: Settings) -> list[Message]:
    """The messages an outcome publishes before its processed record."""
    match outcome:
        case Coded(events=events):
            messages = []
            for event in events:
                out = codec.encode_event(event)
                routed = settings.routed_topic(QuadCategory(event.quad_category))
                for topic in (settings.topic_events, routed):
                    messages.append(
                        Message(topic, out.key, out.value, out.headers, event.event_type.value)
                    )
            return messages
        case Failed(reason=reason, error=error):
            headers = codec.dead_letter_headers(
                reason, error, record.topic, record.partition, record.offset
            )
            return [Message(settings.topic_dlq, record.key, record.value, headers)]
        case Skipped():
            return []


Status = Literal["ok", "dead_letter", "skipped"]


def status(outcome: Outcome) -> tuple[Status, str | None]:
    """The processed record's status and reason."""
    match outcome:
        case Coded():
            return "ok", None
        case Skipped(reason=reason):
            return "skipped", reason.value
        case Failed(reason=reason):
            return "dead_letter", reason.value


def processed(
    outcome: Outcome,
    record: InputRecord,
    received_at: datetime,
    total_seconds: float,
    model: str | None,
    settings: Settings,
) -> Message:
    """The processed record of an outcome, keyed by its article id (or its position)."""
    state, reason = status(outcome)
    events = events_of(outcome)
    body = ProcessedRecord(
        article_id=outcome.article_id,
        status=state,
        reason=reason,
        event_count=len(events),
        event_ids=[event.event_id for event in events],
        source_topic=record.topic,
        source_partition=record.partition,
        source_offset=record.offset,
        received_at=received_at,
        extraction_seconds=round(outcome.seconds, 6),
        total_seconds=round(total_seconds, 6),
        extractor=Extractor(version=__version__, model=model or "unknown"),
    )
    position = f"{record.topic}/{record.partition}/{record.offset}"
    # Its id is stable per input position, so that a redelivery repeats it.
    ce_id = str(uuid.uuid5(uuid.NAMESPACE_URL, position))
    out = codec.encode_processed(body, outcome.article_id or position, ce_id)
    return Message(settings.topic_processed, out.key, out.value, out.headers)
