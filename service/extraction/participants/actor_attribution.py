"""Stage 3: from a trigger, find the phrases that name its actor and its recipient.

Uses the dependency parse: subjects (inherited through "expected to", "to discuss"), the
passive agent, objects and the prepositions that mark a recipient. Output is token heads;
``actor_resolver`` turns them into actors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

from service.extraction.components.actor_recognizer import actors_of, agents_of
from service.extraction.events.event_classifier import Trigger
from service.extraction.output.places import is_place
from service.extraction.participants import actor_resolver

RECIPIENT_PREPS = {"with", "to", "against", "on", "toward", "towards", "into", "at"}
# Events done to people where they are ("shelled a market in Kherson"): the place's
# country stands for the victims. For the rest a place is only where it happened ("pledged
# funds for Iraq at a conference in Kuwait": Iraq, not Kuwait).
PLACE_TARGETS = {"ASSAULT", "COERCE", "PROTEST", "MOBILIZE", "RETREAT", "CONCEDE", "THREATEN"}
# Visits and deployments: where one goes is who receives ("arrived in Amman").
DESTINATION_CODES = {"042", "074", "154"}
DESTINATION_PREPS = {"to", "in", "at", "into"}
# Where people meet is not whom they meet: "met on Sentosa", "talks in Geneva".
MEETING_PREPS = {"with", "to"}
_SUBJECTS = ("nsubj", "csubj")
# Verbs whose direct object is a topic, not a party: "discussed the visit" names no recipient.
TOPIC_OBJECT_VERBS = {
    "discuss",
    "talk",
    "negotiate",
    "debate",
    "consider",
    "review",
    "address",
    "express",
    "emphasize",
    "emphasise",
    "underscore",
    "stress",
    "raise",
    "examine",
    "explore",
}
_MAX_CLIMB = 4
# Passive in form, active in meaning: the grammatical subject is the one who acts.
STATIVE_PASSIVES = {"oppose", "commit", "engage", "determine", "prepare", "dedicate", "resolve"}
_RELATIVE_TAGS = {"WP", "WDT"}  # who, which, that


@dataclass
class Attribution:
    trigger_token: Token
    actors: list[Token] = field(default_factory=list)
    recipients: list[Token] = field(default_factory=list)
    # Deeper candidates, nearest first, used only when no direct recipient resolves:
    # actor names inside the trigger's complement ("threatened to cut ties with Russia").
    fallback_recipients: list[Token] = field(default_factory=list)
    reciprocal: bool = False  # "talks between X and Y": every side is an actor
    inherited_subject: bool = False


def recipient_preps(trigger: Trigger) -> set[str]:
    """Prepositions that mark the recipient for this kind of event."""
    if trigger.cameo_code in DESTINATION_CODES:
        return DESTINATION_PREPS  # "arrived in Amman": the host
    if trigger.event_type == "CONSULT":
        return MEETING_PREPS
    if trigger.event_type == "REQUEST":
        return RECIPIENT_PREPS | {"from"}  # "demanded autonomy from Serbian authorities"
    return RECIPIENT_PREPS


def _with_conjuncts(token: Token) -> list[Token]:
    return [token, *token.conjuncts]


def _children(token: Token, deps: tuple[str, ...]) -> list[Token]:
    return [c for c in token.children if c.dep_ in deps]


def _prep_objects(token: Token, preps: set[str]) -> list[Token]:
    out: list[Token] = []
    for prep in token.children:
        if prep.dep_ == "prep" and prep.lower_ in preps:
            out.extend(c for c in prep.children if c.dep_ == "pobj")
    return out


def _subject(verb: Token) -> tuple[list[Token], bool]:
    """The verb's subject, climbing to the governing verb for xcomp/advcl/conj clauses."""
    current, inherited = verb, False
    for _ in range(_MAX_CLIMB):
        subjects = _children(current, _SUBJECTS)
        if subjects and not (current.dep_ == "relcl" and subjects[0].tag_ in _RELATIVE_TAGS):
            return subjects, inherited
        # "acl" tagged VBD is the parser taking a main verb for a modifier.
        if current.dep_ == "relcl" or (current.dep_ == "acl" and current.tag_ in ("VBG", "VBD")):
            # "troops who attacked ...", "rebels attacking ...": the noun they modify -
            # unless that noun is a thing ("issued a declaration demanding ..."): then
            # whoever did the governing verb.
            noun = current.head
            if not _children(current, ("nsubjpass",)) and _names_party(noun):
                return [noun], inherited
            if noun.dep_ in ("dobj", "pobj") and noun.head.pos_ in ("VERB", "AUX", "ADP"):
                current = noun.head if noun.head.pos_ != "ADP" else noun.head.head
                inherited = True
                continue
        passive = _children(current, ("nsubjpass",))
        if passive and (current is not verb or current.lemma_.lower() in STATIVE_PASSIVES):
            return passive, True  # "Putin is expected to visit": the raised subject
        agents = [o for p in _children(current, ("agent",)) for o in _children(p, ("pobj",))]
        if agents:
            return agents, inherited
        if (
            current.dep_ in ("xcomp", "advcl", "conj", "ccomp", "acl", "acomp")
            and current.head is not current
        ):
            current, inherited = current.head, True
            continue
        break
    return [], inherited


