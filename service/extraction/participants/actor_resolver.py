"""Stage 4: resolve a noun phrase to actors (country or IGO, sector, CAMEO-style code).

Input: the head token of a phrase that attribution chose. Output: one ``ResolvedActor`` per
entity the phrase names; a coordinated phrase ("officials from the ROK and the United
States") yields several. Dated dictionary roles are resolved on the article's date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import pycountry
from spacy.tokens import Doc, Span, Token

from service.extraction import tables
from service.extraction.components.actor_recognizer import (
    ACTOR_SPANS,
    AGENT_SPANS,
    actors_of,
    agent_tokens,
    spans_starting_in,
)
from service.extraction.output.places import is_place

# Prepositions through which a phrase names whom it belongs to ("officials from X").
# Phoenix codes whose first three letters are a kind of actor, not a country.
_NOT_COUNTRIES = {
    "MED": "MED", "MNC": "BUS", "BAH": "REL", "MOS": "REL", "HIN": "REL", "BUD": "REL",
    "ELI": "ELI",
}  # fmt: skip
# Phoenix region codes (Middle East, South Asia, West Africa...): no one country.
_REGIONS = {
    "MEA", "SAS", "WEU", "SEA", "EAF", "LAM", "ASA", "AFR", "SAF", "EEU", "CAS", "NAF",
    "WAF", "SAM", "NMR", "CFR", "EUR",
}  # fmt: skip
_OWNER_PREPS = {"of", "from", "at", "in", "for"}


@dataclass(frozen=True)
class ResolvedActor:
    text: str
    start: int  # character offsets into the document text
    end: int
    name: str | None
    country: str | None
    sector: str | None
    code: str | None
    confidence: float
    person: bool = False  # a named individual: "he" and "she" can refer to it

    @property
    def key(self) -> str:
        return self.code or self.country or self.text.lower()


@cache
def _organisations_longest_first() -> list[str]:
    return sorted(tables.organisations(), key=len, reverse=True)


@cache
def is_country(code: str) -> bool:
    """An ISO 3166 alpha-3 code, or Kosovo's user-assigned XKX."""
    return code == "XKX" or pycountry.countries.get(alpha_3=code) is not None


@cache
def display_name(code: str | None) -> str | None:
    """ "PRK" -> "North Korea", "NATO" -> "NATO": the name readers know."""
    if code is None:
        return None
    if code in tables.organisations():
        return tables.organisations()[code]
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


def split_code(code: str) -> tuple[str | None, str | None]:
    """``KORGOV`` -> (KOR, GOV); ``NATO`` -> (NATO, None); ``RUS`` -> (RUS, None)."""
    if code in tables.organisations() or not is_country(code[:3]):
        for organisation in _organisations_longest_first():
            if code.startswith(organisation):
                return organisation, code[len(organisation) :][:3] or None  # NATOGOV
    if code.startswith("IGO"):
        return "IGO", None
    if code[:3] in _NOT_COUNTRIES:
        return None, _NOT_COUNTRIES[code[:3]]  # Reuters, Chevron: a sector, no country
    if code[:3] in _REGIONS and not is_country(code[:3]):
        return None, code[3:6] or None
    country = code[:3] if len(code) >= 3 else None
    sector = code[3:6] if len(code) >= 6 else None
    return country, sector


def _phrase_tokens(head: Token, agent_heads: set[int]) -> list[Token]:
    """The head, its modifiers, and - when the head is an agent word ("officials",
    "ministry") - the prepositional phrase saying whose it is ("officials from X")."""
    tokens = [head]
    for child in head.children:
        if child.dep_ in ("relcl", "acl", "advcl", "punct", "cc", "conj"):
            continue
        if child.dep_ == "appos" and head.pos_ != "PROPN":
            continue  # "Kenzo Oshima, the UN relief coordinator": the title says who he is
        # "officials from X", "thousands of students", "rebels in Darfur": whose, or of
        # whom, the phrase speaks - for people nouns; a name's or a thing's prepositions
        # are not its own ("Kim in Seoul", "an agreement in Jeddah").
        people_noun = head.i in agent_heads or head.tag_ in ("NNS", "NNPS")
        if child.dep_ == "prep" and not (
            (child.lower_ == "of" and (people_noun or head.pos_ == "PROPN" or _collective(head)))
            or (child.lower_ in _OWNER_PREPS and people_noun)
        ):
            continue
        tokens.extend(child.subtree)
    tokens = sorted((t for t in tokens if not t.is_space), key=lambda t: t.i)
    # An abbreviation in parentheses belongs to the phrase, closing parenthesis included
    # ("the Republic of Korea (ROK)"); a parenthesis closed further away does not.
    doc = head.doc
    opened = [n for n, t in enumerate(tokens) if t.text == "(" and t.i > head.i]
    if opened and not any(t.text == ")" for t in tokens[opened[-1] :]):
        tokens = tokens[: opened[-1]]
    if tokens:
        span = doc[tokens[0].i : tokens[-1].i + 1]
        after = tokens[-1].i + 1
        unclosed = span.text.count("(") > span.text.count(")")
        if unclosed and after < len(doc) and doc[after].text == ")":
            tokens.append(doc[after])
    # "Putin's visit": the possessive ending is not part of Putin's name.
    while tokens and tokens[-1].dep_ == "case":
        tokens.pop()
    return tokens


