"""requirements.lock pins every dependency of the service with hashes, and the venv the
tests run in was installed from it (scripts/bootstrap)."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = (ROOT / "requirements.lock").read_text()


def _pins() -> dict[str, str]:
    return {
        canonicalize_name(name): version
        for name, version in re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+) \\$", LOCK, re.MULTILINE)
    }


def test_every_runtime_dependency_is_pinned_with_hashes():
    pins = _pins()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for line in project["dependencies"]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pins, name
        assert requirement.specifier.contains(pins[name], prereleases=True), (name, pins[name])
    blocks = re.split(r"^(?=[A-Za-z0-9_.\-]+==)", LOCK, flags=re.MULTILINE)[1:]
    assert len(blocks) == len(pins)
    assert all("--hash=sha256:" in block for block in blocks)
    assert "--find-links" not in LOCK and "--index-url" not in LOCK


def test_the_venv_has_exactly_the_locked_versions():
    for name, version in _pins().items():
        assert metadata.version(name) == version, name
