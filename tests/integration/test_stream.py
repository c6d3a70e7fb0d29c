"""End to end on the real broker: articles in; events, dead letters, processed records out."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from service.models import Article, DiplomaticEvent, ProcessedRecord
from tests.bad_inputs import CORPUS
from tests.conftest import SEED
from tests.integration.conftest import consume, produce, read_all

pytestmark = pytest.mark.integration
CLI = str(Path(sys.executable).with_name("diplomatic-events"))


@pytest.fixture(scope="module")
def traffic(worker):
    """Publish the sample articles and the bad-input corpus once; collect every output."""
    servers, s = worker.settings.bootstrap_servers, worker.settings
    articles = [Article.model_validate_json(line) for line in SEED.read_text().splitlines()]
    records = [(a.id.encode(), a.model_dump_json().encode()) for a in articles]
    records += [(bad.name.encode(), bad.value) for bad in CORPUS]

    positions = produce(servers, s.topic_articles, records)
    processed = consume(servers, s.topic_processed, len(records), 180)
    dead = [bad for bad in CORPUS if bad.outcome == "dead_letter"]
    dlq = consume(servers, s.topic_dlq, len(dead), 30)
    # Everything is in once processed records are.
    events = read_all(servers, s.topic_events)
    corpus_at = dict(zip(positions[len(articles) :], CORPUS, strict=True))
    return articles, records, processed, dlq, events, corpus_at


def test_every_article_is_accounted_for(traffic):
    articles, records, processed, _, _, _ = traffic
    assert len(processed) == len(records)
    parsed = [ProcessedRecord.model_validate_json(m.value) for m in processed]
    ok = {p.article_id for p in parsed if p.status == "ok"}
    assert {a.id for a in articles} <= ok


def test_every_bad_input_has_its_documented_outcome(traffic):
    _, _, processed, _, _, corpus_at = traffic
    outcomes = {}
    for message in processed:
        record = ProcessedRecord.model_validate_json(message.value)
        position = (record.source_partition, record.source_offset)
        if position in corpus_at:
            outcomes[corpus_at[position].name] = (record.status, record.reason)
    assert outcomes == {bad.name: (bad.outcome, bad.reason) for bad in CORPUS}


def test_dead_letters_keep_original_bytes_and_say_why(worker, traffic):
    _, _, _, dlq, _, _ = traffic
    dead = {bad.name: bad for bad in CORPUS if bad.outcome == "dead_letter"}
    by_key = {m.key.decode(): m for m in dlq}
    assert set(by_key) == set(dead)
    for name, bad in dead.items():
        message = by_key[name]
        headers = {k: v.decode() for k, v in message.headers}
        assert message.value == bad.value
        assert headers["dlq-reason"] == bad.reason
        assert 0 < len(headers["dlq-error"]) <= 500
        assert headers["dlq-source-topic"] == worker.settings.topic_articles
        assert int(headers["dlq-source-offset"]) >= 0


def test_markup_and_control_characters_are_coded_as_the_plain_article(traffic):
    articles, _, _, _, events, corpus_at = traffic
    sent = {bad.name: json.loads(bad.value) for bad in corpus_at.values() if bad.outcome == "ok"}
    parsed = [DiplomaticEvent.model_validate_json(m.value) for m in events]

    def dyads(article_id: str) -> set[tuple]:
        # What the events say; mention texts may differ by the blanks themselves.
        return {
            (e.event_type, e.actor.country, e.recipient and e.recipient.country, e.modality)
            for e in parsed
            if e.article_id == article_id
        }

    for name, article_id in (("html-markup", "html"), ("control-characters", "control")):
        assert dyads(article_id) == dyads(articles[0].id), name
        coded = [e for e in parsed if e.article_id == article_id]
        text = sent[name]["text"]
        for event in coded:
            trigger = event.evidence.trigger
            assert text[trigger.start : trigger.end] == trigger.text  # offsets as sent


def test_a_duplicate_article_id_is_coded_again_with_the_same_event_ids(traffic):
    articles, _, processed, _, _, _ = traffic
    twice = [
        record
        for record in (ProcessedRecord.model_validate_json(m.value) for m in processed)
        if record.article_id == articles[0].id
    ]
    assert len(twice) == 2 and all(r.status == "ok" for r in twice)
    assert twice[0].event_ids == twice[1].event_ids and twice[0].event_ids


def test_seed_events_come_out_with_cloudevents_headers(traffic):
    _, _, _, _, events, _ = traffic
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
    _, _, _, _, events, _ = traffic
    parsed = [DiplomaticEvent.model_validate_json(m.value) for m in events]
    topic = worker.settings.routed_topic(parsed[0].quad_category)
    expected = [e.event_id for e in parsed if e.quad_category == parsed[0].quad_category]
    routed = consume(worker.settings.bootstrap_servers, topic, len(expected), 30)
    assert sorted(DiplomaticEvent.model_validate_json(m.value).event_id for m in routed) == sorted(
        expected
    )


def test_metrics_endpoint_after_traffic(worker, traffic):
    articles, records, _, _, events, _ = traffic
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
    outcomes = Counter((bad.outcome, bad.reason) for bad in CORPUS)
    coded = len(articles) + outcomes["ok", None]
    skipped = outcomes["skipped", "not_english"]
    assert samples["diplomatic_events_articles_consumed_total"] == len(records)
    assert samples["diplomatic_events_articles_processed_total"] == coded
    for (outcome, reason), count in outcomes.items():
        if outcome == "dead_letter":
            assert samples[f'diplomatic_events_articles_failed_total{{reason="{reason}"}}'] == count
    assert samples['diplomatic_events_articles_skipped_total{reason="not_english"}'] == skipped
    published = sum(
        v for k, v in samples.items() if k.startswith("diplomatic_events_events_published_total{")
    )
    assert published == 2 * len(events)  # every event goes to the main and a routed topic
    assert samples["diplomatic_events_extraction_duration_seconds_count"] == coded + skipped
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


def test_extract_codes_the_same_records_as_the_worker(worker, traffic, tmp_path):
    """One path: the worker's events and outcomes are what ``extract`` gives for the same
    bytes, with the same settings (a tombstone is no line of a file: left out)."""
    _, records, processed, _, events, corpus_at = traffic
    lines = [value for _, value in records if value is not None]
    source = tmp_path / "records.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    done = subprocess.run(
        [CLI, "extract", "--workers", "2", str(source)],
        capture_output=True,
        env=worker.env,
        timeout=300,
    )
    offline = [DiplomaticEvent.model_validate_json(line) for line in done.stdout.splitlines()]
    streamed = [DiplomaticEvent.model_validate_json(m.value) for m in events]
    assert offline and {e.event_id: e for e in offline} == {e.event_id: e for e in streamed}

    tombstone = next(at for at, bad in corpus_at.items() if bad.value is None)
    by_worker = Counter(
        (p.status, p.reason)
        for p in (ProcessedRecord.model_validate_json(m.value) for m in processed)
        if p.status != "ok" and (p.source_partition, p.source_offset) != tombstone
    )
    by_extract = Counter(
        ("dead_letter" if verb == "failed" else "skipped", reason)
        for verb, reason in re.findall(
            r"^\S+:\d+:.* (failed|skipped): (\w+)", done.stderr.decode(), re.M
        )
    )
    assert by_extract == by_worker and by_worker


def test_tail_writes_csv_rows(worker, traffic):
    _, _, _, _, events, _ = traffic
    done = subprocess.run(
        [CLI, "tail", "--max-events", "5", "--format", "csv"],
        capture_output=True,
        env=worker.env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(done.stdout.decode().splitlines()))
    assert list(rows[0])[:2] == ["event_date", "date_precision"] and len(rows) == 5
    published = {DiplomaticEvent.model_validate_json(m.value).event_id for m in events}
    assert {row["event_id"] for row in rows} <= published


def test_produce_sends_articles_as_they_are_and_reports_what_it_leaves_out(worker, tmp_path):
    topic = f"produce-{worker.run}"  # a topic of its own: no worker reads it
    good = SEED.read_text().splitlines()[0].encode()
    source = tmp_path / "to-send.jsonl"
    source.write_bytes(good + b"\n{not json\n")
    done = subprocess.run(
        [CLI, "produce", str(source)],
        capture_output=True,
        env={**worker.env, "DIPLOMATIC_EVENTS_TOPIC_ARTICLES": topic},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert f"{source}:2: not published: invalid_json: " in done.stderr.decode()
    (sent,) = consume(worker.settings.bootstrap_servers, topic, 1, 30)
    assert sent.value == good and sent.key == b"seed-article-rok-us-call"
