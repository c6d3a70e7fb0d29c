#!/usr/bin/env python3
"""What a fresh process pays before it codes its first article, stage by stage.

    .venv/bin/python scripts/startup_profile.py [ARTICLES.jsonl] [--runs 5]
    .venv/bin/python scripts/startup_profile.py [ARTICLES.jsonl] --cli [--runs 5]
    .venv/bin/python scripts/startup_profile.py --worker 8123 [--runs 5]

Without ``--runs`` it times one fresh process (this one): the interpreter's start, the
imports of the extraction core, ``EventExtractor`` construction broken into its stages and
the first article (the first line of ARTICLES, ``samples/articles.jsonl`` by default)
coded. With ``--runs N`` it starts N such processes and prints each stage's median. With
``--cli`` it times ``diplomatic-events extract ARTICLES`` instead: to its first event on
stdout and to its exit (give it a file of one article). With ``--worker PORT`` it times
``diplomatic-events worker`` to /readyz answering 200 on PORT (see ``time_worker``).

A stage's time is inclusive (a stage called inside another counts in both); stages are
found by wrapping the functions that do the work, so the script needs no hooks in the
service. Stages the code no longer has are left out.
"""

from __future__ import annotations

import time

STARTED = time.time()  # before any import of ours

import argparse  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

# (module, attribute): callables whose first call is a stage of the start.
STAGES = [
    ("spacy", "load"),
    ("service.extraction.pipeline", "build_nlp"),
    ("service.extraction.tables", "actors"),
    ("service.extraction.tables", "agents"),
    ("service.extraction.tables", "trigger_lexicon"),
    ("service.extraction.components.tag_mapper", "replace_attribute_ruler"),
    ("service.extraction.components.actor_patterns", "actor_groups"),
    ("service.extraction.components.actor_patterns", "keywords"),
    ("service.extraction.components.actor_patterns", "read"),
    ("service.extraction.components.actor_recognizer", "ActorRecognizer.__init__"),
    ("service.extraction.components.entity_recognizer", "EntityRecognizer.__init__"),
    ("service.extraction.text.candidate_filter", "CandidateFilter.__init__"),
    ("service.extraction.text.language_gate", "warm"),
    ("service.extraction.events.sentence_classifier", "_model"),
]


