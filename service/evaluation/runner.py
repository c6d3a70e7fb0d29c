"""Run the extractor over gold items and score it; the thresholds CI holds it to."""

from __future__ import annotations

from pathlib import Path

from service.evaluation import gold, news, news_scoring, scoring
from service.extraction.pipeline import EventExtractor
from service.models import Article
from service.outcomes import events_of

# The PLOVER gold standard records vendored in the repository's upstream/, found from this
# file (service/evaluation/runner.py) so that the default holds in any working directory.
DEFAULT_GSR = Path(__file__).resolve().parents[2] / "upstream" / "plover" / "PLOVER_GSR_CAMEO.json"

# Floors for CI, set a few points under the measured figures (see docs/accuracy.md): a change
# that loses more than that fails the build.
THRESHOLDS: dict[str, dict[str, float]] = {
    "gsr": {"event_type": 0.73, "actor_country": 0.83, "dyad": 0.53},
    "own": {"event_type": 0.85, "actor_country": 0.90, "dyad": 0.69},
}


def predict(
    extractor: EventExtractor, items: list[gold.GoldItem]
) -> dict[str, list[scoring.Predicted]]:
    articles = [Article(id=i.id, text=i.text, published_at=i.published_at) for i in items]
    return {
        outcome.article_id: [scoring.Predicted.of(e) for e in events_of(outcome)]
        for outcome in extractor.code_many(articles)
    }


def evaluate_gsr(extractor: EventExtractor, path: Path = DEFAULT_GSR) -> scoring.Report:
    items = gold.load_gsr(path)
    predictions = predict(extractor, items)
    report = scoring.score("gsr", items, predictions, coarse_orgs=True, actor_lists=True)
    # The same events scored dyad by dyad, each direction of a two-sided event as its own
    # actor -> recipient pair (how the service publishes them).
    directed = scoring.score("gsr", items, predictions, coarse_orgs=True)
    report.fields["dyad, directed pairs"] = directed.fields["dyad"]
    return report


def evaluate_own(extractor: EventExtractor) -> scoring.Report:
    items = gold.load_own()
    return scoring.score("own", items, predict(extractor, items))


def evaluate_news(extractor: EventExtractor, split: news.Split = "test") -> news_scoring.NewsReport:
    """Whole real articles of one split of the news corpus, scored against their primary
    annotation."""
    articles = [a for a in news.load_articles() if a.split == split]
    annotations = news.load_annotations("primary")
    inputs = [
        Article(id=a.id, text=a.text, published_at=a.published_at, title=a.title) for a in articles
    ]
    predictions = {
        outcome.article_id: events_of(outcome) for outcome in extractor.code_many(inputs)
    }
    return news_scoring.score_news(f"news-{split}", articles, annotations, predictions)


# Floors on the frozen real-news test split, a few points under the measured F1
# (docs/accuracy.md); the field names are NewsReport.fields keys.
NEWS_THRESHOLDS: dict[str, float] = {
    "event_type": 0.40,
    "actor": 0.40,
    "recipient": 0.34,
    "dyad": 0.18,
    "strict_event": 0.18,
}


def news_shortfalls(report: news_scoring.NewsReport) -> list[str]:
    if not report.name.endswith("test"):
        return []
    return [
        f"{report.name} {field} F1 {report.fields[field].f1:.3f} < {floor:.3f}"
        for field, floor in NEWS_THRESHOLDS.items()
        if report.fields[field].f1 < floor
    ]


def shortfalls(report: scoring.Report) -> list[str]:
    """Fields below their CI floor, as readable lines (empty when all pass)."""
    out = []
    for field, floor in THRESHOLDS.get(report.name, {}).items():
        value = report.fields[field].f1
        if value < floor:
            out.append(f"{report.name} {field} F1 {value:.3f} < {floor:.3f}")
    return out
