"""The alert rules are valid Prometheus rules and every alert passes its unit tests
(promtool, from Debian's prometheus package, which scripts/bootstrap installs)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "ops" / "prometheus"


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    promtool = shutil.which("promtool")
    assert promtool, "promtool not found: run scripts/bootstrap (installs prometheus)"
    return subprocess.run([promtool, *args], cwd=RULES, capture_output=True, text=True, timeout=120)


def test_rules_are_valid():
    result = _promtool("check", "rules", "alerts.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 8 rules found" in result.stdout


def test_every_alert_passes_its_unit_tests():
    result = _promtool("test", "rules", "alerts.test.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_is_unit_tested_and_has_a_runbook_entry():
    alerts = {
        rule["alert"]: rule
        for group in yaml.safe_load((RULES / "alerts.yml").read_text())["groups"]
        for rule in group["rules"]
    }
    tests = yaml.safe_load((RULES / "alerts.test.yml").read_text())["tests"]
    tested = {
        case["alertname"] for t in tests for case in t["alert_rule_test"] if case["exp_alerts"]
    }
    assert tested == set(alerts)  # each alert is shown to fire, not only to stay quiet
    for name, rule in alerts.items():
        # A path from the repository's root to a Markdown page, and a heading's anchor in it.
        page, _, anchor = rule["annotations"]["runbook_url"].partition("#")
        path = ROOT / page
        assert page.endswith(".md") and path.is_file() and anchor, name
        text = path.read_text(encoding="utf-8")
        assert anchor in {_anchor(line) for line in text.splitlines() if line.startswith("#")}, name


def _anchor(heading: str) -> str:
    """GitHub's anchor of a Markdown heading."""
    text = heading.lstrip("#").strip().lower()
    return re.sub(r"[^a-z0-9 _-]", "", text).replace(" ", "-")


def test_the_compose_prometheus_config_is_valid(tmp_path):
    """ops/prometheus/prometheus.yml as docker-compose mounts it (rules beside it)."""
    config = yaml.safe_load((RULES / "prometheus.yml").read_text())
    config["rule_files"] = [str(RULES / "alerts.yml")]
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    result = _promtool("check", "config", str(tmp_path / "prometheus.yml"))
    assert result.returncode == 0, result.stdout + result.stderr
