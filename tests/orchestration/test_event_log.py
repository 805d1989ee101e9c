"""The home's Dagster event log: Dagster's SQLite files, written through connections kept open.

A run materialised on an ``ewh`` home must be readable, event for event, by Dagster's own SQLite storage
(the webserver of ``make dev``, an older release, a copy of the home), and each event must be committed
when stored (another process sees it at once). The home's ``dagster.yaml`` follows the shipped one
unless its owner changed its first line.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from connectors.core.config import Paths
from orchestration.lib.event_log import OPEN_DATABASES, PooledSqliteEventLogStorage
from orchestration.runner import DAGSTER_YAML, prepare_instance


@dg.asset
def tokens() -> int:
    return 3


@dg.asset_check(asset=tokens)
def tokens_positive() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Paths:
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    paths = Paths(tmp_path / "home")
    prepare_instance(paths)  # sets DAGSTER_HOME for this process (monkeypatch restores it)
    return paths


def _materialise(runs: int) -> list[str]:
    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
        return [dg.materialize([tokens, tokens_positive], instance=instance).run_id for _ in range(runs)]


def test_runs_are_read_by_dagsters_own_storage(home: Paths):
    run_ids = _materialise(OPEN_DATABASES + 2)  # more runs than connections kept open
    plain = SqliteEventLogStorage(str(home.dagster_home / "history" / "runs"))
    try:
        for run_id in run_ids:
            types = [r.event_log_entry.dagster_event_type for r in plain.get_records_for_run(run_id).records]
            assert dg.DagsterEventType.ASSET_MATERIALIZATION in types
            assert dg.DagsterEventType.ASSET_CHECK_EVALUATION in types
            assert dg.DagsterEventType.RUN_SUCCESS in types
        # the cross-run index: the asset's latest materialisation and the check's executions
        (record,) = plain.get_asset_records([dg.AssetKey("tokens")])
        assert record.asset_entry.last_materialization.run_id == run_ids[-1]
        check = dg.AssetCheckKey(dg.AssetKey("tokens"), "tokens_positive")
        assert len(plain.get_asset_check_execution_history(check, limit=100)) == len(run_ids)
    finally:
        plain.dispose()


def test_each_event_is_committed_when_stored(home: Paths):
    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        run_id = dg.materialize([tokens], instance=instance).run_id
        stored = len(storage.get_records_for_run(run_id).records)
        # the pooled connection is still open: a reader in another connection sees every event
        plain = SqliteEventLogStorage(str(home.dagster_home / "history" / "runs"))
        try:
            assert len(plain.get_records_for_run(run_id).records) == stored > 0
        finally:
            plain.dispose()
        assert len(storage._engines) <= OPEN_DATABASES


def test_wipe_removes_the_run_databases_it_holds_open(home: Paths):
    _materialise(2)
    runs = home.dagster_home / "history" / "runs"
    assert len([p for p in runs.glob("*.db") if p.name != "index.db"]) == 2
    with dg.DagsterInstance.get() as instance:
        instance.event_log_storage.wipe()
        assert [p.name for p in runs.glob("*.db")] == ["index.db"]
        assert _materialise(1)  # and the storage goes on working


def test_a_home_follows_the_shipped_instance_file_unless_its_first_line_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    shipped = DAGSTER_YAML.read_text()
    first = shipped.partition("\n")[0]
    # a home made by an earlier release: the same first line, other settings
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "earlier"))
    (tmp_path / "earlier").mkdir()
    (tmp_path / "earlier" / "dagster.yaml").write_text(f"{first}\ntelemetry:\n  enabled: false\n")
    prepare_instance(Paths(tmp_path / "home"))
    written = (tmp_path / "earlier" / "dagster.yaml").read_text()
    assert written == shipped.replace("${DAGSTER_HOME}", str(tmp_path / "earlier"))
    assert f"base_dir: {tmp_path / 'earlier'}/history/runs\n" in written

    # a copy of that home is pointed at its own event log
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "copy"))
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "dagster.yaml").write_text(written)
    prepare_instance(Paths(tmp_path / "home"))
    assert f"base_dir: {tmp_path / 'copy'}/history/runs\n" in (tmp_path / "copy" / "dagster.yaml").read_text()

    own = "# my instance: Postgres storage\ntelemetry:\n  enabled: false\n"
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "own"))
    (tmp_path / "own").mkdir()
    (tmp_path / "own" / "dagster.yaml").write_text(own)
    prepare_instance(Paths(tmp_path / "home"))
    assert (tmp_path / "own" / "dagster.yaml").read_text() == own
