"""The sentence classifier can be retrained from the repository (a short smoke run)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import spacy

from service.models import EventType

ROOT = Path(__file__).resolve().parent.parent


def test_training_script_produces_a_loadable_classifier(tmp_path):
    out = tmp_path / "event_type"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "train_classifier.py"),
            "--epochs",
            "1",
            "--limit",
            "400",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    nlp = spacy.load(out)
    cats = nlp("Rebels shelled the town overnight.").cats
    assert set(cats) == {t.value for t in EventType} | {"NONE"}
    assert abs(sum(cats.values()) - 1.0) < 1e-3  # one type per sentence


def test_shipped_weights_are_small():
    weights = ROOT / "service" / "data" / "models" / "event_type"
    size = sum(p.stat().st_size for p in weights.rglob("*") if p.is_file())
    assert size < 25_000_000
