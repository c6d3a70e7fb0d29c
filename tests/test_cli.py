"""The offline ``extract`` command: files, stdin, bad lines, exit codes."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from service.cli import cli
from tests.conftest import SEED

runner = CliRunner()


def test_extract_reports_bad_lines_and_goes_on(tmp_path):
    good = SEED.read_text().splitlines()[0]
    source = tmp_path / "mixed.jsonl"
    source.write_text(f"{good}\n{{broken\n" + json.dumps({"text": "no id"}) + "\n")
    result = runner.invoke(cli, ["extract", str(source)])
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert events and {e["article_id"] for e in events} == {"seed-article-rok-us-call"}
    assert f"{source}:2: skipped" in result.stderr
    assert f"{source}:3: skipped" in result.stderr


def test_extract_txt_file_takes_its_id_from_the_name(tmp_path):
    path = tmp_path / "moscow-visit.txt"
    path.write_text("Chinese President Xi Jinping visited Moscow on Monday.")
    result = runner.invoke(cli, ["extract", str(path)])
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert events and events[0]["article_id"] == "moscow-visit"
    assert (events[0]["actor"]["country"], events[0]["recipient"]["country"]) == ("CHN", "RUS")


def test_extract_from_stdin_and_nothing_readable_fails():
    result = runner.invoke(cli, ["extract", "-"], input="not json\n")
    assert result.exit_code == 1
    assert "no article could be read" in result.stderr
