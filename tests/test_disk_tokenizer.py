"""The pipelines loaded with the empty tokenizer factory get the tokenizer on disk: the
same as with spaCy's own factory, rules, affixes, special cases and strings."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import spacy

from service.extraction import pipeline
from service.extraction.components import disk_tokenizer
from service.extraction.events import sentence_classifier
from service.settings import get_settings


def _tokenizer_bytes(path: str | Path, **options: Any) -> bytes:
    nlp = spacy.load(path, **options)
    data: bytes = nlp.tokenizer.to_bytes()  # its vocabulary's strings too
    return data


def test_the_model_gets_the_tokenizer_spacys_own_factory_makes() -> None:
    model = get_settings().model
    ours = _tokenizer_bytes(model, exclude=["ner"], config=pipeline._LOAD_CONFIG)
    assert ours == _tokenizer_bytes(model, exclude=["ner"], config=pipeline._CACHED_LEMMAS)


def test_the_sentence_classifier_gets_the_tokenizer_spacys_own_factory_makes() -> None:
    path = Path(str(resources.files("service.data").joinpath(sentence_classifier.MODEL_DIR)))
    assert _tokenizer_bytes(path, config=disk_tokenizer.CONFIG) == _tokenizer_bytes(path)
