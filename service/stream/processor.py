"""One input record -> its events or its dead letter, then its processed record, on Kafka.

The agent hands each record here; every record leaves as exactly one processed record,
and as events or one dead letter. ``process`` returns once all of them are acknowledged
by the broker; only then may the record's offset be acknowledged (``in_flight``).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from service import __version__, codec
from service.codec import DeadLetterReason, DecodeError
from service.models import Article, Extractor, ProcessedRecord, QuadCategory
from service.settings import Settings
from service.stream import metrics
from service.stream.worker_pool import ExtractionPool, Outcome


class Sender(Protocol):
    def __call__(
        self, topic: str, key: bytes | None, value: bytes | None, headers: list[tuple[str, bytes]]
    ) -> Awaitable[Awaitable[Any]]: ...


@dataclass(frozen=True)
class InputRecord:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


@dataclass
class _Item:
    record: InputRecord
    received: float
    received_at: datetime
    article: Article | None = None
    failure: tuple[DeadLetterReason, str] | None = None
    outcome: Outcome | None = None


class RecordProcessor:
    def __init__(self, settings: Settings, pool: ExtractionPool, send: Sender) -> None:
        self.settings = settings
        self.pool = pool
        self.send = send

    def _decode(self, item: _Item) -> None:
        try:
            item.article = codec.decode_article(
                item.record.value, self.settings.max_message_bytes, self.settings.max_text_bytes
            )
        except DecodeError as exc:
            item.failure = (exc.reason, exc.detail)

    async def process(self, record: InputRecord) -> None:
        item = _Item(record, time.perf_counter(), datetime.now(UTC))
        metrics.ARTICLES_CONSUMED.inc()
        self._decode(item)
        if item.article is not None:
            item.outcome = outcome = await self.pool.extract(item.article)
            metrics.EXTRACTION_SECONDS.observe(outcome.seconds)
            if outcome.error is not None:
                item.failure = (outcome.reason or DeadLetterReason.EXTRACTION_ERROR, outcome.error)
        await self._publish(item)

    async def _publish(self, item: _Item) -> None:
        pending: list[Awaitable[Any]] = []
        published: list[tuple[str, str]] = []
        record = item.record
        event_ids: list[str] = []
        if item.failure is not None:
            reason, error = item.failure
            headers = codec.dead_letter_headers(
                reason, error, record.topic, record.partition, record.offset
            )
            pending.append(
                await self.send(self.settings.topic_dlq, record.key, record.value, headers)
            )
        elif item.outcome is not None:
            for event in item.outcome.events:
                out = codec.encode_event(event)
                routed = self.settings.routed_topic(QuadCategory(event.quad_category))
                for topic in (self.settings.topic_events, routed):
                    pending.append(await self.send(topic, out.key, out.value, out.headers))
                    published.append((event.event_type.value, topic))
                event_ids.append(event.event_id)
        await asyncio.gather(*pending)

        article_id = item.article.id if item.article else None
        key = article_id or f"{record.topic}/{record.partition}/{record.offset}"
        done = time.perf_counter()
        skipped = item.outcome.skipped if item.outcome else None
        status: Literal["ok", "dead_letter", "skipped"] = "ok"
        why: str | None = None
        if item.failure:
            status, why = "dead_letter", item.failure[0].value
        elif skipped:
            status, why = "skipped", skipped
        processed = ProcessedRecord(
            article_id=article_id,
            status=status,
            reason=why,
            event_count=len(event_ids),
            event_ids=event_ids,
            source_topic=record.topic,
            source_partition=record.partition,
            source_offset=record.offset,
            received_at=item.received_at,
            extraction_seconds=round(item.outcome.seconds, 6) if item.outcome else 0.0,
            total_seconds=round(done - item.received, 6),
            extractor=Extractor(version=__version__, model=self.pool.model_info or "unknown"),
        )
        # The processed record's id is stable per input position, so a redelivery repeats it.
        ce_id = str(
            uuid.uuid5(uuid.NAMESPACE_URL, f"{record.topic}/{record.partition}/{record.offset}")
        )
        out = codec.encode_processed(processed, key, ce_id)
        await (await self.send(self.settings.topic_processed, out.key, out.value, out.headers))

        for event_type, topic in published:
            metrics.EVENTS_PUBLISHED.labels(event_type=event_type, topic=topic).inc()
        if status == "dead_letter":
            metrics.ARTICLES_FAILED.labels(reason=why).inc()
        elif status == "skipped":
            metrics.ARTICLES_SKIPPED.labels(reason=why).inc()
        else:
            metrics.ARTICLES_PROCESSED.inc()
        metrics.END_TO_END_SECONDS.observe(time.perf_counter() - item.received)
