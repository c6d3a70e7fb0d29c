"""Article text -> plain text of the same length, before anything reads it.

Feeds send HTML fragments (``<p>``, ``&amp;``) and stray control characters. Both are
blanked rather than removed, so that every offset the coder reports (evidence, triggers,
places) still points into the text the producer sent:
- markup: tags and comments become spaces (a block tag's first character a newline, so
  paragraphs stay apart), the content of ``script`` and ``style`` elements too;
  character references become their character, padded with spaces. Inline tags inside
  a word (``21<sup>st</sup>``) are taken out and the word padded after its end, so that
  it stays one word: every word still starts where it did;
- control characters other than tab, newline and carriage return become spaces.
Plain text without markup or control characters comes back unchanged.
"""

from __future__ import annotations

import html
import re

# Only what is unmistakably markup: a tag name right after "<" ("a < b" is left alone).
_TAG = r"</?([A-Za-z][A-Za-z0-9]*)(?:\s[^<>]*)?/?>"
_MARKUP = re.compile(
    rf"<!--.*?-->|<(script|style)\b[^>]*>.*?</\1\s*>|{_TAG}", re.DOTALL | re.IGNORECASE
)
_REFERENCE = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BLOCKS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "td",
        "th",
        "table",
        "blockquote",
        "section",
        "article",
        "header",
        "footer",
        "figure",
        "figcaption",
        "pre",
        "hr",
        "dd",
        "dt",
        "dl",
    ]
)

# A word with tags inside it: word characters joined by tags, and nothing else.
_TAGGED_WORD = re.compile(rf"\w+(?:(?:{_TAG})+\w+)+")
_TAG_IN_WORD = re.compile(_TAG)


def _join_word(match: re.Match[str]) -> str:
    tags = [found[1].lower() for found in _TAG_IN_WORD.finditer(match[0])]
    if any(tag in _BLOCKS for tag in tags):  # a cell or a paragraph ends there
        return match[0]
    word = _TAG_IN_WORD.sub("", match[0])
    return word + " " * (len(match[0]) - len(word))


def _blank_tag(match: re.Match[str]) -> str:
    width = len(match[0])
    if (match[2] or "").lower() in _BLOCKS:
        return "\n" + " " * (width - 1)
    return " " * width


def _reference(match: re.Match[str]) -> str:
    text = html.unescape(match[0])
    if text == match[0] or len(text) > len(match[0]):  # not a known reference
        return match[0]
    return text + " " * (len(match[0]) - len(text))


def looks_like_markup(text: str) -> bool:
    return _MARKUP.search(text) is not None


def clean(text: str) -> str:
    """``text`` with markup and control characters blanked; the same length."""
    cleaned = text
    if "<" in cleaned and looks_like_markup(cleaned):
        cleaned = _MARKUP.sub(_blank_tag, _TAGGED_WORD.sub(_join_word, cleaned))
    if "&" in cleaned:
        cleaned = _REFERENCE.sub(_reference, cleaned)
    if _CONTROL.search(cleaned):
        cleaned = _CONTROL.sub(" ", cleaned)
    return cleaned
