"""The repository stands alone: everything it reads lives inside it, in upstream/ for the
reference sources, and nothing but scripts/refresh_upstream looks for the workplace's
reference data beside the repository."""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from service import cli
from service.benchmark import corpus
from service.evaluation import gold, runner
from tests.conftest import ROOT

REFRESH_SCRIPT = "scripts/refresh_upstream"
# A path to the reference data beside the repository: the relative path itself, or one
# built from parts (the root's parent joined with a "shared" folder, then its data folder).
# Written so that this file, which is tracked too, does not match itself.
OUTSIDE_REFERENCE = re.compile(rb"\.\.[/\\]shared|/\s*[\"']shared[\"']|shared[/\\]data")


def tracked_files() -> list[str]:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listing = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
    )
    return [name for name in listing.stdout.decode().split("\0") if name]


def test_no_tracked_file_but_the_refresh_script_reads_beside_the_repository():
    offenders = []
    for name in tracked_files():
        path = ROOT / name
        if name == REFRESH_SCRIPT or not path.is_file():  # a deletion not yet committed
            continue
        for number, line in enumerate(path.read_bytes().splitlines(), 1):
            if OUTSIDE_REFERENCE.search(line):
                offenders.append(f"{name}:{number}: {line.decode(errors='replace')[:120]}")
    assert not offenders, "reads reference data outside the repository:\n" + "\n".join(offenders)


def test_nothing_the_make_targets_run_calls_the_refresh_script():
    callers = [
        name
        for name in tracked_files()
        if name != REFRESH_SCRIPT
        and (name in {"Makefile", "Dockerfile"} or name.startswith(("scripts/", "service/")))
        and b"refresh_upstream" in (ROOT / name).read_bytes()
    ]
    assert not callers


class _Parsed(Exception):
    """Raised in place of running a script, carrying the arguments it would have used."""

    def __init__(self, namespace: argparse.Namespace) -> None:
        super().__init__()
        self.namespace = namespace


def script_defaults(script: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The arguments ``scripts/<script>`` runs with when given none."""
    spec = importlib.util.spec_from_file_location(f"script_{script}", ROOT / "scripts" / script)
    assert spec is not None and spec.loader is not None
    module: ModuleType = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    parse_args = argparse.ArgumentParser.parse_args

    def parse_nothing(parser: argparse.ArgumentParser, *_: object) -> argparse.Namespace:
        raise _Parsed(parse_args(parser, []))

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", parse_nothing)
    with pytest.raises(_Parsed) as parsed:
        module.main()
    return vars(parsed.value.namespace)


def inside_repository(path: Path) -> bool:
    # Relative defaults (the CLI's) are relative to the repository root, where make runs.
    return (ROOT / path).resolve().is_relative_to(ROOT.resolve())


def test_default_data_paths_resolve_inside_the_repository(monkeypatch):
    eval_gsr = inspect.signature(cli.evaluate).parameters["gsr"].default
    defaults = {
        "evaluation DEFAULT_GSR": runner.DEFAULT_GSR,
        "evaluation OWN_TEST_SET": gold.OWN_TEST_SET,
        "diplomatic-events eval --gsr": eval_gsr,
        "diplomatic-events bench corpus": corpus.DEFAULT_CORPUS,
        **{
            f"{script} --{option}": value
            for script in ("build_tables.py", "build_bench_corpus.py")
            for option, value in script_defaults(script, monkeypatch).items()
            if isinstance(value, Path)
        },
    }
    assert len(defaults) == 8  # each build script has an input and an output folder
    outside = {name: str(path) for name, path in defaults.items() if not inside_repository(path)}
    assert not outside
    missing = {name: str(path) for name, path in defaults.items() if not (ROOT / path).exists()}
    assert not missing
    # The CLI's relative default and the runner's are the same vendored file.
    assert (ROOT / eval_gsr).resolve() == runner.DEFAULT_GSR


def test_unit_test_modules_keep_their_paths_inside_the_repository():
    """Every module-level path of the unit tests (fixtures' data, scripts) is in the repository."""
    outside = []
    for path in sorted((ROOT / "tests").glob("*.py")):
        module = importlib.import_module(f"tests.{path.stem}")
        outside += [
            f"{path.name}: {name} = {value}"
            for name, value in vars(module).items()
            if isinstance(value, Path) and not inside_repository(value)
        ]
    assert not outside


def test_bench_corpus_is_rebuilt_from_upstream(tmp_path):
    built = tmp_path / "news-mix.jsonl"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_bench_corpus.py"), "--out", str(built)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert built.read_bytes() == (ROOT / "bench" / "corpus" / "news-mix.jsonl").read_bytes()


def refresh_manifest() -> list[str]:
    script = (ROOT / REFRESH_SCRIPT).read_text()
    block = re.search(r"^FILES=\((.*?)^\)", script, re.S | re.M)
    assert block is not None
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def test_upstream_holds_the_refresh_manifest_and_documents_every_file():
    # The project's own files in upstream/: the README and the attribution notices it wrote.
    own = {"README.md", "plover/LICENSE", "news/LICENSE"}
    vendored = {
        path.relative_to(ROOT / "upstream").as_posix()
        for path in (ROOT / "upstream").rglob("*")
        if path.is_file()
    }
    assert vendored - own == set(refresh_manifest())
    readme = (ROOT / "upstream" / "README.md").read_text()
    undocumented = [name for name in sorted(vendored - {"README.md"}) if f"`{name}`" not in readme]
    assert not undocumented


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_refresh_script_copies_the_manifest_and_reports_changes(tmp_path):
    """Refreshed from a copy of upstream/ with one file changed, it reports just that file."""
    reference = tmp_path / "reference"
    for name in refresh_manifest():
        (reference / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / "upstream" / name, reference / name)
    repository = tmp_path / "repository"
    (repository / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / REFRESH_SCRIPT, repository / REFRESH_SCRIPT)
    shutil.copytree(ROOT / "upstream", repository / "upstream")
    goldstein = reference / "cameo" / "goldstein_phoenix.tsv"
    goldstein.write_bytes(goldstein.read_bytes() + b"999\t0.0\n")

    run = subprocess.run(
        ["bash", str(repository / REFRESH_SCRIPT), str(reference)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert run.stdout.splitlines()[:-1] == ["changed: upstream/cameo/goldstein_phoenix.tsv"]
    assert (repository / "upstream" / "cameo" / "goldstein_phoenix.tsv").read_bytes() == (
        goldstein.read_bytes()
    )
