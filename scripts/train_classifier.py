"""Train the sentence event-type classifier from the project's own labelled sentences.

    python scripts/train_classifier.py            # writes service/data/models/event_type

Input: ``service/data/training/*.jsonl`` (written for this project, see its README): one
sentence per line with its PLOVER event type, or null when the sentence codes no event.
Output: a spaCy pipeline with one ``textcat`` component (exclusive classes: the 16 PLOVER
types and NONE). Ten per cent of the training sentences are held back to pick the epoch;
no evaluation data (PLOVER GSR, the annotated test set) is read here.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from pathlib import Path

import spacy
from spacy.training import Example
from spacy.util import minibatch

from service.models import EventType

ROOT = Path(__file__).resolve().parent.parent
TYPES = [t.value for t in EventType] + ["NONE"]


# spaCy's default ensemble (CNN over hashed word features + bag of n-grams), with the
# n-gram table cut from 2^18 to 2^16 rows: the shipped weights stay a few megabytes.
MODEL = {
    "@architectures": "spacy.TextCatEnsemble.v2",
    "nO": None,
    "tok2vec": {
        "@architectures": "spacy.Tok2Vec.v2",
        "embed": {
            "@architectures": "spacy.MultiHashEmbed.v2",
            "width": 64,
            "rows": [2000, 2000, 500, 1000, 500],
            "attrs": ["NORM", "LOWER", "PREFIX", "SUFFIX", "SHAPE"],
            "include_static_vectors": False,
        },
        "encode": {
            "@architectures": "spacy.MaxoutWindowEncoder.v2",
            "width": 64,
            "window_size": 1,
            "maxout_pieces": 3,
            "depth": 2,
        },
    },
    "linear_model": {
        "@architectures": "spacy.TextCatBOW.v3",
        "exclusive_classes": True,
        "length": 65536,
        "ngram_size": 2,
        "no_output_layer": False,
        "nO": None,
    },
}


def load(folder: Path) -> list[tuple[str, str]]:
    rows = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                rows.append((record["text"], record["event_type"] or "NONE"))
    return rows


def cats(label: str) -> dict[str, float]:
    return {t: float(t == label) for t in TYPES}


def accuracy(nlp: spacy.Language, rows: list[tuple[str, str]]) -> float:
    docs = nlp.pipe(text for text, _ in rows)
    right = sum(
        max(doc.cats, key=doc.cats.__getitem__) == label
        for doc, (_, label) in zip(docs, rows, strict=True)
    )
    return right / len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "service" / "data" / "training")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "service" / "data" / "models" / "event_type"
    )
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--limit", type=int, default=0, help="train on the first N (smoke tests)")
    args = parser.parse_args()

    random.seed(args.seed)
    spacy.util.fix_random_seed(args.seed)
    rows = load(args.data)
    random.shuffle(rows)
    if args.limit:
        rows = rows[: args.limit]
    held = len(rows) // 10
    dev, train = rows[:held], rows[held:]

    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat", config={"model": MODEL})
    for label in TYPES:
        textcat.add_label(label)
    examples = [
        Example.from_dict(nlp.make_doc(text), {"cats": cats(label)}) for text, label in train
    ]
    optimizer = nlp.initialize(lambda: examples)
    best, best_bytes = -1.0, b""
    for epoch in range(args.epochs):
        random.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=16):
            nlp.update(batch, sgd=optimizer, drop=0.2, losses=losses)
        score = accuracy(nlp, dev)
        print(f"epoch {epoch + 1:2d}  loss {losses['textcat']:.3f}  held-out accuracy {score:.3f}")
        if score > best:
            best, best_bytes = score, nlp.to_bytes()
    nlp.from_bytes(best_bytes)
    nlp.meta.update(
        {
            "name": "event_type",
            "version": "1.0.0",
            "description": "PLOVER event type of a sentence (16 types + NONE)",
            "license": "MIT",
            "sources": [{"name": "diplomatic-events training sentences", "license": "MIT"}],
            "performance": {"held_out_accuracy": round(best, 4), "train_sentences": len(train)},
        }
    )
    if args.out.exists():
        shutil.rmtree(args.out)
    nlp.to_disk(args.out)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"best held-out accuracy {best:.3f}; wrote {args.out} ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
