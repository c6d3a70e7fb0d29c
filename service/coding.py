"""The one path from an input record's bytes to its outcome, for the worker and for
``extract`` alike:

    bytes -> decode and validate (size limits, JSON, Article)    codec.decode_article
          -> code in an extraction process (cleaning, language    stream.worker_pool
             gate, per-article time limit, fault isolation)
          -> Coded | Skipped | Failed                              outcomes

Both build it from the same ``Settings``, so the same bytes get the same outcome, with the
same reason, on either path.
"""

from __future__ import annotations

from service import codec
from service.outcomes import Failed, Outcome
from service.settings import Settings
from service.stream.worker_pool import ExtractionPool


class RecordCoder:
    def __init__(self, settings: Settings, pool: ExtractionPool) -> None:
        self.max_message_bytes = settings.max_message_bytes
        self.max_text_bytes = settings.max_text_bytes
        self.pool = pool

    @classmethod
    def from_settings(cls, settings: Settings, processes: int | None = None) -> RecordCoder:
        return cls(settings, ExtractionPool.from_settings(settings, processes))

    async def start(self) -> None:
        await self.pool.start()

    async def stop(self) -> None:
        await self.pool.stop()

    async def code(self, value: bytes | None) -> Outcome:
        article = codec.decode_article(value, self.max_message_bytes, self.max_text_bytes)
        if isinstance(article, Failed):
            return article
        return await self.pool.extract(article)
