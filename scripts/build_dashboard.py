"""Build the Grafana dashboard of diplomatic-events as code (grafana-foundation-sdk).

    python scripts/build_dashboard.py         # writes ops/grafana/dashboards/diplomatic-events.json
    python scripts/build_dashboard.py --check # fails when the file is not what this builds

Every query reads the metrics of ``service/stream/metrics.py`` for the scrape job chosen in
the ``job`` variable; ``tests/test_dashboard.py`` checks the file is current, and the
Prometheus test runs every query against a real worker.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from grafana_foundation_sdk.builders.dashboard import (
    Dashboard,
    DatasourceVariable,
    QueryVariable,
    Row,
)
from grafana_foundation_sdk.builders.prometheus import Dataquery
from grafana_foundation_sdk.builders.stat import Panel as Stat
from grafana_foundation_sdk.builders.timeseries import Panel as Timeseries
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.dashboard import DataSourceRef

OUT = Path(__file__).resolve().parent.parent / "ops" / "grafana" / "dashboards"
UID = "diplomatic-events"
DATASOURCE = DataSourceRef(type_val="prometheus", uid="${datasource}")
JOB = 'job=~"$job"'
RATE = "$__rate_interval"
# Events go to the main topic and to one routed topic (events.<quad_category>): counting
# only the main one counts each event once, whatever the topics' prefix.
MAIN_TOPIC = 'topic!~".*(verbal|material)_(cooperation|conflict)"'


def query(expr: str, legend: str, ref: str = "A") -> Dataquery:
    return Dataquery().expr(expr).legend_format(legend).ref_id(ref).datasource(DATASOURCE)


def timeseries(title: str, unit: str, description: str, *queries: Dataquery) -> Timeseries:
    panel = (
        Timeseries()
        .title(title)
        .description(description)
        .unit(unit)
        .min(0)
        .datasource(DATASOURCE)
        .height(8)
        .span(12)
    )
    for q in queries:
        panel = panel.with_target(q)
    return panel


def quantiles(metric: str) -> list[Dataquery]:
    return [
        query(
            f"histogram_quantile({q}, sum by (le) (rate({metric}_bucket{{{JOB}}}[{RATE}])))",
            f"p{round(q * 100)}",
            ref,
        )
        for q, ref in ((0.5, "A"), (0.95, "B"), (0.99, "C"))
    ]


def build() -> Dashboard:
    m = "diplomatic_events"
    return (
        Dashboard("diplomatic-events")
        .uid(UID)
        .tags(["diplomatic-events", "kafka", "plover"])
        .description("Throughput, latency, lag, dead letters and resources of the worker.")
        .refresh("30s")
        .time("now-1h", "now")
        .with_variable(DatasourceVariable("datasource").label("Prometheus").type("prometheus"))
        .with_variable(
            QueryVariable("job")
            .label("Job")
            .datasource(DATASOURCE)
            .query(f"label_values({m}_articles_consumed_total, job)")
            .include_all(False)
        )
        .with_row(Row("Throughput"))
        .with_panel(
            Stat()
            .title("Articles coded / s")
            .description("Articles coded and published, over the last 5 minutes.")
            .unit("reqps")
            .datasource(DATASOURCE)
            .height(4)
            .span(6)
            .with_target(query(f"sum(rate({m}_articles_processed_total{{{JOB}}}[5m]))", "coded"))
        )
        .with_panel(
            Stat()
            .title("Events / s")
            .description("Events published (main topic), over the last 5 minutes.")
            .unit("reqps")
            .datasource(DATASOURCE)
            .height(4)
            .span(6)
            .with_target(
                query(
                    f"sum(rate({m}_events_published_total{{{JOB}, {MAIN_TOPIC}}}[5m]))",
                    "events",
                )
            )
        )
        .with_panel(
            Stat()
            .title("Consumer lag")
            .description("Input records not yet committed, all partitions.")
            .unit("short")
            .datasource(DATASOURCE)
            .height(4)
            .span(6)
            .with_target(query(f"sum({m}_consumer_lag{{{JOB}}})", "lag"))
        )
        .with_panel(
            Stat()
            .title("Dead-lettered")
            .description("Share of consumed records sent to the dead-letter topic (5 minutes).")
            .unit("percentunit")
            .datasource(DATASOURCE)
            .height(4)
            .span(6)
            .with_target(
                query(
                    f"sum(rate({m}_articles_failed_total{{{JOB}}}[5m])) / "
                    f"sum(rate({m}_articles_consumed_total{{{JOB}}}[5m]))",
                    "dead-lettered",
                )
            )
        )
        .with_panel(
            timeseries(
                "Articles in and out",
                "reqps",
                "Records consumed, articles coded and records dead-lettered per second.",
                query(f"sum(rate({m}_articles_consumed_total{{{JOB}}}[{RATE}]))", "consumed", "A"),
                query(f"sum(rate({m}_articles_processed_total{{{JOB}}}[{RATE}]))", "coded", "B"),
                query(
                    f"sum(rate({m}_articles_failed_total{{{JOB}}}[{RATE}]))", "dead-lettered", "C"
                ),
            )
        )
        .with_panel(
            timeseries(
                "Events by type",
                "reqps",
                "Events published per second by PLOVER event type (main topic).",
                query(
                    f"sum by (event_type) (rate({m}_events_published_total"
                    f"{{{JOB}, {MAIN_TOPIC}}}[{RATE}]))",
                    "{{event_type}}",
                ),
            )
        )
        .with_row(Row("Latency"))
        .with_panel(
            timeseries(
                "End-to-end latency",
                "s",
                "Record received -> all its outputs acknowledged by the broker.",
                *quantiles(f"{m}_end_to_end_latency_seconds"),
            )
        )
        .with_panel(
            timeseries(
                "Extraction time per article",
                "s",
                "Coding time of one article in an extraction process.",
                *quantiles(f"{m}_extraction_duration_seconds"),
            )
        )
        .with_row(Row("Kafka"))
        .with_panel(
            timeseries(
                "Consumer lag per partition",
                "short",
                "End offset - committed offset of each assigned input partition.",
                query(
                    f"sum by (topic, partition) ({m}_consumer_lag{{{JOB}}})",
                    "{{topic}} [{{partition}}]",
                ),
            )
        )
        .with_panel(
            timeseries(
                "Dead letters by reason",
                "reqps",
                "Records sent to the dead-letter topic per second, by reason.",
                query(
                    f"sum by (reason) (rate({m}_articles_failed_total{{{JOB}}}[{RATE}]))",
                    "{{reason}}",
                ),
            )
        )
        .with_panel(
            timeseries(
                "Rebalances and assigned partitions",
                "short",
                "Partition assignments received, and input partitions held, per worker.",
                query(
                    f"sum by (instance) (increase({m}_rebalances_total{{{JOB}}}[{RATE}]))",
                    "rebalances {{instance}}",
                    "A",
                ),
                query(
                    f"sum by (instance) ({m}_assigned_partitions{{{JOB}}})",
                    "partitions {{instance}}",
                    "B",
                ),
            )
        )
        .with_row(Row("Worker pool and resources"))
        .with_panel(
            timeseries(
                "Worker pool saturation",
                "short",
                "Articles waiting or being coded per extraction process, and articles per "
                "extraction call (1 under light load).",
                query(
                    f"sum({m}_worker_pool_queue_depth{{{JOB}}}) / "
                    f"sum({m}_worker_pool_processes{{{JOB}}})",
                    "articles in the pool per process",
                    "A",
                ),
                query(
                    f"sum(rate({m}_batch_size_sum{{{JOB}}}[{RATE}])) / "
                    f"sum(rate({m}_batch_size_count{{{JOB}}}[{RATE}]))",
                    "articles per call",
                    "B",
                ),
            )
        )
        .with_panel(
            timeseries(
                "Extraction process replacements",
                "short",
                "Extraction processes killed after the time limit per article (timeout) or "
                "found dead (crash) and replaced; each costs a model load.",
                query(
                    f"sum by (cause) (increase({m}_worker_pool_restarts_total{{{JOB}}}[{RATE}]))",
                    "{{cause}}",
                    "A",
                ),
            )
        )
        .with_panel(
            timeseries(
                "CPU",
                "percentunit",
                "CPU of the worker's event loop process and of each extraction process "
                "(1 = one core).",
                query(
                    f"sum by (instance) (rate(process_cpu_seconds_total{{{JOB}}}[{RATE}]))",
                    "worker {{instance}}",
                    "A",
                ),
                query(
                    f"sum by (instance, process) (rate({m}_extraction_process_cpu_seconds_total"
                    f"{{{JOB}}}[{RATE}]))",
                    "extraction {{process}} {{instance}}",
                    "B",
                ),
            )
        )
        .with_panel(
            timeseries(
                "Resident memory",
                "bytes",
                "RSS of the worker process and of each extraction process (about 400 MB each).",
                query(
                    f"sum by (instance) (process_resident_memory_bytes{{{JOB}}})",
                    "worker {{instance}}",
                    "A",
                ),
                query(
                    f"sum by (instance, process) "
                    f"({m}_extraction_process_resident_memory_bytes{{{JOB}}})",
                    "extraction {{process}} {{instance}}",
                    "B",
                ),
            )
        )
    )


def render() -> str:
    dashboard = build().build()
    for number, panel in enumerate(dashboard.panels or [], start=1):
        panel.id_val = number  # stable ids: links to a panel keep working across rebuilds
    return JSONEncoder(sort_keys=True, indent=2).encode(dashboard) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is stale")
    args = parser.parse_args()
    path = OUT / f"{UID}.json"
    text = render()
    if args.check:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            print(f"{path} is stale: run python scripts/build_dashboard.py", file=sys.stderr)
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path} ({len(json.loads(text)['panels'])} panels and rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
