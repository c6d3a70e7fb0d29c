"""A real worker process against the real broker, on topics of its own.

The broker is the one ``scripts/kafka start`` runs (or ``KAFKA_BOOTSTRAP_SERVERS``); when
it does not answer, these tests fail: they never skip.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from service.benchmark.stream import free_port, worker_environment
from service.settings import Settings
from tests import bad_inputs
from tests.fault_injection import faults as faulty

ROOT = Path(__file__).resolve().parents[2]


async def _broker_answers(servers: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=servers, request_timeout_ms=5000)
    await asyncio.wait_for(admin.start(), 15)
    try:
        await asyncio.wait_for(admin.describe_cluster(), 15)
    finally:
        await admin.close()


@dataclass
class RunningWorker:
    run: str
    settings: Settings
    env: dict[str, str]
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()


@pytest.fixture(scope="session")
def bootstrap_servers() -> str:
    servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    try:
        asyncio.run(_broker_answers(servers))
    except Exception as exc:
        pytest.fail(f"Kafka broker at {servers} does not answer ({exc!r}): run scripts/kafka start")
    return servers


@contextlib.contextmanager
def running_worker(
    bootstrap_servers: str,
    tmp_path_factory: pytest.TempPathFactory,
    extra: dict[str, str] | None = None,
    run: str | None = None,
    faults: bool = False,
) -> Iterator[RunningWorker]:
    """``diplomatic-events worker`` on topics, consumer group and port of its own; ``run``
    names those of an earlier worker to take its place (a restart). ``faults``: with the
    faulty extractor of ``tests/fault_injection``."""
    run = run or f"it-{uuid.uuid4().hex[:8]}"
    port = free_port()
    env = worker_environment(bootstrap_servers, run, port)
    env.update(
        {
            "DIPLOMATIC_EVENTS_MAX_TEXT_BYTES": str(bad_inputs.MAX_TEXT_BYTES),
            "DIPLOMATIC_EVENTS_MAX_MESSAGE_BYTES": str(bad_inputs.MAX_MESSAGE_BYTES),
            "DIPLOMATIC_EVENTS_LAG_INTERVAL_SECONDS": "1",
            "DIPLOMATIC_EVENTS_BATCH_SIZE": "8",
            # Static membership, as on Kubernetes (the pod's name).
            "DIPLOMATIC_EVENTS_GROUP_INSTANCE_ID": f"{run}-0",
            **(extra or {}),
        }
    )
    if faults:
        env["DIPLOMATIC_EVENTS_EXTRACTOR"] = faulty.TARGET
        env["PYTHONPATH"] = str(ROOT)  # the console script's path has no tests package
    scratch = tmp_path_factory.mktemp("worker")
    env["DIPLOMATIC_EVENTS_DATA_DIR"] = str(scratch / "data")
    log = scratch / "worker.log"
    cli = Path(sys.executable).with_name("diplomatic-events")
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(cli), "worker"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
        )
    running = RunningWorker(run, _settings_from(env), env, f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_ready(running)
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise
    try:
        yield running
    finally:
        with contextlib.suppress(ProcessLookupError):  # unless a test ended it
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_ready(running: RunningWorker) -> None:
    process, log = running.process, running.log
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"worker exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            status, _ = running.get("/readyz")
            if status == 200:
                break
        except OSError:
            pass
        time.sleep(0.5)
    else:
        pytest.fail(f"worker not ready in 120 s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def worker(
    bootstrap_servers: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningWorker]:
    with running_worker(bootstrap_servers, tmp_path_factory) as running:
        yield running


def _settings_from(env: dict[str, str]) -> Settings:
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        return Settings()
    finally:
        os.environ.clear()
        os.environ.update(saved)


# --- Kafka from the tests' side -----------------------------------------------------------


def produce(
    servers: str, topic: str, records: list[tuple[bytes | None, bytes | None]], **options: Any
) -> list[tuple[int, int]]:
    """Publishes the records in order; their (partition, offset). ``options``: the client's
    security options (``kafka_security.client_options``)."""

    async def run() -> list[tuple[int, int]]:
        producer = AIOKafkaProducer(
            bootstrap_servers=servers, acks="all", max_request_size=2_000_000, **options
        )
        await producer.start()
        try:
            sent = []
            for key, value in records:
                metadata = await producer.send_and_wait(topic, value, key=key)
                sent.append((metadata.partition, metadata.offset))
            return sent
        finally:
            await producer.stop()

    return asyncio.run(run())


def consume(
    servers: str, topic: str, expected: int, timeout: float, **options: Any
) -> list[ConsumerRecord]:
    """Records of ``topic`` from the beginning, until ``expected`` or ``timeout`` s."""

    async def run() -> list[ConsumerRecord]:
        consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=servers,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            **options,
        )
        await consumer.start()
        out: list[ConsumerRecord] = []
        deadline = time.monotonic() + timeout
        try:
            while len(out) < expected and time.monotonic() < deadline:
                batch = await consumer.getmany(timeout_ms=500)
                for messages in batch.values():
                    out.extend(messages)
        finally:
            await consumer.stop()
        return out

    return asyncio.run(run())


def read_all(servers: str, topic: str) -> list[ConsumerRecord]:
    """Every record of ``topic`` up to its end offsets now."""

    async def run() -> list[ConsumerRecord]:
        admin = AIOKafkaAdminClient(bootstrap_servers=servers)
        await admin.start()
        try:
            (described,) = await admin.describe_topics([topic])
        finally:
            await admin.close()
        if described["error_code"]:  # not created yet
            return []
        partitions = [TopicPartition(topic, p["partition"]) for p in described["partitions"]]
        consumer = AIOKafkaConsumer(bootstrap_servers=servers, enable_auto_commit=False)
        await consumer.start()
        out: list[ConsumerRecord] = []
        try:
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            ends = await consumer.end_offsets(partitions)
            while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
                batch = await consumer.getmany(timeout_ms=1000)
                for messages in batch.values():
                    out.extend(messages)
        finally:
            await consumer.stop()
        return out

    return asyncio.run(run())


# --- figures of the fault tests, printed at the end of the session -------------------------


@dataclass
class FaultFigures:
    name: str
    articles_in: int
    processed: int
    lost: int
    duplicated: int  # processed records beyond one per article (redelivered)
    duplicate_events: int  # event messages beyond one per event_id
    recovery_seconds: float | None
    note: str = ""


_FAULT_FIGURES: list[FaultFigures] = []


def record_fault_figures(figures: FaultFigures) -> None:
    _FAULT_FIGURES.append(figures)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _FAULT_FIGURES:
        return
    terminalreporter.section("fault tests")
    terminalreporter.write_line(
        "| fault | articles in | processed | lost | duplicated records | duplicated events "
        "| recovery s | |"
    )
    for f in _FAULT_FIGURES:
        recovery = "-" if f.recovery_seconds is None else f"{f.recovery_seconds:.1f}"
        terminalreporter.write_line(
            f"| {f.name} | {f.articles_in} | {f.processed} | {f.lost} | {f.duplicated} "
            f"| {f.duplicate_events} | {recovery} | {f.note} |"
        )
