"""Agreement of the second annotation with the primary one on the real-news corpus.

    .venv/bin/python scripts/annotation_agreement.py

Reads ``service/data/news/annotations/{primary,second}`` and prints Cohen's kappa on event
types and F1 on participants over the sentences both annotated (see
``service.evaluation.agreement``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from service.evaluation import agreement, news


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=news.NEWS_CORPUS)
    args = parser.parse_args()
    result = agreement.agreement(
        news.load_annotations("primary", args.corpus), news.load_annotations("second", args.corpus)
    )
    print(
        f"{result.sentences} sentences annotated twice: {result.events_first} events "
        f"(primary), {result.events_second} (second)"
    )
    print(f"event type, Cohen's kappa per (sentence, type) decision: {result.type_kappa:.3f}")
    print(
        f"event type, Cohen's kappa on each sentence's first type:  {result.first_type_kappa:.3f}"
    )
    for name, counts in result.fields.items():
        print(
            f"{name:13s} F1 {counts.f1:.3f} (second against primary: P {counts.precision:.3f}, "
            f"R {counts.recall:.3f})"
        )


if __name__ == "__main__":
    main()
