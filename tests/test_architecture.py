"""The layout the README describes, checked: which app may import which, and nobody imports views.

Read from the source with `ast` (no import side effects): every `import x` / `from x import`
of a project app in an app's code (tests and migrations aside).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ["plans", "accounts", "audit", "tracking", "search", "notifications", "consultations"]
# Which project apps each app may import (besides itself). dei_portal is the project's own shell.
ALLOWED = {
    "audit": set(),
    "plans": {"audit"},
    "accounts": {"plans", "audit"},
    "tracking": {"plans", "audit"},
    "search": {"plans", "audit"},
    "notifications": {"plans", "audit", "accounts"},
    "consultations": {"plans", "audit", "notifications"},
}


def _imports(app: str) -> list[tuple[Path, str]]:
    found = []
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(path, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((path, node.module))
    return found


@pytest.mark.parametrize("app", APPS)
def test_imports_point_one_way(app):
    wrong = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path, module in _imports(app)
        if (top := module.split(".")[0]) in APPS and top != app and top not in ALLOWED[app]
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("app", APPS)
def test_no_app_imports_another_apps_views(app):
    wrong = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path, module in _imports(app)
        if module.split(".")[0] in APPS and module.split(".")[0] != app and ".views" in module
    ]
    assert not wrong, "\n".join(wrong)


def test_no_project_code_imports_allauth_internals():
    wrong = []
    for app in [*APPS, "dei_portal", "tests"]:
        wrong += [f"{path.relative_to(ROOT)}: {module}" for path, module in _imports(app) if ".internal" in module]
    assert not wrong, "\n".join(wrong)


def test_the_checker_sees_imports():
    assert any(module.startswith("plans") for _path, module in _imports("tracking"))