_NOT_COMPLEMENT = {"nsubj", "nsubjpass", "csubj", "advcl", "conj", "cc", "punct", "parataxis"}


def _complement_actor_heads(anchor: Token, exclude: set[int]) -> list[Token]:
    """Heads of actor names in what the anchor takes as complement, in text order."""
    doc = anchor.doc
    inside: set[int] = set()
    for child in anchor.children:
        if child.dep_ not in _NOT_COMPLEMENT:
            inside.update(t.i for t in child.subtree)
    heads = [
        span.root for span in actors_of(doc) if span.start in inside and span.start not in exclude
    ]
    return sorted(heads, key=lambda t: t.i)


def _names_party(noun: Token) -> bool:
    """Whether a noun phrase can be an actor: it holds a name or a sector word."""
    doc = noun.doc
    inside = {t.i for t in actor_resolver.phrase_tokens(noun)}
    spans = actors_of(doc) + agents_of(doc)
    return noun.pos_ in ("PROPN", "PRON") or any(s.start in inside for s in spans)


def attribute(trigger: Trigger) -> Attribution:
    result = _attribute(trigger)
    taken = {t.i for head in result.actors for t in head.subtree}
    anchors = [trigger.token] + ([trigger.light_verb] if trigger.light_verb is not None else [])
    for anchor in anchors:
        if anchor.lemma_.lower() in TOPIC_OBJECT_VERBS:
            continue  # "discussed Putin's visit": the visit's actors are not the recipients
        result.fallback_recipients += [
            h
            for h in _complement_actor_heads(anchor, taken)
            if trigger.event_type in PLACE_TARGETS or not is_place(h)
        ]
    if trigger.event_type == "PROTEST":
        # "blocked a road to show their disapproval of US policies": the aim names whom.
        for anchor in anchors:
            for clause in anchor.children:
                if clause.dep_ in ("advcl", "xcomp"):
                    result.fallback_recipients += [
                        h for h in _complement_actor_heads(clause, taken) if not is_place(h)
                    ]
    if trigger.event_type == "MOBILIZE":
        # PLOVER: the recipient is whom forces are mobilised against, when that is clear;
        # the troops deployed are the actor's own.
        result.recipients = [
            t
            for t in _prep_objects(trigger.token, {"against", "toward", "towards"})
            for t in _with_conjuncts(t)
        ]
    return result


def _attribute(trigger: Trigger) -> Attribution:
    result = Attribution(trigger.token)
    token = trigger.token
    if trigger.nominal:
        between = _prep_objects(token, {"between", "among"})
        if between:
            result.actors = [t for b in between for t in _with_conjuncts(b)]
            result.reciprocal = True
            return result
        owners = _children(token, ("poss",)) + _prep_objects(token, {"by", "from"})
        if owners and owners[0].pos_ == "PRON" and trigger.light_verb is not None:
            owners = []  # "X reiterated its demand": X, the light verb's subject
        # "U.S. sanctions", "Palestinian riots": a name or demonym before the noun.
        owners += [
            c
            for c in token.lefts
            if (c.dep_ == "compound" and c.pos_ == "PROPN")
            or (c.dep_ == "amod" and _names_party(c))
        ]
        if owners:
            result.actors = [t for o in owners for t in _with_conjuncts(o)]
        elif trigger.light_verb is not None:
            subjects, inherited = _subject(trigger.light_verb)
            result.actors = [t for s in subjects for t in _with_conjuncts(s)]
            result.inherited_subject = inherited
        preps = recipient_preps(trigger)
        recipients = _prep_objects(token, preps)
        if not recipients and trigger.light_verb is not None:
            recipients = _prep_objects(trigger.light_verb, preps)
        result.recipients = [t for r in recipients for t in _with_conjuncts(r)]
        return result

    subjects, inherited = _subject(token)
    result.inherited_subject = inherited
    passive_subjects = _children(token, ("nsubjpass",))
    agents = [o for p in _children(token, ("agent",)) for o in _children(p, ("pobj",))]
    if passive_subjects and agents:
        # "Z was attacked by Y": Y acts on Z.
        result.actors = [t for a in agents for t in _with_conjuncts(a)]
        result.recipients = [t for s in passive_subjects for t in _with_conjuncts(s)]
        return result
    if passive_subjects and token.lemma_.lower() in STATIVE_PASSIVES:
        # "Israel is opposed to ...", "were engaged in ...": the subject acts.
        subjects = subjects or passive_subjects
        passive_subjects = []
    result.actors = [t for s in subjects for t in _with_conjuncts(s)]
    topic_object = token.lemma_.lower() in TOPIC_OBJECT_VERBS
    objects = [] if topic_object else _children(token, ("dobj", "dative"))
    objects += _prep_objects(token, {"with"} if topic_object else recipient_preps(trigger))
    result.recipients = [t for o in objects for t in _with_conjuncts(o)]
    if passive_subjects and not agents:
        result.recipients = [t for s in passive_subjects for t in _with_conjuncts(s)]
    return result
