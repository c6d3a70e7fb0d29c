"""Every PromQL query of the dashboard and of the alert rules, run by a real Prometheus
(Debian's package) that scrapes a real worker fed real traffic through the real broker:
each must parse and return data."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from service.benchmark.stream import free_port
from service.models import Article
from tests.conftest import SEED
from tests.integration.conftest import RunningWorker, produce, running_worker

pytestmark = pytest.mark.integration

OPS = Path(__file__).resolve().parents[2] / "ops"
JOB = "diplomatic-events"
# A metric selector: a name, its labels, an optional range ("x_total{a="b"}[5m]").
SELECTOR = re.compile(r"\b([a-z_][a-z0-9_]*)(\{[^}]*\})?(\[[^\]]+\])?")
FUNCTIONS = {
    "sum", "rate", "increase", "deriv", "histogram_quantile", "by", "and", "unless", "or",
    "label_values", "count", "le", "job", "topic", "reason", "instance", "process",
    "event_type", "partition",
}  # fmt: skip


# Panels that may read 0 after the traffic: no lag left, no rebalance in the last minute,
# an empty pool.
MAY_BE_ZERO = (
    "Consumer lag",
    "Rebalances and assigned partitions / A",
    "Worker pool saturation / A",
    "Extraction process replacements",  # none in healthy traffic (the fault tests make them)
)


class Prometheus:
    def __init__(self, url: str) -> None:
        self.url = url

    def query(self, expr: str) -> dict:
        data = urllib.parse.urlencode({"query": expr}).encode()
        request = urllib.request.Request(self.url + "/api/v1/query", data=data)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:  # 400: the query does not parse
            return json.loads(exc.read())


@pytest.fixture(scope="module")
def worker(bootstrap_servers, tmp_path_factory) -> Iterator[RunningWorker]:
    """A worker of this module's own: its counters are this module's traffic only."""
    with running_worker(bootstrap_servers, tmp_path_factory) as running:
        yield running


@pytest.fixture(scope="module")
def prometheus(worker, tmp_path_factory) -> Iterator[Prometheus]:
    binary = shutil.which("prometheus")
    assert binary, "prometheus not found: run scripts/bootstrap (installs it)"
    scratch = tmp_path_factory.mktemp("prometheus")
    shutil.copy(OPS / "prometheus" / "alerts.yml", scratch / "alerts.yml")
    target = urllib.parse.urlparse(worker.url).netloc
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": ["alerts.yml"],
        "scrape_configs": [{"job_name": JOB, "static_configs": [{"targets": [target]}]}],
    }
    (scratch / "prometheus.yml").write_text(yaml.safe_dump(config))
    port = free_port()
    log = open(scratch / "prometheus.log", "wb")  # noqa: SIM115  # closed below
    process = subprocess.Popen(
        [
            binary,
            f"--config.file={scratch / 'prometheus.yml'}",
            f"--storage.tsdb.path={scratch / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Prometheus(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                up = server.query(f'up{{job="{JOB}"}}')["data"]["result"]
                if up and up[0]["value"][1] == "1":
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail(
                "prometheus did not scrape the worker: "
                + (scratch / "prometheus.log").read_text()[-2000:]
            )
        yield server
    finally:
        process.terminate()
        process.wait(30)
        log.close()


@pytest.fixture(scope="module")
def scraped_traffic(worker, prometheus) -> Prometheus:
    """The seed articles and a bad record through the worker, twice with scrapes between:
    a counter's series is born with its first value, so only the second wave shows up in
    rates."""
    s = worker.settings
    articles = [Article.model_validate_json(line) for line in SEED.read_text().splitlines()]

    def wave_of(wave: int) -> list[tuple[bytes | None, bytes | None]]:
        values = [
            article.model_copy(update={"id": f"prom-{wave}-{n}"}).model_dump_json().encode()
            for n, article in enumerate(articles)
        ]
        return [(None, value) for value in [*values, b"{not json"]]

    for wave in range(2):
        before = _value(prometheus, "sum(diplomatic_events_articles_consumed_total)")
        produce(s.bootstrap_servers, s.topic_articles, wave_of(wave))
        deadline = time.monotonic() + 120
        wanted = before + len(articles) + 1
        while _value(prometheus, "sum(diplomatic_events_articles_consumed_total)") < wanted:
            assert time.monotonic() < deadline, "the worker did not take the records in 120 s"
            time.sleep(1)
        time.sleep(4)  # a few more scrapes
    return prometheus


def _value(prometheus: Prometheus, expr: str) -> float:
    result = prometheus.query(expr)["data"]["result"]
    return float(result[0]["value"][1]) if result else 0.0


def _dashboard_queries() -> dict[str, str]:
    dashboard = json.loads((OPS / "grafana" / "dashboards" / "diplomatic-events.json").read_text())
    queries = {}
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            expr = target["expr"].replace("$job", JOB).replace("$__rate_interval", "1m")
            queries[f"{panel['title']} / {target['refId']}"] = expr
    return queries


def _alert_rules() -> dict[str, str]:
    rules = yaml.safe_load((OPS / "prometheus" / "alerts.yml").read_text())
    return {r["alert"]: r["expr"] for g in rules["groups"] for r in g["rules"]}


def test_every_dashboard_query_parses_and_returns_data(scraped_traffic):
    queries = _dashboard_queries()
    assert len(queries) >= 20
    for name, expr in queries.items():
        answer = scraped_traffic.query(expr)
        assert answer["status"] == "success", (name, answer.get("error"))
        result = answer["data"]["result"]
        assert result, f"{name}: no data for {expr}"
        print(f"{name}: {len(result)} series, first {result[0]['value'][1]}")  # pytest -s
        if not name.startswith(MAY_BE_ZERO):
            # The traffic happened: what it moves is above zero, not only present.
            assert max(float(r["value"][1]) for r in result) > 0, f"{name}: all zero"


def test_every_alert_expression_parses_and_each_of_its_series_has_data(scraped_traffic):
    for name, expr in _alert_rules().items():
        answer = scraped_traffic.query(expr)
        # Healthy traffic: the alert's condition is false (no result), but it parses.
        assert answer["status"] == "success", (name, answer.get("error"))
        selectors = [
            m.group(0)
            for m in SELECTOR.finditer(expr)
            if m.group(1) not in FUNCTIONS and (m.group(2) or "_" in m.group(1))
        ]
        assert selectors, name
        for selector in selectors:
            series = re.sub(r"\[[^\]]+\]$", "", selector)
            answer = scraped_traffic.query(f"count({series})")
            assert answer["status"] == "success", (name, series, answer.get("error"))
            assert answer["data"]["result"], f"{name}: no data for {series}"


def test_prometheus_loaded_every_rule(scraped_traffic):
    with urllib.request.urlopen(scraped_traffic.url + "/api/v1/rules", timeout=10) as response:
        groups = json.loads(response.read())["data"]["groups"]
    loaded = {r["name"]: r["health"] for g in groups for r in g["rules"]}
    assert set(loaded) == set(_alert_rules())
    assert set(loaded.values()) == {"ok"}
