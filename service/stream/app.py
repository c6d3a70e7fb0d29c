"""The faust application: topics and services declared once, one thin agent.

    articles.raw --(agent)--> InFlight --> RecordProcessor --> events.diplomatic
                                            (ExtractionPool) --> events.<quad_category>
                                                             --> articles.dlq
                                                             --> articles.processed

One agent (concurrency 1) reads records and hands each to ``InFlight``, which codes up to
``max_in_flight`` at once and acknowledges their offsets in order per partition (faust's
own concurrency can commit past a message still in flight, faust-streaming #606).
Parallelism comes from the process pool and from partitions spread over replicas.
"""

from __future__ import annotations

import logging
from typing import Any

import faust
from mode import Service
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from service import __version__, kafka_security
from service.coding import RecordCoder
from service.settings import get_settings
from service.stream import metrics, worker_pool
from service.stream.in_flight import InFlight
from service.stream.lag import LagMonitor
from service.stream.processor import RecordProcessor
from service.stream.producer import App as IdempotentApp
from service.stream.publication import InputRecord

log = logging.getLogger(__name__)
settings = get_settings()

app = IdempotentApp(
    settings.app_id,
    broker=[f"kafka://{server.strip()}" for server in settings.bootstrap_servers.split(",")],
    store="memory://",
    datadir=str(settings.data_dir),
    autodiscover=False,
    key_serializer="raw",
    value_serializer="raw",
    consumer_auto_offset_reset="earliest",
    consumer_group_instance_id=settings.group_instance_id,
    # A static member gets its stored assignment back on restart, and faust's assignor
    # asserts the URL in it is its own: make the URL the member's identity, not its port.
    canonical_url=f"http://{settings.group_instance_id}" if settings.group_instance_id else None,
    broker_credentials=kafka_security.faust_credentials(settings),
    producer_acks=-1,
    topic_partitions=settings.topic_partitions,
    topic_replication_factor=settings.topic_replicas,
    web_enabled=True,
    web_bind=settings.metrics_host,
    web_port=settings.metrics_port,
    web_host=settings.metrics_host,
)


def _raw_topic(name: str) -> faust.TopicT:
    return app.topic(
        name, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw"
    )


articles_topic = _raw_topic(settings.topic_articles)
output_topics: dict[str, faust.TopicT] = {
    name: _raw_topic(name)
    for name in (
        settings.topic_events,
        *settings.routed_topics.values(),
        settings.topic_dlq,
        settings.topic_processed,
    )
}


class PoolService(Service):
    """Owns the extraction processes for the worker's lifetime."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pool = worker_pool.for_worker()

    async def on_start(self) -> None:
        await self.pool.start()
        metrics.POOL_PROCESSES.set(settings.worker_processes)
        metrics.BUILD.info({"version": __version__, "model": self.pool.model_info or ""})
        log.info(
            "extraction pool ready: %d process(es), %s",
            settings.worker_processes,
            self.pool.model_info,
        )

    async def on_stop(self) -> None:
        await self.pool.stop()
        metrics.POOL_PROCESSES.set(0)


pool_service = PoolService()
app.service(pool_service)  # type: ignore[arg-type]  # instances are accepted too
REGISTRY.register(metrics.ExtractionProcesses(lambda: list(pool_service.pool.pids)))
lag_monitor = LagMonitor(
    settings.bootstrap_servers, settings.app_id, kafka_security.client_options(settings)
)


async def _send(
    topic: str, key: bytes | None, value: bytes | None, headers: list[tuple[str, bytes]]
) -> Any:
    return await output_topics[topic].send(key=key, value=value, headers=headers)


processor = RecordProcessor(settings, RecordCoder(settings, pool_service.pool), _send)


@app.agent(articles_topic, concurrency=1)
async def code_articles(stream: faust.StreamT) -> None:
    # Acknowledged by InFlight once published, in offset order (noack: missing from stubs).
    manual = stream.noack()  # type: ignore[attr-defined]
    in_flight: InFlight[faust.EventT] = InFlight(settings.max_in_flight, manual.ack)
    try:
        async for event in manual.events():
            message = event.message
            record = InputRecord(
                message.topic, message.partition, message.offset, message.key, message.value
            )
            await in_flight.add(message.tp, event, processor.process(record))
    finally:
        # Stopping: let the records at work finish and be acknowledged before faust's
        # last commit; what does not finish in time is consumed again after a restart.
        await in_flight.drain(timeout=settings.drain_seconds)


@app.on_partitions_assigned.connect
async def count_rebalance(sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
    metrics.REBALANCES.inc()
    assigned = kwargs.get("assigned", args[0] if args else ())
    inputs = [tp for tp in assigned if tp.topic == settings.topic_articles]
    metrics.ASSIGNED_PARTITIONS.set(len(inputs))


@app.task
async def start_lag_monitor() -> None:
    await lag_monitor.start()


@app.timer(interval=settings.lag_interval_seconds)
async def measure_lag() -> None:
    assigned = [
        (tp.topic, tp.partition)
        for tp in app.consumer.assignment()
        if tp.topic == settings.topic_articles
    ]
    try:
        await lag_monitor.measure(assigned)
    except Exception as exc:  # lag is best-effort telemetry; never stop the worker for it
        log.warning("consumer lag not measured: %r", exc)


@app.page("/metrics")
async def metrics_view(web: Any, request: Any) -> Any:
    return web.bytes(generate_latest(), content_type=CONTENT_TYPE_LATEST.split(";")[0])


@app.page("/livez")
async def liveness(web: Any, request: Any) -> Any:
    """Alive: the event loop answers, the agent has not crashed and the extraction pool
    dispatches."""
    crashed = any(agent.crashed for agent in app.agents.values()) or not pool_service.pool.alive
    return web.json({"status": "dead" if crashed else "ok"}, status=500 if crashed else 200)


@app.page("/readyz")
async def readiness(web: Any, request: Any) -> Any:
    """Ready: the pool has loaded the model, the producer runs and no rebalance is under way."""
    checks = {
        "extraction_pool": pool_service.pool.ready,
        "producer": app.producer.started if app.producer else False,
        "not_rebalancing": not app.rebalancing,
    }
    ready = all(checks.values())
    return web.json({"ready": ready, "checks": checks}, status=200 if ready else 503)
