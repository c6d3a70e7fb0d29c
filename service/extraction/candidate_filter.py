"""Stage 0: which sentences are worth the parser.

A cheap first pass - the tokenizer, a rule-based sentence splitter, the actor phrase
matchers and a lookup of the lexicon's trigger word forms - finds the candidate sentences:
those with a trigger word whose reading is possible here (a word its constrained senses
need, such as "ties" for "cut", is in the sentence; not a verb's word used as a noun, "the
call") and, within 15 tokens of it, someone who could be its actor (a name, a sector word,
a pronoun, "both"). Only those sentences and the article's first sentence (where people
are introduced) go through the statistical pipeline; an article with no candidate skips
it altogether. Most news is not diplomatic, and the parser is where the time goes.

The selected sentences are joined into a shorter text (in pieces of at most 2,000 tokens,
reusing the first pass's tokens); ``Selection`` maps its offsets back to the article's,
and gives each sentence its index in the whole article.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc, Span

from service.extraction import event_classifier, tables
from service.extraction.actor_recognizer import actors_of, agents_of

_OBLIGATION = {"must", "should"}
PIECE_TOKENS = 2000
_REACH = 15  # tokens between a trigger word and the nearest possible actor
_NOUN_MARKERS = {"the", "a", "an", "its", "their", "his", "her", "our", "your", "this", "that"}
_REFERRING = {"he", "she", "it", "they", "both", "two", "we"}
_ENDS = {".", "!", "?"}
# Irregular forms of lexicon verbs (regular ones are generated).
_IRREGULAR = {
    "met": "meet", "held": "hold", "struck": "strike", "fought": "fight", "shot": "shoot",
    "gave": "give", "given": "give", "sent": "send", "spoke": "speak", "spoken": "speak",
    "flew": "fly", "flown": "fly", "withdrew": "withdraw", "withdrawn": "withdraw",
    "broke": "break", "broken": "break", "sought": "seek", "froze": "freeze",
    "frozen": "freeze", "laid": "lay", "lent": "lend", "overran": "overrun", "paid": "pay",
    "swore": "swear", "sworn": "swear", "began": "begin", "begun": "begin",
    "forgave": "forgive", "forgiven": "forgive", "slew": "slay", "slain": "slay",
    "stood": "stand", "fled": "flee", "beaten": "beat", "rode": "ride", "hid": "hide",
    "undertook": "undertake", "blew": "blow", "blown": "blow", "drew": "draw",
    "stole": "steal", "shut": "shut", "set": "set", "hit": "hit", "cut": "cut", "put": "put",
    "led": "lead", "left": "leave", "won": "win", "sold": "sell", "told": "tell",
}  # fmt: skip


def _forms(lemma: str) -> set[str]:
    out = {lemma, lemma + "s", lemma + "es", lemma + "ed", lemma + "d", lemma + "ing"}
    if lemma.endswith("e"):
        out |= {lemma[:-1] + "ing"}
    if lemma.endswith("y"):
        out |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if len(lemma) > 2 and lemma[-1] not in "aeiouwxy" and lemma[-2] in "aeiou":
        out |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return out


@cache
def _trigger_forms() -> dict[str, frozenset[str] | None]:
    """Word form -> the words one of its readings needs nearby (None: none needed)."""
    lexicon = tables.trigger_lexicon()
    needs: dict[str, set[str] | None] = {}
    for table in (lexicon.verbs, lexicon.nouns):
        for lemma, senses in table.items():
            words: set[str] | None = set()
            for sense in senses:
                if not sense.constrained or sense.xcomp or sense.ccomp or words is None:
                    words = None  # a reading that any context allows
                    break
                words |= sense.obj | sense.prt | sense.prep | sense.subj | sense.cues
                words |= sense.advmod
            current = needs.get(lemma, set())
            needs[lemma] = None if words is None or current is None else current | words
    forms: dict[str, frozenset[str] | None] = {}
    for lemma, words in needs.items():
        frozen = None if words is None else frozenset(words)
        for form in _forms(lemma):
            forms[form] = None if form in forms and forms[form] is None else frozen
    for form, lemma in _IRREGULAR.items():
        if lemma in needs:
            forms[form] = None if needs[lemma] is None else frozenset(needs[lemma] or ())
    return forms


def _stems(words: Iterable[str]) -> set[str]:
    out = set()
    for word in words:
        out.add(word)
        for suffix in ("s", "es", "ed", "d", "ing"):
            if word.endswith(suffix) and len(word) > len(suffix) + 2:
                out.add(word[: -len(suffix)])
        if word.endswith("ies"):
            out.add(word[:-3] + "y")
    return out


@cache
def _nouns() -> frozenset[str]:
    """Word forms of the lexicon's nouns ("visit", "talks", "sanctions")."""
    return frozenset(f for lemma in tables.trigger_lexicon().nouns for f in _forms(lemma))


