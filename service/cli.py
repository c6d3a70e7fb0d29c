"""``diplomatic-events``: the worker, offline extraction, and Kafka helpers."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from service.export import Format

cli = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
err = Console(stderr=True)


def warn(message: str) -> None:
    """One plain line on stderr (never wrapped, so tools can parse ``file:line:``)."""
    sys.stderr.write(message + "\n")


@cli.command()
def worker(
    loglevel: Annotated[str | None, typer.Option(help="Overrides the configured level.")] = None,
) -> None:
    """Run the stream service: consume articles, publish events."""
    from service.settings import get_settings
    from service.stream import worker_pool
    from service.stream.topics import ensure_topics

    # The extraction processes load the model while faust is imported and started.
    worker_pool.for_worker().launch()
    settings = get_settings()
    asyncio.run(ensure_topics(settings))

    import faust

    from service.stream.app import app

    faust.Worker(app, loglevel=loglevel or settings.log_level).execute_from_commandline()


def _parquet_needs_a_file(output_format: str, output: Path | None) -> None:
    if output_format == Format.PARQUET and output is None:
        warn("--format parquet needs --output FILE (Parquet is not a stream)")
        raise typer.Exit(2)


PROCESS_MEMORY = 600 * 2**20  # an extraction process's budget, with room


def _default_workers() -> int:
    """The CPUs this process may use, as many as the free memory holds processes."""
    import psutil

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cpus or 1, psutil.virtual_memory().available // PROCESS_MEMORY))


@cli.command()
def extract(
    files: Annotated[
        list[str] | None, typer.Argument(help="JSON Lines of Articles, .txt files, - for stdin")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", "-w", min=1, help="Extraction processes [default: CPUs, memory allowing]"
        ),
    ] = None,
    output_format: Annotated[
        Format, typer.Option("--format", "-f", help="jsonl: the messages; csv, parquet: rows")
    ] = Format.JSONL,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here, not to stdout")
    ] = None,
    model: Annotated[str | None, typer.Option(help="spaCy model package")] = None,
) -> None:
    """Code articles without Kafka, on the worker's path (the same size limits, cleaning,
    language gate and time limit): events on stdout in input order, each skipped or failed
    input on stderr, a summary at the end.

    Exit status: 0 every input coded or skipped; 1 some input failed (the others are
    coded); 2 bad usage or an input file that cannot be opened; 141 stdout was closed.
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from service import batch
    from service.coding import RecordCoder
    from service.export import WRITERS
    from service.settings import get_settings

    settings = get_settings()
    if model:
        settings = settings.model_copy(update={"model": model})
    sources = files or ["-"]
    missing = [name for name in sources if name != "-" and not Path(name).is_file()]
    if missing:
        warn(f"no such file: {', '.join(missing)}")
        raise typer.Exit(2)
    _parquet_needs_a_file(output_format, output)
    sizes = [Path(name).stat().st_size for name in sources if name != "-"]
    total = sum(sizes) if "-" not in sources else None

    coder = RecordCoder.from_settings(settings, workers or _default_workers())
    coder.pool.launch()  # the processes load the model while the input is opened
    records = batch.read_records(sources, settings.max_message_bytes)
    columns = (
        TextColumn("coding"),
        BarColumn(),
        TextColumn("{task.fields[records]} articles, {task.fields[rate]:.1f}/s"),
        TimeRemainingColumn(),
    )
    with (
        open(output, "wb") if output else contextlib.nullcontext(sys.stdout.buffer) as out,
        Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar,
    ):
        task = bar.add_task("coding", total=total, records=0, rate=0.0)

        def progress(summary: batch.Summary, size: int) -> None:
            elapsed = bar.tasks[0].elapsed or 0.0
            rate = summary.records / elapsed if elapsed else 0.0
            bar.update(task, advance=size, records=summary.records, rate=rate)

        try:
            summary = asyncio.run(
                batch.run(records, coder, WRITERS[output_format](out), warn, progress)
            )
        except BrokenPipeError:
            # The reader left (`| head`): stop quietly, as Unix tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(141) from None
    warn(f"extract: {summary.line()}")
    if summary.failed:
        raise typer.Exit(1)


@cli.command()
def produce(
    files: Annotated[list[str], typer.Argument(help="JSON Lines of Articles, or .txt files")],
) -> None:
    """Publish articles to the input topic (keyed by article id)."""
    from aiokafka import AIOKafkaProducer

    from service import batch, codec, kafka_security
    from service.outcomes import Failed
    from service.settings import get_settings

    settings = get_settings()
    limits = settings.max_message_bytes, settings.max_text_bytes

    async def run() -> int:
        producer = AIOKafkaProducer(
            bootstrap_servers=settings.bootstrap_servers,
            acks="all",
            **kafka_security.client_options(settings),
        )
        await producer.start()
        sent = 0
        try:
            for record in batch.read_records(files, settings.max_message_bytes):
                value = record.value
                # What the worker would dead-letter is reported here instead, and not sent.
                article = (
                    value if isinstance(value, Failed) else codec.decode_article(value, *limits)
                )
                if isinstance(article, Failed):
                    warn(f"{record.source}:{record.line}: not published: {batch.reason(article)}")
                    continue
                assert isinstance(value, bytes)
                await producer.send_and_wait(
                    settings.topic_articles, value, key=article.id.encode()
                )
                sent += 1
        finally:
            await producer.stop()
        return sent

    sent = asyncio.run(run())
    err.print(f"published {sent} article(s) to {settings.topic_articles}")


