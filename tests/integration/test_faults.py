"""Faults on the real broker with real workers: nothing is lost, the stream goes on.

Each scenario publishes the same 200 news articles, breaks something mid-stream and
checks, from the output topics alone, that every article is accounted for in
``articles.processed`` and that the events, once deduplicated by ``event_id``, are those
of a fault-free coding. The figures of each (articles in, processed, lost, duplicated,
recovery time) are printed at the end of the test session.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import psutil
import pytest
from aiokafka import ConsumerRecord

from service.benchmark.stream import free_port
from service.extraction import EventExtractor
from service.models import Article, DiplomaticEvent, ProcessedRecord
from tests.fault_injection.faults import CRASH, HANG, RAISE
from tests.integration.conftest import (
    ROOT,
    FaultFigures,
    RunningWorker,
    produce,
    read_all,
    record_fault_figures,
    running_worker,
)

pytestmark = pytest.mark.integration

CORPUS = ROOT / "bench" / "corpus" / "news-mix.jsonl"
ARTICLES = 200
KILL_AFTER = 40  # processed records before the fault
# The service's own limit (the shared worker fixture lowers it to test dead letters).
FULL_TEXT = {"DIPLOMATIC_EVENTS_MAX_TEXT_BYTES": "1000000"}


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()[:ARTICLES]
    return [Article.model_validate_json(line) for line in lines]


@pytest.fixture(scope="module")
def fault_free(articles: list[Article], extractor: EventExtractor) -> dict[str, dict]:
    """The events of a fault-free coding, by id (the coder is deterministic)."""
    events = [e for a in articles for e in extractor.extract(a)]
    return {e.event_id: e.model_dump(mode="json") for e in events}


def _records(articles: list[Article]) -> list[tuple[bytes | None, bytes]]:
    return [(a.id.encode(), a.model_dump_json().encode()) for a in articles]


def _processed(worker: RunningWorker) -> list[ConsumerRecord]:
    return read_all(worker.settings.bootstrap_servers, worker.settings.topic_processed)


def _wait_processed(worker: RunningWorker, count: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while len(_processed(worker)) < count:
        if worker.process.poll() is not None:
            pytest.fail(f"worker exited with {worker.process.returncode}")
        if time.monotonic() > deadline:
            pytest.fail(f"fewer than {count} processed records in {timeout} s")
        time.sleep(0.2)


def _until_all_processed(worker: RunningWorker, ids: set[str], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while True:
        seen = {ProcessedRecord.model_validate_json(m.value).article_id for m in _processed(worker)}
        if ids <= seen:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"{len(ids - seen)} articles never processed in {timeout} s")
        time.sleep(0.5)


def _account(
    name: str,
    worker: RunningWorker,
    articles: list[Article],
    fault_free: dict[str, dict],
    fault_at: float,
    recovered_from: float | None = None,
    note: str = "",
) -> FaultFigures:
    """Checks and figures: every article processed, no event lost or altered."""
    s = worker.settings
    processed = _processed(worker)
    records = [ProcessedRecord.model_validate_json(m.value) for m in processed]
    ids = Counter(r.article_id for r in records)
    assert all(r.status == "ok" for r in records)
    events = read_all(s.bootstrap_servers, s.topic_events)
    coded = {}
    for message in events:
        event = DiplomaticEvent.model_validate_json(message.value)
        coded[event.event_id] = event.model_dump(mode="json")
    # After dedup by event_id, the events equal a fault-free run's.
    assert coded.keys() == fault_free.keys()
    differing = {
        (i, k): (v, fault_free[i][k])
        for i, e in coded.items()
        for k, v in e.items()
        if v != fault_free[i][k]
    }
    assert not differing
    # Recovery: from the fault (or from when the worker left or the broker came back) to
    # the first processed record published after it.
    start = recovered_from if recovered_from is not None else fault_at
    after = [m.timestamp / 1000 for m in processed if m.timestamp / 1000 > start]
    figures = FaultFigures(
        name=name,
        articles_in=len(articles),
        processed=len(ids),
        lost=len({a.id for a in articles} - set(ids)),
        duplicated=sum(n - 1 for n in ids.values()),
        duplicate_events=len(events) - len(coded),
        recovery_seconds=round(min(after) - start, 1) if after else None,
        note=note,
    )
    record_fault_figures(figures)
    assert figures.lost == 0
    return figures


def test_sigkill_mid_stream_then_restart(bootstrap_servers, tmp_path_factory, articles, fault_free):
    """SIGKILL (the whole process group, as when a container is killed) and a restart
    with the same group membership: at-least-once, nothing lost."""
    with running_worker(bootstrap_servers, tmp_path_factory, FULL_TEXT) as first:
        produce(bootstrap_servers, first.settings.topic_articles, _records(articles))
        _wait_processed(first, KILL_AFTER)
        killed_at = time.time()
        os.killpg(first.process.pid, signal.SIGKILL)
        first.process.wait()
        done_before = len(_processed(first))
    assert done_before < len(articles), "the worker finished before the kill"
    with running_worker(bootstrap_servers, tmp_path_factory, FULL_TEXT, first.run) as second:
        _until_all_processed(second, {a.id for a in articles})
        figures = _account(
            "SIGKILL and restart",
            second,
            articles,
            fault_free,
            killed_at,
            note="recovery includes the new worker's start",
        )
    assert figures.processed == len(articles)


def test_sigterm_finishes_in_flight_commits_and_exits(
    bootstrap_servers, tmp_path_factory, articles, fault_free
):
    """SIGTERM to the worker (as Kubernetes sends it): the records at work finish and are
    committed, the process exits 0, and a restart codes only what was left."""
    with running_worker(bootstrap_servers, tmp_path_factory, FULL_TEXT) as first:
        produce(bootstrap_servers, first.settings.topic_articles, _records(articles))
        _wait_processed(first, KILL_AFTER)
        stopped_at = time.time()
        first.process.send_signal(signal.SIGTERM)  # the worker alone, not its group
        code = first.process.wait(timeout=90)
        exited_at = time.time()
        processed = _processed(first)
        drained = sum(1 for m in processed if m.timestamp / 1000 > stopped_at)
        done = len(processed)
    assert code == 0, first.log.read_text()[-3000:]
    assert done < len(articles), "the worker finished before SIGTERM"
    assert exited_at - stopped_at < first.settings.drain_seconds + 15
    with running_worker(bootstrap_servers, tmp_path_factory, FULL_TEXT, first.run) as second:
        _until_all_processed(second, {a.id for a in articles})
        note = (
            f"exit 0 {exited_at - stopped_at:.1f} s after SIGTERM, {drained} records "
            "finished after it; recovery counted from the exit"
        )
        figures = _account(
            "SIGTERM and restart", second, articles, fault_free, stopped_at, exited_at, note
        )
    # Every offset coded before the stop was committed: nothing was coded twice.
    assert figures.duplicated == 0 and figures.duplicate_events == 0
    assert figures.processed == len(articles)
    log = first.log.read_text()
    assert "Traceback" not in log, log[-3000:]


# --- the broker itself stops and comes back -----------------------------------------------


@dataclass
class Broker:
    env: dict[str, str]
    bootstrap: str

    def _script(self, command: str) -> None:
        subprocess.run([str(ROOT / "scripts" / "kafka"), command], env=self.env, check=True)

    def start(self) -> None:
        self._script("start")

    def stop(self) -> None:
        self._script("stop")

    def kill(self) -> None:
        """At once, as a crash or a lost machine would (a graceful stop takes seconds)."""
        pid = int((Path(self.env["KAFKA_HOME"]) / "kafka.pid").read_text())
        os.kill(pid, signal.SIGKILL)
        while psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
            time.sleep(0.1)


@pytest.fixture(scope="module")
def own_broker(tmp_path_factory) -> Iterator[Broker]:
    """A broker of this module's own (the shared jars, its own data and ports), so that
    stopping it disturbs no other test."""
    home = tmp_path_factory.mktemp("broker")
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "KAFKA_BOOTSTRAP_SERVERS"},
        "KAFKA_HOME": str(home),
        "KAFKA_LIBS": str(ROOT / ".cache" / "kafka" / "libs"),
        "KAFKA_PORT": str(port),
        "KAFKA_CONTROLLER_PORT": str(free_port()),
        "KAFKA_SASL_PORT": str(free_port()),
        "KAFKA_SASL_SSL_PORT": str(free_port()),
        "KAFKA_SSL_PORT": str(free_port()),
    }
    broker = Broker(env, f"127.0.0.1:{port}")
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


def test_broker_stop_and_restart_mid_stream(own_broker, tmp_path_factory, articles, fault_free):
    """The broker is killed, stays away for 10 s and comes back on the same port: the
    worker, left alone, resumes within 60 s and loses nothing."""
    with running_worker(own_broker.bootstrap, tmp_path_factory, FULL_TEXT) as worker:
        produce(own_broker.bootstrap, worker.settings.topic_articles, _records(articles))
        _wait_processed(worker, KILL_AFTER)
        done_before = len(_processed(worker))
        stopped_at = time.time()
        own_broker.kill()
        time.sleep(10)
        restarted_at = time.time()
        own_broker.start()
        back_at = time.time()
        _until_all_processed(worker, {a.id for a in articles}, timeout=240)
        # Mid-stream: articles were left at the kill, and were coded once the broker was
        # back (nothing can be published while it is away). The broker may accept them
        # before `scripts/kafka start` returns, so "back" is counted from the restart.
        assert done_before < len(articles), "the worker finished before the kill"
        later = sum(1 for m in _processed(worker) if m.timestamp / 1000 > restarted_at)
        assert later > 0, "nothing was coded after the broker's restart"
        figures = _account(
            "broker killed, 10 s down, restarted",
            worker,
            articles,
            fault_free,
            stopped_at,
            restarted_at,
            note=f"{later} coded after the broker's restart ({back_at - restarted_at:.1f} s until "
            "`scripts/kafka start` returned); recovery counted from the restart",
        )
        assert worker.process.poll() is None
        assert worker.get("/livez")[0] == 200
    assert figures.recovery_seconds is not None and figures.recovery_seconds <= 60


# --- bad articles: poison pills and pathological text -------------------------------------


@pytest.fixture(scope="module")
def faulty_worker(bootstrap_servers, tmp_path_factory) -> Iterator[RunningWorker]:
    extra = {**FULL_TEXT, "DIPLOMATIC_EVENTS_ARTICLE_TIMEOUT_SECONDS": "5"}
    with running_worker(bootstrap_servers, tmp_path_factory, extra, faults=True) as worker:
        yield worker


def _marked(articles: list[Article], every: int, marker: str) -> list[Article]:
    return [
        a.model_copy(update={"text": f"{a.text}\n{marker}"}) if n % every == every - 1 else a
        for n, a in enumerate(articles)
    ]


def _dead_letters(worker: RunningWorker) -> dict[str, dict[str, str]]:
    s = worker.settings
    out = {}
    for message in read_all(s.bootstrap_servers, s.topic_dlq):
        article = json.loads(message.value)
        out[article["id"]] = {k: v.decode() for k, v in message.headers}
    return out


def _replacement_seconds(log: Path, since: float) -> list[float]:
    """From the worker's log: how long each extraction process replacement took (from the
    fault's detection to the new process ready)."""
    stamp = re.compile(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3})\]")
    began, took = None, []
    for line in log.read_text().splitlines():
        found = stamp.match(line)
        if not found:
            continue
        at = datetime.strptime(found[1], "%Y-%m-%d %H:%M:%S,%f").timestamp()
        if at < since:
            continue
        if "extraction process 0 (pid" in line:
            began = at
        elif "extraction process 0 replaced" in line and began is not None:
            took.append(round(at - began, 1))
            began = None
    return took


