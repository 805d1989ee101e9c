"""Nightly schedule, inbox sensor and single-writer configuration, through Dagster's own APIs."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
import yaml

from connectors.core.config import BUNDLED_SAMPLES, Paths
from connectors.landing import inbox
from orchestration.definitions import build_definitions
from tests.support.openai_pages import costs_day_pages

pytestmark = pytest.mark.slow


@pytest.fixture
def defs_home(tmp_path):
    home = tmp_path / "home"
    return build_definitions(home=home, exports_dir=tmp_path / "no-exports"), Paths(home)


def test_nightly_schedule_requests_yesterdays_partition(defs_home):
    defs, _ = defs_home
    schedule = defs.resolve_schedule_def("ewh_nightly")
    assert schedule.cron_schedule == "0 2 * * *" and schedule.execution_timezone == "UTC"
    context = dg.build_schedule_context(
        scheduled_execution_time=datetime(2026, 11, 23, 2, 0, tzinfo=UTC),
        repository_def=defs.get_repository_def(),
    )
    (request,) = schedule.evaluate_tick(context).run_requests
    assert (request.run_key, request.partition_key) == ("nightly-2026-11-22", "2026-11-22")


def _drop(paths: Paths, source: str, sample: Path, name: str | None = None) -> Path:
    folder = paths.inbox / source
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (name or sample.name)
    shutil.copyfile(sample, target)
    return target


def _landing_only(request) -> list:
    """The request's landing and quarantine assets: these tests are about landing the inbox file; the
    dbt build that follows in a real inbox run is the same step as ewh run's (tests/pipeline)."""
    return [k for k in request.asset_selection if k.path[0] in ("landing", "quarantine")]


def _tick(defs, cursor=None, instance=None):
    sensor = defs.resolve_sensor_def("ewh_inbox_sensor")
    context = dg.build_sensor_context(
        definitions=defs,
        cursor=cursor,
        instance=instance,
        resources=defs.resources,
    )
    return sensor.evaluate_tick(context)


def test_inbox_sensor_requests_one_run_per_file_content(defs_home):
    defs, paths = defs_home
    sample = next((BUNDLED_SAMPLES / "anthropic_usage").glob("*.json"))
    _drop(paths, "anthropic_usage", sample)
    _drop(paths, "anthropic_usage", sample, name="same_content_other_name.json")
    requests = _tick(defs).run_requests
    run_keys = {r.run_key for r in requests}
    assert len(run_keys) == 1  # the copy has the same content, hence the same run key
    (key,) = run_keys
    assert key.startswith("anthropic_usage:")
    request = requests[0]
    # the run lands the file, then builds the models downstream of its source (issue #16 item 5)
    selected = {k.to_user_string() for k in request.asset_selection}
    assert {"landing/anthropic_usage", "quarantine/anthropic_usage"} <= selected
    assert {"stg_landing__anthropic_usage", "fct_activity_impacts", "mart_quarterly_emissions"} <= selected
    assert "landing/openai_usage" not in selected  # other sources are not re-ingested
    assert "method_tiers" in selected  # the whole dbt project: the dbt step loads changed seeds only
    assert request.run_config["resources"]["warehouse"]["config"]["from_inbox"] is True


def test_inbox_refuses_symlinks_and_traversal(tmp_path):
    folder = tmp_path / "inbox" / "openai_usage"
    folder.mkdir(parents=True)
    outside = tmp_path / "secret.json"
    outside.write_text("{}")
    os.symlink(outside, folder / "link.json")
    (folder / "ok.json").write_text("{}")
    assert inbox.refusal(folder, "link.json") == "symbolic link"
    assert inbox.refusal(folder, "../secret.json") == "invalid file name"
    assert inbox.refusal(folder, "..") == "invalid file name"
    assert inbox.refusal(folder, ".hidden.json") == "hidden file"
    found = inbox.scan(tmp_path / "inbox", "openai_usage")
    assert [f.path.name for f in found.accepted] == ["ok.json"]
    assert found.refused == [("link.json", "symbolic link")]


