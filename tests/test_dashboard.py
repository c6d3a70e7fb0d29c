"""The Grafana dashboard is built from code, current, and covers what operators watch."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.conftest import generated_is_current

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = ROOT / "ops" / "grafana" / "dashboards" / "diplomatic-events.json"


def _panels() -> list[dict]:
    return [p for p in json.loads(DASHBOARD.read_text())["panels"] if p["type"] != "row"]


def test_the_committed_dashboard_is_what_the_builder_makes():
    result = generated_is_current("build_dashboard.py")
    assert result.returncode == 0, result.stderr


def test_panels_cover_throughput_latency_lag_dead_letters_pool_resources_rebalances():
    queries = {p["title"]: [t["expr"] for t in p["targets"]] for p in _panels()}
    wanted = {
        "Articles in and out": "articles_consumed_total",
        "Events by type": "by (event_type)",
        "Consumer lag per partition": "by (topic, partition)",
        "End-to-end latency": "end_to_end_latency_seconds_bucket",
        "Extraction time per article": "extraction_duration_seconds_bucket",
        "Dead letters by reason": "by (reason)",
        "Worker pool saturation": "worker_pool_queue_depth",
        "CPU": "extraction_process_cpu_seconds_total",
        "Resident memory": "extraction_process_resident_memory_bytes",
        "Rebalances and assigned partitions": "rebalances_total",
    }
    for title, metric in wanted.items():
        assert any(metric in q for q in queries[title]), title
    latency = queries["End-to-end latency"]
    assert [q.split(",")[0] for q in latency] == [
        "histogram_quantile(0.5",
        "histogram_quantile(0.95",
        "histogram_quantile(0.99",
    ]


def test_every_query_is_scoped_to_the_job_and_every_panel_has_an_id():
    panels = json.loads(DASHBOARD.read_text())["panels"]
    ids = [p["id"] for p in panels]
    assert len(set(ids)) == len(ids) and 0 not in ids
    for panel in _panels():
        assert panel["datasource"]["uid"] == "${datasource}"
        for target in panel["targets"]:
            assert target["expr"].count('job=~"$job"') >= 1, panel["title"]


def test_provisioning_points_grafana_at_the_dashboards():
    provider = yaml.safe_load(
        (ROOT / "ops/grafana/provisioning/dashboards/diplomatic-events.yml").read_text()
    )["providers"][0]
    assert provider["type"] == "file" and provider["options"]["path"]
    source = yaml.safe_load(
        (ROOT / "ops/grafana/provisioning/datasources/prometheus.yml").read_text()
    )["datasources"][0]
    assert source["type"] == "prometheus" and source["url"].startswith("http")
