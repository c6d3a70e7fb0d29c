"""Build the benchmark corpus ``bench/corpus/news-mix.jsonl`` from ``upstream/news``.

A realistic mix in which most articles are not diplomatic: every Wikinews article (general
news, 2004-2023) and 130 White House foreign-affairs statements and readouts (dense in
CONSULT and AGREE events), among them every statement of at least 10,000 words. The
selection is seeded, so the file is the same on every run.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NEWS = ROOT / "upstream" / "news"
DIPLOMATIC = 130
LONG_WORDS = 10_000


def _read(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line]


def _words(record: dict[str, object]) -> int:
    return len(str(record["text"]).split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--news", type=Path, default=NEWS, help="the vendored news files")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "corpus" / "news-mix.jsonl")
    args = parser.parse_args()
    wikinews = _read(args.news / "wikinews.jsonl")
    statements = _read(args.news / "whitehouse_foreign_affairs.jsonl")
    rng = random.Random(2026)
    long = [r for r in statements if _words(r) >= LONG_WORDS]
    short = [r for r in statements if _words(r) < LONG_WORDS]
    rows = wikinews + rng.sample(short, DIPLOMATIC - len(long)) + long
    rng.shuffle(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        for row in rows:  # every record keeps its source, url and licence fields
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    words = [_words(r) for r in rows]
    print(f"wrote {args.out}: {len(rows)} articles, {sum(words)} words")


if __name__ == "__main__":
    main()
