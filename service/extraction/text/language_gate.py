"""Is the article in English? The models are English: an article in another language is
skipped (counted, and reported as ``skipped`` on ``articles.processed``), not coded into
nonsense.

An article that declares another language (``language``) is taken at its word. One in
English (the default) is checked all the same, as feeds often label everything English:
its first 2,000 characters go to lingua (its low-accuracy mode: trigrams, fast, about 40 MB
for the languages below); only a confident verdict against English skips it, and short
texts are always coded, since a detector cannot tell a dateline from a language.
"""

from __future__ import annotations

from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from service.extraction.text import text_cleaner
from service.models import Article
from service.outcomes import SkipReason

SAMPLE_CHARS = 2_000
MIN_CHARS = 200  # shorter texts are coded whatever they look like
MAX_ENGLISH_CONFIDENCE = 0.05  # skip only when English is this unlikely

# The languages most news comes in (English among them, so that it can win).
_CANDIDATES = [
    "ENGLISH",
    "FRENCH",
    "SPANISH",
    "PORTUGUESE",
    "GERMAN",
    "ITALIAN",
    "DUTCH",
    "RUSSIAN",
    "UKRAINIAN",
    "POLISH",
    "TURKISH",
    "ARABIC",
    "PERSIAN",
    "URDU",
    "HINDI",
    "BENGALI",
    "CHINESE",
    "JAPANESE",
    "KOREAN",
    "INDONESIAN",
    "VIETNAMESE",
    "THAI",
    "SWAHILI",
    "HEBREW",
    "GREEK",
]

NOT_ENGLISH = SkipReason.NOT_ENGLISH


@cache
def _detector() -> LanguageDetector:
    languages = [getattr(Language, name) for name in _CANDIDATES]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def skip_reason(article: Article) -> SkipReason | None:
    """``not_english`` when the article is not in English, else None."""
    declared = article.language.strip().lower()
    if declared and not declared.startswith("en"):
        return NOT_ENGLISH
    # What the coder will read: markup (a style block, attribute names) is not language.
    # The whole text is cleaned, as a cut through a style block would leave its rules.
    sample = text_cleaner.clean(article.text)[:SAMPLE_CHARS]
    if len(sample.strip()) < MIN_CHARS:
        return None
    confidence = _detector().compute_language_confidence(sample, Language.ENGLISH)
    return NOT_ENGLISH if confidence < MAX_ENGLISH_CONFIDENCE else None


def warm() -> None:
    """Loads the detector's models now (lingua loads them at the first detection), so
    that the first article does not pay for it."""
    _detector().compute_language_confidence("The ministers met in Geneva.", Language.ENGLISH)