class TailFormat(StrEnum):
    TABLE = "table"  # to read; the others as `extract` writes them
    JSONL = Format.JSONL.value
    CSV = Format.CSV.value
    PARQUET = Format.PARQUET.value


@cli.command()
def tail(
    from_beginning: Annotated[bool, typer.Option(help="Start at the oldest event")] = True,
    max_events: Annotated[int, typer.Option(help="Stop after this many (0: never)")] = 0,
    output_format: Annotated[
        TailFormat,
        typer.Option("--format", "-f", help="table: to read; the others as `extract` writes"),
    ] = TailFormat.TABLE,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here, not to stdout")
    ] = None,
) -> None:
    """Print events from the output topic as they arrive."""
    from aiokafka import AIOKafkaConsumer
    from rich.table import Table

    from service import kafka_security
    from service.export import WRITERS, EventWriter
    from service.models import DiplomaticEvent
    from service.settings import get_settings

    settings = get_settings()
    console = Console()
    _parquet_needs_a_file(output_format, output)

    def print_table(events: list[DiplomaticEvent], header: bool) -> None:
        table = Table(show_header=header, box=None, pad_edge=False)
        for name, width in (
            ("type", 10),
            ("mode", 6),
            ("modality", 12),
            ("actor", 9),
            ("recipient", 9),
            ("cameo", 5),
            ("date", 10),
            ("trigger", 16),
            ("article", 22),
        ):
            table.add_column(name, min_width=width, no_wrap=True, overflow="ellipsis")
        for e in events:
            table.add_row(
                e.event_type.value,
                e.mode or "",
                e.modality.value,
                e.actor.code or e.actor.country or "?",
                (e.recipient.code or e.recipient.country or "?") if e.recipient else "",
                e.cameo.code,
                str(e.event_date or ""),
                e.evidence.trigger.text,
                e.article_id,
            )
        console.print(table)

    async def run(writer: EventWriter | None) -> None:
        consumer = AIOKafkaConsumer(
            settings.topic_events,
            bootstrap_servers=settings.bootstrap_servers,
            auto_offset_reset="earliest" if from_beginning else "latest",
            enable_auto_commit=False,
            **kafka_security.client_options(settings),
        )
        await consumer.start()
        seen = 0
        try:
            while max_events == 0 or seen < max_events:
                batch = await consumer.getmany(timeout_ms=1000)
                events = [
                    DiplomaticEvent.model_validate_json(message.value)
                    for messages in batch.values()
                    for message in messages
                    if message.value is not None
                ]
                if max_events:
                    events = events[: max_events - seen]
                if not events:
                    continue
                if writer is None:
                    print_table(events, header=seen == 0)
                else:
                    writer.write(events)
                seen += len(events)
        finally:
            await consumer.stop()

    with open(output, "wb") if output else contextlib.nullcontext(sys.stdout.buffer) as out:
        table = output_format is TailFormat.TABLE
        writer = None if table else WRITERS[Format(output_format.value)](out)
        try:
            with contextlib.suppress(KeyboardInterrupt):
                asyncio.run(run(writer))
        finally:
            if writer is not None:
                writer.close()


@cli.command()
def schemas(
    check: Annotated[bool, typer.Option(help="Fail if schemas/ is out of date")] = False,
    out: Annotated[Path, typer.Option(help="Output folder")] = Path("schemas"),
) -> None:
    """Write the JSON Schemas and the AsyncAPI document generated from the models."""
    from service.contract import render

    stale = []
    for name, content in render().items():
        path = out / name
        if check:
            if not path.exists() or path.read_text() != content:
                stale.append(name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content)
    if stale:
        err.print(f"out of date: {', '.join(stale)}; run `diplomatic-events schemas`")
        raise typer.Exit(1)


