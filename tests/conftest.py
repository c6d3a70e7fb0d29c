from __future__ import annotations

from pathlib import Path

import pytest

from service.extraction import EventExtractor

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "samples" / "articles.jsonl"


@pytest.fixture(scope="session")
def extractor() -> EventExtractor:
    return EventExtractor()
