"""Stage 4c: who takes part in an event, from the phrases attribution chose.

Each phrase is resolved in turn by: an earlier mention it refers to ("Kim", "both
officials", "it"); the dictionaries (names, countries, office holders on the article's
date); or the context, for a sector word with no country ("rebels", "the minister").
Then the PLOVER conventions that need the whole event: a sector word shared by
coordinated countries, a recipient found deeper in the complement when none is direct,
and the domestic default - a protest with no named target is directed at the protesters'
own government; a domestic crackdown or concession with none, at the country's people.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from spacy.tokens import Span, Token

from service.extraction import tables
from service.extraction.participants import actor_resolver
from service.extraction.participants.actor_attribution import Attribution
from service.extraction.participants.actor_resolver import ResolvedActor, text_of
from service.extraction.participants.coreference import Discourse

# Attacks whose attacker the text does not name (subject is the weapon, or no subject).
UNIDENTIFIED_TYPES = {"ASSAULT"}
_WEAPONS = {
    "bomb", "bombing", "blast", "explosion", "device", "mine", "ied", "attack", "rocket",
    "shell", "mortar", "grenade", "missile", "gunfire", "ambush", "strike", "fire", "minefield",
}  # fmt: skip
# Event types whose target, when the text names none, is the actor's own country.
DOMESTIC_TARGETS = {"PROTEST": "GOV", "COERCE": None, "CONCEDE": None}
_DEFAULT_CONFIDENCE = 0.4


@dataclass(frozen=True)
class Participants:
    actors: list[ResolvedActor]
    recipients: list[ResolvedActor]


def _resolve(
    head: Token, discourse: Discourse, day: date | None, exclude: set[int], place_first: bool
) -> list[ResolvedActor]:
    return (
        discourse.refer(head)
        or actor_resolver.resolve(head, day)
        or discourse.complete(head, exclude, place_first)
    )


def find(
    attribution: Attribution,
    event_type: str,
    sentence: Span,
    discourse: Discourse,
    day: date | None,
) -> Participants:
    # The actor's country never comes from the direct object's phrase ("Serb forces
    # killed three ethnic Albanians").
    exclude = {t.i for head in attribution.recipients for t in head.subtree}
    actors = [a for h in attribution.actors for a in _resolve(h, discourse, day, exclude, False)]
    if not actors and event_type in UNIDENTIFIED_TYPES:
        actors = _unidentified(attribution, discourse, sentence, exclude)
    if not actors:
        return Participants([], [])
    # An unnamed recipient ("arrested protesters", "killed 23 people in Tel Aviv"): the
    # place the sentence names, else the nearest country, which may be the actor's own.
    actor_phrases = {t.i for head in attribution.actors for t in head.subtree}
    recipients = [
        r
        for h in attribution.recipients
        for r in _resolve(
            h,
            discourse,
            day,
            # An unnamed place is never the actor's own ("Russian forces shelled the city").
            actor_phrases if h.lemma_.lower() in actor_resolver.PLACE_NOUNS else set(),
            True,
        )
    ]
    for head in attribution.fallback_recipients:
        if recipients:
            break
        found = actor_resolver.resolve(head, day)
        recipients = [r for r in found if not any(_same_side(a, r) for a in actors)]
    if not recipients and event_type in DOMESTIC_TARGETS and not attribution.reciprocal:
        recipients = _domestic(actors, DOMESTIC_TARGETS[event_type])
    return Participants(_shared_sector(actors), recipients)


def _unidentified(
    attribution: Attribution, discourse: Discourse, sentence: Span, exclude: set[int]
) -> list[ResolvedActor]:
    """ "A roadside bomb near Samarra killed a soldier", "a journalist was killed in
    Beirut": no one is named, but an attack happened somewhere. As ICEWS and Phoenix do,
    the attacker is an unidentified armed force (UAF) of the country where it happened."""
    heads = attribution.actors
    if heads:
        if any(h.pos_ in ("PROPN", "PRON") or h.lemma_.lower() not in _WEAPONS for h in heads):
            return []
    elif not any(c.dep_ == "nsubjpass" for c in attribution.trigger_token.children):
        return []  # only "X was killed ..." - not a gerund whose doer is elsewhere
    if not _attack_words(sentence):
        return []  # "killed when a bomber crashed": an accident is no attack
    where = discourse.place(sentence, exclude)
    if where is None or where.country is None:
        return []
    start = heads[0].idx if heads else sentence.start_char
    end = heads[0].idx + len(heads[0].text) if heads else sentence.start_char
    text = text_of(sentence.doc, start, end)
    code = f"{where.country}UAF"
    return [ResolvedActor(text, start, end, None, where.country, "UAF", code, 0.35)]


def _attack_words(sentence: Span) -> bool:
    cues = tables.trigger_lexicon().mode_cues["ASSAULT"]
    words = {t.lemma_.lower() for t in sentence} | {t.lower_ for t in sentence}
    return any(words & markers for mode, markers in cues.items() if mode != "destroy")


def _domestic(actors: list[ResolvedActor], sector: str | None) -> list[ResolvedActor]:
    out = []
    for country in dict.fromkeys(a.country for a in actors if a.country):
        out.append(
            ResolvedActor(
                text="",
                start=actors[0].start,
                end=actors[0].start,
                name=actor_resolver.display_name(country),
                country=country,
                sector=sector,
                code=actor_resolver.actor_code(country, sector),
                confidence=_DEFAULT_CONFIDENCE,
            )
        )
    return out


def _same_side(actor: ResolvedActor, other: ResolvedActor) -> bool:
    """The same actor, or its country named bare ("the US" after "US officials")."""
    if actor.key == other.key:
        return True
    return actor.country == other.country and (actor.sector is None or other.sector is None)


def _shared_sector(actors: list[ResolvedActor]) -> list[ResolvedActor]:
    """ "Officials from the ROK and the United States": one sector word for every side."""
    sectors = {a.sector for a in actors if a.sector}
    if len(actors) < 2 or len(sectors) != 1:
        return actors
    sector = sectors.pop()
    return [
        a
        if a.sector or a.country is None
        else replace(a, sector=sector, code=f"{a.country}{sector}", confidence=a.confidence - 0.1)
        for a in actors
    ]
