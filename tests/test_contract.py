"""schemas/ must match the models, and the data tables must match their build script."""

from __future__ import annotations

import json
import subprocess
import sys

from service.contract import render
from tests.conftest import ROOT


def test_schemas_are_up_to_date():
    stale = [
        name
        for name, content in render().items()
        if (ROOT / "schemas" / name).read_text() != content
    ]
    assert not stale, f"run `diplomatic-events schemas`: stale {stale}"


def test_asyncapi_documents_every_topic():
    doc = json.loads((ROOT / "schemas" / "asyncapi.json").read_text())
    assert doc["asyncapi"].startswith("3.")
    addresses = {c["address"] for c in doc["channels"].values()}
    assert {
        "articles.raw",
        "events.diplomatic",
        "articles.dlq",
        "articles.processed",
        "events.verbal_cooperation",
        "events.material_conflict",
    } <= addresses
    for channel in doc["channels"].values():
        for message in channel["messages"].values():
            assert "payload" in message
            assert "key" in message["bindings"]["kafka"]


def test_event_schema_has_the_contract_fields():
    schema = json.loads((ROOT / "schemas" / "diplomatic-event.v1.schema.json").read_text())
    required = set(schema["required"])
    assert {
        "event_id",
        "article_id",
        "event_type",
        "actor",
        "cameo",
        "modality",
        "evidence",
        "confidence",
        "extractor",
    } <= required
    assert len(schema["$defs"]["EventType"]["enum"]) == 16


def test_data_tables_match_build_script(tmp_path):
    """``make tables`` (the script's defaults: it reads upstream/) reproduces service/data
    byte for byte."""
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_tables.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    built_tables = sorted(p.name for p in tmp_path.glob("*.json"))
    assert built_tables == [
        "actors.json",
        "agents.json",
        "cameo.json",
        "organisations.json",
        "plover.json",
    ]
    for built in tmp_path.glob("*.json"):
        committed = ROOT / "service" / "data" / built.name
        assert built.read_bytes() == committed.read_bytes(), f"{built.name} is stale"
