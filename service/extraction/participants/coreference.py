"""Stage 4b: actors named earlier in the article.

"Kim" after "ROK Vice Foreign Minister Kim Hong-kyun", "both officials" after "Kim ... and
Campbell", "the two sides", "it" in "the ministry said it would...", and "the minister" or
"rebels" with no country in their phrase. A first pass over the document registers who
each full name and each coordinated pair resolves to; later mentions take the most recent
registration before them. Resolutions made this way carry lower confidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from spacy.tokens import Doc, Span, Token

from service.extraction.components.actor_recognizer import actors_of, agents_of
from service.extraction.components.entity_recognizer import ents_of
from service.extraction.output.places import is_place
from service.extraction.participants import actor_resolver
from service.extraction.participants.actor_resolver import ResolvedActor, text_of

# "both officials", "the two sides", "both nations": a plural noun under these determiners.
_PAIR_DETERMINERS = {"both", "two"}
_PAIR_NOUNS = {
    "side",
    "official",
    "nation",
    "country",
    "leader",
    "minister",
    "government",
    "party",
    "state",
    "delegation",
    "diplomat",
    "ally",
    "neighbour",
    "neighbor",
    "capital",
    "president",
    "counterpart",
}
# "Both officials" are people: the last pair of named people or bodies, not of places.
_PEOPLE_NOUNS = {
    "official", "leader", "minister", "president", "diplomat", "delegation", "counterpart",
    "government",
}  # fmt: skip
_PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}
_GROUP_PRONOUNS = {"it", "they", "them", "its", "their"}
_PLURAL_PRONOUNS = {"they", "them", "their"}
# First person in a statement is its author: "Statement by President Biden on ...": "I".
_FIRST_PERSON = {"i", "me", "my", "we", "us", "our"}
_STATEMENT_HEADLINE = ("statement", "joint statement", "remarks", "message")
# "we" and "our" are the text's own voice (a statement's authors): not resolved.
_REPORTING = {
    "say", "tell", "state", "add", "announce", "claim", "insist", "warn", "report", "confirm",
    "declare", "deny", "indicate", "note", "stress", "reiterate", "threaten", "promise",
}  # fmt: skip
# "the international community", "world leaders": no one country's.
_UNPLACED = {"international", "global", "world", "foreign", "western", "regional"}
_CONTEXT_CONFIDENCE = 0.45
_REFERENCE_CONFIDENCE = 0.6


def _authors(headline: Doc, day: date | None) -> list[ResolvedActor]:
    """Who speaks in a statement, from its headline: "Statement by NSC Spokesperson Emily
    Horne on ..." is Horne; "Joint Statement of the United States and Japan" both. Only
    the words before "on", "regarding" or a colon name the authors."""
    text = headline.text.lower()
    if not text.startswith(_STATEMENT_HEADLINE):
        return []
    end = len(headline)
    for token in headline:
        if token.i > 1 and (
            token.lower_ in ("on", "regarding", "following", "ahead") or token.text == ":"
        ):
            end = token.i
            break
    found: dict[str, ResolvedActor] = {}
    for token in headline[:end]:
        if token.pos_ in ("PROPN", "NOUN") and token.dep_ != "compound":
            for actor in actor_resolver.resolve(token, day):
                if actor.country is not None:
                    found.setdefault(actor.country, actor)
    return list(found.values())


def _in_full_name(token: Token) -> bool:
    """Part of a multi-word name or dictionary entry: the resolver handles it directly."""
    if token.ent_type_ == "PERSON":
        ent = next((e for e in ents_of(token.doc) if e.start <= token.i < e.end), None)
        if ent is not None and len(ent) > 1:
            return True
    return any(s.start <= token.i < s.end for s in actors_of(token.doc))


def _moved(actor: ResolvedActor, head: Token, confidence: float) -> ResolvedActor:
    """The registered actor, at the new mention's place in the text."""
    tokens = actor_resolver.phrase_tokens(head)
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    return replace(
        actor,
        text=text_of(head.doc, start, end),
        start=start,
        end=end,
        confidence=min(actor.confidence, confidence),
    )


