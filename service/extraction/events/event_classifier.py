"""Stage 2: find event triggers in a sentence and give each a CAMEO code and PLOVER type.

Triggers come from the project's lexicon (``triggers.json``): each verb or noun lemma has
readings tried in order, each constrained by what the parse shows around the word (its
particle, prepositions, subject, objects, complement clause). "Sign an agreement" is AGREE,
"strike a deal" is AGREE, "strike a village" is ASSAULT. (The CAMEO verb dictionary was
tried as a fallback for unknown verbs: it added more wrong events than right ones.)

A trigger inside the complement of a verbal event ("demanded the release of", "threatened
to strike", "accused X of attacking Y") is that event's content, not an event of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from service.extraction import tables
from service.extraction.components.actor_recognizer import actors_of
from service.extraction.components.entity_recognizer import ents_of

LIGHT_VERBS = {
    "hold",
    "have",
    "make",
    "pay",
    "conduct",
    "begin",
    "start",
    "launch",
    "carry",
    "stage",
    "plan",
    "schedule",
    "resume",
    "continue",
    "join",
    "attend",
    "issue",
    "lodge",
    "file",
    "express",
    "voice",
    "offer",
    "give",
    "go",
    "open",
    "mount",
    "announce",
    "declare",
    "impose",
    "sign",
    "reach",
    "send",
    "provide",
    "deliver",
    "grant",
    "extend",
}
# Verbs that report or frame another event rather than being one.
REPORTING_VERBS = {"say", "tell", "state", "add", "note", "report", "indicate", "accord"}
FRAMING_VERBS = {
    "expect",
    "plan",
    "intend",
    "hope",
    "want",
    "seem",
    "appear",
    "schedule",
    "set",
    "continue",
    "try",
    "seek",
    "wish",
    "like",
    "aim",
    "prepare",
}
# Event types whose complement is what is said, asked, refused...: the event embedded there
# is their content. (Same-type embedding - "met to discuss" - is one event as well.)
CONTENT_TYPES = {
    "AGREE",
    "REQUEST",
    "REJECT",
    "THREATEN",
    "ACCUSE",
    "SUPPORT",
    "CONSULT",
    "CONCEDE",
}
# Verbs whose object is a topic: an event named there is reported, not absorbed.
TOPIC_VERBS = {"discuss", "talk", "debate", "consider", "review", "address", "examine"}
_NOT_COMPLEMENT = {
    "nsubj",
    "nsubjpass",
    "csubj",
    "advcl",
    "conj",
    "cc",
    "punct",
    "parataxis",
    "advmod",
    "npadvmod",
    "mark",
    "aux",
    "auxpass",
    "neg",
    "appos",
}
_ARGUMENT_DEPS = {"dobj", "dative", "attr", "oprd", "acomp", "nsubjpass", "xcomp", "ccomp"}


@dataclass(frozen=True)
class Trigger:
    """An event trigger: the token that names the event, its CAMEO code and PLOVER type."""

    token: Token
    span: Span
    cameo_code: str
    event_type: str
    mode: str | None  # a mode the reading fixes ("pull out troops": withdraw)
    nominal: bool
    light_verb: Token | None
    specificity: float  # 1.0 for a constrained reading, less for defaults
    rescued: bool = False  # typed by the sentence classifier, no lexicon word


def _lemma(token: Token) -> str:
    return token.lemma_.lower()


def _words(token: Token) -> set[str]:
    """A token's lemma and surface form, plus its compound and adjective modifiers."""
    out = {_lemma(token), token.lower_}
    out.update(_lemma(c) for c in token.children if c.dep_ in ("compound", "amod", "nummod"))
    return out


