"""Imports point one way: audit is at the bottom (it imports no app of the project) and plans never
imports accounts (accounts uses plans, not the other way round)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT_APPS = {"accounts", "audit", "plans", "tracking", "dei_portal"}


def imported_apps(app: str) -> dict[str, set[str]]:
    """For each module of `app`, the project apps it imports (absolute imports only; relative ones stay inside)."""
    found = {}
    for path in sorted((ROOT / app).rglob("*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names & PROJECT_APPS
    return found


@pytest.mark.parametrize(("app", "forbidden"), [("audit", PROJECT_APPS - {"audit"}), ("plans", {"accounts"})])
def test_imports_point_one_way(app, forbidden):
    offending = {module: apps & forbidden for module, apps in imported_apps(app).items() if apps & forbidden}
    assert not offending