def _process_started() -> float:
    """When the kernel started this process (wall clock), from /proc."""
    with open("/proc/self/stat") as handle:
        start_ticks = int(handle.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as handle:
        uptime = float(handle.read().split()[0])
    import os

    ticks = os.sysconf("SC_CLK_TCK")
    return time.time() - uptime + start_ticks / ticks


def _wrap(times: dict[str, float], module: str, attribute: str) -> None:
    try:
        owner: Any = importlib.import_module(module)
    except ImportError:
        return
    *path, name = attribute.split(".")
    for part in path:
        owner = getattr(owner, part, None)
        if owner is None:
            return
    original = getattr(owner, name, None)
    if original is None:
        return
    label = f"{module.removeprefix('service.extraction.')}.{attribute}"

    def timed(*args: Any, **kwargs: Any) -> Any:
        begin = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            if label not in times:  # the first call: later ones hit caches
                times[label] = time.perf_counter() - begin

    for attr in ("__wrapped__", "cache_clear", "cache_info"):
        if hasattr(original, attr):
            setattr(timed, attr, getattr(original, attr))
    setattr(owner, name, timed)
    # Modules that imported the function by name keep their own reference.
    if not path:
        for other in list(sys.modules.values()):
            if getattr(other, "__name__", "").startswith("service") and (
                getattr(other, name, None) is original
            ):
                setattr(other, name, timed)


def profile_once(articles: Path) -> dict[str, float]:
    times: dict[str, float] = {}
    times["interpreter start"] = STARTED - _process_started()
    begin = time.perf_counter()
    from service.extraction import pipeline
    from service.models import Article

    times["imports (service.extraction)"] = time.perf_counter() - begin
    for module, attribute in STAGES:
        _wrap(times, module, attribute)
    begin = time.perf_counter()
    extractor = pipeline.EventExtractor()
    times["EventExtractor()"] = time.perf_counter() - begin
    ready = time.time()
    with articles.open(encoding="utf-8") as handle:
        article = Article.model_validate_json(handle.readline())
    begin = time.perf_counter()
    events = extractor.extract(article)
    lines = [e.model_dump_json() for e in events]
    times["first article"] = time.perf_counter() - begin
    times["events"] = len(lines)
    started = _process_started()
    times["process start -> extractor ready"] = ready - started
    times["process start -> first event"] = time.time() - started
    return times


def _print(rows: dict[str, float], header: str) -> None:
    print(f"{'stage':<52} {header:>10}")
    for label, seconds in rows.items():
        value = f"{int(seconds)}" if label == "events" else f"{seconds:.3f}"
        print(f"{label:<52} {value:>10}")


def time_cli(articles: str, runs: int) -> dict[str, float]:
    """``diplomatic-events extract ARTICLES`` in N fresh processes: medians of the time to
    its first line on stdout (the first event) and to its exit."""
    command = [str(Path(sys.executable).parent / "diplomatic-events"), "extract", articles]
    first: list[float] = []
    done: list[float] = []
    for _ in range(runs):
        begin = time.perf_counter()
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as proc:
            assert proc.stdout is not None
            proc.stdout.readline()
            first.append(time.perf_counter() - begin)
            proc.stdout.read()
        done.append(time.perf_counter() - begin)
    return {
        "extract: process start -> first event": statistics.median(first),
        "extract: process start -> exit": statistics.median(done),
    }


def time_worker(runs: int, port: int) -> dict[str, float]:
    """``diplomatic-events worker`` in N fresh processes: medians of the time to its first
    answer on /livez (faust's web server up) and to /readyz answering 200. The broker is
    the configured one (KAFKA_BOOTSTRAP_SERVERS); the app id and topics are this probe's
    own, so that no other worker's group or topics are touched."""
    import os
    import signal
    import urllib.error
    import urllib.request

    env = {
        **os.environ,
        "DIPLOMATIC_EVENTS_APP_ID": "startup-probe",
        "DIPLOMATIC_EVENTS_TOPIC_ARTICLES": "startup-probe.articles.raw",
        "DIPLOMATIC_EVENTS_TOPIC_EVENTS": "startup-probe.events.diplomatic",
        "DIPLOMATIC_EVENTS_TOPIC_ROUTED_PREFIX": "startup-probe.events.",
        "DIPLOMATIC_EVENTS_TOPIC_DLQ": "startup-probe.articles.dlq",
        "DIPLOMATIC_EVENTS_TOPIC_PROCESSED": "startup-probe.articles.processed",
        "DIPLOMATIC_EVENTS_TOPIC_PARTITIONS": "1",
        "DIPLOMATIC_EVENTS_METRICS_PORT": str(port),
        "DIPLOMATIC_EVENTS_DATA_DIR": "/tmp/diplomatic-events-startup-probe",
    }
    command = [str(Path(sys.executable).parent / "diplomatic-events"), "worker"]

    def status(path: str) -> int | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1) as reply:
                return int(reply.status)
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return None

    live: list[float] = []
    ready: list[float] = []
    for _ in range(runs):
        begin = time.perf_counter()
        proc = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            first_live = None
            while time.perf_counter() - begin < 120:
                if first_live is None and status("/livez") is not None:
                    first_live = time.perf_counter() - begin
                if status("/readyz") == 200:
                    ready.append(time.perf_counter() - begin)
                    break
                time.sleep(0.02)
            else:
                raise SystemExit("the worker was not ready within 120 s")
            live.append(first_live if first_live is not None else ready[-1])
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return {
        "worker: process start -> /livez answers": statistics.median(live),
        "worker: process start -> /readyz 200": statistics.median(ready),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", nargs="?", default=str(ROOT / "samples/articles.jsonl"))
    parser.add_argument("--runs", type=int, default=0, help="fresh processes; medians")
    parser.add_argument("--json", action="store_true", help="one JSON object (for --runs)")
    parser.add_argument(
        "--cli", action="store_true", help="time `diplomatic-events extract` instead (--runs)"
    )
    parser.add_argument(
        "--worker",
        type=int,
        metavar="PORT",
        help="time `diplomatic-events worker` to /readyz on PORT instead (needs a broker)",
    )
    args = parser.parse_args()
    if args.worker:
        _print(time_worker(args.runs or 5, args.worker), f"median/{args.runs or 5}")
        return
    if args.cli:
        _print(time_cli(args.articles, args.runs or 5), f"median/{args.runs or 5}")
        return
    if args.runs:
        runs: list[dict[str, float]] = []
        for _ in range(args.runs):
            out = subprocess.run(
                [sys.executable, __file__, args.articles, "--json"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            runs.append(json.loads(out))
        labels = list(dict.fromkeys(k for run in runs for k in run))
        medians = {k: statistics.median(r[k] for r in runs if k in r) for k in labels}
        _print(medians, f"median/{args.runs}")
        return
    times = profile_once(Path(args.articles))
    if args.json:
        print(json.dumps(times))
    else:
        _print(times, "seconds")


if __name__ == "__main__":
    main()
