"""Benchmark results as JSON, a markdown table and a latency-against-load plot."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from service.benchmark.extract import PASSES as extract_passes
from service.benchmark.runner import LONG_WORDS, Results


def write(results: Results, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "bench.json", out / "bench.md"]
    paths[0].write_text(json.dumps(asdict(results), indent=2) + "\n", encoding="utf-8")
    paths[1].write_text(markdown(results), encoding="utf-8")
    if results.stream:
        paths.append(out / "latency.png")
        latency_png(results, paths[-1])
    return paths


def markdown(results: Results) -> str:
    m, c = results.machine, results.corpus
    lines = [
        f"Machine: {m['cpus']} CPUs, {m['memory_gb']} GB, {m['platform']}, Python {m['python']}; "
        f"diplomatic-events {m['diplomatic_events']}.",
        f"Corpus: {c['articles']} articles, {c.get('sentences', '?')} sentences, "
        f"{c['words']} words, {c['long_articles_10k_words']} of at least 10,000 words.",
        "",
        "| one process, no Kafka | articles/s | sentences/s | words/s | events/s | CPU s "
        "| peak RSS MB |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results.offline:
        lines.append(
            f"| {r['name']} | {r['articles_per_s']} | {r['sentences_per_s']} | "
            f"{r['words_per_s']} | {r['events_per_s']} | {r['cpu_seconds']:.1f} | "
            f"{r['peak_rss_mb']:.0f} |"
        )
    if results.extract:
        lines += [
            "",
            "| extract | workers | articles | start-up s | articles/s after start-up |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| corpus x{extract_passes} | {r['workers']} | {r['records']} | {r['startup_s']} | "
            f"{r['articles_per_s_steady']} |"
            for r in results.extract
        ]
    lines += ["", "| extraction core by article length | articles | articles/s | words/s |"]
    lines.append("|---|---|---|---|")
    for r in results.by_length:
        lines.append(
            f"| {r['name']} | {r['articles']} | {r['articles_per_s']} | {r['words_per_s']} |"
        )
    if results.stream:
        lines += [
            "",
            "| through Kafka | processes | offered/s | articles/s | p50 ms | p95 ms | p99 ms "
            f"| p99 ms under {LONG_WORDS:,} words |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in results.stream:
            offered = r["offered_per_s"] if r["offered_per_s"] is not None else "max"
            lines.append(
                f"| {r['phase']} | {r['processes']} | {offered} | {r['articles_per_s']} | "
                f"{r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | "
                f"{r[f'p99_ms_under_{LONG_WORDS}_words']} |"
            )
        lines += ["", "| worker process | processes | role | peak RSS MB | CPU s |"]
        lines.append("|---|---|---|---|---|")
        seen = set()
        for r in results.stream:
            if r["processes"] in seen:
                continue
            seen.add(r["processes"])
            for n, p in enumerate(r["worker_processes"]):
                lines.append(
                    f"| {n} | {r['processes']} | {p['role']} | {p['peak_rss_mb']} | "
                    f"{p['cpu_seconds']} |"
                )
    if results.soak:
        lines += _soak_lines(results.soak)
    if results.ratios:
        lines += ["", "| ratio | value |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in results.ratios.items()]
    return "\n".join(lines) + "\n"


def _soak_lines(s: dict[str, Any]) -> list[str]:
    lines = [
        "",
        f"Soak: {s['seconds']} s, {s['articles']} articles at {s['offered_per_s']} "
        f"articles/s ({s.get('load', 0.5):.0%} of saturation), p99 {s['p99_ms']} ms; "
        f"lag (articles produced, not yet processed) {s.get('lag_mean_first_tenth', '-')} "
        f"in the first tenth, {s.get('lag_mean_last_tenth', '-')} in the last, "
        f"{s.get('lag_max', '-')} at most.",
        "",
        "| soak: process | RSS MB, first tenth | RSS MB, last tenth | growth % | peak MB |",
        "|---|---|---|---|---|",
    ]
    for p in s["processes"]:
        lines.append(
            f"| {p['role']} | {p['rss_mb_first_tenth']} | {p['rss_mb_last_tenth']} | "
            f"{p['rss_growth_percent']} | {p['peak_rss_mb']} |"
        )
    return lines


def soak_markdown(results: Results) -> str:
    m = results.machine
    full = results.stream[0]
    lines = [
        f"Machine: {m['cpus']} CPUs, {m['memory_gb']} GB, {m['platform']}, Python {m['python']}; "
        f"diplomatic-events {m['diplomatic_events']}.",
        f"Saturation (1 extraction process): {full['articles_per_s']} articles/s.",
    ]
    return "\n".join(lines + _soak_lines(results.soak)) + "\n"


def write_soak(results: Results, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "soak.json", out / "soak.md"]
    paths[0].write_text(json.dumps(asdict(results), indent=2) + "\n", encoding="utf-8")
    paths[1].write_text(soak_markdown(results), encoding="utf-8")
    return paths


def latency_png(results: Results, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 5))
    for processes in sorted({r["processes"] for r in results.stream}):
        rows = [r for r in results.stream if r["processes"] == processes and r["offered_per_s"]]
        rows.sort(key=lambda r: r["offered_per_s"])
        loads = [r["offered_per_s"] for r in rows]
        for key, style in (("p50_ms", ":"), ("p95_ms", "--"), ("p99_ms", "-")):
            axes.plot(
                loads, [r[key] for r in rows], style, marker="o",
                label=f"{processes} process(es) {key[:3]}",
            )  # fmt: skip
    axes.set_xlabel("offered load (articles/s)")
    axes.set_ylabel("latency, produced -> processed (ms)")
    axes.set_title("End-to-end latency against offered load")
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
