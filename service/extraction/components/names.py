"""Runs of proper nouns: the raw material of people's names, read off the tagger."""

from __future__ import annotations

from spacy.attrs import IS_ALPHA, LOWER, ORTH, TAG
from spacy.tokens import Doc, Span

# Lowercase words that can sit inside a name: "Mohammed bin Salman", "Ursula von der Leyen".
_PARTICLES = {"bin", "bint", "al", "el", "de", "da", "di", "van", "von", "der", "den", "le", "la"}


def name_runs(doc: Doc) -> list[Span]:
    """Maximal runs of proper nouns (hyphenated parts and name particles included).

    Read from attribute arrays rather than Token objects: this runs over every token of
    every parsed text (and untagged text has no runs at all)."""
    if not doc.has_annotation("TAG"):
        return []
    strings = doc.vocab.strings
    proper = {strings.add("NNP"), strings.add("NNPS")}
    hyphen = strings.add("-")
    particles = {strings.add(p) for p in _PARTICLES}
    rows = doc.to_array([TAG, ORTH, LOWER, IS_ALPHA]).tolist()
    runs: list[tuple[int, int]] = []
    start = None
    for i, (tag, orth, lower, alpha) in enumerate(rows):
        inside = tag in proper or (
            start is not None
            and (
                orth == hyphen
                or lower in particles
                or (i > 0 and rows[i - 1][1] == hyphen and alpha)
            )
        )
        if inside and start is None:
            start = i
        elif not inside and start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(rows)))
    # A run does not end on a hyphen or a particle.
    out = []
    for run_start, end in runs:
        while end > run_start and (rows[end - 1][1] == hyphen or rows[end - 1][2] in particles):
            end -= 1
        if end - run_start >= 1:
            out.append(doc[run_start:end])
    return out
