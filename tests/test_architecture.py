"""The pure packages stay pure: no web framework or database code in courses/ or certificates/."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("flask", "flask_", "sqlalchemy", "training", "wtforms", "werkzeug")


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", ["courses", "certificates"])
def test_pure_packages_import_no_web_or_database_code(package):
    files = list((ROOT / package).rglob("*.py"))
    assert files
    offending = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in files
        for name in imported_modules(path)
        if any(name == f or name.startswith(f if f.endswith("_") else f + ".") for f in FORBIDDEN)
    }
    assert not offending


def test_the_check_itself_catches_a_forbidden_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from flask import Flask\nimport sqlalchemy.orm\n")
    assert {"flask", "sqlalchemy.orm"} <= imported_modules(bad)
