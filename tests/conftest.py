"""Shared fixtures: every test writes under its own temporary EWH_HOME, never the repo's data/."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.core.config import BUNDLED_SAMPLES, Paths

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
# tests drop inbox files at once; the quiet period (connectors/landing/inbox.py) is exercised where it matters
os.environ.setdefault("EWH_INBOX_QUIET_SECONDS", "0")
# the bundled seat samples hold (example.com) user identifiers, which land only with a pseudonym key:
# every test run has one (not a secret), as `make run` gives a demo home one; tests of a missing key unset it
os.environ.setdefault("EWH_PSEUDONYM_KEY", "test-session-key-not-a-secret")
os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"


def pytest_sessionstart(session: pytest.Session) -> None:
    """The dbt manifest the Dagster definitions load, as ``make install`` prepares it (a no-op unless the
    dbt project changed since; definitions never parse dbt themselves)."""
    from warehouse.dbt import prepare_manifest

    prepare_manifest()


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return Paths(tmp_path / "home")


@pytest.fixture
def write_json(tmp_path: Path):
    """Write a payload as an export file in a per-source folder and return its path."""

    def write(source: str, name: str, payload: object) -> Path:
        folder = tmp_path / "exports" / source
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_text(json.dumps(payload))
        return path

    return write


@pytest.fixture(scope="session")
def pipeline_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One full `ewh run --samples DIR` over a copy of the bundled samples, into a fresh EWH_HOME."""
    from ewh.cli import main

    root = tmp_path_factory.mktemp("e2e")
    exports = root / "exports"
    shutil.copytree(BUNDLED_SAMPLES, exports)
    home = root / "home"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EWH_HOME", str(home))
        mp.delenv("DAGSTER_HOME", raising=False)
        mp.delenv("EWH_WAREHOUSE_PATH", raising=False)
        # the seat samples hold user identifiers: they land only as keyed pseudonyms (a test key)
        mp.setenv("EWH_PSEUDONYM_KEY", "pipeline-test-key-not-a-secret")
        assert main(["run", "--samples", str(exports)]) == 0
        yield home


@pytest.fixture
def session_home_in_place(pipeline_home: Path, tmp_path: Path) -> Iterator[Path]:
    """A copy of the session's home (without its Dagster runs) at the home's own path for one test; the
    session's home is put back afterwards. At another path it would be a moved home, whose next run
    creates its views again (their SQL names the landing folder: warehouse/build_state.py)."""
    kept = tmp_path / "session-home"
    pipeline_home.rename(kept)  # the same file system: the session's files themselves, untouched
    shutil.copytree(kept, pipeline_home, ignore=shutil.ignore_patterns(".dagster", "*.lock"))
    try:
        yield pipeline_home
    finally:
        shutil.rmtree(pipeline_home)
        kept.rename(pipeline_home)