def test_inbox_run_lands_the_file_once_and_archives_it(defs_home):
    defs, paths = defs_home
    sample = next((BUNDLED_SAMPLES / "openai_costs").glob("*.json"))
    dropped = _drop(paths, "openai_costs", sample)
    instance = dg.DagsterInstance.ephemeral()
    (request,) = _tick(defs, instance=instance).run_requests
    result = defs.resolve_job_def("ewh_inbox").execute_in_process(
        instance=instance,
        run_config=request.run_config,
        asset_selection=_landing_only(request),
        partition_key=request.partition_key,
    )
    assert result.success
    assert not dropped.exists()
    assert (paths.inbox / ".archive" / "openai_costs" / sample.name).exists()
    assert list((paths.activity / "source=openai_costs").glob("dataset=costs/*"))
    # nothing left to do, and the same content dropped again lands nothing new
    assert _tick(defs).skip_message == "no new files in the inbox"


def test_unreadable_inbox_file_is_rejected_by_name_without_failing_the_run(defs_home):
    defs, paths = defs_home
    bad = paths.inbox / "openai_costs" / "costs_broken.json"
    bad.parent.mkdir(parents=True)
    bad.write_text('{"object": "page", "data": [')
    (request,) = _tick(defs).run_requests
    result = defs.resolve_job_def("ewh_inbox").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(),
        run_config=request.run_config,
        asset_selection=_landing_only(request),
        raise_on_error=False,
        partition_key=request.partition_key,
    )
    # the file is rejected on its own (never retried); the run goes on and the check names it
    assert result.success
    (check,) = [
        e.asset_check_evaluation_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and e.asset_check_evaluation_data.check_name == "files_readable"
    ]
    assert not check.passed and check.severity == dg.AssetCheckSeverity.ERROR
    assert "costs_broken.json: malformed JSON" in check.metadata["rejected"].value
    assert (paths.inbox / ".rejected" / "openai_costs" / "costs_broken.json").exists()


def test_single_writer_is_configured():
    config = yaml.safe_load((Path(__file__).parents[2] / "orchestration" / "dagster.yaml").read_text())
    assert config["concurrency"]["runs"]["max_concurrent_runs"] == 1
    assert config["concurrency"]["pools"]["default_limit"] == 1
    defs = build_definitions()
    graph = defs.resolve_asset_graph()
    pools = {
        graph.get(key).pools and next(iter(graph.get(key).pools)) for key in graph.materializable_asset_keys
    }
    assert pools == {"ewh_landing", "ewh_warehouse"}


def test_a_second_writer_fails_clearly_while_the_first_holds_the_warehouse(tmp_path, monkeypatch, capsys):
    from connectors.landing.lock import writer_lock
    from ewh.cli import main

    home = tmp_path / "home"
    monkeypatch.setenv("EWH_HOME", str(home))
    with writer_lock(home):
        assert main(["ingest", "openai_costs", "--files", str(BUNDLED_SAMPLES / "openai_costs")]) == 3
    assert f"another ewh process (pid {os.getpid()}) is writing" in capsys.readouterr().err
    assert not (home / "landing" / "manifest.parquet").exists()
    # once released, the same command runs
    assert main(["ingest", "openai_costs", "--files", str(BUNDLED_SAMPLES / "openai_costs")]) == 0


def test_two_partitions_then_a_rerun_of_one_duplicates_nothing(httpserver, monkeypatch, tmp_path):
    """Daily partitions of an API source through Dagster: 09-01 and 09-02, then 09-01 again."""
    monkeypatch.setenv("OPENAI_BASE_URL", httpserver.url_for("/v1"))
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-test")
    monkeypatch.setenv("EWH_LOOKBACK_DAYS", "0")
    httpserver.expect_request("/v1/organization/costs").respond_with_handler(costs_day_pages)
    defs = build_definitions(home=tmp_path / "home", exports_dir=tmp_path / "no-exports")
    job = defs.resolve_job_def("ewh_all")
    selection = [dg.AssetKey(["landing", "openai_costs"]), dg.AssetKey(["quarantine", "openai_costs"])]
    instance = dg.DagsterInstance.ephemeral()
    for day in ("2026-09-01", "2026-09-02", "2026-09-01"):
        result = job.execute_in_process(instance=instance, partition_key=day, asset_selection=selection)
        assert result.success
    landed = pl.read_parquet(tmp_path / "home/landing/activity/source=openai_costs/**/*.parquet")
    assert landed.height == 2 and landed.get_column("activity_id").is_unique().all()
    assert sorted(landed.get_column("usage_date").cast(pl.String)) == ["2026-09-01", "2026-09-02"]


