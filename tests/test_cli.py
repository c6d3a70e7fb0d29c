"""The offline ``extract`` command: the worker's coding path, in order, in several formats;
outcomes on stderr, a summary, exit codes; bad input and memory."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from service.cli import cli
from service.export import COLUMNS
from service.models import Article, DiplomaticEvent
from tests.bad_inputs import CORPUS, MAX_MESSAGE_BYTES, MAX_TEXT_BYTES
from tests.conftest import ROOT, SEED

runner = CliRunner()
CLI = str(Path(sys.executable).with_name("diplomatic-events"))


def _events(stdout: str) -> list[DiplomaticEvent]:
    return [DiplomaticEvent.model_validate_json(line) for line in stdout.splitlines()]


def test_extract_reports_bad_lines_and_goes_on(tmp_path):
    good = SEED.read_text().splitlines()[0]
    source = tmp_path / "mixed.jsonl"
    source.write_text(f"{{broken\n{good}\n" + json.dumps({"text": "no id"}) + "\n")
    result = runner.invoke(cli, ["extract", "-w", "1", str(source)])
    assert result.exit_code == 1, result.output  # some input failed, the rest was coded
    events = _events(result.stdout)
    assert events and {e.article_id for e in events} == {"seed-article-rok-us-call"}
    assert f"{source}:1: failed: invalid_json: " in result.stderr
    assert f"{source}:3: failed: invalid_article: id: Field required" in result.stderr
    assert "extract: 3 records in " in result.stderr
    assert "1 coded (5 events), 0 skipped, 2 failed (invalid_article 1, invalid_json 1)" in (
        result.stderr
    )


def test_extract_txt_file_takes_its_id_from_the_name(tmp_path):
    path = tmp_path / "moscow-visit.txt"
    path.write_text("Chinese President Xi Jinping visited Moscow on Monday.")
    result = runner.invoke(cli, ["extract", "-w", "1", str(path)])
    assert result.exit_code == 0, result.output
    events = _events(result.stdout)
    assert events and events[0].article_id == "moscow-visit"
    assert (events[0].actor.country, events[0].recipient.country) == ("CHN", "RUS")


def test_extract_from_stdin_and_nothing_readable_fails():
    result = runner.invoke(cli, ["extract", "-w", "1", "-"], input="not json\n")
    assert result.exit_code == 1
    assert "-:1: failed: invalid_json" in result.stderr
    assert "0 coded (0 events), 0 skipped, 1 failed (invalid_json 1)" in result.stderr


def test_usage_errors_exit_2(tmp_path):
    missing = runner.invoke(cli, ["extract", str(tmp_path / "nowhere.jsonl")])
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    parquet = runner.invoke(cli, ["extract", "--format", "parquet", str(SEED)])
    assert parquet.exit_code == 2 and "needs --output" in parquet.stderr


def test_two_workers_write_in_input_order_what_the_extractor_codes(extractor):
    articles = [Article.model_validate_json(line) for line in SEED.read_text().splitlines()]
    result = runner.invoke(cli, ["extract", "--workers", "2", str(SEED)])
    assert result.exit_code == 0, result.output
    expected = [e for article in articles for e in extractor.extract(article)]
    assert _events(result.stdout) == expected
    assert len({e.article_id for e in expected}) > 2  # the order is one of several articles


def test_csv_and_parquet_rows_are_the_events_in_named_columns(tmp_path, extractor):
    articles = [Article.model_validate_json(line) for line in SEED.read_text().splitlines()]
    events = [e for article in articles for e in extractor.extract(article)]
    names = [column.name for column in COLUMNS]
    assert names[:2] == ["event_date", "date_precision"] and "goldstein" in names

    as_csv = runner.invoke(cli, ["extract", "-w", "1", "--format", "csv", str(SEED)])
    assert as_csv.exit_code == 0, as_csv.output
    rows = list(csv.DictReader(as_csv.stdout.splitlines()))
    assert list(rows[0]) == names and len(rows) == len(events)
    first = events[0]
    assert rows[0]["event_id"] == first.event_id
    assert rows[0]["actor_country"] == first.actor.country
    assert rows[0]["event_date"] == (first.event_date.isoformat() if first.event_date else "")
    assert rows[0]["two_sided"] == ("true" if first.two_sided else "false")

    out = tmp_path / "events.parquet"
    as_parquet = runner.invoke(
        cli, ["extract", "-w", "1", "-f", "parquet", "-o", str(out), str(SEED)]
    )
    assert as_parquet.exit_code == 0, as_parquet.output
    table = pq.read_table(out)
    assert table.column_names == names and table.num_rows == len(events)
    assert str(table.schema.field("event_date").type) == "date32[day]"
    assert table.column("event_id").to_pylist() == [e.event_id for e in events]
    assert table.column("goldstein").to_pylist() == [e.cameo.goldstein for e in events]


# --- the bad-input corpus through `extract`, as a separate process ---------------------

# Runs the command and prints the largest resident set of it and its extraction processes
# (they are its children, and it waits for them), in kB.
MEASURED = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
sys.exit(done.returncode)
"""
TIMEOUT = 20  # seconds: the time limit per article for this run
MEMORY_BUDGET_KB = 500_000  # the worker's budget per process


