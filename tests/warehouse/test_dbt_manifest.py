"""The prepared dbt manifest: Dagster's definitions load it and never parse dbt; a missing one is a clear
error naming the command that prepares it."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pytest

from connectors.core.config import REPO_ROOT
from warehouse import dbt


def test_a_missing_manifest_names_the_command_that_prepares_it(tmp_path):
    missing = tmp_path / "target" / "manifest.json"
    with pytest.raises(dbt.ManifestMissing) as error:
        dbt.require_manifest(missing)
    message = str(error.value)
    assert str(missing) in message
    assert "python -m warehouse.dbt prepare" in message and "make install" in message


def test_the_dbt_assets_are_built_from_the_prepared_manifest_only(monkeypatch, tmp_path):
    """Building the dbt assets with no manifest raises ManifestMissing, and never runs dbt."""
    from orchestration.defs.warehouse import dbt_assets

    ran = []
    monkeypatch.setattr(dbt, "run_dbt", lambda *a, **k: ran.append(a))
    monkeypatch.setattr(dbt_assets, "dbt_project", SimpleNamespace(manifest_path=tmp_path / "manifest.json"))
    with pytest.raises(dbt.ManifestMissing):
        dbt_assets.build_dbt_assets()
    assert ran == []


def test_importing_the_definitions_does_no_work():
    """``import orchestration.definitions`` builds nothing: no manifest read, no dagster-dbt, no dbt, no
    GX or pandas (``defs`` is a ``@dg.definitions`` function Dagster calls when it loads the location)."""
    probe = (
        "import sys, orchestration.definitions as d\n"
        "heavy = ('dagster_dbt', 'dbt', 'great_expectations', 'pandas')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
        "print(callable(d.defs))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[:2] == ["[]", "True"]


def test_prepare_command_usage():
    assert dbt.main(["nonsense"]) == 2
    assert dbt.main([]) == 2