def test_only_enabled_sources_ingest(monkeypatch, tmp_path):
    monkeypatch.setenv("EWH_SOURCES", "openai_costs")
    defs = build_definitions(home=tmp_path / "home", exports_dir=BUNDLED_SAMPLES)
    selection = [
        dg.AssetKey([kind, source])
        for kind in ("landing", "quarantine")
        for source in ("openai_costs", "anthropic_costs")
    ]
    result = defs.resolve_job_def("ewh_all").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), partition_key="2026-09-01", asset_selection=selection
    )
    assert result.success
    landed = tmp_path / "home" / "landing" / "activity"
    assert list((landed / "source=openai_costs").glob("dataset=*"))
    assert not list((landed / "source=anthropic_costs").glob("dataset=*"))


def test_data_freshness_looks_at_the_newest_landed_day_not_the_run(pipeline_home):
    """A source whose newest landed day is old fails data_freshness even though a run just happened."""
    from datetime import date

    from connectors.core.config import Paths
    from connectors.landing.zone import landed_totals
    from orchestration.defs.landing.assets import data_freshness

    totals = landed_totals(Paths(pipeline_home), "openai_usage")
    # the samples' openai_usage ends on 2026-10-07 (completions_2026-10-01_2026-10-07.json)
    assert totals.get_column("newest_day").item() == date(2026, 10, 7)
    stale = data_freshness("openai_usage", totals, today=date(2026, 10, 11), max_age=3)
    fresh = data_freshness("openai_usage", totals, today=date(2026, 10, 10), max_age=3)
    assert fresh.passed and not stale.passed and stale.severity == dg.AssetCheckSeverity.WARN
    assert stale.metadata["newest_day"].value == "2026-10-07" and stale.metadata["age_days"].value == 4
    nothing = data_freshness("openai_usage", totals.clear(), today=date(2026, 10, 8))
    assert not nothing.passed and nothing.metadata["newest_day"].value == "nothing landed"


def test_schedule_and_sensor_start_stopped_unless_automation_is_switched_on(monkeypatch):
    from orchestration.defs.automation.automation import (
        automation_status,
        build_inbox_sensor,
        nightly_schedule,
    )

    monkeypatch.delenv("EWH_AUTOMATION", raising=False)
    assert nightly_schedule().default_status == dg.DefaultScheduleStatus.STOPPED
    assert build_inbox_sensor().default_status == dg.DefaultSensorStatus.STOPPED
    monkeypatch.setenv("EWH_AUTOMATION", "on")
    assert automation_status() == dg.DefaultScheduleStatus.RUNNING
    assert nightly_schedule().default_status == dg.DefaultScheduleStatus.RUNNING
    assert build_inbox_sensor().default_status == dg.DefaultSensorStatus.RUNNING


def test_days_landed_from_files_show_as_materialised_partitions(pipeline_home):
    """Issue #17 item 7: the UI's partition status shows the days the files landed, not only the run's day."""
    instance = dg.DagsterInstance.from_config(str(pipeline_home / ".dagster"))
    try:
        days = instance.get_materialized_partitions(dg.AssetKey(["landing", "openai_usage"]))
    finally:
        instance.dispose()
    # the samples' completions pages cover 2026-07-06..12, 09-01..14 and 10-01..07 (hand count: 28 days)
    expected = {f"2026-07-{d:02d}" for d in range(6, 13)} | {f"2026-09-{d:02d}" for d in range(1, 15)}
    expected |= {f"2026-10-{d:02d}" for d in range(1, 8)}
    assert expected <= days
