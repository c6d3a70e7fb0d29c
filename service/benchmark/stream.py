"""The whole service through the real broker: worker processes started as the service
runs them, articles produced at full speed and at fixed rates, latency from a record's
production to its processed record (published once all its events are acknowledged),
and the CPU and peak memory of every worker process."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from service.models import Article, ProcessedRecord


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def worker_environment(bootstrap: str, run: str, port: int) -> dict[str, str]:
    """The environment of a worker on topics, consumer group and port of its own (``run``
    prefixes every topic), serving health and metrics on 127.0.0.1."""
    return {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "DIPLOMATIC_EVENTS_APP_ID": run,
        "DIPLOMATIC_EVENTS_TOPIC_ARTICLES": f"{run}.articles.raw",
        "DIPLOMATIC_EVENTS_TOPIC_EVENTS": f"{run}.events.diplomatic",
        "DIPLOMATIC_EVENTS_TOPIC_ROUTED_PREFIX": f"{run}.events.",
        "DIPLOMATIC_EVENTS_TOPIC_DLQ": f"{run}.articles.dlq",
        "DIPLOMATIC_EVENTS_TOPIC_PROCESSED": f"{run}.articles.processed",
        "DIPLOMATIC_EVENTS_METRICS_PORT": str(port),
        "DIPLOMATIC_EVENTS_METRICS_HOST": "127.0.0.1",
    }


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    articles_topic: str
    processed_topic: str
    url: str
    log: Path


def start_worker(bootstrap: str, processes: int, scratch: Path, batch_size: int = 16) -> Worker:
    """``diplomatic-events worker`` on topics of its own; returns once /readyz says so."""
    run = f"bench-{uuid.uuid4().hex[:8]}"
    port = free_port()
    env = worker_environment(bootstrap, run, port)
    env.update(
        {
            "DIPLOMATIC_EVENTS_WORKER_PROCESSES": str(processes),
            "DIPLOMATIC_EVENTS_BATCH_SIZE": str(batch_size),
            "DIPLOMATIC_EVENTS_DATA_DIR": str(scratch / run),
            "DIPLOMATIC_EVENTS_LOG_LEVEL": "warning",
        }
    )
    log = scratch / f"{run}.log"
    cli = Path(sys.executable).with_name("diplomatic-events")
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(cli), "worker"], env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    worker = Worker(
        process, f"{run}.articles.raw", f"{run}.articles.processed", f"http://127.0.0.1:{port}", log
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"worker exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(worker.url + "/readyz", timeout=2) as response:
                if response.status == 200:
                    return worker
        except OSError:
            pass
        time.sleep(0.5)
    stop_worker(worker)
    raise RuntimeError("worker not ready after 180 s")


def stop_worker(worker: Worker) -> None:
    if worker.process.poll() is None:
        os.killpg(worker.process.pid, signal.SIGTERM)
        try:
            worker.process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(worker.process.pid, signal.SIGKILL)
            worker.process.wait()


@dataclass
class ProcessUsage:
    """CPU seconds and peak RSS of the worker and its extraction processes."""

    peak_rss_mb: dict[int, float] = field(default_factory=dict)
    cpu_start: dict[int, float] = field(default_factory=dict)
    cpu_seconds: dict[int, float] = field(default_factory=dict)
    roles: dict[int, str] = field(default_factory=dict)


def _role(process: psutil.Process, root: psutil.Process) -> str:
    if process.pid == root.pid:
        return "worker"
    try:
        command = " ".join(process.cmdline())
    except psutil.Error:
        return "?"
    return "multiprocessing helper" if "resource_tracker" in command else "extraction"


class Sampler(threading.Thread):
    def __init__(self, pid: int, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.interval = interval
        self.usage = ProcessUsage()
        self.rss_series: list[tuple[float, dict[int, float]]] = []  # (time, RSS MB by pid)
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self.interval)

    def sample(self) -> None:
        try:
            processes = [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        sizes: dict[int, float] = {}
        for process in processes:
            try:
                rss = process.memory_info().rss / 2**20
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            cpu = times.user + times.system
            usage = self.usage
            usage.roles.setdefault(process.pid, _role(process, self.root))
            usage.cpu_start.setdefault(process.pid, cpu)
            usage.cpu_seconds[process.pid] = cpu - usage.cpu_start[process.pid]
            usage.peak_rss_mb[process.pid] = max(usage.peak_rss_mb.get(process.pid, 0.0), rss)
            sizes[process.pid] = rss
        self.rss_series.append((time.monotonic(), sizes))

    def stop(self) -> None:
        self._halt.set()
        self.join()
        self.sample()


@dataclass
class Phase:
    name: str
    offered_rate: float | None  # articles/s; None: as fast as the producer can
    articles: int
    seconds: float  # first record produced -> last processed record published
    latencies_ms: list[float]
    words: list[int] = field(default_factory=list)  # each latency's article length
    produced_ms: list[int] = field(default_factory=list)  # when each was produced...
    processed_ms: list[int] = field(default_factory=list)  # ...and its processed record

    def backlog(self, step_seconds: float = 5.0) -> list[tuple[float, int]]:
        """(seconds into the phase, articles produced and not yet processed), every step:
        the consumer lag as a subscriber would see it."""
        if not self.produced_ms:
            return []
        produced, processed = sorted(self.produced_ms), sorted(self.processed_ms)
        start, end = produced[0], max(processed)
        series, i, j, t = [], 0, 0, start
        while t <= end:
            while i < len(produced) and produced[i] <= t:
                i += 1
            while j < len(processed) and processed[j] <= t:
                j += 1
            series.append(((t - start) / 1000, i - j))
            t += int(step_seconds * 1000)
        return series

    def under(self, words: int) -> Phase:
        """The same phase, counting only the articles shorter than ``words``."""
        kept = [(ms, w) for ms, w in zip(self.latencies_ms, self.words, strict=True) if w < words]
        return Phase(
            self.name,
            self.offered_rate,
            len(kept),
            self.seconds,
            [ms for ms, _ in kept],
            [w for _, w in kept],
        )

    @property
    def throughput(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run_phase(
    bootstrap: str,
    worker: Worker,
    articles: list[Article],
    rate: float | None,
    name: str,
    timeout: float = 900,
) -> Phase:
    """Produce ``articles`` (paced at ``rate``), wait for every processed record."""
    consumer = AIOKafkaConsumer(
        worker.processed_topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="latest",
        enable_auto_commit=False,
    )
    await consumer.start()
    await consumer.seek_to_end()
    for partition in consumer.assignment():
        await consumer.position(partition)  # pin "latest" before producing
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    produced: dict[tuple[int, int], tuple[int, int]] = {}  # -> (timestamp, words)
    try:
        start = time.time()
        pending = []
        for number, article in enumerate(articles):
            if rate:
                delay = start + number / rate - time.time()
                if delay > 0:
                    await asyncio.sleep(delay)
            stamp = int(time.time() * 1000)
            value = article.model_dump_json(exclude_none=True).encode()
            future = await producer.send(
                worker.articles_topic, value, key=article.id.encode(), timestamp_ms=stamp
            )
            pending.append((future, stamp, len(article.text.split())))
        for future, stamp, words in pending:
            metadata = await future
            produced[(metadata.partition, metadata.offset)] = (stamp, words)
        latencies: list[float] = []
        lengths: list[int] = []
        produced_ms: list[int] = []
        processed_ms: list[int] = []
        last = 0
        deadline = time.monotonic() + timeout
        while produced and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=1000)
            for messages in batch.values():
                for message in messages:
                    if message.value is None:
                        continue
                    record = ProcessedRecord.model_validate_json(message.value)
                    key = (record.source_partition, record.source_offset)
                    if key in produced:
                        stamp, words = produced.pop(key)
                        latencies.append(message.timestamp - stamp)
                        lengths.append(words)
                        produced_ms.append(stamp)
                        processed_ms.append(message.timestamp)
                        last = max(last, message.timestamp)
        if produced:
            raise RuntimeError(f"{name}: {len(produced)} article(s) not processed in {timeout} s")
        first = min(stamp for _, stamp, _ in pending)
        return Phase(
            name,
            rate,
            len(articles),
            (last - first) / 1000,
            latencies,
            lengths,
            produced_ms,
            processed_ms,
        )
    finally:
        await producer.stop()
        await consumer.stop()
