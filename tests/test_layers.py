"""The packages import one way (docs/architecture.md): a test reads every import, so a shortcut fails here.

connectors  <-  warehouse  <-  orchestration  <-  ewh (only through orchestration.runner)
factors is read by all; connectors never imports Dagster; no vendor module imports another vendor's.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from connectors.core.config import REPO_ROOT

# package -> the project packages it may import (itself always allowed)
ALLOWED = {
    "connectors": {"connectors", "factors"},
    "factors": {"factors", "connectors"},
    "warehouse": {"warehouse", "connectors", "factors"},
    "orchestration": {"orchestration", "warehouse", "connectors", "factors"},
    "ewh": {"ewh", "warehouse", "connectors", "factors", "orchestration.runner"},
}
PROJECT = {"connectors", "factors", "warehouse", "orchestration", "ewh"}
CORE_PACKAGES = {"core", "landing"}  # shared by every vendor sub-package of connectors


def imports(path: Path) -> list[str]:
    """Every module a file imports, top level or inside functions (lazy imports count too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def files(package: str) -> list[Path]:
    return sorted((REPO_ROOT / package).rglob("*.py"))


def allowed(package: str, module: str) -> bool:
    top = module.split(".")[0]
    if top not in PROJECT:
        return True
    return any(module == rule or module.startswith(rule + ".") for rule in ALLOWED[package])


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_each_package_imports_only_the_layers_below_it(package):
    wrong = [
        f"{path.relative_to(REPO_ROOT)}: {module}"
        for path in files(package)
        for module in imports(path)
        if module.split(".")[0] in PROJECT
        and not allowed(package, module)
        # `from orchestration import runner` names the package on the way to the module it imports
        and not (package == "ewh" and module == "orchestration")
    ]
    assert not wrong, "imports against the flow:\n" + "\n".join(wrong)


def test_connectors_never_import_dagster():
    wrong = [
        f"{path.relative_to(REPO_ROOT)}: {module}"
        for path in files("connectors")
        for module in imports(path)
        if module.split(".")[0] in {"dagster", "dagster_dbt"}
    ]
    assert not wrong


def test_no_vendor_module_imports_another_vendors():
    vendors = {p.parent.name for p in (REPO_ROOT / "connectors").glob("*/__init__.py")} - CORE_PACKAGES
    wrong = []
    for vendor in vendors:
        for path in files(f"connectors/{vendor}"):
            for module in imports(path):
                parts = module.split(".")
                if parts[0] == "connectors" and len(parts) > 1 and parts[1] in vendors - {vendor}:
                    wrong.append(f"{path.relative_to(REPO_ROOT)}: {module}")
    assert not wrong, "\n".join(wrong)


def test_the_rule_sees_a_forbidden_import(tmp_path):
    """The checker itself: a lazy import of the application from orchestration is caught."""
    sample = tmp_path / "x.py"
    sample.write_text("def f():\n    from ewh.cli import main\n")
    assert not all(allowed("orchestration", m) for m in imports(sample))
    assert allowed("ewh", "orchestration.runner") and not allowed("ewh", "orchestration.definitions")
