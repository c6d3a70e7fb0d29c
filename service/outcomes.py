"""What became of one input record: ``Coded``, ``Skipped`` or ``Failed``.

Every record the worker consumes and every line ``extract`` reads ends as exactly one of
these, on one path (``service.coding``): decode and validate (``Failed`` with a decode
reason), then the extractor (``Coded`` or ``Skipped``), run in the extraction pool
(``Failed`` when coding raised, overran its time limit or killed its process). The stream
layer publishes an outcome (``service.stream.publication``); ``extract`` writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeAlias

from service.models import DiplomaticEvent


class DeadLetterReason(StrEnum):
    """Why a record was not coded (the ``dlq-reason`` header of its dead letter)."""

    TOO_LARGE = "too_large"
    INVALID_UTF8 = "invalid_utf8"
    INVALID_JSON = "invalid_json"
    NOT_AN_OBJECT = "not_an_object"
    INVALID_ARTICLE = "invalid_article"
    TEXT_TOO_LONG = "text_too_long"
    EXTRACTION_ERROR = "extraction_error"
    EXTRACTION_TIMEOUT = "extraction_timeout"


class SkipReason(StrEnum):
    """Why an article was, on purpose, not coded."""

    NOT_ENGLISH = "not_english"


ERROR_CHARS = 500  # an error's text is cut to this: it travels in a header and a log line


@dataclass(frozen=True)
class Coded:
    """Coded: its events (possibly none) and the seconds its coding took."""

    article_id: str
    events: list[DiplomaticEvent]
    seconds: float = 0.0


@dataclass(frozen=True)
class Skipped:
    """Not coded, on purpose (an article not in English)."""

    article_id: str
    reason: SkipReason
    seconds: float = 0.0


@dataclass(frozen=True)
class Failed:
    """Not coded: the input could not be decoded (no article id then), or its coding
    raised, overran the time limit or killed its process."""

    article_id: str | None
    reason: DeadLetterReason
    error: str
    seconds: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "error", self.error[:ERROR_CHARS])

    @classmethod
    def raised(cls, article_id: str, exc: BaseException, seconds: float) -> Failed:
        return cls(article_id, DeadLetterReason.EXTRACTION_ERROR, describe(exc), seconds)


Outcome: TypeAlias = Coded | Skipped | Failed


def events_of(outcome: Outcome) -> list[DiplomaticEvent]:
    """What an outcome publishes as events: a coded article's, else none."""
    return outcome.events if isinstance(outcome, Coded) else []


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"