def argument_words(token: Token) -> set[str]:
    """Lemmas of what a verb takes: objects, prepositional objects, complement verbs and
    their objects ("threatened to impose sanctions" -> impose, sanction)."""
    out: set[str] = set()
    for child in token.children:
        if child.dep_ in _ARGUMENT_DEPS:
            for item in (child, *child.conjuncts):
                out |= _words(item)
            if child.dep_ in ("xcomp", "ccomp", "dobj"):
                out |= _second_level(child)
        elif child.dep_ in ("prep", "agent"):
            for grand in child.children:
                if grand.dep_ in ("pobj", "pcomp"):
                    for item in (grand, *grand.conjuncts):
                        out |= _words(item)
                    out |= _second_level(grand)
    return out


def subject_words(token: Token) -> set[str]:
    """Lemmas of the subject phrase: "peacekeepers arrived", "troops of the 3rd army"."""
    out: set[str] = set()
    for child in token.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            out |= _words(child)
            for prep in child.children:
                if prep.dep_ == "prep":
                    for grand in prep.children:
                        out |= _words(grand)
    return out


def _second_level(token: Token) -> set[str]:
    out: set[str] = set()
    for child in token.children:
        if child.dep_ in ("dobj", "xcomp", "attr", "nsubjpass", "prt"):
            out |= _words(child)
        elif child.dep_ == "prep":
            for grand in child.children:
                if grand.dep_ in ("pobj", "pcomp"):
                    out |= _words(grand)
    return out


def _fits(sense: tables.Sense, token: Token, arguments: set[str]) -> bool:
    children = list(token.children)
    particles = {_lemma(c) for c in children if c.dep_ == "prt"}
    preps = {_lemma(c) for c in children if c.dep_ in ("prep", "agent")}
    if sense.prt and not sense.prt & particles:
        return False
    if sense.not_prt & particles or sense.not_prep & preps:
        return False
    if sense.prep and not sense.prep & preps:
        return False
    if sense.obj and not sense.obj & arguments:
        return False
    if sense.not_obj & arguments:
        return False
    if sense.subj and not sense.subj & subject_words(token):
        return False
    if sense.advmod and not sense.advmod & {_lemma(c) for c in children if c.dep_ == "advmod"}:
        return False
    if sense.xcomp and not any(c.dep_ == "xcomp" for c in children):
        return False
    if sense.actor_obj and not _object_is_named(token):
        return False
    return not (sense.ccomp and not any(c.dep_ == "ccomp" for c in children))


def _object_is_named(verb: Token) -> bool:
    """A direct object that is a party ("called Ishiba"), and no predicate about it
    ("called the move illegal", "called on X to ...")."""
    children = list(verb.children)
    if any(c.dep_ in ("oprd", "xcomp", "ccomp", "attr", "prep") for c in children):
        return False
    objects = [c for c in children if c.dep_ == "dobj"]
    names = actors_of(verb.doc) + [e for e in ents_of(verb.doc) if e.label_ == "PERSON"]
    # The object's head is a name ("welcomed Xi Jinping"), not a thing of someone's
    # ("welcomed Ukraine's progress").
    return any(span.start <= obj.i < span.end for obj in objects for span in names)


def _event_type(code: str, sense: tables.Sense | None) -> str | None:
    if sense is not None and sense.event_type:
        return sense.event_type
    entry = tables.cameo().get(code)
    return entry["event_type"] if entry else None


def _verb_trigger(token: Token) -> Trigger | None:
    lemma = _lemma(token)
    if lemma in REPORTING_VERBS or lemma in FRAMING_VERBS:
        return None
    senses = tables.trigger_lexicon().verbs.get(lemma)
    span = token.doc[token.i : token.i + 1]
    if token.pos_ == "ADJ" and senses is not None:
        return _readiness(token, span)
    if senses is not None:
        arguments = argument_words(token)
        for sense in senses:
            if _fits(sense, token, arguments):
                event_type = _event_type(sense.code, sense)
                if event_type is None:
                    return None
                specificity = 1.0 if sense.constrained else 0.8
                return Trigger(
                    token, span, sense.code, event_type, sense.mode, False, None, specificity
                )
        return None
    return None


