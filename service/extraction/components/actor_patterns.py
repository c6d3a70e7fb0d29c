"""The actor recognizer's phrase patterns, tokenized ahead of time.

The recognizer's PhraseMatchers match on NORM, so each of the ~45,000 pattern texts (the
dictionary's names and agent words, abbreviations with dots also upper-cased) stands for
the NORM hashes of its tokens. Tokenizing them cost 1.7 s of every start (and adding them
as Docs 0.4 s more); ``scripts/build_actor_patterns.py`` writes the hashes once into
``service/data/actor_patterns.bin``, read in milliseconds.

The file records what its hashes depend on: the spaCy version, the model (its tokenizer
and norm table) and a digest of the texts in order. It is used only when all of these are
the running ones; otherwise the texts are tokenized as before (the same patterns, a slower
start) and a warning says to rebuild the file. A test checks that the committed file is
current.

Format: one line of JSON (``fingerprint``, ``texts``, ``tokens``), then the tokens per
text (uint32) and the NORM hashes of all texts' tokens (uint64), little-endian.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from service.extraction import tables

PATTERNS_FILE = "actor_patterns.bin"

Keyword = tuple[int, ...]  # the NORM hashes of a pattern's tokens
Group = tuple[str, list[str]]  # a match key and its pattern texts

log = logging.getLogger(__name__)


def texts_of(names: Iterable[str]) -> list[str]:
    """Pattern texts for the names; abbreviations with dots also as written in news, since
    the tokenizer splits "u.s." but keeps "U.S." whole."""
    out = []
    for name in names:
        out.append(name)
        if "." in name:
            out.append(name.upper())
    return out


def actor_groups() -> list[Group]:
    """One group per actor dictionary entry, keyed by its index in ``tables.actors()``."""
    return [(str(index), texts_of(entry.names)) for index, entry in enumerate(tables.actors())]


def agent_groups() -> list[Group]:
    """One group per sector, keyed by the sector code."""
    by_sector: dict[str, list[str]] = {}
    for phrase, sector in tables.agents().items():
        by_sector.setdefault(sector, []).append(phrase)
    return [(sector, texts_of(phrases)) for sector, phrases in by_sector.items()]


def all_texts(groups: Iterable[Group]) -> list[str]:
    return [text for _, texts in groups for text in texts]


def fingerprint(nlp: Language, texts: list[str]) -> dict[str, str]:
    """What the hashes of ``texts`` depend on."""
    digest = hashlib.blake2b("\0".join(texts).encode("utf-8"), digest_size=16)
    meta = nlp.meta
    return {
        "spacy": spacy.__version__,
        "model": f"{meta['lang']}_{meta['name']}-{meta['version']}",
        "texts": digest.hexdigest(),
    }


def tokenized(nlp: Language, texts: Iterable[str]) -> list[Keyword]:
    """The patterns the slow way: the NORM of each token the tokenizer makes (what
    ``PhraseMatcher.add`` reads from a Doc)."""
    return [_norms(nlp.make_doc(text)) for text in texts]


def _norms(doc: Doc) -> Keyword:
    return tuple(doc.to_array("NORM").tolist())


def keywords(nlp: Language, texts: list[str]) -> list[Keyword]:
    """The patterns of ``texts``: from the file when it was built for them, this spaCy and
    this model; else tokenized."""
    stored = read(_default_path(), fingerprint(nlp, texts))
    if stored is not None and len(stored) == len(texts):
        return stored
    log.warning(
        "%s is out of date (rebuild it: scripts/build_actor_patterns.py); tokenizing the "
        "actor dictionary instead, which slows the start by about two seconds",
        PATTERNS_FILE,
    )
    patterns = tokenized(nlp, texts)
    # The names filled the tokenizer's cache of word chunks (10,000 by default), after
    # which no news word was ever cached and tokenizing cost 2.5 times as much. Empty it
    # (its ``rules`` setter is the public way).
    tokenizer: Any = nlp.tokenizer
    tokenizer.rules = tokenizer.rules
    return patterns


def read(path: Path, expected: dict[str, str]) -> list[Keyword] | None:
    """The patterns in the file at ``path`` if its fingerprint is ``expected``, else None."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    end = data.find(b"\n")
    if end < 0:
        return None
    try:
        header = json.loads(data[:end])
        if header.get("fingerprint") != expected:
            return None
        count, tokens = header["texts"], header["tokens"]
        offset = end + 1
        lengths = np.frombuffer(data, dtype="<u4", count=count, offset=offset).tolist()
        offset += 4 * count
        norms = np.frombuffer(data, dtype="<u8", count=tokens, offset=offset).tolist()
    except (ValueError, KeyError, AttributeError):
        return None  # not such a file, or cut short
    out: list[Keyword] = []
    start = 0
    for length in lengths:
        out.append(tuple(norms[start : start + length]))
        start += length
    return out


def encode(nlp: Language, texts: list[str]) -> bytes:
    """The file's bytes for ``texts``, tokenized with ``nlp``."""
    patterns = tokenized(nlp, texts)
    lengths = np.array([len(p) for p in patterns], dtype="<u4")
    norms = np.array([h for p in patterns for h in p], dtype="<u8")
    header = {"fingerprint": fingerprint(nlp, texts), "texts": len(texts), "tokens": len(norms)}
    return json.dumps(header, sort_keys=True).encode() + b"\n" + lengths.tobytes() + norms.tobytes()


def _default_path() -> Path:
    return Path(str(resources.files("service.data").joinpath(PATTERNS_FILE)))
