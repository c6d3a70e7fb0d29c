"""The evaluation: gold loading, scoring arithmetic, and the accuracy floors CI holds."""

from __future__ import annotations

from datetime import date

import pytest

from service.evaluation import gold, report, runner, scoring
from service.evaluation.gold import GoldActor, GoldEvent, GoldItem
from service.evaluation.scoring import Counts, Predicted

GSR = runner.DEFAULT_GSR  # the records vendored in upstream/plover


def test_gsr_loader_maps_old_labels_and_codes():
    items = gold.load_gsr(GSR)
    assert len(items) == 321  # 322 records after the header; one has no actor
    types = {e.event_type for i in items for e in i.events}
    assert not types & {"DEMAND", "DISAPPROVE", "INVESTIGATE", "FIGHT", "DOCUMENT"}
    assert "JAP" not in {a.country for i in items for e in i.events for a in e.actors}
    sectors = {a.sector for i in items for e in i.events for a in e.actors}
    assert "***" not in sectors and "CVLalb" not in sectors


def test_own_test_set_is_large_enough_and_covers_every_phenomenon():
    items = gold.load_own()
    sentences = sum(max(1, i.text.count(". ") + 1) for i in items)
    assert sentences >= 300
    assert {i.category for i in items} >= {
        "modality",
        "dates",
        "coreference",
        "reported_speech",
        "direction",
        "none",
    }
    assert {e.event_type for i in items for e in i.events} == set(scoring.EVENT_TYPES)


def test_counts():
    counts = Counts()
    counts.add({1, 2, 3}, {2, 3, 4, 5})
    assert (counts.tp, counts.fp, counts.fn) == (2, 2, 1)
    assert counts.precision == 0.5
    assert counts.recall == pytest.approx(2 / 3)
    assert counts.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))


def test_organisations_compare_as_igo_against_the_gold_records():
    assert scoring.country_key("NATO", coarse_orgs=True) == "IGO"
    assert scoring.country_key("NGO", coarse_orgs=True) == "IGO"
    assert scoring.country_key("KOR", coarse_orgs=True) == "KOR"
    assert scoring.country_key("NATO", coarse_orgs=False) == "NATO"


def _predicted(event_type, actor, recipient, confidence=0.9, two_sided=False):
    return Predicted(
        event_type=event_type,
        actor=actor,
        actor_sector="GOV",
        recipient=recipient,
        mode=None,
        modality="asserted",
        event_date=None,
        date_precision=None,
        confidence=confidence,
        two_sided=two_sided,
    )


def test_two_sided_events_score_as_plover_actor_lists():
    items = [
        GoldItem(
            "a",
            "text",
            None,
            (GoldEvent("AGREE", (GoldActor("HUN", None), GoldActor("ROU", None)), ()),),
        )
    ]
    both = [
        _predicted("AGREE", "HUN", "ROU", two_sided=True),
        _predicted("AGREE", "ROU", "HUN", two_sided=True),
    ]
    assert scoring.score("t", items, {"a": both}).fields["dyad"].tp == 0
    assert scoring.score("t", items, {"a": both}, actor_lists=True).fields["dyad"].f1 == 1.0


def test_score_fields_and_confusion():
    items = [
        GoldItem(
            "a",
            "text",
            date(2024, 1, 1),
            (GoldEvent("CONSULT", (GoldActor("KOR", "GOV"),), (GoldActor("USA", None),)),),
        ),
        GoldItem("b", "text", None, ()),
    ]
    predictions = {
        "a": [_predicted("CONSULT", "KOR", "USA"), _predicted("ACCUSE", "KOR", "PRK", 0.3)],
        "b": [_predicted("ASSAULT", "RUS", "UKR")],
    }
    result = scoring.score("t", items, predictions)
    assert (result.fields["dyad"].tp, result.fields["dyad"].fp, result.fields["dyad"].fn) == (
        1,
        2,
        0,
    )
    assert result.fields["event_type"].precision == pytest.approx(1 / 3)
    assert result.fields["actor_sector"].tp == 1
    # Dropping the low-confidence event removes one false positive.
    assert result.confident_dyad.fp == 1
    assert result.confusion[("CONSULT", "CONSULT")] == 1
    assert result.confusion[("NONE", "ASSAULT")] == 1


@pytest.fixture(scope="module")
def reports(extractor):
    return [runner.evaluate_gsr(extractor, GSR), runner.evaluate_own(extractor)]


def test_accuracy_floors(reports):
    """The CI gate: a change that loses accuracy below the floors fails the build."""
    failures = [line for r in reports for line in runner.shortfalls(r)]
    assert not failures, failures
    assert {r.name for r in reports} == set(runner.THRESHOLDS)


@pytest.fixture(scope="module")
def news_test(extractor):
    return runner.evaluate_news(extractor, "test")


def test_real_news_floors(news_test):
    """The same gate on the frozen real-news test split."""
    assert news_test.articles == 75 and news_test.sentences == 654
    assert not runner.news_shortfalls(news_test), runner.news_shortfalls(news_test)
    assert set(runner.NEWS_THRESHOLDS) <= set(news_test.fields)


def test_news_report_outputs(news_test, tmp_path):
    report.reliability_png(news_test, tmp_path / "reliability.png")
    assert (tmp_path / "reliability.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert news_test.calibration.bins and 0.0 <= news_test.calibration.ece <= 1.0


def test_dropping_low_confidence_events_raises_precision(reports):
    for result in reports:
        assert result.confident_dyad.precision > result.fields["dyad"].precision


def test_report_outputs(reports, tmp_path):
    report.write_json(reports, tmp_path / "report.json")
    assert '"dyad"' in (tmp_path / "report.json").read_text()
    report.confusion_png(reports[0], tmp_path / "confusion.png")
    assert (tmp_path / "confusion.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
