"""Message contracts: what arrives on ``articles.raw`` and what the service publishes.

These pydantic models are the single source of the JSON Schemas in ``schemas/`` (see
``service.contract``). Changing a field here changes the published contract: add fields,
never rename or remove them within a schema version.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

SCHEMA_VERSION = "1.0"

NonEmptyStr = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class EventType(StrEnum):
    """The 16 PLOVER 2.0 event types."""

    AGREE = "AGREE"
    CONSULT = "CONSULT"
    SUPPORT = "SUPPORT"
    CONCEDE = "CONCEDE"
    COOPERATE = "COOPERATE"
    AID = "AID"
    RETREAT = "RETREAT"
    REQUEST = "REQUEST"
    ACCUSE = "ACCUSE"
    REJECT = "REJECT"
    THREATEN = "THREATEN"
    PROTEST = "PROTEST"
    SANCTION = "SANCTION"
    MOBILIZE = "MOBILIZE"
    COERCE = "COERCE"
    ASSAULT = "ASSAULT"


class QuadCategory(StrEnum):
    """PLOVER quad categories; each event type belongs to exactly one."""

    VERBAL_COOPERATION = "verbal_cooperation"
    MATERIAL_COOPERATION = "material_cooperation"
    VERBAL_CONFLICT = "verbal_conflict"
    MATERIAL_CONFLICT = "material_conflict"


DatePrecision = Literal["day", "week", "month", "year"]


class Modality(StrEnum):
    ASSERTED = "asserted"
    ANTICIPATED = "anticipated"
    HYPOTHETICAL = "hypothetical"
    NEGATED = "negated"


class Article(BaseModel):
    """A news article as published to ``articles.raw`` (JSON object, UTF-8)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False, title="Article")

    id: NonEmptyStr = Field(description="Publisher-unique article id; events are keyed on it.")
    text: str = Field(min_length=1, description="Article body, plain text.")
    title: str | None = None
    url: str | None = None
    source: str | None = Field(default=None, description="Publisher name.")
    published_at: datetime | date | None = Field(
        default=None, description="ISO 8601 publication time; relative dates resolve against it."
    )
    language: str = Field(default="en", description="ISO 639-1 language code.")


class ActorRef(BaseModel):
    """An actor or recipient: the mention in the text and what it resolves to."""

    text: str = Field(description="The mention as it appears in the article text.")
    start: int = Field(ge=0, description="Character offset of the mention in article.text.")
    end: int = Field(ge=0, description="Character offset just past the mention.")
    name: str | None = Field(default=None, description="Canonical name of the actor.")
    country: str | None = Field(
        default=None, description="ISO 3166-1 alpha-3 country code, or an IGO code (UNO, NATO)."
    )
    sector: str | None = Field(default=None, description="PLOVER/CAMEO sector code: GOV, MIL...")
    code: str | None = Field(default=None, description="CAMEO-style actor code, e.g. KORGOV.")
    confidence: float = Field(ge=0.0, le=1.0)


class Cameo(BaseModel):
    code: str = Field(description="CAMEO event code, three digits where possible.")
    root: str = Field(description="Two-digit CAMEO root code.")
    label: str
    goldstein: float | None = Field(description="Goldstein conflict-cooperation value.")
    quad_class: int = Field(ge=1, le=4, description="1 verbal coop ... 4 material conflict.")


class Span(BaseModel):
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Evidence(BaseModel):
    sentence: str
    sentence_index: int = Field(ge=0)
    start: int = Field(ge=0, description="Offset of the sentence in article.text.")
    end: int = Field(ge=0)
    trigger: Span


class Location(BaseModel):
    name: str
    country: str | None = None
    start: int | None = None
    end: int | None = None


class Extractor(BaseModel):
    version: str = Field(description="diplomatic-events release that coded the event.")
    model: str = Field(description="spaCy pipeline + sentence classifier, with versions.")


class DiplomaticEvent(BaseModel):
    """One coded event: one actor -> recipient pair (compound actors expand)."""

    model_config = ConfigDict(title="DiplomaticEvent")

    schema_version: Literal["1.0"] = "1.0"
    event_id: str = Field(description="Deterministic: the same article always yields the same ids.")
    article_id: str
    article_url: str | None = None
    article_source: str | None = None
    published_at: datetime | date | None = None
    event_type: EventType
    quad_category: QuadCategory
    mode: str | None = None
    context: list[str] = Field(default_factory=list)
    actor: ActorRef
    recipient: ActorRef | None = None
    cameo: Cameo
    modality: Modality
    two_sided: bool = Field(
        default=False,
        description="One direction of a two-sided event (talks, a call, a joint agreement): "
        "the other direction is its own message. PLOVER codes such an event once, with both "
        "sides as actors and no recipient.",
    )
    event_date: date | None = Field(
        default=None, description="When the event happened (or will); see date_precision."
    )
    date_precision: DatePrecision | None = Field(
        default=None,
        description="How much of event_date the text gives: a week is dated by its Monday, "
        "a month by its first day, a year by 1 January.",
    )
    location: Location | None = None
    evidence: Evidence
    confidence: float = Field(ge=0.0, le=1.0)
    extractor: Extractor


class ProcessedRecord(BaseModel):
    """One per consumed article on ``articles.processed``: every article is accounted for."""

    model_config = ConfigDict(title="ProcessedRecord")

    schema_version: Literal["1.0"] = "1.0"
    article_id: str | None = Field(description="Null when the input has no usable article id.")
    status: Literal["ok", "dead_letter", "skipped"] = Field(
        description="ok: coded (events or none); dead_letter: on articles.dlq; skipped: not "
        "coded on purpose (reason not_english)."
    )
    reason: str | None = Field(
        default=None, description="Dead-letter reason, or why the article was skipped."
    )
    event_count: int = Field(ge=0)
    event_ids: list[str] = Field(default_factory=list)
    source_topic: str
    source_partition: int
    source_offset: int
    received_at: datetime
    extraction_seconds: float = Field(ge=0.0)
    total_seconds: float = Field(ge=0.0, description="Received -> all outputs acknowledged.")
    extractor: Extractor
