"""Who an event's actor and recipient are: a trained model over (trigger, mention) pairs.

The mentions of a sentence are the heads of its noun phrases that can stand for a
participant: names and agent words the actor recognizer found, personal pronouns, and
nouns in argument positions ("the two sides", "protesters"). Each pair is scored as
actor, recipient, third party or none (softmax) from the dependency path between the two
heads, the preposition that governs the mention, their order and distance, voice, the
trigger's word and event type, and what kind of mention it is - the features of a
relation classifier, as in spaCy's relation-extraction example, with a linear model over
them as the first version. Trained by ``scripts/train_models.py`` on the real-news train
split; ``actor_attribution`` remains the path the model falls back on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from spacy.tokens import Span, Token

from service.extraction.events.event_classifier import Trigger
from service.extraction.linear_model import LinearModel
from service.extraction.participants.actor_attribution import Attribution

ROLES = ("actor", "recipient", "third", "none")
_NP_INNER = {"compound", "amod", "flat", "nmod", "nummod", "det", "case"}
_ARGUMENT_DEPS = {
    "nsubj", "nsubjpass", "dobj", "pobj", "dative", "appos", "conj", "attr", "poss",
    "npadvmod", "oprd",
}  # fmt: skip
_PRONOUNS = {"he", "she", "they", "it", "we", "him", "her", "them", "us", "its", "their", "his"}
MAX_PATH = 6


def np_head(token: Token) -> Token:
    """The head of the noun phrase a token sits in ("Prime Minister Boris Johnson" ->
    Johnson)."""
    while (
        token.dep_ in _NP_INNER
        and token.head.i != token.i
        and token.head.pos_
        in (
            "NOUN",
            "PROPN",
        )
    ):
        token = token.head
    return token


def mentions(sentence: Span, named: frozenset[int]) -> list[Token]:
    """The mention heads of a sentence, in text order."""
    heads: set[int] = set()
    doc = sentence.doc
    for token in sentence:
        if token.i in named:
            heads.add(np_head(token).i)
        elif token.pos_ == "PRON" and token.lower_ in _PRONOUNS:
            heads.add(token.i)
        elif token.pos_ in ("NOUN", "PROPN") and token.dep_ in _ARGUMENT_DEPS:
            heads.add(np_head(token).i)
    return [doc[i] for i in sorted(heads) if sentence.start <= i < sentence.end]


def _ancestors(token: Token) -> list[Token]:
    chain = [token]
    while chain[-1].head.i != chain[-1].i:
        chain.append(chain[-1].head)
    return chain


def path(trigger: Token, mention: Token) -> tuple[str, str, Token | None]:
    """The dependency path from trigger to mention, as labels (``^`` up, ``v`` down) and
    with prepositions spelled out; and the lowest common ancestor."""
    up = _ancestors(trigger)
    down = _ancestors(mention)
    down_index = {t.i: n for n, t in enumerate(down)}
    for n, token in enumerate(up):
        if token.i in down_index:
            common = token
            rising = up[:n]
            falling = list(reversed(down[: down_index[token.i]]))
            break
    else:
        return "far", "far", None
    labels = [f"^{t.dep_}" for t in rising] + [f"v{t.dep_}" for t in falling]
    words = [f"^{t.dep_}" for t in rising] + [
        f"v{t.dep_}:{t.lemma_.lower()}" if t.dep_ in ("prep", "agent") else f"v{t.dep_}"
        for t in falling
    ]
    if len(labels) > MAX_PATH:
        return "long", "long", common
    return " ".join(labels), " ".join(words), common


def _governing_prep(mention: Token) -> str | None:
    head = mention
    while head.dep_ == "conj" and head.head.i != head.i:
        head = head.head
    if head.dep_ == "pobj" and head.head.dep_ in ("prep", "agent"):
        return head.head.lemma_.lower()
    return None


def _kind(mention: Token, named: frozenset[int]) -> str:
    if mention.pos_ == "PRON":
        return "pron"
    if mention.i in named or any(t.i in named for t in mention.lefts):
        return "named"
    return mention.pos_.lower()


def _bucket(n: int) -> str:
    return str(n) if n < 4 else "4-7" if n < 8 else "8+"


def features(
    trigger: Token, mention: Token, event_type: str, named: frozenset[int], count: int
) -> list[str]:
    labels, words, common = path(trigger, mention)
    lemma = trigger.lemma_.lower()
    before = mention.i < trigger.i
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in trigger.children)
    prep = _governing_prep(mention)
    kind = _kind(mention, named)
    out = [
        "bias",
        f"path={labels}",
        f"path_words={words}",
        f"type_path={event_type}:{labels}",
        f"lemma_path={lemma}:{words}",
        f"dep={mention.dep_}",
        f"type_dep={event_type}:{mention.dep_}",
        f"kind={kind}",
        f"before={before}",
        f"type_before={event_type}:{before}",
        f"passive_before={passive}:{before}",
        f"distance={_bucket(abs(mention.i - trigger.i))}",
        f"mentions={_bucket(count)}",
        f"trigger_pos={trigger.pos_}",
        f"type={event_type}",
    ]
    if prep is not None:
        out += [f"prep={prep}", f"type_prep={event_type}:{prep}", f"lemma_prep={lemma}:{prep}"]
    if common is not None and common.i not in (trigger.i, mention.i):
        out.append(f"via={common.lemma_.lower()}")
        out.append(f"via_pos={common.pos_}:{labels}")
    if mention.lower_ in _PRONOUNS:
        out.append(f"pronoun={mention.lower_}")
    out.append(f"mention_lemma={mention.lemma_.lower()}")
    if passive:
        out.append(f"passive_path={labels}")
    return out


@dataclass(frozen=True)
class Thresholds:
    """When the model's choice replaces the attribution rules', chosen on the dev split."""

    actor: float = 0.5
    recipient: float = 0.5
    # False: the model fills only what the rules leave empty, which did better on dev
    # than replacing their choices.
    override: bool = False


def attribute(
    trigger: Trigger,
    rules: Attribution,
    named: frozenset[int],
    model: LinearModel,
    thresholds: Thresholds,
) -> Attribution:
    """The rules' attribution, with the actors and recipients the model is sure of."""
    if not thresholds.override and rules.actors and (rules.recipients or rules.fallback_recipients):
        return rules  # nothing left for the model to fill
    sentence = trigger.token.sent
    inside = {t.i for t in trigger.span}
    found = [m for m in mentions(sentence, named) if m.i not in inside]
    if not found:
        return rules
    scored = [
        (
            m,
            model.probabilities(features(trigger.token, m, trigger.event_type, named, len(found))),
        )
        for m in found
    ]
    actors = [m for m, p in scored if p["actor"] >= thresholds.actor]
    recipients = [
        m for m, p in scored if p["recipient"] >= thresholds.recipient and m not in actors
    ]
    result = rules
    if actors and (thresholds.override or not rules.actors):
        result = replace(result, actors=actors, inherited_subject=False)
    if recipients and (thresholds.override or not rules.recipients):
        result = replace(result, recipients=recipients, fallback_recipients=[])
    return result
