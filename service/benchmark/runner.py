"""One benchmark run, end to end: offline baseline and core, then the stream."""

from __future__ import annotations

import asyncio
import itertools
import platform
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from service import __version__
from service.benchmark import extract, offline, stream
from service.benchmark.corpus import Corpus
from service.models import Article
from service.settings import Settings


@dataclass
class Options:
    model: str
    processes: tuple[int, ...] = (1, 2)
    rates: tuple[float, ...] = (0.25, 0.5, 0.75)
    phase_seconds: float = 30.0
    stream: bool = True
    bootstrap: str = "127.0.0.1:9092"
    soak_seconds: float = 0.0
    soak_load: float = 0.8  # of the saturation rate
    batch: int = offline.BATCH


LONG_WORDS = 5_000
FULL_SPEED_PASSES = 2


@dataclass
class Results:
    machine: dict[str, Any]
    corpus: dict[str, Any]
    offline: list[dict[str, Any]] = field(default_factory=list)
    extract: list[dict[str, Any]] = field(default_factory=list)
    by_length: list[dict[str, Any]] = field(default_factory=list)
    stream: list[dict[str, Any]] = field(default_factory=list)
    soak: dict[str, Any] = field(default_factory=dict)
    ratios: dict[str, float] = field(default_factory=dict)


def machine() -> dict[str, Any]:
    return {
        "cpus": psutil.cpu_count(logical=True),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "processor": platform.processor() or platform.machine(),
        "diplomatic_events": __version__,
    }


def _cycle(articles: list[Article], count: int) -> list[Article]:
    return list(itertools.islice(itertools.cycle(articles), count))


def run(corpus: Corpus, options: Options, say: Any = print) -> Results:
    results = Results(
        machine(),
        {
            "articles": len(corpus.articles),
            "words": corpus.total_words,
            "long_articles_10k_words": sum(1 for w in corpus.words if w >= 10_000),
        },
    )
    # Each offline measurement in a process of its own: its peak RSS is its own.
    say("offline: spaCy full pipeline (baseline)")
    base, sentences = offline.in_child(offline.baseline, options.model, corpus)
    results.corpus["sentences"] = base.sentences
    say("offline: spaCy full pipeline on OpenBLAS (reference)")
    reference, _ = offline.in_child(offline.baseline, options.model, corpus, True)
    say("offline: extraction core, and by article length")
    core, results.by_length = offline.in_child(
        offline.extraction_core, options.model, corpus, sentences, options.batch
    )
    results.offline = [base.as_dict(), reference.as_dict(), core.as_dict()]
    results.ratios["core / baseline articles per s"] = round(
        core.articles_per_s / base.articles_per_s, 2
    )
    results.ratios["core / baseline on OpenBLAS articles per s"] = round(
        core.articles_per_s / reference.articles_per_s, 2
    )
    for workers in options.processes:
        say(f"offline: extract --workers {workers}")
        settings = Settings(model=options.model)
        results.extract.append(extract.run(corpus.articles, workers, settings))
    rates = {row["workers"]: row["articles_per_s_steady"] for row in results.extract}
    if 1 in rates and 2 in rates:
        results.ratios["extract --workers 2 / --workers 1"] = round(rates[2] / rates[1], 2)
    if not options.stream:
        return results
    saturation: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        for processes in options.processes:
            say(f"stream: {processes} worker process(es)")
            worker = stream.start_worker(options.bootstrap, processes, Path(scratch))
            sampler = stream.Sampler(worker.process.pid)
            sampler.start()
            try:
                phases = [_saturation(options, worker, corpus)]
                saturation[processes] = phases[0].throughput
                for fraction in options.rates:
                    rate = fraction * saturation[processes]
                    count = max(20, int(rate * options.phase_seconds))
                    say(f"stream: {processes} process(es) at {rate:.1f} articles/s")
                    phases.append(
                        asyncio.run(
                            stream.run_phase(
                                options.bootstrap,
                                worker,
                                _cycle(corpus.articles, count),
                                rate,
                                f"{fraction:.0%} of saturation",
                            )
                        )
                    )
                if options.soak_seconds and processes == options.processes[0]:
                    results.soak = _soak(options, worker, sampler, corpus, saturation[processes])
            finally:
                sampler.stop()
                stream.stop_worker(worker)
            results.stream += [_phase_row(processes, p, sampler.usage) for p in phases]
    core_rate = core.articles_per_s
    if 1 in saturation:
        results.ratios["stream (1 process) / core articles per s"] = round(
            saturation[1] / core_rate, 2
        )
    if 1 in saturation and 2 in saturation:
        results.ratios["2 processes / 1 process"] = round(saturation[2] / saturation[1], 2)
    return results


def _saturation(options: Options, worker: stream.Worker, corpus: Corpus) -> stream.Phase:
    """The corpus twice at full speed: a steadier rate than one pass, whose end is a few
    long articles finishing on their own."""
    articles = _cycle(corpus.articles, FULL_SPEED_PASSES * len(corpus.articles))
    return asyncio.run(stream.run_phase(options.bootstrap, worker, articles, None, "full speed"))


