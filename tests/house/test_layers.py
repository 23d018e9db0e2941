"""Apps depend one way: a lower layer never imports a higher one.

The layers are those of docs/architecture.md::

    core                                   vocabulary, roles, settings helper
    transcoding  search  mirror  reports   services with public APIs and registries
    media_center  lms  exambank            domain apps: register into the services
    notifications  live                    tell people what the domain apps did; live classes
    supervision                            reads the domain apps, plugs into the services
    khlang                                 project wiring

A service reaches a domain app only through what the app registered (a protocol
or a registry entry). Every import counts, including one inside a function: a
lazy import hides a cycle, it does not remove it. This is the check import-linter
would make, done with the standard library so it needs nothing installed and
sees function-level imports too.

``KNOWN`` lists the upward imports still to be removed, each with its reason.
It only shrinks: an entry that no longer happens fails the test.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = [
    {"core"},
    {"transcoding", "search", "mirror", "reports"},
    {"media_center", "lms", "exambank"},
    {"notifications", "live"},
    {"supervision"},
    {"khlang"},
]
LEVEL = {app: number for number, apps in enumerate(LAYERS) for app in apps}

# (importing module, imported app): why it is still there.
KNOWN: dict[tuple[str, str], str] = {}


def _modules():
    for app in LEVEL:
        for folder, dirs, names in os.walk(ROOT / app):
            dirs[:] = [d for d in dirs if d not in {"__pycache__", "locale", "static"}]
            for name in names:
                if name.endswith(".py"):
                    path = Path(folder) / name
                    yield app, path.relative_to(ROOT).as_posix()


def _imported_apps(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & set(LEVEL)


def upward_imports() -> set[tuple[str, str]]:
    found = set()
    for app, module in _modules():
        for target in _imported_apps((ROOT / module).read_text(encoding="utf-8")):
            if LEVEL[target] > LEVEL[app]:
                found.add((module, target))
    return found


def test_no_lower_layer_imports_a_higher_one():
    new = sorted(upward_imports() - set(KNOWN))
    assert not new, "a lower layer imports a higher one (register instead): " + "; ".join(
        f"{module} imports {target}" for module, target in new
    )


def test_known_list_only_shrinks():
    gone = sorted(set(KNOWN) - upward_imports())
    assert not gone, f"no longer imported, remove from KNOWN: {gone}"


def test_the_check_sees_function_level_imports():
    source = "def f():\n    from media_center.models import MediaItem\n    import lms.actions\n"
    assert _imported_apps(source) == {"media_center", "lms"}


# What an app in a higher layer may import from a service: its public modules.
# Anything else in a service is its inside, free to change (docs/architecture.md).
PUBLIC = {
    "mirror": {"mirror.sources", "mirror.results", "mirror.conf", "mirror.relaying"},
    "search": {"search.registry", "search.documents", "search.pages"},
    # reports.models: the aggregated usage facts, which apps read and never write
    "reports": {"reports.registry", "reports.periods", "reports.tables", "reports.models"},
    "transcoding": {"transcoding.actions", "transcoding.reporting", "transcoding.samples",
                    "transcoding.models", "transcoding.live"},
}  # fmt: skip


def _imported_modules(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found |= (
                {f"{node.module}.{a.name}" for a in node.names}
                if node.module in PUBLIC  # "from mirror import sources"
                else {node.module}
            )
    return found


def private_reaches() -> list[str]:
    found = []
    for app, module in _modules():
        if app == "khlang":
            continue  # the project's wiring assembles services from their parts
        for name in _imported_modules((ROOT / module).read_text(encoding="utf-8")):
            service = name.split(".")[0]
            if service in PUBLIC and service != app and LEVEL[app] > LEVEL[service]:
                if name not in PUBLIC[service]:
                    found.append(f"{module} imports {name}")
    return sorted(found)


def test_apps_use_only_a_services_public_modules():
    found = private_reaches()
    assert not found, "import from the service's public modules instead: " + "; ".join(found)


def test_the_check_sees_a_reach_inside():
    assert _imported_modules("from mirror.sources.base import reset_sequences\n") == {
        "mirror.sources.base"
    }
    assert _imported_modules("from mirror import store\n") == {"mirror.store"}
