"""Prometheus metrics of the worker. Names follow Prometheus conventions; labels are
bounded (event types, topics, dead-letter reasons and partitions are finite sets)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import psutil
from prometheus_client import Counter, Gauge, Histogram, Info
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

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
ARTICLES_SKIPPED = Counter(
    f"{PREFIX}_articles_skipped_total",
    "Articles not coded on purpose (not_english), by reason; each has its processed record.",
    ["reason"],
)
ARTICLES_SKIPPED.labels(reason="not_english")  # the series exists from the start
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
POOL_RESTARTS = Counter(
    f"{PREFIX}_worker_pool_restarts_total",
    "Extraction processes replaced: killed after the time limit per article, or died.",
    ["cause"],
)
for _cause in ("timeout", "crash"):
    POOL_RESTARTS.labels(cause=_cause)  # both series exist from the start
CONSUMER_LAG = Gauge(
    f"{PREFIX}_consumer_lag",
    "Input records not yet committed: end offset - committed offset, per assigned partition.",
    ["topic", "partition"],
)
REBALANCES = Counter(
    f"{PREFIX}_rebalances_total", "Partition assignments this worker received (rebalances)."
)
ASSIGNED_PARTITIONS = Gauge(
    f"{PREFIX}_assigned_partitions", "Partitions of the input topic assigned to this worker."
)
BUILD = Info(f"{PREFIX}_build", "Service version and extraction model.")


class ExtractionProcesses(Collector):
    """CPU and memory of the extraction processes, read at scrape time (the default
    process_* metrics describe only the worker's own process)."""

    def __init__(self, pids: Callable[[], list[int]]) -> None:
        self.pids = pids

    def collect(self) -> Iterator[Metric]:
        cpu = CounterMetricFamily(
            f"{PREFIX}_extraction_process_cpu_seconds",
            "CPU time (user + system) of each extraction process.",
            labels=["process"],
        )
        rss = GaugeMetricFamily(
            f"{PREFIX}_extraction_process_resident_memory_bytes",
            "Resident memory of each extraction process.",
            labels=["process"],
        )
        for number, pid in enumerate(self.pids()):
            try:
                process = psutil.Process(pid)
                times, memory = process.cpu_times(), process.memory_info()
            except psutil.Error:
                continue  # ended between the listing and the reading
            cpu.add_metric([str(number)], times.user + times.system)
            rss.add_metric([str(number)], memory.rss)
        yield cpu
        yield rss
