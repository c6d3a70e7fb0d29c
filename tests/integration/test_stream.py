"""End to end on the real broker: articles in; events, dead letters, processed records out."""

from __future__ import annotations

import json
import time

import pytest

from service.models import Article, DiplomaticEvent, ProcessedRecord
from tests.conftest import SEED
from tests.integration.conftest import consume, produce, read_all

pytestmark = pytest.mark.integration

BAD = {
    "invalid-json": (b"{this is not json", "invalid_json"),
    "not-an-object": (b"[1, 2, 3]", "not_an_object"),
    "missing-id": (json.dumps({"text": "An article without an id."}).encode(), "invalid_article"),
    "wrong-types": (json.dumps({"id": 42, "text": {"a": 1}}).encode(), "invalid_article"),
    "empty-text": (json.dumps({"id": "empty", "text": "   "}).encode(), "invalid_article"),
    "invalid-utf8": (b'{"id": "x", "text": "\xff\xfe"}', "invalid_utf8"),
    "too-long": (json.dumps({"id": "long", "text": "word " * 5000}).encode(), "text_too_long"),
}


@pytest.fixture(scope="module")
def traffic(worker):
    """Publish the sample articles and the bad records once; collect every output."""
    servers, s = worker.settings.bootstrap_servers, worker.settings
    articles = [Article.model_validate_json(line) for line in SEED.read_text().splitlines()]
    records = [(a.id.encode(), a.model_dump_json().encode()) for a in articles]
    records += [(name.encode(), value) for name, (value, _) in BAD.items()]

    produce(servers, s.topic_articles, records)
    processed = consume(servers, s.topic_processed, len(records), 180)
    dlq = consume(servers, s.topic_dlq, len(BAD), 30)
    # Everything is in once processed records are.
    events = read_all(servers, s.topic_events)
    return articles, records, processed, dlq, events


def test_every_article_is_accounted_for(traffic):
    articles, records, processed, _, _ = traffic
    assert len(processed) == len(records)
    parsed = [ProcessedRecord.model_validate_json(m.value) for m in processed]
    ok = {p.article_id for p in parsed if p.status == "ok"}
    assert ok == {a.id for a in articles}
    dead = [p for p in parsed if p.status == "dead_letter"]
    assert len(dead) == len(BAD)
    assert all(p.reason for p in dead)


def test_dead_letters_keep_original_bytes_and_say_why(worker, traffic):
    _, _, _, dlq, _ = traffic
    by_key = {m.key.decode(): m for m in dlq}
    assert set(by_key) == set(BAD)
    for name, (value, reason) in BAD.items():
        message = by_key[name]
        headers = {k: v.decode() for k, v in message.headers}
        assert message.value == value
        assert headers["dlq-reason"] == reason
        assert headers["dlq-error"]
        assert headers["dlq-source-topic"] == worker.settings.topic_articles
        assert int(headers["dlq-source-offset"]) >= 0


def test_seed_events_come_out_with_cloudevents_headers(traffic):
    _, _, _, _, events = traffic
    parsed = [(m, DiplomaticEvent.model_validate_json(m.value)) for m in events]
    seed = [e for _, e in parsed if e.article_id == "seed-article-rok-us-call"]
    dyads = {
        (
            e.event_type.value,
            e.actor.country,
            e.recipient.country if e.recipient else None,
            e.mode,
            e.modality.value,
        )
        for e in seed
    }
    assert ("CONSULT", "KOR", "USA", "phone", "asserted") in dyads
    assert ("CONSULT", "RUS", "PRK", "visit", "anticipated") in dyads
    for message, event in parsed:
        headers = dict(message.headers)
        assert headers["ce_id"].decode() == event.event_id
        assert headers["ce_specversion"] == b"1.0"
        assert headers["content-type"] == b"application/json"
        assert message.key.decode().startswith(f"{event.actor.country}|")
    assert not [e for _, e in parsed if e.article_id == "sample-0005-weather"]


def test_events_are_routed_by_quad_category(worker, traffic):
    _, _, _, _, events = traffic
    parsed = [DiplomaticEvent.model_validate_json(m.value) for m in events]
    topic = worker.settings.routed_topic(parsed[0].quad_category)
    expected = [e.event_id for e in parsed if e.quad_category == parsed[0].quad_category]
    routed = consume(worker.settings.bootstrap_servers, topic, len(expected), 30)
    assert sorted(DiplomaticEvent.model_validate_json(m.value).event_id for m in routed) == sorted(
        expected
    )


def test_metrics_endpoint_after_traffic(worker, traffic):
    articles, records, _, _, events = traffic
    deadline = time.monotonic() + 30
    text = ""
    while time.monotonic() < deadline:
        status, text = worker.get("/metrics")
        assert status == 200
        if "diplomatic_events_consumer_lag{" in text:
            break
        time.sleep(1)
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    assert samples["diplomatic_events_articles_consumed_total"] == len(records)
    assert samples["diplomatic_events_articles_processed_total"] == len(articles)
    assert samples['diplomatic_events_articles_failed_total{reason="invalid_json"}'] == 1
    published = sum(
        v for k, v in samples.items() if k.startswith("diplomatic_events_events_published_total{")
    )
    assert published == 2 * len(events)  # every event goes to the main and a routed topic
    assert samples["diplomatic_events_extraction_duration_seconds_count"] == len(articles)
    assert samples["diplomatic_events_end_to_end_latency_seconds_count"] == len(records)
    assert samples["diplomatic_events_batch_size_count"] >= 1
    assert "diplomatic_events_worker_pool_queue_depth" in samples
    lag = [k for k in samples if k.startswith("diplomatic_events_consumer_lag{")]
    assert lag, "consumer lag is reported per assigned partition"
    assert samples["diplomatic_events_rebalances_total"] >= 1
    assert samples["diplomatic_events_assigned_partitions"] == len(lag)
    rss = samples['diplomatic_events_extraction_process_resident_memory_bytes{process="0"}']
    assert 150 * 2**20 < rss < 2**30  # a loaded model, well under a gigabyte
    assert samples['diplomatic_events_extraction_process_cpu_seconds_total{process="0"}'] > 1


def test_health_endpoints(worker):
    status, body = worker.get("/livez")
    assert status == 200 and json.loads(body)["status"] == "ok"
    status, body = worker.get("/readyz")
    assert status == 200 and json.loads(body)["ready"] is True
