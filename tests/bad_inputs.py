"""The bad-input corpus: records a producer may send, each with its documented outcome
(docs/events.md, "Bad input"). Never a crash: every record leaves one processed record, and
a dead letter or a skip is counted by reason.

``test_codec`` runs the dead-letter cases through decode-and-validate; the integration
test (``tests/integration/test_stream.py``) sends every case through the real worker.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from tests.conftest import SEED

# The limits the integration worker runs with (tests/integration/conftest.py).
MAX_MESSAGE_BYTES = 500_000
MAX_TEXT_BYTES = 20_000

_SEED = json.loads(SEED.read_text().splitlines()[0])


@dataclass(frozen=True)
class BadInput:
    name: str
    value: bytes | None
    outcome: Literal["dead_letter", "skipped", "ok"]
    reason: str | None  # dead-letter or skip reason
    why: str  # the decision, as docs/events.md states it


def _article(**fields: object) -> bytes:
    return json.dumps({"id": fields.pop("id", "bad"), **fields}).encode()


def _nested(depth: int) -> bytes:
    return b'{"id": "deep", "text": "x", "extra": ' + b"[" * depth + b"]" * depth + b"}"


CORPUS = [
    BadInput("tombstone", None, "dead_letter", "invalid_json", "a null value"),
    BadInput("invalid-utf8", b'{"id": "x", "text": "\xff\xfe"}', "dead_letter", "invalid_utf8", ""),
    BadInput("invalid-json", b"{this is not json", "dead_letter", "invalid_json", ""),
    BadInput("not-an-object", b"[1, 2, 3]", "dead_letter", "not_an_object", ""),
    BadInput("missing-id", _article(id=None, text="No id."), "dead_letter", "invalid_article", ""),
    BadInput("empty-id", _article(id="", text="Empty id."), "dead_letter", "invalid_article", ""),
    BadInput("empty-text", _article(text=""), "dead_letter", "invalid_article", ""),
    BadInput("whitespace-text", _article(text=" \n\t "), "dead_letter", "invalid_article", ""),
    BadInput("wrong-types", b'{"id": 42, "text": {"a": 1}}', "dead_letter", "invalid_article", ""),
    BadInput(
        "text-too-long",
        _article(text="word " * (MAX_TEXT_BYTES // 4)),
        "dead_letter",
        "text_too_long",
        "text over DIPLOMATIC_EVENTS_MAX_TEXT_BYTES",
    ),
    BadInput(
        "message-too-large",
        _article(text="word " * (MAX_MESSAGE_BYTES // 4)),
        "dead_letter",
        "too_large",
        "record over DIPLOMATIC_EVENTS_MAX_MESSAGE_BYTES (10 MB in test_decode_properties)",
    ),
    BadInput(
        "deeply-nested", _nested(100_000), "dead_letter", "invalid_json", "nesting over 1,000"
    ),
    BadInput(
        "html-markup",
        _article(
            id="html",
            text="<html><body><div class='story'><p>" + _SEED["text"] + "</p></div></body></html>",
        ),
        "ok",
        None,
        "coded: markup blanked to spaces, so offsets point into the text as sent",
    ),
    BadInput(
        "control-characters",
        _article(id="control", text=_SEED["text"].replace(" ", " \x00", 3) + "\x07\x1b"),
        "ok",
        None,
        "coded: control characters other than tab and newlines read as spaces",
    ),
    BadInput(
        "not-english",
        _article(
            id="french",
            text="Le président de la République a reçu mardi à l'Élysée le chancelier "
            "allemand pour un entretien consacré à la guerre en Ukraine et à l'aide militaire "
            "européenne. Les deux dirigeants ont appelé la Russie à retirer ses troupes.",
        ),
        "skipped",
        "not_english",
        "skipped and counted (the models are English)",
    ),
    BadInput(
        "declared-not-english",
        _article(id="declared", text=_SEED["text"], language="de"),
        "skipped",
        "not_english",
        "a declared language other than English is taken at its word",
    ),
    BadInput(
        "duplicate-id",
        json.dumps(_SEED).encode(),
        "ok",
        None,
        "coded again: the same event ids, a second processed record (no state is kept)",
    ),
]