@cli.command("eval")
def evaluate(
    gsr: Annotated[
        Path, typer.Option(help="PLOVER gold standard records (PLOVER_GSR_CAMEO.json)")
    ] = Path("upstream/plover/PLOVER_GSR_CAMEO.json"),
    own: Annotated[bool, typer.Option(help="Also score the project's own test set")] = True,
    news_split: Annotated[
        str, typer.Option(help="Split of the real-news corpus to score: test, dev, train, none")
    ] = "test",
    out: Annotated[
        Path | None, typer.Option(help="Folder for report.json and confusion PNGs")
    ] = None,
    check: Annotated[bool, typer.Option(help="Exit 1 below the CI thresholds")] = False,
    model: Annotated[str | None, typer.Option(help="spaCy model package")] = None,
) -> None:
    """Score the extractor: precision, recall, F1 per field and event type."""
    from service.evaluation import report, runner
    from service.extraction import EventExtractor
    from service.settings import get_settings

    if not gsr.exists():
        err.print(f"gold standard records not found: {gsr} (pass --gsr PATH)")
        raise typer.Exit(2)
    if news_split not in ("test", "dev", "train", "none"):
        err.print(f"--news-split must be test, dev, train or none, not {news_split!r}")
        raise typer.Exit(2)
    extractor = EventExtractor(model or get_settings().model)
    reports: list[Any] = [runner.evaluate_gsr(extractor, gsr)]
    if own:
        reports.append(runner.evaluate_own(extractor))
    news_report = None
    if news_split != "none":
        news_report = runner.evaluate_news(extractor, news_split)  # type: ignore[arg-type]
    console = Console()
    for result in reports:
        report.print_report(result, console)
    if news_report is not None:
        report.print_news_report(news_report, console)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        report.write_json([*reports, *([news_report] if news_report else [])], out / "report.json")
        for result in reports:
            report.confusion_png(result, out / f"confusion-{result.name}.png")
        if news_report is not None:
            report.reliability_png(news_report, out / f"reliability-{news_report.name}.png")
        console.print(f"wrote {out}/report.json, confusion and reliability PNGs")
    failures = [line for result in reports for line in runner.shortfalls(result)]
    if news_report is not None:
        failures += runner.news_shortfalls(news_report)
    for line in failures:
        warn(f"below threshold: {line}")
    if check and failures:
        raise typer.Exit(1)


@cli.command()
def bench(
    corpus: Annotated[Path, typer.Option(help="JSON Lines of articles")] = Path(
        "bench/corpus/news-mix.jsonl"
    ),
    out: Annotated[Path, typer.Option(help="Folder for bench.json, bench.md, latency.png")] = Path(
        "bench-report"
    ),
    limit: Annotated[int, typer.Option(help="Use the first N articles (0: all)")] = 0,
    processes: Annotated[
        list[int] | None, typer.Option(help="Worker process counts to run (repeatable)")
    ] = None,
    phase_seconds: Annotated[float, typer.Option(help="Length of each fixed-rate phase")] = 30.0,
    stream: Annotated[bool, typer.Option(help="Also run the service through Kafka")] = True,
    soak_seconds: Annotated[
        float, typer.Option(help="Soak at 80% load after the phases (0: none; see `soak`)")
    ] = 0,
    model: Annotated[str | None, typer.Option(help="spaCy model package")] = None,
) -> None:
    """Throughput, latency and cost: spaCy baseline, extraction core, the service via Kafka."""
    from service.benchmark import corpus as bench_corpus
    from service.benchmark import report, runner
    from service.settings import get_settings

    settings = get_settings()
    options = runner.Options(
        model=model or settings.model,
        processes=tuple(processes or (1, 2)),
        phase_seconds=phase_seconds,
        stream=stream,
        bootstrap=settings.bootstrap_servers,
        soak_seconds=soak_seconds,
        batch=settings.batch_size,
    )
    results = runner.run(bench_corpus.load(corpus, limit), options, say=err.print)
    for path in report.write(results, out):
        err.print(f"wrote {path}")
    print(report.markdown(results))


@cli.command()
def soak(
    corpus: Annotated[Path, typer.Option(help="JSON Lines of articles")] = Path(
        "bench/corpus/news-mix.jsonl"
    ),
    out: Annotated[Path, typer.Option(help="Folder for soak.json and soak.md")] = Path(
        "soak-report"
    ),
    seconds: Annotated[float, typer.Option(help="Length of the soak")] = 600,
    load: Annotated[float, typer.Option(help="Offered load, a fraction of saturation")] = 0.8,
    model: Annotated[str | None, typer.Option(help="spaCy model package")] = None,
) -> None:
    """A worker at LOAD of its saturation rate for SECONDS: exits 1 when a process's RSS
    grows by 10 % or more, or the consumer lag grows."""
    from service.benchmark import corpus as bench_corpus
    from service.benchmark import report, runner
    from service.settings import get_settings

    settings = get_settings()
    options = runner.Options(
        model=model or settings.model,
        bootstrap=settings.bootstrap_servers,
        soak_seconds=seconds,
        soak_load=load,
    )
    results = runner.soak(bench_corpus.load(corpus, 0), options, say=err.print)
    for path in report.write_soak(results, out):
        err.print(f"wrote {path}")
    print(report.soak_markdown(results))
    failures = runner.soak_failures(results.soak)
    for failure in failures:
        warn(failure)
    if failures:
        raise typer.Exit(1)


@cli.command("settings")
def show_settings() -> None:
    """Print the settings in force (from the environment)."""
    from service.settings import get_settings

    print(json.dumps(get_settings().model_dump(mode="json"), indent=2))


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
