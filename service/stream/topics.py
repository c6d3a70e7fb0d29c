"""Create the service's topics on the broker if they do not exist yet."""

from __future__ import annotations

import contextlib

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from service import kafka_security
from service.settings import Settings


def all_topics(settings: Settings) -> list[str]:
    return [
        settings.topic_articles,
        settings.topic_events,
        *settings.routed_topics.values(),
        settings.topic_dlq,
        settings.topic_processed,
    ]


async def ensure_topics(settings: Settings) -> None:
    admin = AIOKafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers, **kafka_security.client_options(settings)
    )
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(name, settings.topic_partitions, settings.topic_replicas)
            for name in all_topics(settings)
            if name not in existing
        ]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):  # another replica won the race
                await admin.create_topics(missing)
    finally:
        await admin.close()
