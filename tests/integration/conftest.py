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

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from service.benchmark.stream import free_port, worker_environment
from service.settings import Settings

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
) -> Iterator[RunningWorker]:
    """``diplomatic-events worker`` on topics, consumer group and port of its own."""
    run = f"it-{uuid.uuid4().hex[:8]}"
    port = free_port()
    env = worker_environment(bootstrap_servers, run, port)
    env.update(
        {
            "DIPLOMATIC_EVENTS_MAX_TEXT_BYTES": "20000",
            "DIPLOMATIC_EVENTS_LAG_INTERVAL_SECONDS": "1",
            "DIPLOMATIC_EVENTS_BATCH_SIZE": "8",
            # Static membership, as on Kubernetes (the pod's name).
            "DIPLOMATIC_EVENTS_GROUP_INSTANCE_ID": f"{run}-0",
            **(extra or {}),
        }
    )
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
    running = RunningWorker(_settings_from(env), env, f"http://127.0.0.1:{port}", process, log)
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
    try:
        yield running
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


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
