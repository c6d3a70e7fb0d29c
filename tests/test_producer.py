"""The worker's producer is idempotent with acks=all (faust alone enables that only in
transactions)."""

from __future__ import annotations

import asyncio

from service.stream.app import app
from service.stream.producer import IdempotentProducer


def test_the_worker_produces_idempotently_with_acks_all():
    async def built() -> tuple[bool, object]:
        producer = app.producer._new_producer()
        try:
            return producer._txn_manager is not None, producer._sender._acks
        finally:
            await producer.stop()

    assert isinstance(app.producer, IdempotentProducer)
    idempotent, acks = asyncio.run(built())
    assert idempotent and acks == -1  # "all"