def text_of(doc: Doc, start: int, end: int) -> str:
    """``doc.text[start:end]`` without rebuilding the text on every call (spaCy joins
    every token's text each time ``Doc.text`` is read)."""
    text = doc.user_data.get("text")
    if text is None:
        text = doc.user_data["text"] = doc.text
    return str(text)[start:end]


def actor_code(country: str | None, sector: str | None) -> str | None:
    """CAMEO-style code: country (or organisation) then sector: KORGOV, NATOGOV, MED."""
    return ((country or "") + (sector or "")) or None


def phrase_tokens(head: Token) -> list[Token]:
    return _phrase_tokens(head, agent_tokens(head.doc))


# Places standing for their people: "shelled the southern city of Kherson".
PLACE_NOUNS = {
    "city", "town", "village", "region", "province", "port", "capital", "district", "area",
    "enclave", "camp", "island", "territory", "neighbourhood", "neighborhood", "settlement",
}  # fmt: skip


# Nouns that stand for the people in their "of" phrase: "thousands of students".
_COLLECTIVES = {
    "thousand", "hundred", "dozen", "million", "group", "member", "majority", "number",
    "part", "band", "team", "delegation", "coalition", "alliance", "union", "bloc",
    "government", "head", "leader", "president", "king", "queen", "emir", "prince",
}  # fmt: skip


def _collective(head: Token) -> bool:
    return head.lemma_.lower() in _COLLECTIVES


def unnamed(head: Token) -> ResolvedActor | None:
    """A phrase with a sector word but no country ("the minister", "rebels"), or an
    unnamed place ("the city"): the actor without its country, for ``coreference`` to
    complete from the context."""
    tokens = phrase_tokens(head)
    indices = {t.i for t in tokens}
    agents = spans_starting_in(head.doc, AGENT_SPANS, indices)
    if not agents and head.lemma_.lower() not in PLACE_NOUNS:
        return None
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    sector = agents[0].kb_id_ if agents else None
    return ResolvedActor(text_of(head.doc, start, end), start, end, None, None, sector, None, 0.5)


def resolve(head: Token, on: date | None) -> list[ResolvedActor]:
    """Who the phrase headed by ``head`` names, on the article's date ``on``. Coreference
    and participants ask about the same heads: the answer is kept with the document."""
    memo = head.doc.user_data.setdefault("resolved", {})
    key = (head.i, on)
    if key not in memo:
        memo[key] = _resolve(head, on)
    return list(memo[key])


def _resolve(head: Token, on: date | None) -> list[ResolvedActor]:
    doc = head.doc
    tokens = _phrase_tokens(head, agent_tokens(doc))
    indices = {t.i for t in tokens}
    actor_spans = spans_starting_in(doc, ACTOR_SPANS, indices)
    agent_spans = spans_starting_in(doc, AGENT_SPANS, indices)
    sector = agent_spans[0].kb_id_ if agent_spans else None
    entries = tables.actors()

    resolved: list[tuple[Span, tables.ActorEntry, tables.Role]] = []
    for span in actor_spans:
        entry = entries[int(span.kb_id_)]
        role = entry.role_on(on) or (entry.last_role_before(on) if on else None)
        if role is not None:
            resolved.append((span, entry, role))
    if not resolved and on is not None:
        resolved = _by_family_name(head, tokens, on)
    if not resolved:
        return []
    # A named person or group outranks the country words around it ("ROK Vice Foreign
    # Minister Kim"); several countries stay several actors only when coordinated.
    # "Seoul's Foreign Ministry", "the African Union's Peace and Security Council": the
    # possessor says whose body it is.
    owned = {t.i for c in head.children if c.dep_ == "poss" for t in c.subtree}
    owners = [r for r in resolved if r[0].start in owned]
    if owners and head.ent_type_ != "PERSON":
        resolved = owners[:1]
    people = [r for r in resolved if r[1].kind == "actor"]
    countries = [r for r in resolved if r[1].kind == "country"]
    # The name the phrase is about: the one on its head ("U.S. Deputy Secretary of State
    # Kurt Campbell" is Campbell, not the generic "Secretary of State" entry before him),
    # else the nearest ("the findings of a UN commission into the Gaza war": the UN).
    on_head = [r for r in people if r[0].start <= head.i < r[0].end]
    nearest = sorted(people, key=lambda r: min(abs(r[0].start - head.i), abs(r[0].end - head.i)))
    chosen = (on_head or nearest[:1]) if people else countries
    if len(people) > 1 and any(t.dep_ == "cc" for t in head.subtree):
        chosen = people  # "President Trump and North Korean leader Kim Jong Un"
    if not people and len(countries) > 1 and not _coordinated(countries):
        chosen = countries[:1]
    chosen = _country_overrides(chosen, countries, head)
    place = _residence(countries, head)

    left, right = tokens[0], tokens[-1]
    out: list[ResolvedActor] = []
    for span, entry, role in chosen:
        country, role_sector = split_code(role.code)
        if country is None and role.code[:3] in _REGIONS:
            # A group Phoenix files under a region ("Palestinian Islamic Jihad": MEA)
            # belongs to the country its phrase or its own name names.
            country = split_code(countries[0][2].code)[0] if countries else _country_in_name(span)
        if place is not None and entry.kind == "country":
            country = place  # "ethnic Albanians in southern Serbia": Serbia
        actor_sector = role_sector or sector
        code = actor_code(country, actor_sector)
        confidence = 0.9 if entry.kind == "country" else 0.8
        if len(chosen) > 1:
            # Coordinated: each actor's mention is its own name plus the shared head.
            text_start, text_end = span.start_char, span.end_char
            text = span.text
        else:
            text_start, text_end = left.idx, right.idx + len(right.text)
            text = text_of(doc, text_start, text_end)
        out.append(
            ResolvedActor(
                text=text,
                start=text_start,
                end=text_end,
                name=display_name(country) if entry.kind == "country" else entry.name,
                country=country,
                sector=actor_sector,
                code=code,
                confidence=confidence,
                person=entry.kind == "actor" and any(t.ent_type_ == "PERSON" for t in span),
            )
        )
    return _unique(out)


