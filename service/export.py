"""Events written out for analysts: JSON Lines (the message as published), or flat tables,
CSV and Parquet, one row per event, for pandas, R and DuckDB.

The columns are the event's fields, flattened and ordered as users of GDELT, ICEWS and
POLECAT read them: when, who (actor), to whom (recipient), what (event type, mode,
context, CAMEO, Goldstein, quad class), how sure (modality, confidence), where, the
evidence, then the ids and the source. ``COLUMNS`` is the one definition; docs/events.md
lists it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the command line imports Format without the models (start-up)
    from service.models import ActorRef, DiplomaticEvent


class Format(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"
    PARQUET = "parquet"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # string, date, float, int or bool: the Parquet type
    value: Callable[[DiplomaticEvent], Any]


def _actor(role: str, field: str) -> Callable[[DiplomaticEvent], Any]:
    def value(event: DiplomaticEvent) -> Any:
        actor: ActorRef | None = getattr(event, role)
        return getattr(actor, field) if actor is not None else None

    return value


def _place(field: str) -> Callable[[DiplomaticEvent], Any]:
    return lambda e: getattr(e.location, field) if e.location is not None else None


COLUMNS = [
    Column("event_date", "date", lambda e: e.event_date),
    Column("date_precision", "string", lambda e: e.date_precision),
    *(
        Column(f"{role}_{field}", "string", _actor(role, field))
        for role in ("actor", "recipient")
        for field in ("name", "country", "sector", "code")
    ),
    Column("event_type", "string", lambda e: e.event_type.value),
    Column("mode", "string", lambda e: e.mode),
    Column("context", "string", lambda e: ";".join(e.context) or None),
    Column("cameo_code", "string", lambda e: e.cameo.code),
    Column("cameo_label", "string", lambda e: e.cameo.label),
    Column("goldstein", "float", lambda e: e.cameo.goldstein),
    Column("quad_class", "int", lambda e: e.cameo.quad_class),
    Column("quad_category", "string", lambda e: e.quad_category.value),
    Column("modality", "string", lambda e: e.modality.value),
    Column("two_sided", "bool", lambda e: e.two_sided),
    Column("confidence", "float", lambda e: e.confidence),
    Column("place_name", "string", _place("name")),
    Column("place_country", "string", _place("country")),
    Column("actor_text", "string", _actor("actor", "text")),
    Column("recipient_text", "string", _actor("recipient", "text")),
    Column("trigger", "string", lambda e: e.evidence.trigger.text),
    Column("evidence", "string", lambda e: e.evidence.sentence),
    Column("event_id", "string", lambda e: e.event_id),
    Column("article_id", "string", lambda e: e.article_id),
    Column("article_source", "string", lambda e: e.article_source),
    Column("published_at", "string", lambda e: e.published_at and e.published_at.isoformat()),
    Column("article_url", "string", lambda e: e.article_url),
    Column("extractor_version", "string", lambda e: e.extractor.version),
]


def row(event: DiplomaticEvent) -> dict[str, Any]:
    return {column.name: column.value(event) for column in COLUMNS}


class EventWriter(Protocol):
    def write(self, events: list[DiplomaticEvent]) -> None: ...

    def close(self) -> None: ...


class JsonLinesWriter:
    def __init__(self, out: IO[bytes]) -> None:
        self.out = out

    def write(self, events: list[DiplomaticEvent]) -> None:
        self.out.write(b"".join(e.model_dump_json().encode() + b"\n" for e in events))
        self.out.flush()

    def close(self) -> None:
        self.out.flush()


def _csv_cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


class CsvWriter:
    """RFC 4180, with a header row; empty cells for nulls, ISO 8601 dates."""

    def __init__(self, out: IO[bytes]) -> None:
        self.text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        self.csv = csv.writer(self.text)
        self.csv.writerow(column.name for column in COLUMNS)

    def write(self, events: list[DiplomaticEvent]) -> None:
        for event in events:
            self.csv.writerow(_csv_cell(column.value(event)) for column in COLUMNS)
        self.text.flush()

    def close(self) -> None:
        self.text.flush()
        self.text.detach()  # the stream stays its owner's to close


class ParquetWriter:
    """Typed columns (dates as dates, numbers as numbers), a row group every
    ``ROW_GROUP`` events, so memory stays bounded whatever the number of events."""

    ROW_GROUP = 10_000

    def __init__(self, out: IO[bytes]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        types = {
            "string": pa.string(),
            "date": pa.date32(),
            "float": pa.float64(),
            "int": pa.int8(),
            "bool": pa.bool_(),
        }
        self.schema = pa.schema([(column.name, types[column.kind]) for column in COLUMNS])
        self.writer = pq.ParquetWriter(out, self.schema)
        self.rows: list[dict[str, Any]] = []
        self.table = pa.Table.from_pylist

    def write(self, events: list[DiplomaticEvent]) -> None:
        self.rows += (row(event) for event in events)
        if len(self.rows) >= self.ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        if self.rows:
            self.writer.write_table(self.table(self.rows, schema=self.schema))
            self.rows = []

    def close(self) -> None:
        self._flush()
        self.writer.close()


WRITERS: dict[Format, Callable[[IO[bytes]], EventWriter]] = {
    Format.JSONL: JsonLinesWriter,
    Format.CSV: CsvWriter,
    Format.PARQUET: ParquetWriter,
}
