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

from spacy.attrs import IS_SPACE, IS_TITLE, IS_UPPER, LOWER, ORTH, SPACY
from spacy.language import Language
from spacy.tokens import Doc

from service.extraction import tables
from service.extraction.components.actor_recognizer import actors_of, agents_of
from service.extraction.events import event_classifier

_OBLIGATION = {"must", "should"}
PIECE_TOKENS = 2000
_REACH = 15  # tokens between a trigger word and the nearest possible actor
_NOUN_MARKERS = {"the", "a", "an", "its", "their", "his", "her", "our", "your", "this", "that"}
_REFERRING = {"he", "she", "it", "they", "both", "two", "we"}
_ENDS = {".", "!", "?"}
_CLOSERS = {'"', "'", "”", "’", ")"}
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
    """Reads the first pass's tokens as attribute arrays (word hashes, flags, offsets)
    rather than Token objects: this pass sees every token of every article."""

    def __init__(
        self,
        nlp: Language,
        recognizer: Callable[[Doc], Doc],
        learned_words: Iterable[str] = (),
    ) -> None:
        self.tokenizer = nlp.tokenizer
        self.recognizer = recognizer
        strings = nlp.vocab.strings

        def hashes(words: Iterable[str]) -> frozenset[int]:
            return frozenset(strings.add(w) for w in words)

        self.strings = strings
        self.ends = hashes(_ENDS)
        self.closers = hashes(_CLOSERS)
        self.referring = hashes(_REFERRING)
        self.obligation = hashes(_OBLIGATION)
        self.saying = hashes(_saying())
        self.noun_markers = hashes(_NOUN_MARKERS)
        self.nouns = hashes(_nouns())
        self.forms = {strings.add(f): needed for f, needed in _trigger_forms().items()}
        # Words the event model was trained to read as triggers, in any context.
        learned = {f for word in learned_words for f in _forms(word)}
        self.forms.update({strings.add(f): None for f in learned})
        self.nouns = self.nouns | hashes(learned)

    def sentences(self, rows: list[list[int]]) -> list[tuple[int, int]]:
        """Rule-based: a sentence ends after . ! ? (and closing quotes) or a line break.
        Token ranges, without those made of whitespace only."""
        out, start, n = [], 0, len(rows)
        for i, (orth, space, _, _, _, _) in enumerate(rows):
            end = None
            if space and "\n" in self.strings[orth]:
                end = i + 1
            elif orth in self.ends:
                following = i + 1
                while following < n and rows[following][0] in self.closers:
                    following += 1
                if following >= n or rows[following][1] or rows[following][2]:
                    end = following
                if following < n and rows[following][3]:
                    end = following
            if end is not None and end > start:
                out.append((start, end))
                start = end
        if start < n:
            out.append((start, n))
        return [(a, b) for a, b in out if not all(rows[k][1] for k in range(a, b))]

    def select(self, text: str) -> Selection:
        doc = self.recognizer(self.tokenizer(text))
        # orth, is_space, is_title, is_upper, lower, trailing whitespace
        rows = doc.to_array([ORTH, IS_SPACE, IS_TITLE, IS_UPPER, LOWER, SPACY]).tolist()
        sentences = self.sentences(rows)
        named = {i for s in actors_of(doc) + agents_of(doc) for i in range(s.start, s.end)}
        lowers = [row[4] for row in rows]
        picked = {n for n, (a, b) in enumerate(sentences) if self._candidate(a, b, lowers, named)}
        if picked:
            picked.add(0)
        original, reduced, numbers = [], [], []
        pieces: list[tuple[list[str], list[bool]]] = []
        position = 0
        for number in sorted(picked):
            a, b = sentences[number]
            words = [k for k in range(a, b) if not rows[k][1]]
            if not words:
                continue
            # The sentence from its first word to its last, its tokens reused as they are.
            first, last = words[0], words[-1]
            if pieces:
                pieces[-1][0].append("\n")
                pieces[-1][1].append(False)
                position += 1
            if not pieces or len(pieces[-1][0]) + (last + 1 - first) > PIECE_TOKENS:
                pieces.append(([], []))
            texts, spaces = pieces[-1]
            original.append(doc[first].idx)
            reduced.append(position)
            numbers.append(number)
            for k in range(first, last + 1):
                texts.append(self.strings[rows[k][0]])
                spaces.append(bool(rows[k][5]) and k < last)
                position += len(texts[-1]) + spaces[-1]
        docs = [Doc(doc.vocab, words=w, spaces=s) for w, s in pieces]
        text = "".join(d.text for d in docs)
        return Selection(text, original, reduced, numbers, len(sentences), docs)

    def _candidate(self, start: int, end: int, lowers: list[int], named: set[int]) -> bool:
        span = range(start, end)
        people = [i for i in span if i in named or lowers[i] in self.referring]
        if not people:
            return False
        lowered = set(lowers[start:end])
        if lowered & self.obligation and lowered & self.saying:
            return True  # "X said Y must ...": a demand (event_classifier)
        words = None
        for i in span:
            lower = lowers[i]
            if lower not in self.forms:
                continue
            # Someone must stand near the word, not just somewhere in a long sentence.
            if not any(abs(p - i) <= _REACH for p in people):
                continue
            if i > start and lowers[i - 1] in self.noun_markers and lower not in self.nouns:
                continue  # "their support", "the call": a verb's word used as a noun
            needed = self.forms[lower]
            if needed is None:
                return True
            if words is None:
                words = _stems(self.strings[h] for h in lowered)
            if needed & words:
                return True
        return False