def _nominal_span(token: Token) -> Span:
    left = token.i
    for child in token.lefts:
        if child.dep_ in ("compound", "amod") and child.i == left - 1 and child.pos_ == "NOUN":
            left = child.i
    return token.doc[left : token.i + 1]


CONFLICT_TYPES = {"THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}


def _readiness(token: Token, span: Span) -> Trigger | None:
    """ "ready / prepared / willing to X": an offer to cooperate (AGREE), or, when X is
    conflictual ("prepared to impose martial law"), a threat."""
    content = [c for c in token.children if c.dep_ == "xcomp"]
    if not content:
        return None
    inner = _verb_trigger(content[0]) if content[0].pos_ == "VERB" else None
    if inner is not None and inner.event_type in CONFLICT_TYPES:
        return Trigger(token, span, "130", "THREATEN", None, False, None, 0.8)
    return Trigger(token, span, "030", "AGREE", None, False, None, 0.8)


def _noun_context(token: Token) -> set[str]:
    words = {_lemma(c) for c in token.children} | {c.lower_ for c in token.children}
    words |= {_lemma(g) for c in token.children if c.dep_ == "prep" for g in c.children}
    head = token.head
    words |= {_lemma(head), head.lower_}
    if head.dep_ in ("prep", "agent") or token.dep_ == "conj":
        words |= {_lemma(head.head), head.head.lower_}
    return words


def _noun_trigger(token: Token) -> Trigger | None:
    if token.pos_ not in ("NOUN", "PROPN"):
        return None
    senses = tables.trigger_lexicon().nouns.get(_lemma(token))
    if senses is None:
        return None
    context = _noun_context(token)
    for sense in senses:
        if sense.plural_only and token.tag_ not in ("NNS", "NNPS"):
            continue
        if sense.cues and not sense.cues & context:
            continue
        if sense.prep and not sense.prep & {_lemma(c) for c in token.children if c.dep_ == "prep"}:
            continue
        event_type = _event_type(sense.code, sense)
        if event_type is None:
            return None
        head = token.head
        light_verb = None
        if token.dep_ in ("dobj", "nsubjpass", "attr", "pobj") and head.pos_ in ("VERB", "AUX"):
            light_verb = head
        elif token.dep_ == "pobj" and head.head.pos_ in ("VERB", "AUX"):
            light_verb = head.head  # "went on strike", "called for talks"
        specificity = 0.9 if sense.cues else 0.7
        return Trigger(
            token,
            _nominal_span(token),
            sense.code,
            event_type,
            sense.mode,
            True,
            light_verb,
            specificity,
        )
    return None


def _complement(token: Token) -> set[int]:
    """Token indices of what a trigger takes as its content (not its subject, not an
    adverbial clause such as "after Y attacked Z")."""
    out: set[int] = set()
    for child in token.children:
        if child.dep_ not in _NOT_COMPLEMENT:
            out.update(t.i for t in child.subtree)
    return out


def _purpose(token: Token) -> set[int]:
    """Token indices of purpose and complement clauses: "held a call to discuss"."""
    out: set[int] = set()
    for child in token.children:
        if child.dep_ in ("advcl", "xcomp", "acl", "relcl"):
            out.update(t.i for t in child.subtree)
    return out


def _embedded(inner: Trigger, outer: Trigger) -> bool:
    if outer is inner:
        return False
    own_actor = inner.nominal and any(c.dep_ == "poss" for c in inner.token.children)
    anchors = [outer.token] + ([outer.light_verb] if outer.light_verb is not None else [])
    inner_tokens = [inner.token] + ([inner.light_verb] if inner.light_verb is not None else [])
    same = outer.event_type == inner.event_type
    topic = _lemma(outer.token) in TOPIC_VERBS
    if (
        inner.nominal
        and not outer.nominal
        and not topic
        and not own_actor
        and inner.token.i in _complement(outer.token)
    ):
        # A named event inside another's complement is its grievance or topic: "in protest
        # of the government's refusal", "retaliation for the attack".
        return True
    for anchor in anchors:
        takes_content = outer.event_type in CONTENT_TYPES or same
        if anchor.lemma_.lower() in TOPIC_VERBS:
            takes_content = False  # "discussed Putin's visit": the visit is its own event
        scope = _complement(anchor) if takes_content else set()
        if (same and not own_actor) or outer.event_type == "PROTEST":
            # One consultation said twice; a protest's aim ("rallied to demand reforms").
            # Not "held a call to discuss Putin's visit": Putin's visit is its own event.
            scope |= _purpose(anchor)
        if any(t.i in scope for t in inner_tokens if t.i != anchor.i):
            return True
    return False


def embedded_in_any(trigger: Trigger, others: list[Trigger]) -> bool:
    """Whether the trigger is the content, topic or purpose of another one."""
    return any(_embedded(trigger, other) for other in others)


def _drop_embedded(triggers: list[Trigger]) -> list[Trigger]:
    return [t for t in triggers if not embedded_in_any(t, triggers)]


# "X said Y must ...": a statement that another party must act is a demand (REQUEST).
SAYING_VERBS = REPORTING_VERBS | {
    "declare",
    "insist",
    "conclude",
    "stress",
    "emphasize",
    "emphasise",
    "reiterate",
    "repeat",
    "argue",
    "announce",
    "warn",
    "underscore",
    "highlight",
    "reaffirm",
}
_OBLIGATION = {"must", "should", "ought"}


def _demand(token: Token) -> Trigger | None:
    if _lemma(token) not in SAYING_VERBS:
        return None
    for clause in token.children:
        if clause.dep_ != "ccomp":
            continue
        auxiliaries = {c.lower_ for c in clause.children if c.dep_ in ("aux", "auxpass")}
        subjects = [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
        if auxiliaries & _OBLIGATION and subjects and subjects[0].lower_ not in ("we", "i"):
            span = token.doc[token.i : token.i + 1]
            return Trigger(token, span, "100", "REQUEST", None, False, None, 0.8)
    return None


def background(trigger: Trigger) -> bool:
    """Whether the trigger sits in a clause that gives background rather than news: a
    purpose ("sent experts to investigate"), or a clause modifying a noun ("a team trying
    to broker a pact", "a plan that will not allow ...")."""
    if trigger.nominal and any(c.dep_ == "poss" for c in trigger.token.children):
        return False  # "Putin's visit" is news wherever the sentence mentions it
    token = trigger.light_verb if trigger.light_verb is not None else trigger.token
    for _ in range(4):
        if token.dep_ in ("relcl", "acl"):
            return True
        if token.dep_ in ("advcl", "xcomp") and any(
            c.dep_ == "aux" and c.lower_ == "to" for c in token.children
        ):
            head = token.head
            if _lemma(head) not in LIGHT_VERBS | FRAMING_VERBS and head.pos_ == "VERB":
                return token.dep_ == "advcl" or _lemma(head) not in _XCOMP_FRAMES
        if token.dep_ not in ("conj", "xcomp", "ccomp") or token.head is token:
            return False
        token = token.head
    return False


_XCOMP_FRAMES = {"agree", "refuse", "decide", "threaten", "offer", "vow", "promise", "try"}


def find_triggers(sent: Span) -> list[Trigger]:
    triggers: list[Trigger] = []
    verb_triggers: set[int] = set()
    for token in sent:
        intent = token.pos_ == "ADJ" and any(c.dep_ == "xcomp" for c in token.children)
        if (token.pos_ == "VERB" and token.dep_ != "amod") or intent:
            trigger = _verb_trigger(token) or _demand(token)
            if trigger is not None:
                verb_triggers.add(token.i)
                triggers.append(trigger)
    for token in sent:
        nominal = _noun_trigger(token)
        if nominal is None:
            continue
        verb = nominal.light_verb
        if verb is not None and verb.i in verb_triggers and _lemma(verb) not in TOPIC_VERBS:
            continue  # "impose sanctions": the verb already carries this event
        triggers.append(nominal)
    return _drop_embedded(triggers)
