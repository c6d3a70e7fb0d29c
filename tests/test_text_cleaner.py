"""Markup and control characters are blanked, never removed: offsets stay true."""

from __future__ import annotations

from service.extraction.text import text_cleaner
from service.models import Article

PLAIN = "Japanese Prime Minister Fumio Kishida met South Korean President Yoon Suk Yeol in Seoul."


def test_plain_text_is_unchanged():
    for text in (PLAIN, "Profits rose 5 % as 3 < 4 and R&D grew.", "Line one.\n\tLine two.\r\n"):
        assert text_cleaner.clean(text) == text


def test_markup_is_blanked_to_the_same_length():
    html = (
        '<div class="story"><p>Japanese Prime Minister Fumio Kishida met South Korean '
        "President Yoon Suk Yeol in Seoul.</p><!-- ad --><script>var x = '<p>';</script>"
        "<p>Trade &amp; security were discussed &#8212; at length.</p></div>"
    )
    cleaned = text_cleaner.clean(html)
    assert len(cleaned) == len(html)
    assert "<" not in cleaned and ">" not in cleaned and "var x" not in cleaned
    assert " ".join(cleaned.split()) == (
        "Japanese Prime Minister Fumio Kishida met South Korean President Yoon Suk Yeol in "
        "Seoul. Trade & security were discussed \u2014 at length."
    )
    # Every word sits where it was in the markup.
    start = html.index("Kishida")
    assert cleaned[start : start + 7] == "Kishida"
    # Paragraphs stay apart.
    assert "\n" in cleaned[: html.index("Trade")]


def test_control_characters_become_spaces():
    text = "Leaders\x00 met\x07 in\x1b Seoul\x85 today.\tThey agreed.\n"
    cleaned = text_cleaner.clean(text)
    assert cleaned == "Leaders  met  in  Seoul  today.\tThey agreed.\n"


def test_events_of_an_html_article_point_into_the_text_sent(extractor):
    html = f'<html><body><div class="story"><p>{PLAIN}</p></div></body></html>'
    plain_events = extractor.extract(Article(id="a", text=PLAIN))
    html_events = extractor.extract(Article(id="a", text=html))
    assert plain_events and [e.event_id for e in html_events] == [e.event_id for e in plain_events]
    for event in html_events:
        trigger = event.evidence.trigger
        assert html[trigger.start : trigger.end] == trigger.text


def test_inline_markup_inside_a_word_keeps_it_one_word():
    html = "On June 13<sup>th</sup>, 2024, in the 21<sup>st</sup> century, <b>Kishida</b> met."
    cleaned = text_cleaner.clean(html)
    assert len(cleaned) == len(html)
    # The padding goes after the word: "13th" stays whole, its comma keeps its place.
    assert " ".join(cleaned.split()) == "On June 13th , 2024, in the 21st century, Kishida met."
    for word in ("13", ",", "21", "Kishida", "met."):  # every word starts where it did
        assert cleaned.index(word) == html.index(word)
    # A block tag inside a "word" still parts it: table cells stay apart.
    assert text_cleaner.clean("<td>Seoul</td><td>Tokyo</td>").split() == ["Seoul", "Tokyo"]
