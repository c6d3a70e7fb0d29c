"""SASL/SCRAM against the local broker's SASL listener (scripts/kafka): the worker
connects with a user name and a password read from a secret file, codes an article sent
over SASL, and the password shows up in no log, metric or settings output; a wrong
password is refused by the broker."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError, KafkaError
from pydantic import SecretStr

from service import kafka_security
from service.models import Article, ProcessedRecord
from service.settings import Settings
from tests.conftest import SEED
from tests.integration.conftest import RunningWorker, running_worker

pytestmark = pytest.mark.integration

SASL_BOOTSTRAP = f"127.0.0.1:{os.environ.get('KAFKA_SASL_PORT', '9094')}"
USER = os.environ.get("KAFKA_SASL_USERNAME", "diplomatic-events")
PASSWORD = os.environ.get("KAFKA_SASL_PASSWORD", "local-broker-only")


@pytest.fixture(scope="module")
def secret_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("secrets") / "sasl-password"
    path.write_text(PASSWORD + "\n")
    path.chmod(0o600)
    return path


@pytest.fixture(scope="module")
def sasl_worker(bootstrap_servers, tmp_path_factory, secret_file) -> Iterator[RunningWorker]:
    extra = {
        "KAFKA_BOOTSTRAP_SERVERS": SASL_BOOTSTRAP,
        "DIPLOMATIC_EVENTS_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
        "DIPLOMATIC_EVENTS_SASL_MECHANISM": "SCRAM-SHA-512",
        "DIPLOMATIC_EVENTS_SASL_USERNAME": USER,
        "DIPLOMATIC_EVENTS_SASL_PASSWORD_FILE": str(secret_file),
    }
    with running_worker(bootstrap_servers, tmp_path_factory, extra) as running:
        yield running


def _client_settings(worker: RunningWorker, password: str = PASSWORD) -> Settings:
    """The worker's topics, reached as a SASL client with ``password``."""
    return worker.settings.model_copy(
        update={
            "bootstrap_servers": SASL_BOOTSTRAP,
            "security_protocol": "SASL_PLAINTEXT",
            "sasl_username": USER,
            "sasl_password_file": None,
            "sasl_password": SecretStr(password),
        }
    )


def test_worker_codes_an_article_over_sasl(sasl_worker):
    settings = _client_settings(sasl_worker)
    options = kafka_security.client_options(settings)
    article = Article.model_validate_json(SEED.read_text().splitlines()[0])

    async def run() -> list[ProcessedRecord]:
        producer = AIOKafkaProducer(bootstrap_servers=SASL_BOOTSTRAP, acks="all", **options)
        await producer.start()
        try:
            await producer.send_and_wait(
                settings.topic_articles, article.model_dump_json().encode(), key=b"sasl"
            )
        finally:
            await producer.stop()
        consumer = AIOKafkaConsumer(
            settings.topic_processed,
            bootstrap_servers=SASL_BOOTSTRAP,
            auto_offset_reset="earliest",
            **options,
        )
        await consumer.start()
        try:
            batch = await asyncio.wait_for(consumer.getone(), 120)
            return [ProcessedRecord.model_validate_json(batch.value)]
        finally:
            await consumer.stop()

    processed = asyncio.run(run())
    assert processed[0].article_id == article.id and processed[0].status == "ok"
    assert processed[0].event_count > 0


def test_the_password_is_in_no_log_metric_or_settings_output(sasl_worker):
    status, metrics_text = sasl_worker.get("/metrics")
    assert status == 200 and PASSWORD not in metrics_text
    assert PASSWORD not in sasl_worker.log.read_text(errors="replace")
    env = {**sasl_worker.env, "DIPLOMATIC_EVENTS_SASL_PASSWORD": PASSWORD}
    cli = Path(sys.executable).with_name("diplomatic-events")
    shown = subprocess.run(
        [str(cli), "settings"], env=env, capture_output=True, text=True, timeout=60
    )
    assert shown.returncode == 0 and PASSWORD not in shown.stdout + shown.stderr
    assert '"sasl_password": "**********"' in shown.stdout


def test_a_wrong_password_is_refused(sasl_worker):
    options = kafka_security.client_options(_client_settings(sasl_worker, "not-the-password"))

    async def connect() -> None:
        producer = AIOKafkaProducer(
            bootstrap_servers=SASL_BOOTSTRAP, request_timeout_ms=5000, **options
        )
        try:
            await asyncio.wait_for(producer.start(), 30)
        finally:
            await producer.stop()

    with pytest.raises((KafkaConnectionError, KafkaError)):
        asyncio.run(connect())


def test_sasl_without_credentials_is_a_configuration_error():
    with pytest.raises(ValueError, match="needs a SASL user name and password"):
        Settings(security_protocol="SASL_SSL", sasl_username=None)
