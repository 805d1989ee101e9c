"""The tests are laid out like the packages, and no test module imports another (helpers: tests/support)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
# a folder per package tested, the whole-pipeline tests, and the shared helpers
FOLDERS = {
    "benchmarks",
    "connectors",
    "dbt",
    "ewh",
    "factors",
    "orchestration",
    "pipeline",
    "spark",
    "support",
    "tools",
    "warehouse",
}


def test_no_test_module_imports_another_test_module():
    found = []
    for path in TESTS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            found += [
                f"{path.relative_to(TESTS)}: {m}"
                for m in modules
                if m.startswith("tests.") and not m.startswith("tests.support")
            ]
    assert found == []


def test_helpers_live_in_support_and_tests_in_a_package_folder():
    folders = {p.name for p in TESTS.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == FOLDERS
    helpers = [
        str(p.relative_to(TESTS))
        for p in TESTS.rglob("*.py")
        if p.parent.name != "support"
        and not p.name.startswith("test_")
        and p.name not in {"__init__.py", "conftest.py"}
    ]
    assert helpers == []
