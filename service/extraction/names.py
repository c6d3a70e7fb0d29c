"""Runs of proper nouns: the raw material of people's names, read off the tagger."""

from __future__ import annotations

from spacy.tokens import Doc, Span

# Lowercase words that can sit inside a name: "Mohammed bin Salman", "Ursula von der Leyen".
_PARTICLES = {"bin", "bint", "al", "el", "de", "da", "di", "van", "von", "der", "den", "le", "la"}


def name_runs(doc: Doc) -> list[Span]:
    """Maximal runs of proper nouns (hyphenated parts and name particles included)."""
    runs: list[Span] = []
    start = None
    for token in doc:
        inside = token.tag_ in ("NNP", "NNPS") or (
            start is not None
            and (
                token.text == "-"
                or token.lower_ in _PARTICLES
                or (token.i > 0 and doc[token.i - 1].text == "-" and token.is_alpha)
            )
        )
        if inside and start is None:
            start = token.i
        elif not inside and start is not None:
            runs.append(doc[start : token.i])
            start = None
    if start is not None:
        runs.append(doc[start : len(doc)])
    # A run does not end on a hyphen or a particle.
    out = []
    for run in runs:
        end = run.end
        while end > run.start and (doc[end - 1].text == "-" or doc[end - 1].lower_ in _PARTICLES):
            end -= 1
        if end - run.start >= 1:
            out.append(doc[run.start : end])
    return out
