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
    label: str | None = None  # the name as written, when the source has one

    @property
    def name(self) -> str:
        return self.label or self.names[0].title()

    def role_on(self, day: date | None) -> Role | None:
        """The role in force on ``day``; without a date, the most recent one."""
        valid = [r for r in self.roles if r.valid_on(day)]
        pool = valid or ([] if day else list(self.roles))
        if not pool:
            return None
        return max(pool, key=lambda r: (r.start or date.min, r.end or date.max))

    def last_role_before(self, day: date) -> Role | None:
        """The most recent role that ended before ``day`` (a former office holder)."""
        ended = [r for r in self.roles if r.end is not None and r.end < day]
        return max(ended, key=lambda r: r.end or date.min, default=None)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@cache
def actors() -> tuple[ActorEntry, ...]:
    """Phoenix dictionary entries, then the project's dated office holders: a holder whose
    name the dictionary already has gets the new roles on that entry."""
    entries = [
        ActorEntry(
            names=tuple(e["names"]),
            roles=tuple(Role(r["code"], _date(r["start"]), _date(r["end"])) for r in e["roles"]),
            kind=e["kind"],
        )
        for e in _load("actors.json")
    ]
    by_name = {n: i for i, e in enumerate(entries) if e.kind == "actor" for n in e.names}
    for holder in _load("office_holders.json"):
        names = tuple(dict.fromkeys(n.lower() for n in (holder["name"], *holder["aliases"])))
        role = Role(
            holder["country"] + (holder["sector"] or ""),
            _date(holder["start"]),
            _date(holder["end"]),
        )
        index = next((by_name[n] for n in names if n in by_name), None)
        if index is None:
            by_name.update({n: len(entries) for n in names})
            entries.append(
                ActorEntry(names=names, roles=(role,), kind="actor", label=holder["name"])
            )
        else:
            old = entries[index]
            extra = tuple(n for n in names if n not in old.names)
            entries[index] = ActorEntry(
                old.names + extra, (*old.roles, role), old.kind, label=holder["name"]
            )
    return tuple(entries)


# Family name first in English news: "President Xi", "President Yoon".
_FAMILY_NAME_FIRST = {"CHN", "KOR", "PRK", "TWN", "VNM"}


@cache
def surnames() -> dict[str, tuple[int, ...]]:
    """Family name -> office-holder entries, for "President Biden" or "Xi" alone."""
    index: dict[str, list[int]] = {}
    for number, entry in enumerate(actors()):
        if entry.label is None:
            continue
        words = entry.label.replace(",", " ").split()
        if len(words) < 2:
            continue
        first_family = any(r.code[:3] in _FAMILY_NAME_FIRST for r in entry.roles)
        family = words[0] if first_family else words[-1]
        index.setdefault(family.lower(), []).append(number)
    return {name: tuple(entries) for name, entries in index.items()}


@cache
def country_words() -> dict[str, str]:
    """One-word country names and demonyms -> country code ("palestinian" -> PSE)."""
    out: dict[str, str] = {}
    for entry in actors():
        if entry.kind == "country" and entry.roles:
            for name in entry.names:
                if " " not in name:
                    out.setdefault(name, entry.roles[-1].code[:3])
    return out


@cache
def organisations() -> dict[str, str]:
    """Organisation codes (UNO, NATO, EU...) -> names."""
    data: dict[str, str] = _load("organisations.json")
    return data


@cache
def agents() -> dict[str, str]:
    data: dict[str, str] = _load("agents.json")
    return data


@cache
def cameo() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = _load("cameo.json")
    return data


@cache
def plover() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = _load("plover.json")
    return data


@dataclass(frozen=True)
class Sense:
    """One reading of a trigger word (``triggers.json``), tried in order."""

    code: str
    event_type: str | None = None  # overrides the crosswalk's type for this reading
    mode: str | None = None
    prt: frozenset[str] = frozenset()
    prep: frozenset[str] = frozenset()
    obj: frozenset[str] = frozenset()
    subj: frozenset[str] = frozenset()
    not_obj: frozenset[str] = frozenset()
    not_prt: frozenset[str] = frozenset()
    not_prep: frozenset[str] = frozenset()
    advmod: frozenset[str] = frozenset()
    cues: frozenset[str] = frozenset()
    xcomp: bool = False
    ccomp: bool = False
    actor_obj: bool = False  # the direct object names someone: "called the president"
    plural_only: bool = False

    @property
    def constrained(self) -> bool:
        return (
            bool(self.prt or self.prep or self.obj or self.subj or self.advmod or self.cues)
            or self.actor_obj
        )


@dataclass(frozen=True)
class TriggerLexicon:
    verbs: dict[str, tuple[Sense, ...]]
    nouns: dict[str, tuple[Sense, ...]]
    mode_cues: dict[str, dict[str, frozenset[str]]]
    context_cues: dict[str, frozenset[str]]


def _sense(raw: dict[str, Any]) -> Sense:
    sets = {
        k: frozenset(raw.get(k, ()))
        for k in ("prt", "prep", "obj", "subj", "not_obj", "not_prt", "not_prep", "advmod", "cues")
    }
    return Sense(
        code=raw["code"],
        event_type=raw.get("type"),
        mode=raw.get("mode"),
        xcomp=bool(raw.get("xcomp")),
        ccomp=bool(raw.get("ccomp")),
        actor_obj=bool(raw.get("actor_obj")),
        plural_only=bool(raw.get("plural_only")),
        **sets,
    )


@cache
def trigger_lexicon() -> TriggerLexicon:
    with resources.files("service.data").joinpath("triggers.json").open(encoding="utf-8") as f:
        raw = json.load(f)
    return TriggerLexicon(
        verbs={k: tuple(_sense(s) for s in v) for k, v in raw["verbs"].items()},
        nouns={k: tuple(_sense(s) for s in v) for k, v in raw["nouns"].items()},
        mode_cues={
            t: {mode: frozenset(words) for mode, words in modes.items()}
            for t, modes in raw["mode_cues"].items()
        },
        context_cues={c: frozenset(words) for c, words in raw["context_cues"].items()},
    )
