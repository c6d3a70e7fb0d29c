"""The per-article view: what every stage after the parser reads, built once.

``ArticleView.read`` runs after the spaCy pipeline: the article, its publication day, the
parsed Doc and its sentences, the actor and agent mentions the actor recognizer assigned,
which tokens and sentences name someone, and the discourse (who the article and its headline
have named, position by position). Stages take the view instead of rebuilding any of it per trigger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from spacy.tokens import Doc, Span

from service.extraction.components.actor_recognizer import actors_of, agents_of
from service.extraction.participants.coreference import Discourse
from service.models import Article


def article_day(article: Article) -> date | None:
    value = article.published_at
    if isinstance(value, datetime):
        return value.date()
    return value


@dataclass(frozen=True)
class ArticleView:
    article: Article
    day: date | None
    doc: Doc
    sentences: tuple[Span, ...]
    actors: tuple[Span, ...]
    agents: tuple[Span, ...]
    mentioned: frozenset[int]  # tokens inside an actor or agent mention
    naming: frozenset[int]  # sentences (by index) that name someone
    discourse: Discourse

    @classmethod
    def read(cls, article: Article, doc: Doc, headline: Doc | None = None) -> ArticleView:
        day = article_day(article)
        sentences = tuple(doc.sents)
        actors = tuple(actors_of(doc))
        agents = tuple(agents_of(doc))
        starts = sorted(s.start for s in actors + agents)
        naming = frozenset(
            index
            for index, sentence in enumerate(sentences)
            if any(sentence.start <= start < sentence.end for start in starts)
        )
        return cls(
            article=article,
            day=day,
            doc=doc,
            sentences=sentences,
            actors=actors,
            agents=agents,
            mentioned=frozenset(t.i for span in actors + agents for t in span),
            naming=naming,
            discourse=Discourse.read(doc, day, headline),
        )
