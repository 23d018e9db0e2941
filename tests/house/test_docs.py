"""The documentation fits and its examples run.

Every ```python block in README.md and docs/*.md is executed, in order within
its page, against the test database; an example that no longer runs (a renamed
function, a field that moved) fails the suite. Registries an example touches are
put back afterwards. Shell and text blocks are not run.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.M | re.S)
LINK = re.compile(r"\]\(((?:docs/)?[\w./-]+\.md|LICENSE)\)")


def test_readme_fits_on_a_screen_or_two():
    assert len((ROOT / "README.md").read_text().splitlines()) <= 150


def test_the_readme_says_the_two_commands_exactly():
    text = (ROOT / "README.md").read_text()
    assert "```sh\nmake run\nmake test\n```" in text


def test_links_to_pages_in_the_repository_lead_somewhere():
    # Pages other parts of the project write are linked before they land;
    # those are allowed to be missing until then, nothing else is.
    pending = {"security.md", "production.md", "exambank.md", "front.md", "mirror.md",
               "search.md", "video.md"}  # fmt: skip
    broken = []
    for page in PAGES:
        for target in LINK.findall(page.read_text()):
            path = (page.parent / target).resolve()
            if not path.exists() and path.name not in pending:
                broken.append(f"{page.name} -> {target}")
    assert not broken, broken


def _examples():
    for page in PAGES:
        blocks = BLOCK.findall(page.read_text())
        if blocks:
            yield pytest.param(page, blocks, id=page.name)


@pytest.fixture
def registries_restored():
    from reports import registry as reports_registry

    saved = (
        dict(reports_registry._counters),
        dict(reports_registry._dimensions),
        list(reports_registry._class_members),
    )
    yield
    reports_registry._counters.clear()
    reports_registry._counters.update(saved[0])
    reports_registry._dimensions.clear()
    reports_registry._dimensions.update(saved[1])
    reports_registry._class_members[:] = saved[2]


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "blocks"), list(_examples()))
def test_code_examples_run(page: Path, blocks: list[str], registries_restored):
    namespace: dict = {"__name__": f"docs_{page.stem}"}
    for number, block in enumerate(blocks, start=1):
        try:
            exec(compile(block, f"{page.name} example {number}", "exec"), namespace)
        except Exception as exc:  # report which example, then fail
            pytest.fail(f"{page.name}, example {number}: {type(exc).__name__}: {exc}")
