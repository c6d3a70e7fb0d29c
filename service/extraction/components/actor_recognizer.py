"""Stage 1, a spaCy component: find actor names and agent words in the text.

Writes ``doc.spans["actors"]`` (countries, capitals, demonyms, IGOs, people and groups from
the actor dictionary; ``kb_id_`` is the index of the entry in ``tables.actors()``) and
``doc.spans["agents"]`` (sector words such as "minister"; ``kb_id_`` is the sector code).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from service.extraction import tables
from service.extraction.components import actor_patterns, names
from service.extraction.components.actor_patterns import Keyword

ACTOR_SPANS = "actors"
AGENT_SPANS = "agents"

# Dictionary synonyms that are also everyday English words once lower-cased.
_AMBIGUOUS = {"us", "un", "eu", "am", "is", "it", "in", "be", "me", "so", "no", "mali"}


def actors_of(doc: Doc) -> list[Span]:
    """``doc.spans["actors"]``, built once: spaCy makes new Span objects on every read."""
    return _cached(doc, ACTOR_SPANS)


def agents_of(doc: Doc) -> list[Span]:
    """``doc.spans["agents"]``, built once."""
    return _cached(doc, AGENT_SPANS)


def agent_tokens(doc: Doc) -> set[int]:
    """Indices of every token inside an agent span, built once per document."""
    cache = doc.user_data.setdefault("span_lists", {})
    if "agent_tokens" not in cache:
        cache["agent_tokens"] = {t.i for span in agents_of(doc) for t in span}
    tokens: set[int] = cache["agent_tokens"]
    return tokens


def spans_starting_in(doc: Doc, key: str, indices: set[int]) -> list[Span]:
    """The actor or agent spans (``key``) that start at one of ``indices``, in document
    order; through a per-document index rather than a scan of every span."""
    cache = doc.user_data.setdefault("span_lists", {})
    index_key = key + "_by_start"
    if index_key not in cache:
        by_start: dict[int, list[tuple[int, Span]]] = {}
        for position, span in enumerate(_cached(doc, key)):
            by_start.setdefault(span.start, []).append((position, span))
        cache[index_key] = by_start
    found = [hit for i in indices for hit in cache[index_key].get(i, ())]
    return [span for _, span in sorted(found, key=lambda hit: hit[0])]


def _cached(doc: Doc, key: str) -> list[Span]:
    cache = doc.user_data.setdefault("span_lists", {})
    if key not in cache:
        cache[key] = list(doc.spans[key])
    spans: list[Span] = cache[key]
    return spans


class ActorRecognizer:
    """PhraseMatcher over the actor and agent dictionaries.

    Matches on NORM (lower case, typographic quotes folded) so "People’s" finds "people's".
    """

    def __init__(self, nlp: Language) -> None:
        self.actor_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.agent_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        actor_groups = actor_patterns.actor_groups()
        agent_groups = actor_patterns.agent_groups()
        texts = actor_patterns.all_texts(actor_groups + agent_groups)
        # The NORM hashes of each text's tokens, in the order of ``texts``.
        patterns = iter(actor_patterns.keywords(nlp, texts))
        actors = [(key, [next(patterns) for _ in group]) for key, group in actor_groups]
        agents = [(key, [next(patterns) for _ in group]) for key, group in agent_groups]
        keys = _actor_keys(actors)
        _bare_lexemes(nlp.vocab, (k for k in keys.values() if k.startswith(_BARE_KEY)))
        # ``add`` takes patterns as attribute hashes too, as its own unpickling does.
        for index, keywords in actors:
            self.actor_matcher.add(keys[index], keywords)  # type: ignore[arg-type]
        for sector, keywords in agents:
            self.agent_matcher.add(sector, keywords)  # type: ignore[arg-type]
        # Match id -> the entry's index in ``tables.actors()``, as a string (``kb_id``).
        strings = nlp.vocab.strings
        self.entries = {strings[key]: index for index, key in keys.items()}

    def __call__(self, doc: Doc) -> Doc:
        actors = []
        people = [run for run in names.name_runs(doc) if len(run) > 1]
        for match_id, start, end in self.actor_matcher(doc):
            span = Span(doc, start, end, label="ACTOR", kb_id=self.entries[match_id])
            if self._plausible(span) and not self._part_of_other_name(span, people):
                actors.append(span)
        doc.spans[ACTOR_SPANS] = filter_spans(actors)
        # A sector word inside a name is part of the name: "People's" in "Democratic
        # People's Republic of Korea" is no civilian.
        named = {t for span in doc.spans[ACTOR_SPANS] for t in range(span.start, span.end)}
        agents = [
            Span(doc, start, end, label="AGENT", kb_id=doc.vocab.strings[match_id])
            for match_id, start, end in self.agent_matcher(doc)
            if not named & set(range(start, end))
        ]
        doc.spans[AGENT_SPANS] = filter_spans(agents)
        return doc

    @staticmethod
    def _part_of_other_name(span: Span, people: list[Span]) -> bool:
        """ "Hassan" inside "Omar Hassan al-Bashir" is not King Hassan."""
        if tables.actors()[int(span.kb_id_)].kind != "actor":
            return False
        return any(
            p.start <= span.start and span.end <= p.end and len(p) > len(span) for p in people
        )

    @staticmethod
    def _plausible(span: Span) -> bool:
        # Short names ("US", "UN", "ROK") count only when written as abbreviations.
        if len(span) == 1:
            token = span[0]
            if token.lower_ in _AMBIGUOUS and not token.is_upper:
                return False
            if len(token.text) <= 3 and not token.is_upper:
                return False
            if token.is_lower and token.is_stop:
                return False
        return True


# An actor entry's match key. ``PhraseMatcher.add`` makes a lexeme of each key, working out
# some twenty attributes of it as of a word: for 28,000 entries numbered "0", "1"...
# (numbers, which news has) that cost 0.25 s of every start. So an entry's key is a string
# no token can be (it holds a space) and its lexeme is made bare, as nothing reads it.
# Entries that share a pattern with another keep their number: the matcher lists the keys
# of one pattern in an order set by their hashes, and of equal spans the first listed wins.
_BARE_KEY = "actor "


def _actor_keys(actors: list[tuple[str, list[Keyword]]]) -> dict[str, str]:
    """Entry index -> its match key."""
    owners: dict[Keyword, set[str]] = {}
    for index, keywords in actors:
        for keyword in keywords:
            owners.setdefault(keyword, set()).add(index)
    shared = {index for indices in owners.values() if len(indices) > 1 for index in indices}
    return {index: index if index in shared else _BARE_KEY + index for index, _ in actors}


def _bare_lexemes(vocab: Any, strings: Iterable[str]) -> None:
    """Lexemes for strings that no token can be, without the attributes (norm, shape,
    flags...) spaCy works out for a word's; nothing reads them. (``Vocab`` as ``Any``:
    ``lex_attr_getters`` is public but missing from spaCy's type stubs.)"""
    getters = vocab.lex_attr_getters
    vocab.lex_attr_getters = {}
    try:
        for string in strings:
            vocab[string]
    finally:
        vocab.lex_attr_getters = getters


@Language.component("paragraph_boundaries")
def paragraph_boundaries(doc: Doc) -> Doc:
    """A line break always ends a sentence: headlines and bylines are not run-ons."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


@Language.factory("actor_recognizer")
def make_actor_recognizer(nlp: Language, name: str) -> ActorRecognizer:
    return ActorRecognizer(nlp)
