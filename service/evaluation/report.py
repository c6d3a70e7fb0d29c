"""Show a scoring report: rich tables on the terminal, JSON, and a confusion-matrix PNG."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from service.evaluation.news_scoring import ERROR_CLASSES, NewsReport
from service.evaluation.scoring import EVENT_TYPES, NONE, Counts, Report


def _scores(counts: Counts) -> list[str]:
    return [f"{counts.precision:.3f}", f"{counts.recall:.3f}", f"{counts.f1:.3f}"]


def _fields_table(rows: list[tuple[str, Counts]]) -> Table:
    table = Table("field", "precision", "recall", "F1", "tp", "fp", "fn")
    for name, counts in rows:
        table.add_row(name, *_scores(counts), str(counts.tp), str(counts.fp), str(counts.fn))
    return table


def print_report(report: Report, console: Console) -> None:
    console.print(
        f"[bold]{report.name}[/]: {report.items} items, {report.gold_events} gold events, "
        f"{report.predicted_events} predicted events"
    )
    console.print(
        _fields_table([*report.fields.items(), ("dyad, confidence >= 0.5", report.confident_dyad)])
    )
    per_type = Table("event type", "precision", "recall", "F1", "gold")
    for name, counts in report.per_type.items():
        per_type.add_row(name, *_scores(counts), str(counts.tp + counts.fn))
    console.print(per_type)
    if len(report.per_category) > 1:
        categories = Table("category", "dyad precision", "dyad recall", "dyad F1", "fp")
        for name, counts in report.per_category.items():
            categories.add_row(name, *_scores(counts), str(counts.fp))
        console.print(categories)
    if report.attributes:
        attributes = Table("attribute of matched events", "accuracy", "checked")
        for name, counts in report.attributes.items():
            attributes.add_row(name, f"{counts.precision:.3f}", str(counts.tp + counts.fp))
        console.print(attributes)


def write_json(reports: list[Report | NewsReport], path: Path) -> None:
    path.write_text(json.dumps([r.as_dict() for r in reports], indent=2) + "\n", encoding="utf-8")


def confusion_png(report: Report, path: Path) -> None:
    """Gold type (rows) against the top predicted type (columns), counts in the cells."""
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    present = {g for g, _ in report.confusion} | {p for _, p in report.confusion}
    labels = [t for t in EVENT_TYPES if t in present] + [NONE]
    index = {label: n for n, label in enumerate(labels)}
    grid = [[0] * len(labels) for _ in labels]
    for (gold, predicted), count in report.confusion.items():
        grid[index[gold]][index[predicted]] += count

    figure, axes = plt.subplots(figsize=(9, 8))
    axes.imshow(grid, cmap="Blues")
    axes.set_xticks(range(len(labels)), labels, rotation=60, ha="right")
    axes.set_yticks(range(len(labels)), labels)
    axes.set_xlabel("predicted (highest-confidence event)")
    axes.set_ylabel("gold")
    peak = max(max(row) for row in grid) or 1
    for row, values in enumerate(grid):
        for column, value in enumerate(values):
            if value:
                colour = "white" if value > peak / 2 else "black"
                axes.text(column, row, str(value), ha="center", va="center", color=colour)
    axes.set_title(f"Event type confusion: {report.name} ({report.items} sentences)")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def print_news_report(report: NewsReport, console: Console) -> None:
    console.print(
        f"[bold]{report.name}[/]: {report.articles} articles, {report.sentences} sentences, "
        f"{report.gold_events} gold events, {report.predicted_events} predicted events"
    )
    confident = ("strict event, confidence >= 0.5", report.confident_strict)
    console.print(_fields_table([*report.fields.items(), confident]))
    per_type = Table("event type (strict)", "precision", "recall", "F1", "gold")
    for name, counts in report.per_type.items():
        per_type.add_row(name, *_scores(counts), str(counts.tp + counts.fn))
    console.print(per_type)
    attributes = Table("on strictly matched events", "accuracy", "checked")
    for name, counts in report.attributes.items():
        attributes.add_row(name, f"{counts.precision:.3f}", str(counts.tp + counts.fp))
    attributes.add_row(
        "key-event recall (events / mean per article)",
        f"{report.key_events.recall:.3f} / {report.key_recall_per_article:.3f}",
        str(report.key_events.tp + report.key_events.fn),
    )
    attributes.add_row("expected calibration error", f"{report.calibration.ece:.3f}", "")
    console.print(attributes)
    errors = Table("error class", "count", "what")
    for name, what in ERROR_CLASSES.items():
        errors.add_row(name, str(report.errors.get(name, 0)), what)
    console.print(errors)


def reliability_png(report: NewsReport, path: Path) -> None:
    """Accuracy against mean confidence per confidence bin, with the counts."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bins = report.calibration.bins
    figure, axes = plt.subplots(figsize=(6, 6))
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    centres = [(b["low"] + b["high"]) / 2 for b in bins]
    axes.bar(centres, [b["accuracy"] for b in bins], width=0.09, alpha=0.7, label="accuracy")
    axes.plot([b["confidence"] for b in bins], [b["accuracy"] for b in bins], "o-", color="C1")
    for centre, b in zip(centres, bins, strict=True):
        axes.text(centre, b["accuracy"] + 0.02, str(int(b["count"])), ha="center", fontsize=8)
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1.08)
    axes.set_xlabel("confidence")
    axes.set_ylabel("share strictly right")
    axes.set_title(f"Reliability: {report.name} (ECE {report.calibration.ece:.3f})")
    axes.legend(loc="upper left")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
