"""docker-compose.yml (no Docker engine here): the stack it describes hangs together -
Prometheus scrapes the service as the job the rules and dashboard expect and loads the
rules, Grafana gets the provisioning and the dashboards, every mounted file exists."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_the_stack_has_kafka_the_service_prometheus_and_grafana():
    assert set(COMPOSE["services"]) == {"kafka", "diplomatic-events", "prometheus", "grafana"}


def test_every_mounted_file_exists():
    for name, service in COMPOSE["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            assert (ROOT / source).exists(), (name, source)


def test_prometheus_scrapes_the_service_as_the_rules_job_and_loads_the_rules():
    config = yaml.safe_load((ROOT / "ops" / "prometheus" / "prometheus.yml").read_text())
    job = config["scrape_configs"][0]
    assert job["job_name"] == "diplomatic-events"
    port = COMPOSE["services"]["diplomatic-events"]["ports"][0].split(":")[1]
    assert job["static_configs"][0]["targets"] == [f"diplomatic-events:{port}"]
    mounts = dict(v.split(":")[:2] for v in COMPOSE["services"]["prometheus"]["volumes"])
    assert mounts["./ops/prometheus/alerts.yml"] in config["rule_files"]


def test_grafana_is_provisioned_with_the_datasource_and_the_dashboards():
    mounts = dict(v.split(":")[:2] for v in COMPOSE["services"]["grafana"]["volumes"])
    assert mounts["./ops/grafana/provisioning"] == "/etc/grafana/provisioning"
    provider = yaml.safe_load(
        (ROOT / "ops/grafana/provisioning/dashboards/diplomatic-events.yml").read_text()
    )["providers"][0]
    assert mounts["./ops/grafana/dashboards"] == provider["options"]["path"]
    source = yaml.safe_load(
        (ROOT / "ops/grafana/provisioning/datasources/prometheus.yml").read_text()
    )["datasources"][0]
    assert source["url"] == "http://prometheus:9090"