@dataclass
class Discourse:
    """Who the article has named so far, position by position."""

    day: date | None
    names: list[tuple[int, str, ResolvedActor]] = field(default_factory=list)
    groups: list[tuple[int, list[ResolvedActor]]] = field(default_factory=list)
    mentions: list[tuple[int, ResolvedActor]] = field(default_factory=list)
    titles: list[tuple[int, str, ResolvedActor]] = field(default_factory=list)
    authors: list[ResolvedActor] = field(default_factory=list)  # a statement's, from its headline

    @classmethod
    def read(cls, doc: Doc, day: date | None, headline: Doc | None = None) -> Discourse:
        """Who ``doc`` names, position by position; the people and pairs its ``headline``
        names come first (position -1), so that "the President", "Mr. Sullivan" or "the
        two leaders" of a text whose headline alone names them resolve."""
        discourse = cls(day)
        if headline is not None:
            discourse._read_people(headline, before=-1)
            discourse._read_groups(headline, before=-1)
            discourse.authors = _authors(headline, day)
        discourse._read_people(doc)
        for span in actors_of(doc):
            for actor in actor_resolver.resolve(span.root, day):
                discourse.mentions.append((span.start, actor))
        discourse._read_groups(doc)
        discourse.mentions.sort(key=lambda m: m[0])
        return discourse

    def _read_people(self, doc: Doc, before: int | None = None) -> None:
        agents = agents_of(doc)
        for ent in ents_of(doc):
            if ent.label_ != "PERSON" or (len(ent) < 2 and not ent[0].is_title):
                continue
            found = actor_resolver.resolve(ent.root, self.day)
            if len(found) == 1:
                at = ent.end if before is None else before
                for token in {ent[0], ent[-1]}:
                    if token.is_title or token.is_upper:
                        self.names.append((at, token.lower_, found[0]))
                # "German Chancellor Friedrich Merz ... the chancellor": the title too.
                phrase = {t.i for t in actor_resolver.phrase_tokens(ent.root)}
                for agent in agents:
                    if agent.start in phrase:
                        self.titles.append((at, agent.root.lemma_.lower(), found[0]))

    def _read_groups(self, doc: Doc, before: int | None = None) -> None:
        for token in doc:
            if token.dep_ == "conj" or not token.conjuncts:
                continue
            members: list[ResolvedActor] = []
            for item in (token, *token.conjuncts):
                members.extend(actor_resolver.resolve(item, self.day))
            distinct = {a.key: a for a in members}
            if len(distinct) >= 2:
                at = max(t.i for t in token.conjuncts) if before is None else before
                self.groups.append((at, list(distinct.values())))

    def refer(self, head: Token) -> list[ResolvedActor]:
        """Actors a referring expression stands for; empty when it is not one."""
        lower = head.lower_
        if (
            head.tag_ in ("NNS", "NNPS")
            and head.lemma_.lower() in _PAIR_NOUNS
            and any(c.lower_ in _PAIR_DETERMINERS for c in head.children)
        ):
            people = head.lemma_.lower() in _PEOPLE_NOUNS
            groups = [(i, g) for i, g in self.groups if not people or all(a.sector for a in g)]
            # "The two leaders" after "President Biden and the Amir of Qatar": a pair of
            # people named with their country rather than a title still counts.
            group = (
                self._last(groups, head.i)
                or self._last_two(head.i)
                or self._last(self.groups, head.i)
            )
            return [_moved(a, head, _REFERENCE_CONFIDENCE) for a in group or []]
        if head.pos_ == "PRON" and lower in _FIRST_PERSON and self.authors:
            return [_moved(a, head, _CONTEXT_CONFIDENCE) for a in self.authors]
        if head.pos_ == "PRON" and lower in _PERSON_PRONOUNS | _GROUP_PRONOUNS:
            speaker = self._reporting_subject(head)
            if speaker:
                return speaker
            if lower in _PLURAL_PRONOUNS:
                group = self._last(self.groups, head.i)
                if group:  # "Biden and Putin ... They agreed"
                    return [_moved(a, head, _CONTEXT_CONFIDENCE) for a in group]
            wanted_person = lower in _PERSON_PRONOUNS
            for index, actor in reversed(self.mentions):
                if index < head.i and actor.person == wanted_person:
                    return [_moved(actor, head, _CONTEXT_CONFIDENCE)]
            return []
        if head.pos_ in ("NOUN", "PROPN") and any(c.lower_ == "the" for c in head.children):
            phrase = {t.i for t in actor_resolver.phrase_tokens(head)}
            if not any(s.start in phrase for s in actors_of(head.doc)):
                titled = [a for i, t, a in self.titles if t == head.lemma_.lower() and i <= head.i]
                if titled:  # "the chancellor", "the general": the one last given that title
                    return [_moved(titled[-1], head, _REFERENCE_CONFIDENCE)]
        if head.pos_ == "PROPN" and not _in_full_name(head):
            named = [a for i, n, a in self.names if n == lower and i <= head.i]
            if named:
                return [_moved(named[-1], head, _REFERENCE_CONFIDENCE)]
        return []

    def complete(
        self, head: Token, exclude: set[int], place_first: bool = False
    ) -> list[ResolvedActor]:
        """A sector word with no country ("the minister", "rebels"): the country named
        nearest before it in its sentence, else a place named later in the sentence ("in
        Jakarta"), else any country of the sentence, else the article's last one. Never
        the other side of the event (``exclude``). ``place_first``: a place the sentence
        names wins over the nearest country (for whom an event was done to)."""
        partial = actor_resolver.unnamed(head)
        if partial is None or any(c.lower_ in _UNPLACED for c in head.children):
            return []
        doc, sentence = head.doc, head.sent
        # The phrase's own relative clause may say where ("refugees fleeing the war in
        # Liberia"); its name words do not (they resolved to nothing).
        taken = {t.i for t in actor_resolver.phrase_tokens(head)} | exclude
        usable = [(i, a) for i, a in self.mentions if i not in taken and a.country]
        here = [(i, a) for i, a in usable if sentence.start <= i < sentence.end]
        before = [a for i, a in here if i < head.i]
        places = [a for i, a in here if is_place(doc[i])]
        earlier = [a for i, a in usable if i < sentence.start]
        if place_first and places:
            source, confidence = places[0], _CONTEXT_CONFIDENCE
        elif before:
            source, confidence = before[-1], _CONTEXT_CONFIDENCE
        elif places or here:
            source, confidence = (places or [a for _, a in here])[0], _CONTEXT_CONFIDENCE - 0.05
        elif earlier:
            source, confidence = earlier[-1], _CONTEXT_CONFIDENCE - 0.05
        else:
            # Last resort: the other side's country - a domestic event ("a judge opened
            # investigations against Chilean officials").
            other = [a for i, a in self.mentions if i in exclude and a.country]
            if not other:
                return []
            source, confidence = other[0], _CONTEXT_CONFIDENCE - 0.1
        code = f"{source.country}{partial.sector or ''}"
        return [replace(partial, country=source.country, code=code, confidence=confidence)]

    def place(self, sentence: Span, exclude: set[int]) -> ResolvedActor | None:
        """The country a sentence says something happened in ("in Beirut", "near Samarra")."""
        doc = sentence.doc
        for index, actor in self.mentions:
            inside = sentence.start <= index < sentence.end and index not in exclude
            if inside and actor.country and is_place(doc[index]):
                return actor
        return None

    def _reporting_subject(self, pronoun: Token) -> list[ResolvedActor]:
        """ "The ministry said it would ...": "it" is the one who said so."""
        verb = pronoun.head
        while verb.dep_ in ("ccomp", "xcomp", "conj") and verb.head is not verb:
            verb = verb.head
            if verb.lemma_.lower() in _REPORTING:
                for subject in verb.children:
                    if subject.dep_ == "nsubj" and subject.pos_ != "PRON":
                        return actor_resolver.resolve(subject, self.day)
        return []

    def _last_two(self, before: int) -> list[ResolvedActor] | None:
        """The two most recently named countries ("Ruto hosted Hassan ... Both leaders")."""
        found: dict[str, ResolvedActor] = {}
        for index, actor in reversed(self.mentions):
            if index < before and actor.country and actor.country not in found:
                found[actor.country] = actor
                if len(found) == 2:
                    return list(reversed(found.values()))
        return None

    @staticmethod
    def _last(
        entries: list[tuple[int, list[ResolvedActor]]], before: int
    ) -> list[ResolvedActor] | None:
        found = [group for index, group in entries if index < before]
        return found[-1] if found else None