@cache
def _saying() -> frozenset[str]:
    forms = {f for verb in event_classifier.SAYING_VERBS for f in _forms(verb)}
    return frozenset(forms | {"said", "told"})


@dataclass(frozen=True)
class Selection:
    """The sentences of an article that go to the parser, as one shorter text."""

    text: str
    original: list[int]  # start of each selected sentence in the article's text
    reduced: list[int]  # start of the same sentence in ``text``
    sentence_numbers: list[int]  # its index among the article's sentences
    sentences: int  # sentences in the whole article
    # ``text`` as Docs of the first pass's tokens, ready to parse: a long text in pieces of
    # at most PIECE_TOKENS, so that no single parse holds a whole 20,000-word article.
    pieces: list[Doc] = field(default_factory=list)

    def to_article(self, offset: int) -> int:
        k = max(0, bisect.bisect_right(self.reduced, offset) - 1)
        return self.original[k] + offset - self.reduced[k]

    def sentence_number(self, offset: int) -> int:
        k = max(0, bisect.bisect_right(self.reduced, offset) - 1)
        return self.sentence_numbers[k]


class CandidateFilter:
    def __init__(self, nlp: Language, recognizer: Callable[[Doc], Doc]) -> None:
        self.tokenizer = nlp.tokenizer
        self.recognizer = recognizer

    def sentences(self, doc: Doc) -> list[Span]:
        """Rule-based: a sentence ends after . ! ? (and closing quotes) or a line break."""
        out, start = [], 0
        tokens = list(doc)
        for token in tokens:
            end = None
            if token.is_space and "\n" in token.text:
                end = token.i + 1
            elif token.text in _ENDS:
                following = token.i + 1
                while following < len(doc) and doc[following].text in ('"', "'", "”", "’", ")"):
                    following += 1
                if following >= len(doc) or doc[following].is_space or doc[following].is_title:
                    end = following
                if following < len(doc) and doc[following].is_upper:
                    end = following
            if end is not None and end > start:
                out.append(doc[start:end])
                start = end
        if start < len(doc):
            out.append(doc[start:])
        return [s for s in out if s.text.strip()]

    def select(self, text: str) -> Selection:
        doc = self.recognizer(self.tokenizer(text))
        sentences = self.sentences(doc)
        named = {i for s in actors_of(doc) + agents_of(doc) for i in range(s.start, s.end)}
        forms = _trigger_forms()
        picked: set[int] = set()
        for number, sentence in enumerate(sentences):
            if self._candidate(sentence, named, forms):
                picked |= {number}
        if picked:
            picked.add(0)
        original, reduced, numbers = [], [], []
        pieces: list[tuple[list[str], list[bool]]] = []
        position = 0
        for number in sorted(picked):
            tokens = [t for t in sentences[number] if not t.is_space]
            if not tokens:
                continue
            # The sentence from its first word to its last, its tokens reused as they are.
            first, last = tokens[0].i, tokens[-1].i
            span = doc[first : last + 1]
            if pieces:
                pieces[-1][0].append("\n")
                pieces[-1][1].append(False)
                position += 1
            if not pieces or len(pieces[-1][0]) + len(span) > PIECE_TOKENS:
                pieces.append(([], []))
            words, spaces = pieces[-1]
            original.append(span.start_char)
            reduced.append(position)
            numbers.append(number)
            for token in span:
                words.append(token.text)
                spaces.append(bool(token.whitespace_) and token.i < last)
            position += len(span.text)
        docs = [Doc(doc.vocab, words=w, spaces=s) for w, s in pieces]
        text = "".join(d.text for d in docs)
        return Selection(text, original, reduced, numbers, len(sentences), docs)

    @staticmethod
    def _candidate(
        sentence: Span, named: set[int], forms: dict[str, frozenset[str] | None]
    ) -> bool:
        someone = any(t.i in named or t.lower_ in _REFERRING for t in sentence)
        if not someone:
            return False
        lowered = {t.lower_ for t in sentence}
        if lowered & _OBLIGATION and lowered & _saying():
            return True  # "X said Y must ...": a demand (event_classifier)
        words = None
        people = [t.i for t in sentence if t.i in named or t.lower_ in _REFERRING]
        for token in sentence:
            if token.lower_ not in forms:
                continue
            # Someone must stand near the word, not just somewhere in a long sentence.
            if not any(abs(i - token.i) <= _REACH for i in people):
                continue
            after_article = token.doc[token.i - 1].lower_ in _NOUN_MARKERS
            if token.i > sentence.start and after_article and token.lower_ not in _nouns():
                continue  # "their support", "the call": a verb's word used as a noun
            needed = forms[token.lower_]
            if needed is None:
                return True
            words = words if words is not None else _stems(t.lower_ for t in sentence)
            if needed & words:
                return True
        return False