def _metric(worker: RunningWorker, sample: str) -> float:
    _, text = worker.get("/metrics")
    for line in text.splitlines():
        if line.startswith(sample + " "):
            return float(line.split()[-1])
    raise AssertionError(f"{sample} not in /metrics")


def _bad_articles_run(
    worker: RunningWorker,
    articles: list[Article],
    marker: str,
    every: int,
    check: Callable[[dict[str, str]], None],
    name: str,
) -> None:
    s = worker.settings
    sent = _marked(articles, every, marker)
    bad = {a.id for a in sent if marker in a.text}
    ids = {a.id for a in sent}

    def ours() -> list[tuple[ConsumerRecord, ProcessedRecord]]:
        # The articles of each scenario are their own; the worker is shared.
        parsed = ((m, ProcessedRecord.model_validate_json(m.value)) for m in _processed(worker))
        return [(m, r) for m, r in parsed if r.article_id in ids]

    started = time.time()
    produce(s.bootstrap_servers, s.topic_articles, _records(sent))
    deadline = time.monotonic() + 240
    while len(ours()) < len(sent):
        assert time.monotonic() < deadline, "the stream stopped"
        time.sleep(0.5)
    messages = ours()
    records = [r for _, r in messages]
    statuses = {r.article_id: r for r in records}
    assert statuses.keys() == {a.id for a in sent}
    assert {i for i, r in statuses.items() if r.status == "dead_letter"} == bad
    letters = _dead_letters(worker)
    for article_id in bad:
        check(letters[article_id])
        assert len(letters[article_id]["dlq-error"]) <= 500
    # The stream went on: the articles after each bad one were coded.
    ok = [r for r in records if r.status == "ok"]
    assert len(ok) == len(sent) - len(bad) and sum(r.event_count for r in ok) > 0
    finished = max(m.timestamp / 1000 for m, _ in messages)
    replacements = _replacement_seconds(worker.log, since=started)
    record_fault_figures(
        FaultFigures(
            name=name,
            articles_in=len(sent),
            processed=len(statuses),
            lost=0,
            duplicated=len(records) - len(statuses),
            duplicate_events=0,
            recovery_seconds=max(replacements) if replacements else None,
            note=f"{len(bad)} dead-lettered; all coded in {finished - started:.1f} s; "
            f"{len(replacements)} process replacements (recovery: the longest)",
        )
    )