def _country_overrides(
    chosen: list[tuple[Span, tables.ActorEntry, tables.Role]],
    countries: list[tuple[Span, tables.ActorEntry, tables.Role]],
    head: Token,
) -> list[tuple[Span, tables.ActorEntry, tables.Role]]:
    """Where a country named in the phrase outranks the name chosen:
    "NATO-member Norway" is Norway (the head is the country); "King Hassan of Morocco" is
    Moroccan whatever other Hassan the dictionary knows (a one-word name match)."""
    if not chosen or chosen[0][1].kind == "country":
        return chosen
    on_head = [c for c in countries if c[0].start <= head.i < c[0].end]
    if on_head:
        return on_head[:1]
    span = chosen[0][0]
    if len(chosen) == 1 and countries and len(span) == 1 and span[0].ent_type_ == "PERSON":
        named = {split_code(c[2].code)[0] for c in countries}
        if split_code(chosen[0][2].code)[0] not in named:
            return countries[:1]
    return chosen


def _country_in_name(span: Span) -> str | None:
    for token in span:
        code = tables.country_words().get(token.lower_)
        if code is not None:
            return code
    return None


def _residence(
    countries: list[tuple[Span, tables.ActorEntry, tables.Role]], head: Token
) -> str | None:
    """ "Ethnic Albanians in southern Serbia", "the Albanians of Kosovo": a people named
    by a demonym, living in the country the phrase names."""
    demonym = [c for c in countries if c[0].start <= head.i < c[0].end]
    if not demonym or head.tag_ not in ("NNS", "NNPS"):
        return None
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ in ("in", "of"):
            inside = {t.i for t in prep.subtree}
            # The place itself ends the phrase: "of the Israeli-occupied West Bank".
            named = [c for c in countries if c[0].start in inside]
            if named:
                return split_code(max(named, key=lambda c: c[0].start)[2].code)[0]
    if any(c.lower_ == "ethnic" for c in head.children):
        # "Ethnic Albanians demonstrated in Serbia": where they live is where they act.
        for span in actors_of(head.doc):
            if span.sent == head.sent and is_place(span.root):
                entry = tables.actors()[int(span.kb_id_)]
                if entry.kind == "country" and entry.roles:
                    return split_code(entry.roles[-1].code)[0]
    return None


def _by_family_name(
    head: Token, tokens: list[Token], on: date
) -> list[tuple[Span, tables.ActorEntry, tables.Role]]:
    """ "President Biden", "Macron": a family name that exactly one office holder in
    office on the article's date carries."""
    names = [t for t in tokens if t.ent_type_ == "PERSON" and t.pos_ == "PROPN"]
    if not names:
        return []
    family = names[-1]
    entries = tables.actors()
    holders = []
    for number in tables.surnames().get(family.lower_, ()):
        role = entries[number].role_on(on)
        if role is not None and role.valid_on(on):
            holders.append((number, role))
    if len({n for n, _ in holders}) != 1:
        return []
    number, role = holders[0]
    span = head.doc[family.i : family.i + 1]
    return [(span, entries[number], role)]


def _coordinated(found: list[tuple[Span, tables.ActorEntry, tables.Role]]) -> bool:
    heads = [span.root for span, _, _ in found]
    return any(h.dep_ == "conj" for h in heads)


def _unique(actors: list[ResolvedActor]) -> list[ResolvedActor]:
    seen: set[str] = set()
    out = []
    for actor in actors:
        if actor.key not in seen:
            seen.add(actor.key)
            out.append(actor)
    return out
