"""Gold data as one shape: an item (text, date) with the events a coder should output.

Two sources: the PLOVER gold standard records (one sentence, one event each, PLOVER 0.5
labels) and the project's own annotated test set (``service/data/eval``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

# PLOVER 0.5b1 labels used by the gold standard records -> PLOVER 2.0 (manual's crosswalk).
OLD_LABELS = {
    "DEMAND": "REQUEST",
    "DISAPPROVE": "ACCUSE",
    "INVESTIGATE": "ACCUSE",
    "FIGHT": "ASSAULT",
}
# Country codes in the gold records that are not ISO 3166-1 alpha-3.
GOLD_CODE_FIXES = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}
OWN_TEST_SET = Path(__file__).resolve().parent.parent / "data" / "eval"


@dataclass(frozen=True)
class GoldActor:
    country: str | None
    sector: str | None


@dataclass(frozen=True)
class GoldEvent:
    event_type: str
    actors: tuple[GoldActor, ...]
    recipients: tuple[GoldActor, ...]
    mode: str | None = None
    modality: str | None = None
    event_date: date | None = None
    date_precision: str | None = None


@dataclass(frozen=True)
class GoldItem:
    id: str
    text: str
    published_at: date | None
    events: tuple[GoldEvent, ...]
    category: str = "gsr"
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def _clean_sector(value: Any) -> str | None:
    """``CVLalb`` -> CVL, ``***`` -> None: the gold records' sector is often decorated."""
    if not isinstance(value, str):
        return None
    head = value[:3].upper()
    return head if head.isalpha() and len(head) == 3 else None


def _gsr_actors(value: Any) -> tuple[GoldActor, ...]:
    if not isinstance(value, list):
        return ()  # None, "" or a bare string such as "diplomatic": no actor
    out = []
    for entry in value:
        if not isinstance(entry, dict) or not entry.get("code"):
            continue
        code = str(entry["code"]).strip().upper()
        out.append(GoldActor(GOLD_CODE_FIXES.get(code, code), _clean_sector(entry.get("sector"))))
    return tuple(out)


def load_gsr(path: Path) -> list[GoldItem]:
    records = json.loads(path.read_text(encoding="utf-8"))
    items = []
    for record in records[1:]:  # the first element is a header
        actors = _gsr_actors(record.get("source"))
        if not actors:
            continue
        event_type = OLD_LABELS.get(record["event"], record["event"])
        event = GoldEvent(
            event_type=event_type,
            actors=actors,
            recipients=_gsr_actors(record.get("target")),
            mode=record.get("mode") or None,
        )
        items.append(
            GoldItem(
                id=record["id"],
                text=record["text"],
                published_at=date.fromisoformat(record["date"]) if record.get("date") else None,
                events=(event,),
                extra={"old_label": record["event"]},
            )
        )
    return items


def _own_event(entry: dict[str, Any]) -> GoldEvent:
    recipient = entry.get("recipient")
    return GoldEvent(
        event_type=entry["event_type"],
        actors=(GoldActor(entry["actor"], entry.get("actor_sector")),),
        recipients=(GoldActor(recipient, entry.get("recipient_sector")),) if recipient else (),
        mode=entry.get("mode"),
        modality=entry.get("modality"),
        event_date=date.fromisoformat(entry["event_date"]) if entry.get("event_date") else None,
        date_precision=entry.get("date_precision"),
    )


def load_own(folder: Path = OWN_TEST_SET) -> list[GoldItem]:
    items = []
    for path in sorted(folder.glob("annotated_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            items.append(
                GoldItem(
                    id=record["id"],
                    text=record["text"],
                    published_at=date.fromisoformat(record["published_at"]),
                    events=tuple(_own_event(e) for e in record["events"]),
                    category=record["category"],
                )
            )
    return items