def test_bad_input_corpus_gets_its_documented_outcomes_through_extract(tmp_path):
    lines = [bad for bad in CORPUS if bad.value is not None]  # a tombstone is Kafka's alone
    good = SEED.read_text().splitlines()[0].encode()
    huge = json.dumps({"id": "huge", "text": "word " * 2_200_000}).encode()  # 11 MB
    source = tmp_path / "bad.jsonl"
    # A good article first and last, every bad one between (each on one line).
    source.write_bytes(b"\n".join([good, *(bad.value for bad in lines), huge, good]) + b"\n")
    env = {
        **os.environ,
        "DIPLOMATIC_EVENTS_MAX_MESSAGE_BYTES": str(MAX_MESSAGE_BYTES),
        "DIPLOMATIC_EVENTS_MAX_TEXT_BYTES": str(MAX_TEXT_BYTES),
        "DIPLOMATIC_EVENTS_ARTICLE_TIMEOUT_SECONDS": str(TIMEOUT),
    }
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", MEASURED, CLI, "extract", "-w", "2", str(source)],
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    seconds = time.perf_counter() - started
    stderr = done.stderr.decode()
    assert done.returncode == 1, stderr  # dead-letter cases failed, the rest coded

    said = stderr.splitlines()
    for number, bad in enumerate(lines, start=2):
        where = f"{source}:{number}:"
        mine = [line for line in said if line.startswith(where)]
        if bad.outcome == "ok":
            assert not mine, (bad.name, mine)
        else:
            verb = "failed" if bad.outcome == "dead_letter" else "skipped"
            assert len(mine) == 1 and f" {verb}: {bad.reason}" in mine[0], (bad.name, mine)
    huge_line = f"{source}:{len(lines) + 2}: failed: too_large: "
    assert any(line.startswith(huge_line) for line in said), stderr

    coded = {e.article_id for e in _events(done.stdout.decode())}
    assert coded == {"seed-article-rok-us-call", "html", "control"}
    dead = sum(bad.outcome == "dead_letter" for bad in lines) + 1
    assert f"{len(lines) + 3} records in " in stderr and f" {dead} failed (" in stderr
    assert seconds < TIMEOUT + 15  # no input held coding up to the limit (start-up included)
    assert int(said[-1]) < MEMORY_BUDGET_KB, f"peak RSS {said[-1]} kB"


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_extract_output_file(tmp_path, fmt):
    out = tmp_path / f"events.{fmt}"
    result = runner.invoke(cli, ["extract", "-w", "1", "-f", fmt, "-o", str(out), str(SEED)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and out.stat().st_size > 0


def test_docs_list_the_columns_in_order():
    page = (ROOT / "docs" / "batch.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `(\w+)` \|", page.split("Columns of `csv`", 1)[1], re.M)
    assert listed == [column.name for column in COLUMNS]


def test_default_workers_are_the_cpus_the_memory_holds(monkeypatch):
    import psutil

    from service import cli as commands

    class Memory:
        available = 1_300 * 2**20  # two processes' worth

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    monkeypatch.setattr(psutil, "virtual_memory", lambda: Memory)
    assert commands._default_workers() == 2
    Memory.available = 2**20
    assert commands._default_workers() == 1
    Memory.available = 2**40
    assert commands._default_workers() == 4


def test_a_closed_stdout_stops_extract_quietly():
    done = subprocess.run(
        f"'{CLI}' extract -w 1 '{SEED}' | head -c 100 > /dev/null; echo ${{PIPESTATUS[0]}}",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        timeout=120,
    )
    assert done.stdout.decode().strip() == "141"
    assert b"Traceback" not in done.stderr and b"BrokenPipe" not in done.stderr
