"""The README and docs/: every relative link leads to a file, and to a heading of it when it
names one; the README's example event is what the coder gives for the seed article."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from service.extraction import EventExtractor
from service.models import Article
from tests.conftest import ROOT, SEED

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
LINK = re.compile(r"\]\(([^)\s]+)\)")


def anchors(page: Path) -> set[str]:
    """GitHub's anchors of a page's headings: lowercase, punctuation dropped, spaces to '-',
    a repeated heading numbered (-1, -2...)."""
    found: set[str] = set()
    count: dict[str, int] = {}
    for line in FENCE.sub("", page.read_text(encoding="utf-8")).splitlines():
        if line.startswith("#"):
            slug = re.sub(r"[^\w\- ]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
            found.add(f"{slug}-{count[slug]}" if slug in count else slug)
            count[slug] = count.get(slug, 0) + 1
    return found


def relative_links(page: Path) -> list[str]:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    return [t for t in LINK.findall(text) if not re.match(r"[a-z]+:", t)]


def test_the_docs_pages_exist():
    names = {p.name for p in PAGES}
    assert {"README.md", "events.md", "operations.md", "configuration.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(page: Path):
    broken = [link for link in relative_links(page) if not resolves(page, link)]
    assert not broken, broken


def resolves(page: Path, link: str) -> bool:
    target, _, anchor = link.partition("#")
    path = (page.parent / target).resolve() if target else page
    if not path.exists() or not path.is_relative_to(ROOT):
        return False
    return not anchor or (path.suffix == ".md" and anchor in anchors(path))


def test_the_readme_example_is_a_real_event(extractor: EventExtractor):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"^```json\n(.*?)^```", readme, re.S | re.M)
    assert block, "the README shows one event message"
    example = json.loads(block.group(1))
    article = Article.model_validate_json(SEED.read_text().splitlines()[0])
    events = [e.model_dump(mode="json") for e in extractor.extract(article)]
    assert example in events, "update the README's example from `diplomatic-events extract`"
