"""Stage 2: find event triggers in a sentence and give each a CAMEO code.

Verbal triggers come from the CAMEO verb dictionary (default code per verb, refined by the
words that follow it: ``discuss ... by telephone`` -> 041). Nominal triggers ("Putin's
visit", "held a phone call") come from the project's own list of event nouns; when such a
noun is the object of a light verb ("hold", "pay", "make"), the verb carries its actors.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from service.extraction import tables

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
}
# Verbs whose own CAMEO reading is rarely an event between actors when used with a clause.
REPORTING_VERBS = {"say", "tell", "state", "add", "note", "report", "indicate", "according"}
# Verbs that frame another event ("is expected to visit") rather than being one.
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
_PATTERN_WINDOW = 12


@dataclass(frozen=True)
class Trigger:
    """An event trigger: the token that names the event and its CAMEO code."""

    token: Token
    span: Span
    cameo_code: str
    nominal: bool
    light_verb: Token | None
    specificity: float  # 1.0 when a dictionary pattern matched, lower for a default code


def _matches(pattern: tables.VerbPattern, following: list[Token]) -> bool:
    position = 0
    for alternatives in pattern.words:
        while position < len(following):
            token = following[position]
            position += 1
            if token.lemma_.lower() in alternatives or token.lower_ in alternatives:
                break
        else:
            return False
    return True


def _verb_code(token: Token, entry: tables.VerbEntry) -> tuple[str | None, float]:
    following = [t for t in token.subtree if t.i > token.i][:_PATTERN_WINDOW]
    for pattern in entry.patterns:
        if pattern.code in tables.cameo() and _matches(pattern, following):
            return pattern.code, 1.0
    return entry.code, 0.6


def _nominal_span(token: Token) -> Span:
    left = token.i
    for child in token.lefts:
        if child.dep_ in ("compound", "amod") and child.i == left - 1 and child.pos_ == "NOUN":
            left = child.i
    return token.doc[left : token.i + 1]


def _nominal_trigger(token: Token, verb_triggers: set[int]) -> Trigger | None:
    spec = tables.nominal_triggers().get(token.lemma_.lower())
    if spec is None or token.pos_ not in ("NOUN", "PROPN"):
        return None
    if spec.get("plural_only") and token.tag_ not in ("NNS", "NNPS"):
        return None
    head = token.head
    context = {t.lemma_.lower() for t in token.children} | {t.lower_ for t in token.children}
    context |= {head.lemma_.lower(), head.lower_}
    if spec.get("cues") and not context & set(spec["cues"]):
        return None
    light_verb = None
    if token.dep_ in ("dobj", "nsubjpass", "attr") and head.pos_ in ("VERB", "AUX"):
        if head.i in verb_triggers:
            return None  # "impose sanctions": the verb already carries this event
        light_verb = head
    code = spec["code"]
    if code not in tables.cameo():
        return None
    return Trigger(token, _nominal_span(token), code, True, light_verb, 0.8)


def find_triggers(sent: Span) -> list[Trigger]:
    verb_entries = tables.verbs()
    triggers: list[Trigger] = []
    verb_triggers: set[int] = set()
    for token in sent:
        if token.pos_ != "VERB" or token.dep_ == "amod":
            continue
        lemma = token.lemma_.lower()
        entry = verb_entries.get(lemma)
        if entry is None or lemma in LIGHT_VERBS | REPORTING_VERBS | FRAMING_VERBS:
            continue
        code, specificity = _verb_code(token, entry)
        if code is None or code not in tables.cameo():
            continue
        verb_triggers.add(token.i)
        span = token.doc[token.i : token.i + 1]
        triggers.append(Trigger(token, span, code, False, None, specificity))
    for token in sent:
        nominal = _nominal_trigger(token, verb_triggers)
        if nominal is not None:
            triggers.append(nominal)
    return triggers
