"""Show a scoring report: rich tables on the terminal, JSON, and a confusion-matrix PNG."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from service.evaluation.scoring import EVENT_TYPES, NONE, Counts, Report


def _scores(counts: Counts) -> list[str]:
    return [f"{counts.precision:.3f}", f"{counts.recall:.3f}", f"{counts.f1:.3f}"]


def print_report(report: Report, console: Console) -> None:
    console.print(
        f"[bold]{report.name}[/]: {report.items} items, {report.gold_events} gold events, "
        f"{report.predicted_events} predicted events"
    )
    table = Table("field", "precision", "recall", "F1", "tp", "fp", "fn")
    rows = [*report.fields.items(), ("dyad, confidence >= 0.5", report.confident_dyad)]
    for name, counts in rows:
        table.add_row(name, *_scores(counts), str(counts.tp), str(counts.fp), str(counts.fn))
    console.print(table)
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


def write_json(reports: list[Report], path: Path) -> None:
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