def test_poison_pill_goes_to_the_dead_letter_topic(faulty_worker, articles):
    def check(headers: dict[str, str]) -> None:
        assert headers["dlq-reason"] == "extraction_error"
        assert headers["dlq-error"].startswith("RuntimeError: injected fault in article")

    _bad_articles_run(faulty_worker, articles[:60], RAISE, 20, check, "poison pills")


def test_pathological_text_times_out_and_the_process_is_replaced(faulty_worker, articles):
    restarts = _metric(
        faulty_worker, 'diplomatic_events_worker_pool_restarts_total{cause="timeout"}'
    )

    def check(headers: dict[str, str]) -> None:
        assert headers["dlq-reason"] == "extraction_timeout"
        assert "5 s limit" in headers["dlq-error"]

    _bad_articles_run(faulty_worker, articles[60:100], HANG, 20, check, "pathological text")
    after = _metric(faulty_worker, 'diplomatic_events_worker_pool_restarts_total{cause="timeout"}')
    assert after > restarts
    assert _metric(faulty_worker, "diplomatic_events_worker_pool_processes") == 1
    assert faulty_worker.get("/readyz")[0] == 200


def test_a_crashed_extraction_process_is_replaced(faulty_worker, articles):
    def check(headers: dict[str, str]) -> None:
        assert headers["dlq-reason"] == "extraction_error"
        assert "died" in headers["dlq-error"]

    _bad_articles_run(faulty_worker, articles[100:140], CRASH, 20, check, "crashing process")
    assert (
        _metric(faulty_worker, 'diplomatic_events_worker_pool_restarts_total{cause="crash"}') >= 2
    )
