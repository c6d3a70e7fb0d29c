"""The actor recognizer's patterns read from ``service/data/actor_patterns.bin``."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from spacy.matcher import PhraseMatcher

from service.extraction import EventExtractor, tables
from service.extraction.components import actor_patterns
from tests.conftest import generated_is_current


def test_the_committed_patterns_are_what_the_builder_makes() -> None:
    result = generated_is_current("build_actor_patterns.py")
    assert result.returncode == 0, result.stderr


def test_the_file_holds_what_the_matcher_would_read_from_the_tokenized_texts(
    extractor: EventExtractor,
) -> None:
    nlp = extractor.nlp
    groups = actor_patterns.actor_groups() + actor_patterns.agent_groups()
    texts = actor_patterns.all_texts(groups)
    stored = actor_patterns.keywords(nlp, texts)
    matcher = PhraseMatcher(nlp.vocab, attr="NORM")
    for text, keyword in zip(texts, stored, strict=True):
        assert tuple(matcher._convert_to_array(nlp.make_doc(text))) == keyword, text


def _written(tmp_path: Path, extractor: EventExtractor, texts: list[str]) -> Path:
    path = tmp_path / actor_patterns.PATTERNS_FILE
    path.write_bytes(actor_patterns.encode(extractor.nlp, texts))
    return path


def test_a_file_for_other_texts_or_another_model_is_not_used(
    tmp_path: Path, extractor: EventExtractor
) -> None:
    nlp = extractor.nlp
    texts = ["u.s. state department", "U.S. STATE DEPARTMENT", "kim hong-kyun"]
    path = _written(tmp_path, extractor, texts)
    assert actor_patterns.read(path, actor_patterns.fingerprint(nlp, texts)) == (
        actor_patterns.tokenized(nlp, texts)
    )
    assert actor_patterns.read(path, actor_patterns.fingerprint(nlp, texts[:2])) is None
    other_model = {**actor_patterns.fingerprint(nlp, texts), "model": "en_other-1.0.0"}
    assert actor_patterns.read(path, other_model) is None


@pytest.mark.parametrize("damage", ["cut", "garbage", "missing"])
def test_a_damaged_or_missing_file_is_not_used(
    tmp_path: Path, extractor: EventExtractor, damage: str
) -> None:
    texts = ["european union", "hamas"]
    path = _written(tmp_path, extractor, texts)
    if damage == "cut":
        path.write_bytes(path.read_bytes()[:-3])
    elif damage == "garbage":
        path.write_bytes(b"\x00\xff not a header\n" + bytes(64))
    else:
        path.unlink()
    assert actor_patterns.read(path, actor_patterns.fingerprint(extractor.nlp, texts)) is None


def test_a_stale_file_means_tokenizing_with_a_warning(
    tmp_path: Path,
    extractor: EventExtractor,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    nlp = extractor.nlp
    path = _written(tmp_path, extractor, ["hamas"])
    monkeypatch.setattr(actor_patterns, "_default_path", lambda: path)
    texts = ["hamas", "st. john's"]
    with caplog.at_level(logging.WARNING, logger=actor_patterns.__name__):
        assert actor_patterns.keywords(nlp, texts) == actor_patterns.tokenized(nlp, texts)
    assert "out of date" in caplog.text


def test_entries_sharing_a_pattern_keep_their_number_as_match_key() -> None:
    from service.extraction.components.actor_recognizer import _actor_keys

    keys = _actor_keys([("0", [(1, 2)]), ("1", [(1, 2), (3,)]), ("2", [(4,)])])
    assert keys == {"0": "0", "1": "1", "2": "actor 2"}


def test_numbers_in_text_are_words_whatever_the_match_keys(extractor: EventExtractor) -> None:
    doc = extractor.nlp("In 2024 Kenya sent 17 ministers; 28000 troops stayed in Somalia.")
    numbers = [t for t in doc if t.text in ("2024", "17", "28000")]
    assert len(numbers) == 3
    assert all(t.like_num and t.is_digit and t.shape_ == "dddd"[: len(t)] for t in numbers)
    # The actor spans name their dictionary entries by index, whatever the match key.
    entries = tables.actors()
    found = {span.text.lower(): entries[int(span.kb_id_)].names for span in doc.spans["actors"]}
    assert "kenya" in found["kenya"] and "somalia" in found["somalia"]
