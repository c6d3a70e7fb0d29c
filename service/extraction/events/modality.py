"""Stage 5: modality of an event: asserted, anticipated, hypothetical or negated.

Reads the trigger's own clause (auxiliaries, negation, the verb that governs it) and, for a
nominal trigger, its modifiers ("anticipated visit", "potential meeting"). "Refused to" is
an event of its own (REJECT), not a negation, so only grammatical negation counts here.
"""

from __future__ import annotations

import re

from spacy.tokens import Token

from service.extraction.events.event_classifier import Trigger
from service.models import Modality

NEGATING_VERBS = {"fail"}
FUTURE_AUX = {"will", "shall", "'ll", "wo"}
HYPOTHETICAL_AUX = {"could", "may", "might", "would", "should", "can"}
ANTICIPATING_VERBS = {
    "expect",
    "plan",
    "schedule",
    "intend",
    "prepare",
    "set",
    "due",
    "aim",
    "anticipate",
    "agree",
    "promise",
    "pledge",
    "vow",
    "hope",
    "want",
    "seek",
}
ANTICIPATING_MODIFIERS = {
    "anticipated",
    "planned",
    "upcoming",
    "expected",
    "scheduled",
    "forthcoming",
    "proposed",
    "impending",
    "future",
    "next",
    "coming",
}
SPEECH_VERBS = {
    "say",
    "pledge",
    "promise",
    "vow",
    "announce",
    "state",
    "tell",
    "agree",
    "add",
    "confirm",
    "insist",
    "declare",
    "assure",
}
HYPOTHETICAL_MODIFIERS = {"potential", "possible", "hypothetical", "prospective", "likely"}
FUTURE_PHRASES = re.compile(
    r"\b(in the (coming|next) (days|weeks|months)|next (week|month|year)|"
    r"later this (week|month|year)|tomorrow|going to)\b",
    re.IGNORECASE,
)


def clause_verbs(
    trigger: Trigger, through: tuple[str, ...] = ("xcomp", "ccomp"), noun_head: bool = True
) -> list[Token]:
    """The verb chain the event hangs on, innermost first, climbing through the given
    dependencies (at most four verbs). ``noun_head``: a named event with no light verb
    hangs on the verb that governs it ("the visit will take place")."""
    verbs: list[Token] = []
    current: Token | None = trigger.light_verb if trigger.nominal else trigger.token
    if trigger.nominal and current is None and noun_head:
        head = trigger.token.head
        current = head if head.pos_ in ("VERB", "AUX") else None
    while current is not None and len(verbs) < 4:
        verbs.append(current)
        if current.dep_ in through and current.head is not current:
            current = current.head
        else:
            break
    return verbs


def _ahead_of(token: Token) -> bool:
    """ "ahead of Putin's visit", "before the summit": the event has not happened yet."""
    prep = token.head
    if token.dep_ != "pobj":
        return False
    return prep.lower_ == "before" or (prep.lower_ == "of" and prep.head.lower_ == "ahead")


def classify(trigger: Trigger) -> Modality:
    verbs = clause_verbs(trigger)
    children = [c for v in verbs[:1] for c in v.children]
    if trigger.nominal:
        children += list(trigger.token.children)
    if any(c.dep_ == "neg" for c in children) or any(c.lower_ in ("no", "never") for c in children):
        return Modality.NEGATED
    if any(v.lemma_.lower() in NEGATING_VERBS for v in verbs[1:]):
        return Modality.NEGATED  # "failed to reach an agreement"
    aux = {c.lower_ for v in verbs for c in v.children if c.dep_ in ("aux", "auxpass")}
    modifiers = {c.lower_ for c in trigger.token.children if c.dep_ in ("amod", "compound")}
    if "would" in aux and any(v.lemma_.lower() in SPEECH_VERBS for v in verbs):
        return Modality.ANTICIPATED  # "pledged that the US would continue to ...": a promise
    if trigger.nominal and _ahead_of(trigger.token):
        return Modality.ANTICIPATED
    if modifiers & HYPOTHETICAL_MODIFIERS or (aux & HYPOTHETICAL_AUX and not aux & FUTURE_AUX):
        return Modality.HYPOTHETICAL
    if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for v in verbs for c in v.children):
        return Modality.HYPOTHETICAL
    if aux & FUTURE_AUX or modifiers & ANTICIPATING_MODIFIERS:
        return Modality.ANTICIPATED
    if any(v.lemma_.lower() in ANTICIPATING_VERBS for v in verbs[1:]):
        return Modality.ANTICIPATED
    if FUTURE_PHRASES.search(trigger.token.sent.text):
        return Modality.ANTICIPATED
    return Modality.ASSERTED
