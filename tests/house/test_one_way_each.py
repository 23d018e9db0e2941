"""One way to do each of these things: every export writes its table through
core.tables (CSV with a BOM, XLSX), every PDF through core.pdf (WeasyPrint)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "transcoding", "search", "mirror", "reports", "media_center", "lms",
        "exambank", "notifications", "khlang"]  # fmt: skip
# module -> what only it may use
OWNERS = {
    "core/tables.py": {"csv.writer", "openpyxl"},
    "core/pdf.py": {"weasyprint"},
}
WATCHED = {"csv.writer", "openpyxl", "weasyprint", "fpdf", "reportlab", "xlsxwriter"}


def _uses(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "writer"
            and isinstance(node.value, ast.Name)
            and node.value.id == "csv"
        ):
            found.add("csv.writer")
    return found & WATCHED


def test_tables_and_pdfs_have_one_writer_each():
    strays = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" in rel:
                continue
            used = _uses(ast.parse(path.read_text(encoding="utf-8")))
            stray = used - OWNERS.get(rel, set())
            if stray:
                strays.append(f"{rel}: {', '.join(sorted(stray))}")
    assert not strays, "write tables through core.tables and PDFs through core.pdf:\n" + "\n".join(
        strays
    )


def test_the_check_sees_a_stray_writer():
    tree = ast.parse("import csv\nw = csv.writer(out)\nfrom openpyxl import Workbook\n")
    assert _uses(tree) == {"csv.writer", "openpyxl"}
