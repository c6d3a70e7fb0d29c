"""Read-only coding tables from ``service/data`` (built by ``scripts/build_tables.py``).

Loaded once per process and cached: worker processes each hold one copy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any


def _load(name: str) -> Any:
    with resources.files("service.data").joinpath(name).open(encoding="utf-8") as handle:
        return json.load(handle)["data"]


@dataclass(frozen=True)
class Role:
    """A CAMEO actor code valid between two dates (either end open)."""

    code: str
    start: date | None
    end: date | None

    def valid_on(self, day: date | None) -> bool:
        if day is None:
            return True
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class ActorEntry:
    names: tuple[str, ...]
    roles: tuple[Role, ...]
    kind: str  # "country" (a state and its synonyms) or "actor" (person, IGO, group)

    @property
    def name(self) -> str:
        return self.names[0]

    def role_on(self, day: date | None) -> Role | None:
        """The role in force on ``day``; without a date, the most recent one."""
        valid = [r for r in self.roles if r.valid_on(day)]
        pool = valid or ([] if day else list(self.roles))
        if not pool:
            return None
        return max(pool, key=lambda r: (r.start or date.min, r.end or date.max))


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@cache
def actors() -> tuple[ActorEntry, ...]:
    return tuple(
        ActorEntry(
            names=tuple(e["names"]),
            roles=tuple(Role(r["code"], _date(r["start"]), _date(r["end"])) for r in e["roles"]),
            kind=e["kind"],
        )
        for e in _load("actors.json")
    )


@cache
def agents() -> dict[str, str]:
    data: dict[str, str] = _load("agents.json")
    return data


@dataclass(frozen=True)
class VerbPattern:
    words: tuple[frozenset[str], ...]
    code: str


@dataclass(frozen=True)
class VerbEntry:
    code: str | None
    patterns: tuple[VerbPattern, ...]


@cache
def verbs() -> dict[str, VerbEntry]:
    data = _load("verbs.json")
    blocks = [
        tuple(
            VerbPattern(tuple(frozenset(w) for w in p["words"]), p["code"]) for p in b["patterns"]
        )
        for b in data["blocks"]
    ]
    return {
        lemma: VerbEntry(entry["code"], blocks[entry["block"]])
        for lemma, entry in data["verbs"].items()
    }


@cache
def cameo() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = _load("cameo.json")
    return data


@cache
def plover() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = _load("plover.json")
    return data


@cache
def nominal_triggers() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = _load("nominal_triggers.json")
    return data
