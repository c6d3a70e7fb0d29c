"""Consumer lag per assigned partition, as the broker sees it: end offset - committed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from service.stream import metrics


class LagMonitor:
    def __init__(
        self, bootstrap_servers: str, group_id: str, options: dict[str, Any] | None = None
    ) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.options = options or {}
        self.group_id = group_id
        self._admin: AIOKafkaAdminClient | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._reported: set[tuple[str, int]] = set()

    async def start(self) -> None:
        self._admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap_servers, **self.options)
        await self._admin.start()
        # No group: this consumer only asks for end offsets.
        self._consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap_servers, **self.options)
        await self._consumer.start()

    async def stop(self) -> None:
        if self._consumer is not None:
            await self._consumer.stop()
        if self._admin is not None:
            await self._admin.close()

    async def measure(self, assigned: Iterable[tuple[str, int]]) -> dict[tuple[str, int], int]:
        if self._admin is None or self._consumer is None:
            return {}
        partitions = [TopicPartition(t, p) for t, p in assigned]
        lags: dict[tuple[str, int], int] = {}
        if partitions:
            committed = await self._admin.list_consumer_group_offsets(
                self.group_id, partitions=partitions
            )
            ends = await self._consumer.end_offsets(partitions)
            for tp in partitions:
                meta = committed.get(tp)
                done = meta.offset if meta is not None and meta.offset >= 0 else 0
                lags[(tp.topic, tp.partition)] = max(0, ends[tp] - done)
        for topic, partition in self._reported - set(lags):
            metrics.CONSUMER_LAG.remove(topic, str(partition))
        for (topic, partition), lag in lags.items():
            metrics.CONSUMER_LAG.labels(topic=topic, partition=str(partition)).set(lag)
        self._reported = set(lags)
        return lags
