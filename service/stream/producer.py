"""The worker's Kafka producer: faust's aiokafka producer with idempotence on.

faust turns ``enable_idempotence`` on only inside transactions (exactly-once mode, whose
open bugs keep the service out of it). Without it a send that the broker wrote but whose
acknowledgement was lost is written again on retry; with it (and ``acks=all``) the broker
drops the duplicate, so an output appears once per attempt. Redelivered input can still
repeat outputs - deterministic event ids make that harmless."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import faust
from faust.transport.drivers import aiokafka as aiokafka_driver


class IdempotentProducer(aiokafka_driver.Producer):
    def _settings_extra(self) -> Mapping[str, Any]:
        return {**super()._settings_extra(), "acks": "all", "enable_idempotence": True}


class Transport(aiokafka_driver.Transport):
    Producer = IdempotentProducer


class App(faust.App):
    """faust.App on the transport above (same aiokafka driver, idempotent producer)."""

    def _new_transport(self) -> Transport:
        return Transport(self.conf.broker_consumer, self)

    def _new_producer_transport(self) -> Transport:
        return Transport(self.conf.broker_producer, self)
