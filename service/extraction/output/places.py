"""Whether a mention names where something happens ("in Jakarta") rather than who."""

from __future__ import annotations

from spacy.tokens import Token

_PLACE_PREPS = {"in", "at", "near", "outside", "inside", "across", "into"}


def is_place(token: Token) -> bool:
    """Named as where something happens: "in Jakarta", "in East Timor's capital Dili"."""
    current = token
    for _ in range(3):
        if current.dep_ == "pobj" and current.head.lower_ in _PLACE_PREPS:
            return True
        if current.head is current:
            return False
        current = current.head
    return False
