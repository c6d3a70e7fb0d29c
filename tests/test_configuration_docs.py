"""docs/configuration.md lists every setting by its environment variable."""

from __future__ import annotations

from pydantic import AliasChoices

from service.settings import Settings
from tests.conftest import ROOT


def _variables(name: str) -> list[str]:
    alias = Settings.model_fields[name].validation_alias
    if isinstance(alias, AliasChoices):
        return [str(choice) for choice in alias.choices]
    return [f"DIPLOMATIC_EVENTS_{name.upper()}"]


def test_every_setting_is_documented():
    page = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    missing = [
        name
        for name in Settings.model_fields
        if not any(f"`{variable}`" in page for variable in _variables(name))
    ]
    assert not missing, f"not in docs/configuration.md: {missing}"
