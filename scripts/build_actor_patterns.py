#!/usr/bin/env python3
"""Tokenize the actor recognizer's patterns once: ``service/data/actor_patterns.bin``.

    python scripts/build_actor_patterns.py          # writes the file
    python scripts/build_actor_patterns.py --check  # fails when the file is not what this builds

Re-run after changing the actor or agent tables (``scripts/build_tables.py``,
``office_holders.json``), spaCy or the model: until then the service tokenizes the
dictionary at every start (``service/extraction/components/actor_patterns.py``), and
``tests/test_actor_patterns.py`` fails.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import spacy

from service.extraction.components import actor_patterns
from service.settings import get_settings

OUT = Path(__file__).resolve().parent.parent / "service" / "data" / actor_patterns.PATTERNS_FILE


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is stale")
    args = parser.parse_args()
    nlp = spacy.load(get_settings().model)
    groups = actor_patterns.actor_groups() + actor_patterns.agent_groups()
    data = actor_patterns.encode(nlp, actor_patterns.all_texts(groups))
    if args.check:
        if not OUT.exists() or OUT.read_bytes() != data:
            print(f"{OUT} is stale: run python scripts/build_actor_patterns.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_bytes(data)
    print(f"wrote {OUT} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
