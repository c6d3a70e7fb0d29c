"""The trained components: small, reproducible from the repository, and used by the coder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from service.extraction.components.actor_recognizer import actors_of, agents_of
from service.extraction.events import event_classifier, event_model
from service.extraction.linear_model import SHIPPED, LinearModel, TrainedModels
from service.extraction.pipeline import CoderConfig, EventExtractor
from service.models import Article, EventType

ROOT = Path(__file__).resolve().parent.parent
NAMES = ("event_detector", "role_model", "calibration")


def test_shipped_models_are_small_plain_arrays():
    total = sum(TrainedModels.path(SHIPPED, name).stat().st_size for name in NAMES)
    assert total <= 50 * 2**20
    models = TrainedModels.read()
    assert models.event_detector.labels == tuple(t.value for t in EventType)
    assert models.event_detector.output == "sigmoid"
    assert models.role_model.labels == ("actor", "recipient", "third", "none")
    assert models.calibration is not None and models.calibration.labels == ("right",)


def test_probabilities_follow_the_output_kind():
    index = {"a": 0, "b": 1}
    weights = np.array([[2.0, 0.0], [0.0, 2.0]], dtype=np.float32)
    bias = np.zeros(2, dtype=np.float32)
    softmax = LinearModel(("x", "y"), index, weights, bias, "softmax").probabilities(["a"])
    assert softmax["x"] > softmax["y"] and sum(softmax.values()) == pytest.approx(1.0)
    sigmoid = LinearModel(("x", "y"), index, weights, bias, "sigmoid").probabilities(["a", "b"])
    assert sigmoid["x"] == pytest.approx(sigmoid["y"]) and sigmoid["x"] > 0.5
    assert LinearModel(("x", "y"), index, weights, bias, "sigmoid").probabilities(["zzz"]) == {
        "x": 0.5,
        "y": 0.5,
    }


@pytest.mark.timeout(600)
def test_make_models_reproduces_the_shipped_weights(tmp_path):
    done = subprocess.run(
        [sys.executable, "scripts/train_models.py", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for name in NAMES:
        with (
            np.load(TrainedModels.path(SHIPPED, name)) as shipped,
            np.load(TrainedModels.path(tmp_path, name)) as rebuilt,
        ):
            for key in shipped.files:
                assert np.array_equal(shipped[key], rebuilt[key]), f"{name}: {key} differs"


@pytest.fixture(scope="module")
def extractor() -> EventExtractor:
    return EventExtractor()


def test_the_event_model_reads_what_the_lexicon_does_not(extractor):
    doc = extractor.nlp("The United States stands firmly with the people of Iraq.")
    sentence = next(iter(doc.sents))
    named = frozenset(t.i for s in actors_of(doc) + agents_of(doc) for t in s)
    assert event_classifier.find_triggers(sentence) == []
    found = event_model.detect(
        sentence,
        [],
        named,
        extractor.models.event_detector,
        event_model.Thresholds(),
        extractor.trigger_words,
    )
    assert [(d.trigger.token.text, d.trigger.event_type) for d in found] == [("stands", "SUPPORT")]
    assert found[0].trigger.cameo_code == event_model.TYPE_CODES["SUPPORT"]


def test_the_trained_components_can_be_switched_off(extractor):
    article = Article(id="t", text="The United States stands firmly with the people of Iraq.")
    learned = {(e.event_type.value, e.actor.country) for e in extractor.extract(article)}
    rules_only = EventExtractor(
        config=CoderConfig(learned_triggers=False, learned_roles=False, calibrated=False)
    ).extract(article)
    assert ("SUPPORT", "USA") in learned
    assert rules_only == []


def test_confidence_is_calibrated_not_the_raw_score(extractor):
    article = Article(id="t", text="Russia and China held talks in Beijing on Monday.")
    raw = EventExtractor(config=CoderConfig(calibrated=False)).extract(article)
    calibrated = extractor.extract(article)
    assert [e.event_id for e in raw] == [e.event_id for e in calibrated]
    assert all(0.0 <= e.confidence <= 1.0 for e in calibrated)
    assert [e.confidence for e in raw] != [e.confidence for e in calibrated]
