"""Connectors read configuration through one door (connectors/core/settings.py): no other module of
connectors/ touches os.environ (config.py apart: it locates the home), so every value a Dagster resource
hands in reaches the connector, and every variable a connector reads is declared on its Connector."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from connectors.core.http import ConfigError
from connectors.core.redact import redact
from connectors.core.registry import CONNECTORS
from connectors.core.settings import setting, using
from tests.support.environment import environment_reads

ROOT = Path(__file__).resolve().parents[2]
CONNECTORS_DIR = ROOT / "connectors"
# the door itself, and the home's location (EWH_HOME, EWH_WAREHOUSE_PATH: needed before any resource
# exists, and by the CLI and dbt); docs/architecture.md lists every remaining environment read
ALLOWED = {Path("core/settings.py"), Path("core/config.py")}


def test_the_scan_finds_every_form_of_environment_read():
    source = (
        "import os\nimport os as o\nfrom os import environ, getenv\n"
        "a = os.environ.get('X')\nb = o.getenv('Y')\nc = os.path.join('a')\n"
    )
    assert sorted(environment_reads(source)) == [
        "line 3: from os import environ",
        "line 3: from os import getenv",
        "line 4: os.environ",
        "line 5: o.getenv",
    ]
    assert environment_reads("import os\np = os.path.basename('x')\n") == []


def test_no_connector_module_reads_the_environment_but_the_door_and_the_home():
    modules = sorted(CONNECTORS_DIR.rglob("*.py"))
    assert len(modules) > 30  # the scan sees the connectors
    offenders = {
        str(path.relative_to(CONNECTORS_DIR)): reads
        for path in modules
        if path.relative_to(CONNECTORS_DIR) not in ALLOWED and (reads := environment_reads(path.read_text()))
    }
    assert offenders == {}
    # the two allowed modules do read it (else this test would guard nothing)
    assert all(environment_reads((CONNECTORS_DIR / p).read_text()) for p in ALLOWED)


def _declared_names(connector) -> set[str]:
    return {connector.credential_variable, *connector.settings} - {None}


def variables_named(source: str) -> set[str]:
    """The variables a module reads by a literal name: ``setting("X")``, ``Credential("X")`` and module
    constants ``*_VARIABLE = "X"`` (account ids handed to ``numeric_ids``)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
            first = node.args[0]
            if node.func.id in ("setting", "Credential") and isinstance(first, ast.Constant):
                found.add(first.value)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id.endswith("_VARIABLE"):
                    found.add(node.value.value)
    return found


def test_every_variable_a_source_module_reads_is_declared_on_its_connectors():
    """A vendor module's own variables (not the shared EWH_* knobs) are each declared by a connector the
    module defines (``credential_variable`` or ``settings``): the Dagster resource then has a field for
    it (orchestration/defs/resources.py) and docs/operations.md lists it."""
    by_module: dict[str, set[str]] = {}
    for connector in CONNECTORS.values():
        by_module.setdefault(connector.parse.__module__, set()).update(_declared_names(connector))
    undeclared = {}
    for module, declared in by_module.items():
        path = ROOT / Path(*module.split(".")).with_suffix(".py")
        read = {n for n in variables_named(path.read_text()) if not n.startswith("EWH_")}
        if read - declared:
            undeclared[module] = sorted(read - declared)
    assert undeclared == {}
    meta = variables_named((CONNECTORS_DIR / "meta" / "ads.py").read_text())
    assert {"META_LEVEL", "META_AD_ACCOUNT_IDS", "META_ACCESS_TOKEN"} <= meta  # the scan finds reads
    assert {"GOOGLE_ADS_DEVELOPER_TOKEN", "GOOGLE_ADS_CUSTOMER_IDS"} <= _declared_names(
        CONNECTORS["google_ads"]
    )
    # only API sources have settings: a file-only source reads nothing
    assert all(not c.settings for c in CONNECTORS.values() if c.fetch is None)


def test_handed_in_values_win_over_the_environment(monkeypatch):
    """What the Dagster resource hands in is what a connector reads (Meta's level here)."""
    from connectors.meta.ads import _settings

    monkeypatch.setenv("META_LEVEL", "campaign")
    monkeypatch.delenv("META_BREAKDOWNS", raising=False)
    with using({"META_LEVEL": "adset", "META_BREAKDOWNS": "country", "META_POLL_SECONDS": "2"}):
        assert _settings()[:3] == ("adset", "country", 2.0)
        assert setting("META_LEVEL") == "adset"
    assert _settings()[0] == "campaign"
    with using({"META_LEVEL": "region"}), pytest.raises(ConfigError, match="META_LEVEL='region'"):
        _settings()


def test_a_secret_handed_in_but_not_in_the_environment_is_still_redacted(monkeypatch):
    monkeypatch.delenv("GOOGLE_ADS_DEVELOPER_TOKEN", raising=False)
    with using({"GOOGLE_ADS_DEVELOPER_TOKEN": "devtok-handed-in-only"}):
        assert redact("echoed devtok-handed-in-only back") == "echoed [REDACTED] back"