def _phase_row(processes: int, phase: stream.Phase, usage: stream.ProcessUsage) -> dict[str, Any]:
    return {
        "processes": processes,
        "phase": phase.name,
        "offered_per_s": round(phase.offered_rate, 2) if phase.offered_rate else None,
        "articles": phase.articles,
        "articles_per_s": round(phase.throughput, 2),
        "p50_ms": round(phase.percentile(0.50), 1),
        "p95_ms": round(phase.percentile(0.95), 1),
        "p99_ms": round(phase.percentile(0.99), 1),
        # The tail without the long articles (their own coding outlasts any latency goal).
        f"p99_ms_under_{LONG_WORDS}_words": round(phase.under(LONG_WORDS).percentile(0.99), 1),
        f"articles_over_{LONG_WORDS}_words": phase.articles - phase.under(LONG_WORDS).articles,
        "worker_processes": [
            {
                "role": usage.roles[pid],
                "peak_rss_mb": round(usage.peak_rss_mb[pid], 1),
                "cpu_seconds": round(usage.cpu_seconds.get(pid, 0.0), 1),
            }
            for pid in usage.peak_rss_mb
        ],
    }


def _soak(
    options: Options,
    worker: stream.Worker,
    sampler: stream.Sampler,
    corpus: Corpus,
    saturation: float,
) -> dict[str, Any]:
    """``soak_load`` of the saturation rate for ``soak_seconds``: do memory and lag stay
    flat?"""
    rate = options.soak_load * saturation
    began = time.monotonic()
    phase = asyncio.run(
        stream.run_phase(
            options.bootstrap,
            worker,
            _cycle(corpus.articles, int(rate * options.soak_seconds)),
            rate,
            "soak",
            timeout=options.soak_seconds + 600,
        )
    )
    series = [sizes for t, sizes in sampler.rss_series if t >= began]
    tenth = max(1, len(series) // 10)
    processes = []
    for pid, role in sampler.usage.roles.items():
        first = [sizes[pid] for sizes in series[:tenth] if pid in sizes]
        last = [sizes[pid] for sizes in series[-tenth:] if pid in sizes]
        if not first or not last:
            continue
        start, end = sum(first) / len(first), sum(last) / len(last)
        processes.append(
            {
                "role": role,
                "rss_mb_first_tenth": round(start, 1),
                "rss_mb_last_tenth": round(end, 1),
                "rss_growth_percent": round(100 * (end - start) / start, 1),
                "peak_rss_mb": round(max(sizes.get(pid, 0.0) for sizes in series), 1),
            }
        )
    backlog = phase.backlog()
    part = max(1, len(backlog) // 10)
    lag_first = sum(n for _, n in backlog[:part]) / part
    lag_last = sum(n for _, n in backlog[-part:]) / part
    return {
        "seconds": round(phase.seconds, 1),
        "articles": phase.articles,
        "offered_per_s": round(rate, 2),
        "load": options.soak_load,
        "p99_ms": round(phase.percentile(0.99), 1),
        "processes": processes,
        # Articles produced and not yet processed, sampled every 5 s (the end of the phase,
        # where production stops and the backlog drains, is in the last tenth).
        "lag_mean_first_tenth": round(lag_first, 1),
        "lag_mean_last_tenth": round(lag_last, 1),
        "lag_max": max((n for _, n in backlog), default=0),
        "lag_series": backlog,
    }


def soak(corpus: Corpus, options: Options, say: Any = print) -> Results:
    """One worker process: its saturation rate (the corpus twice at full speed), then
    ``soak_load`` of it for ``soak_seconds``."""
    results = Results(machine(), {"articles": len(corpus.articles), "words": corpus.total_words})
    with tempfile.TemporaryDirectory(prefix="soak-") as scratch:
        worker = stream.start_worker(options.bootstrap, 1, Path(scratch))
        sampler = stream.Sampler(worker.process.pid)
        sampler.start()
        try:
            say("soak: saturation rate")
            full = _saturation(options, worker, corpus)
            say(
                f"soak: {full.throughput:.1f} articles/s; {options.soak_seconds:.0f} s at "
                f"{options.soak_load:.0%} of it"
            )
            results.stream.append(_phase_row(1, full, sampler.usage))
            results.soak = _soak(options, worker, sampler, corpus, full.throughput)
        finally:
            sampler.stop()
            stream.stop_worker(worker)
    return results


def soak_failures(soak: dict[str, Any], max_rss_growth: float = 10.0) -> list[str]:
    """What the soak's targets say: RSS growth under ``max_rss_growth`` % per process, and
    no lag growth (the backlog's last tenth, which includes draining it, no higher than
    its first tenth plus two seconds of input)."""
    failures = [
        f"{p['role']}: RSS grew {p['rss_growth_percent']} %"
        for p in soak["processes"]
        if p["rss_growth_percent"] >= max_rss_growth
    ]
    allowed = soak["lag_mean_first_tenth"] + 2 * soak["offered_per_s"]
    if soak["lag_mean_last_tenth"] > allowed:
        failures.append(
            f"lag grew: {soak['lag_mean_first_tenth']} -> {soak['lag_mean_last_tenth']} articles"
        )
    return failures
