"""The Kubernetes manifests, checked offline: the overlay renders (kubectl kustomize), core
kinds validate against the Kubernetes schemas (kubernetes-validate), and the custom
resources (KEDA, prometheus-operator) carry the fields that make them work."""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from service.settings import Settings
from tests.conftest import generated_is_current

ROOT = Path(__file__).resolve().parent.parent
CORE = {"ConfigMap", "Deployment", "Service", "PodDisruptionBudget"}


@functools.cache
def _render(folder: str) -> dict[str, list[dict]]:
    """``kubectl kustomize folder``, by kind; rendered once per folder (tests only read)."""
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl is needed to render the Kustomize overlays"
    result = subprocess.run(
        [kubectl, "kustomize", str(ROOT / folder)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    by_kind: dict[str, list[dict]] = {}
    for document in yaml.safe_load_all(result.stdout):
        by_kind.setdefault(document["kind"], []).append(document)
    return by_kind


@pytest.fixture(scope="module", params=["k8s/base", "k8s/overlays/example"])
def rendered(request) -> dict[str, list[dict]]:
    return _render(request.param)


def test_generated_manifests_are_current():
    result = generated_is_current("build_k8s.py")
    assert result.returncode == 0, result.stderr


def test_core_kinds_validate_against_the_kubernetes_schema(rendered):
    kinds = set(rendered)
    assert kinds >= CORE
    version = kubernetes_validate.utils.latest_version()
    for kind in CORE:
        for document in rendered[kind]:
            kubernetes_validate.validate(document, version, strict=True)


def test_deployment_probes_grace_static_membership_and_hardening(rendered):
    deployment = rendered["Deployment"][0]
    pod = deployment["spec"]["template"]["spec"]
    worker = pod["containers"][0]
    config = {k: v for c in rendered["ConfigMap"] for k, v in c.get("data", {}).items()}
    assert worker["livenessProbe"]["httpGet"]["path"] == "/livez"
    assert worker["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert worker["startupProbe"]["httpGet"]["path"] == "/readyz"
    # The grace period outlasts the drain of the records at work.
    assert pod["terminationGracePeriodSeconds"] > float(config["DIPLOMATIC_EVENTS_DRAIN_SECONDS"])
    env = {e["name"]: e for e in worker["env"]}
    instance = env["DIPLOMATIC_EVENTS_GROUP_INSTANCE_ID"]["valueFrom"]["fieldRef"]
    assert instance["fieldPath"] == "metadata.name"
    # The broker's address: a ConfigMap the overlay makes (test_overlay_supplies_the_broker).
    assert env["KAFKA_BOOTSTRAP_SERVERS"]["valueFrom"]["configMapKeyRef"]["key"]
    resources = worker["resources"]
    assert resources["requests"]["cpu"] and resources["limits"]["memory"]
    assert worker["securityContext"]["readOnlyRootFilesystem"] is True
    assert pod["securityContext"]["runAsNonRoot"] is True
    settings = Settings(
        **{
            k.removeprefix("DIPLOMATIC_EVENTS_").lower(): v
            for k, v in config.items()
            if k.startswith("DIPLOMATIC_EVENTS_")
        }
    )
    port = worker["ports"][0]["containerPort"]
    assert port == settings.metrics_port


def test_overlay_supplies_the_broker():
    rendered = _render("k8s/overlays/example")
    worker = rendered["Deployment"][0]["spec"]["template"]["spec"]["containers"][0]
    ref = next(e for e in worker["env"] if e["name"] == "KAFKA_BOOTSTRAP_SERVERS")
    name = ref["valueFrom"]["configMapKeyRef"]["name"]
    maps = {c["metadata"]["name"]: c for c in rendered["ConfigMap"]}
    assert name.startswith("diplomatic-events-kafka-") and name in maps  # hashed, renamed
    assert maps[name]["data"]["bootstrap-servers"]
    assert all(
        d["metadata"]["namespace"] == "diplomatic-events" for ds in rendered.values() for d in ds
    )


def test_pdb_and_service_select_the_worker_pods(rendered):
    labels = rendered["Deployment"][0]["spec"]["template"]["metadata"]["labels"]
    for selector in (
        rendered["PodDisruptionBudget"][0]["spec"]["selector"]["matchLabels"],
        rendered["Service"][0]["spec"]["selector"],
    ):
        assert selector.items() <= labels.items()


def test_keda_scales_on_the_consumer_groups_lag_up_to_the_partitions(rendered):
    scaled = rendered["ScaledObject"][0]
    spec = scaled["spec"]
    assert scaled["apiVersion"] == "keda.sh/v1alpha1"
    assert spec["scaleTargetRef"]["name"] == rendered["Deployment"][0]["metadata"]["name"]
    trigger = spec["triggers"][0]
    defaults = Settings()
    assert trigger["type"] == "kafka"
    assert trigger["metadata"]["consumerGroup"] == defaults.app_id
    assert trigger["metadata"]["topic"] == defaults.topic_articles
    assert int(trigger["metadata"]["lagThreshold"]) > 0 and trigger["metadata"]["bootstrapServers"]
    config = {k: v for c in rendered["ConfigMap"] for k, v in c.get("data", {}).items()}
    partitions = int(config["DIPLOMATIC_EVENTS_TOPIC_PARTITIONS"])
    assert spec["minReplicaCount"] <= spec["maxReplicaCount"] <= partitions


def test_service_monitor_scrapes_the_metrics_port_as_the_job_the_rules_expect(rendered):
    monitor = rendered["ServiceMonitor"][0]
    service = rendered["Service"][0]
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert (
        monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    )
    endpoint = monitor["spec"]["endpoints"][0]
    assert endpoint["port"] in {p["name"] for p in service["spec"]["ports"]}
    assert endpoint["path"] == "/metrics"
    # The job label comes from this Service label: the dashboard and rules select job=...
    assert service["metadata"]["labels"][monitor["spec"]["jobLabel"]] == "diplomatic-events"


def test_prometheus_rule_and_dashboard_configmap_carry_ops(rendered):
    rule = rendered["PrometheusRule"][0]
    alerts = yaml.safe_load((ROOT / "ops" / "prometheus" / "alerts.yml").read_text())
    assert rule["spec"]["groups"] == alerts["groups"]
    dashboards = [
        c
        for c in rendered["ConfigMap"]
        if c["metadata"].get("labels", {}).get("grafana_dashboard") == "1"
    ]
    assert dashboards and "diplomatic-events.json" in dashboards[0]["data"]


def test_overlay_connects_with_sasl_over_tls_from_a_secret_that_keda_reads_too():
    rendered = _render("k8s/overlays/example")
    pod = rendered["Deployment"][0]["spec"]["template"]["spec"]
    worker = pod["containers"][0]
    env = {e["name"]: e for e in worker["env"]}
    assert "KAFKA_BOOTSTRAP_SERVERS" in env  # the patch adds to the base's variables
    assert env["DIPLOMATIC_EVENTS_SECURITY_PROTOCOL"]["value"] == "SASL_SSL"
    secret = env["DIPLOMATIC_EVENTS_SASL_USERNAME"]["valueFrom"]["secretKeyRef"]["name"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["name"]: m["mountPath"] for m in worker["volumeMounts"]}
    assert {"tmp", "kafka-credentials"} <= set(mounts)
    assert volumes["kafka-credentials"]["secret"]["secretName"] == secret
    files = {i["path"] for i in volumes["kafka-credentials"]["secret"]["items"]}
    for variable in ("DIPLOMATIC_EVENTS_SASL_PASSWORD_FILE", "DIPLOMATIC_EVENTS_SSL_CAFILE"):
        path = Path(env[variable]["value"])
        assert str(path.parent) == mounts["kafka-credentials"] and path.name in files
    # The settings these variables make are valid (SASL_SSL needs a user and a password).
    Settings(
        security_protocol="SASL_SSL",
        sasl_username="user",
        sasl_password_file=env["DIPLOMATIC_EVENTS_SASL_PASSWORD_FILE"]["value"],
    )
    auth = rendered["TriggerAuthentication"][0]
    assert auth["apiVersion"] == "keda.sh/v1alpha1"
    refs = {r["parameter"]: r for r in auth["spec"]["secretTargetRef"]}
    assert {"sasl", "username", "password", "tls", "ca"} <= set(refs)
    assert {r["name"] for r in refs.values()} == {secret}
    trigger = rendered["ScaledObject"][0]["spec"]["triggers"][0]
    assert trigger["authenticationRef"]["name"] == auth["metadata"]["name"]
