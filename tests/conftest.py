from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from service.extraction import EventExtractor

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "samples" / "articles.jsonl"


@pytest.fixture(scope="session")
def extractor() -> EventExtractor:
    return EventExtractor()


def generated_is_current(script: str) -> subprocess.CompletedProcess[str]:
    """``scripts/<script> --check``: a generator's output in the repository is current."""
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
