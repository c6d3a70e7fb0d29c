"""The extraction core on the seed article and basic invariants of every event."""

from __future__ import annotations

import json

import pytest

from service.extraction.components.entity_recognizer import ents_in, ents_of
from service.models import Article, EventType, Modality
from service.outcomes import Coded, Skipped, SkipReason
from tests.conftest import SEED


def load_samples() -> dict[str, Article]:
    lines = SEED.read_text().splitlines()
    return {a.id: a for a in (Article.model_validate_json(line) for line in lines)}


@pytest.fixture(scope="module")
def seed_events(extractor):
    return extractor.extract(load_samples()["seed-article-rok-us-call"])


def dyads(events, event_type):
    return {
        (e.actor.country, e.recipient.country if e.recipient else None, e.mode, e.modality)
        for e in events
        if e.event_type is event_type
    }


def test_seed_rok_us_phone_call(seed_events):
    consult = dyads(seed_events, EventType.CONSULT)
    assert ("KOR", "USA", "phone", Modality.ASSERTED) in consult
    assert ("USA", "KOR", "phone", Modality.ASSERTED) in consult


def test_seed_russia_visit_to_dprk_is_anticipated(seed_events):
    visits = [
        e
        for e in seed_events
        if e.event_type is EventType.CONSULT
        and e.actor.country == "RUS"
        and e.recipient is not None
        and e.recipient.country == "PRK"
    ]
    assert visits, "Putin's visit to the DPRK must code as RUS -> PRK CONSULT"
    assert all(v.modality is Modality.ANTICIPATED for v in visits)
    assert visits[0].mode == "visit"


def test_offsets_point_into_the_text(seed_events):
    text = load_samples()["seed-article-rok-us-call"].text
    for event in seed_events:
        ev = event.evidence
        assert text[ev.start : ev.end] == ev.sentence
        assert text[ev.trigger.start : ev.trigger.end] == ev.trigger.text
        assert ev.start <= ev.trigger.start < ev.trigger.end <= ev.end
        for actor in (event.actor, event.recipient):
            if actor is not None:
                assert text[actor.start : actor.end] == actor.text


def test_event_ids_are_deterministic_and_unique(extractor, seed_events):
    again = extractor.extract(load_samples()["seed-article-rok-us-call"])
    assert [e.event_id for e in again] == [e.event_id for e in seed_events]
    assert len({e.event_id for e in seed_events}) == len(seed_events)


def test_cameo_fields_are_consistent(seed_events):
    quad = {
        "verbal_cooperation": 1,
        "material_cooperation": 2,
        "verbal_conflict": 3,
        "material_conflict": 4,
    }
    for event in seed_events:
        assert event.cameo.root == event.cameo.code[:2]
        assert event.cameo.quad_class == quad[event.quad_category.value]
        assert event.cameo.label


def test_non_diplomatic_article_codes_nothing(extractor):
    assert extractor.extract(load_samples()["sample-0005-weather"]) == []


def test_negation_and_relative_dates(extractor):
    article = Article(
        id="neg",
        published_at="2025-02-24",
        text="The United States did not meet the Iranian delegation on Monday.",
    )
    events = extractor.extract(article)
    assert events
    assert events[0].modality is Modality.NEGATED
    assert str(events[0].event_date) == "2025-02-24"


def test_output_is_json_serialisable(seed_events):
    for event in seed_events:
        assert json.loads(event.model_dump_json())["event_type"] in EventType.__members__


def test_entities_read_once_per_doc_are_spacys(extractor):
    """``ents_in`` / ``ents_of`` (the doc's entities built once) give what spaCy's
    ``Span.ents`` / ``Doc.ents`` give."""
    text = " ".join(
        Article.model_validate_json(line).text for line in SEED.read_text().splitlines()
    )
    doc = extractor.nlp(text)
    assert [(e.start, e.end, e.label_) for e in ents_of(doc)] == [
        (e.start, e.end, e.label_) for e in doc.ents
    ]
    assert len(doc.ents) > 20
    for sentence in doc.sents:
        assert [(e.start, e.end) for e in ents_in(sentence)] == [
            (e.start, e.end) for e in sentence.ents
        ]
    for start, end in ((0, 1), (5, 40), (100, len(doc))):
        assert [(e.start, e.end) for e in ents_in(doc[start:end])] == [
            (e.start, e.end) for e in doc[start:end].ents
        ]


def test_the_extractor_says_what_it_skips(extractor):
    french = Article(
        id="fr",
        text="Le président de la République a reçu mardi à l'Élysée le chancelier allemand "
        "pour un entretien consacré à la guerre en Ukraine et à l'aide militaire européenne. "
        "Les deux dirigeants ont appelé la Russie à retirer ses troupes.",
    )
    seed = load_samples()["seed-article-rok-us-call"]
    skipped, coded = extractor.code_many([french, seed])
    assert skipped == Skipped("fr", SkipReason.NOT_ENGLISH)
    assert isinstance(coded, Coded) and coded.events == extractor.extract(seed)
    assert coded.seconds > 0
    assert extractor.code(french) == skipped and extractor.extract(french) == []
