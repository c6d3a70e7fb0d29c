"""The real-news corpus: provenance, splits by article, complete valid annotation, and a
test split that stays frozen."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from service.evaluation import news
from service.models import EventType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import build_news_corpus  # noqa: E402


@pytest.fixture(scope="module")
def articles() -> list[news.NewsArticle]:
    return news.load_articles()


@pytest.fixture(scope="module")
def annotations() -> dict[str, news.SentenceAnnotation]:
    return news.load_annotations("primary")


def test_corpus_is_whole_openly_licensed_articles(articles):
    assert sum(len(a.sentences) for a in articles) >= 3000
    for article in articles:
        assert article.license and (
            "CC BY 2.5" in article.license or "ublic domain" in article.license
        )
        assert article.url and article.source
        previous_end = 0
        for sentence in article.sentences:
            assert previous_end <= sentence.start < sentence.end <= len(article.text)
            assert article.text[sentence.start : sentence.end] == sentence.text
            previous_end = sentence.end


def test_split_is_by_article_from_its_id(articles):
    assert {a.split for a in articles} == {"train", "dev", "test"}
    for article in articles:
        assert article.split == build_news_corpus.split_of(article.id)
    assert len({a.id for a in articles}) == len(articles)


def test_every_sentence_is_annotated_once_and_validly(articles, annotations):
    sentence_ids = {s.id for a in articles for s in a.sentences}
    assert set(annotations) == sentence_ids
    assert news.check(annotations.values(), articles) == []


def test_every_event_type_occurs_in_train_and_test(articles, annotations):
    by_split: dict[str, Counter[str]] = {"train": Counter(), "test": Counter()}
    for article in articles:
        if article.split in by_split:
            for sentence in article.sentences:
                by_split[article.split].update(
                    e.type.value for e in annotations[sentence.id].events
                )
    for counts in by_split.values():
        assert set(counts) == {t.value for t in EventType}


def test_test_split_is_frozen():
    frozen = (news.NEWS_CORPUS / "FROZEN").read_text().strip()
    assert news.test_digest() == frozen, (
        "the test split (articles, sentence offsets or annotations) changed after it was frozen"
    )


def test_the_checker_catches_a_span_not_in_the_sentence(articles):
    sentence = articles[0].sentences[0]
    bad = news.SentenceAnnotation.model_validate(
        {
            "sentence": sentence.id,
            "events": [
                {
                    "type": "CONSULT",
                    "trigger": "no such words here",
                    "actor": {"text": None, "code": "ZZZ"},
                }
            ],
        }
    )
    found = news.check([bad], articles)
    assert any("trigger" in p for p in found) and any("ZZZ" in p for p in found)


def test_schema_rejects_a_mode_the_type_does_not_have():
    with pytest.raises(ValueError, match="no mode"):
        news.GoldNewsEvent.model_validate(
            {
                "type": "AGREE",
                "mode": "phone",
                "trigger": "x",
                "actor": {"text": None, "code": "USA"},
            }
        )
