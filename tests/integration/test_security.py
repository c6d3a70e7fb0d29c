"""SASL/SCRAM and TLS against the local broker's listeners (scripts/kafka): the worker
connects with a user name and a password read from a secret file - over plain TCP and
over TLS checked against the broker's test CA, as in production - codes an article sent
the same way, and the password shows up in no log, metric or settings output; a wrong
password is refused by the broker. Mutual TLS: a client certificate opens the SSL
listener, and none, or an unknown CA, does not."""

from __future__ import annotations

import asyncio
import os
import ssl
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError, KafkaError
from pydantic import SecretStr

from service import kafka_security
from service.models import Article, ProcessedRecord
from service.settings import Settings
from tests.conftest import SEED
from tests.integration.conftest import ROOT, RunningWorker, consume, produce, running_worker

pytestmark = pytest.mark.integration

USER = os.environ.get("KAFKA_SASL_USERNAME", "diplomatic-events")
PASSWORD = os.environ.get("KAFKA_SASL_PASSWORD", "local-broker-only")
TLS = Path(os.environ.get("KAFKA_HOME", ROOT / ".cache" / "kafka")) / "tls"
LISTENERS = {
    "SASL_PLAINTEXT": f"127.0.0.1:{os.environ.get('KAFKA_SASL_PORT', '9094')}",
    "SASL_SSL": f"127.0.0.1:{os.environ.get('KAFKA_SASL_SSL_PORT', '9095')}",
    "SSL": f"127.0.0.1:{os.environ.get('KAFKA_SSL_PORT', '9096')}",
}


@pytest.fixture(scope="module")
def secret_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("secrets") / "sasl-password"
    path.write_text(PASSWORD + "\n")
    path.chmod(0o600)
    return path


@pytest.fixture(scope="module", params=["SASL_PLAINTEXT", "SASL_SSL"])
def sasl_worker(
    request, bootstrap_servers, tmp_path_factory, secret_file
) -> Iterator[RunningWorker]:
    extra = {
        "KAFKA_BOOTSTRAP_SERVERS": LISTENERS[request.param],
        "DIPLOMATIC_EVENTS_SECURITY_PROTOCOL": request.param,
        "DIPLOMATIC_EVENTS_SASL_MECHANISM": "SCRAM-SHA-512",
        "DIPLOMATIC_EVENTS_SASL_USERNAME": USER,
        "DIPLOMATIC_EVENTS_SASL_PASSWORD_FILE": str(secret_file),
    }
    if request.param == "SASL_SSL":
        extra["DIPLOMATIC_EVENTS_SSL_CAFILE"] = str(TLS / "ca.pem")
    with running_worker(bootstrap_servers, tmp_path_factory, extra) as running:
        yield running


def _client_settings(worker: RunningWorker, password: str = PASSWORD) -> Settings:
    """The worker's topics, reached the worker's way with ``password``."""
    return worker.settings.model_copy(
        update={
            "sasl_password_file": None,
            "sasl_password": SecretStr(password),
        }
    )


def test_worker_codes_an_article_over_sasl(sasl_worker):
    settings = _client_settings(sasl_worker)
    options = kafka_security.client_options(settings)
    servers = settings.bootstrap_servers
    article = Article.model_validate_json(SEED.read_text().splitlines()[0])

    produce(
        servers, settings.topic_articles, [(b"sasl", article.model_dump_json().encode())], **options
    )
    messages = consume(servers, settings.topic_processed, 1, 120, **options)
    processed = [ProcessedRecord.model_validate_json(m.value) for m in messages]
    assert len(processed) == 1
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


def _connect(settings: Settings) -> None:
    """Starts a producer with the service's client options; raises when refused."""
    options = kafka_security.client_options(settings)

    async def connect() -> None:
        producer = AIOKafkaProducer(
            bootstrap_servers=settings.bootstrap_servers, request_timeout_ms=5000, **options
        )
        try:
            await asyncio.wait_for(producer.start(), 30)
        finally:
            await producer.stop()

    asyncio.run(connect())


def test_a_wrong_password_is_refused(sasl_worker):
    with pytest.raises((KafkaConnectionError, KafkaError)):
        _connect(_client_settings(sasl_worker, "not-the-password"))


def _mutual_tls(**files: Path) -> Settings:
    return Settings().model_copy(
        update={
            "bootstrap_servers": LISTENERS["SSL"],
            "security_protocol": "SSL",
            **{f"ssl_{name}": path for name, path in files.items()},
        }
    )


def test_mutual_tls_with_the_client_certificate():
    settings = _mutual_tls(
        cafile=TLS / "ca.pem", certfile=TLS / "client.pem", keyfile=TLS / "client.key"
    )
    topic = f"tls-{uuid.uuid4().hex[:8]}"
    options = kafka_security.client_options(settings)

    produce(settings.bootstrap_servers, topic, [(None, b"over TLS")], **options)
    messages = consume(settings.bootstrap_servers, topic, 1, 60, **options)
    assert [m.value for m in messages] == [b"over TLS"]


def test_tls_without_a_client_certificate_is_refused():
    with pytest.raises((KafkaConnectionError, KafkaError, ssl.SSLError, OSError)):
        _connect(_mutual_tls(cafile=TLS / "ca.pem"))


def test_a_broker_certificate_from_an_unknown_ca_is_refused():
    """Without the test CA the client does not trust the broker: verification is on."""
    with pytest.raises((KafkaConnectionError, KafkaError, ssl.SSLError, OSError)):
        _connect(_mutual_tls(certfile=TLS / "client.pem", keyfile=TLS / "client.key"))


def test_sasl_without_credentials_is_a_configuration_error():
    with pytest.raises(ValueError, match="needs a SASL user name and password"):
        Settings(security_protocol="SASL_SSL", sasl_username=None)
