"""Prometheus metrics of the worker. Names follow Prometheus conventions; labels are
bounded (event types, topics, dead-letter reasons and partitions are finite sets)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, Info

PREFIX = "diplomatic_events"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)

ARTICLES_CONSUMED = Counter(
    f"{PREFIX}_articles_consumed_total", "Input records read from the articles topic."
)
ARTICLES_PROCESSED = Counter(
    f"{PREFIX}_articles_processed_total", "Articles coded and their outputs acknowledged."
)
ARTICLES_FAILED = Counter(
    f"{PREFIX}_articles_failed_total",
    "Input records sent to the dead-letter topic, by reason.",
    ["reason"],
)
EVENTS_PUBLISHED = Counter(
    f"{PREFIX}_events_published_total",
    "Event messages acknowledged by the broker, by PLOVER event type and topic.",
    ["event_type", "topic"],
)
EXTRACTION_SECONDS = Histogram(
    f"{PREFIX}_extraction_duration_seconds",
    "Time to code one article in a worker process.",
    buckets=LATENCY_BUCKETS,
)
END_TO_END_SECONDS = Histogram(
    f"{PREFIX}_end_to_end_latency_seconds",
    "Article received from Kafka -> all its events and its processed record acknowledged.",
    buckets=LATENCY_BUCKETS,
)
BATCH_SIZE = Histogram(
    f"{PREFIX}_batch_size",
    "Articles per extraction call (a batch grows with the articles waiting).",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
)
POOL_QUEUE_DEPTH = Gauge(
    f"{PREFIX}_worker_pool_queue_depth",
    "Articles handed to the worker pool and not yet coded (waiting or being coded).",
)
POOL_PROCESSES = Gauge(f"{PREFIX}_worker_pool_processes", "Extraction processes running.")
CONSUMER_LAG = Gauge(
    f"{PREFIX}_consumer_lag",
    "Input records not yet committed: end offset - committed offset, per assigned partition.",
    ["topic", "partition"],
)
BUILD = Info(f"{PREFIX}_build", "Service version and extraction model.")
