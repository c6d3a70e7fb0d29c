"""Check annotation files of the real-news corpus: shape, spans, codes, coverage.

    .venv/bin/python scripts/check_news_annotations.py FILE.jsonl [...]

Prints every problem (a span not in its sentence, an unknown code or mode, a sentence
annotated twice) and, with ``--articles``, the sentences of those articles left
unannotated. Exit status 1 when anything is wrong.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from service.evaluation import news


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument(
        "--articles", nargs="*", default=None, help="article ids that must be complete"
    )
    args = parser.parse_args()
    articles = news.load_articles()
    found: list[str] = []
    seen: set[str] = set()
    annotations = []
    for path in args.files:
        try:
            batch = list(news.read_annotations([path]))
        except ValueError as error:
            found.append(str(error))
            continue
        for annotation in batch:
            if annotation.sentence in seen:
                found.append(f"{annotation.sentence}: annotated twice")
            seen.add(annotation.sentence)
        annotations += batch
    found += news.check(annotations, articles)
    if args.articles is not None:
        wanted = set(args.articles)
        for article in articles:
            if article.id in wanted:
                found += [f"{s.id}: not annotated" for s in article.sentences if s.id not in seen]
    for problem in found:
        print(problem)
    events = sum(len(a.events) for a in annotations)
    print(f"{len(annotations)} sentences, {events} events, {len(found)} problems", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
