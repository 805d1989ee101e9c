"""Faults of issue #15 through a real `ewh run` (in-process Dagster run, persistent instance in the home)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest
from dagster import DagsterRunStatus
from polars.testing import assert_frame_equal
from werkzeug import Request, Response

from connectors.core.config import BUNDLED_SAMPLES, Paths
from connectors.core.registry import CONNECTORS
from connectors.landing.zone import read_manifest
from ewh.cli import main
from orchestration.definitions import build_definitions
from orchestration.lib.stale_runs import HOST_TAG, PID_TAG, pool_holders, release_stale_runs

pytestmark = pytest.mark.slow

KEY = "sk-admin-PLANTED-run-0a1b2c3d4e5f6a7b8c9d"


def _files_containing(root: Path, secret: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


@pytest.fixture(autouse=True)
def _any_fallback_share(monkeypatch):
    """These runs land a few sources whose carbon may rest mostly on fallbacks (OpenAI's spend-based
    costs): the fallback_share gate and its exit code 5 are tested in test_run_signals, not here."""
    monkeypatch.setenv("EWH_MAX_FALLBACK_SHARE", "1")


def test_echoed_key_under_ewh_run_is_nowhere_and_401_is_not_retried(httpserver, tmp_path, monkeypatch, capfd):
    """A 401 echoing the key: one request only (no Dagster retry), the root cause printed, no key anywhere."""
    calls: list[Request] = []

    def echo(request: Request) -> Response:
        calls.append(request)
        auth = request.headers.get("Authorization", "")
        body = {"error": {"message": f"Incorrect API key provided: {auth}", "type": "invalid_request_error"}}
        return Response(json.dumps(body), status=401, content_type="application/json")

    httpserver.expect_request("/v1/organization/usage/completions").respond_with_handler(echo)
    home = tmp_path / "home"
    exports = tmp_path / "exports"
    exports.mkdir()
    monkeypatch.setenv("EWH_HOME", str(home))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("EWH_WAREHOUSE_PATH", raising=False)
    monkeypatch.setenv("EWH_SOURCES", "openai_usage")
    monkeypatch.setenv("OPENAI_BASE_URL", httpserver.url_for("/v1"))
    monkeypatch.setenv("OPENAI_ADMIN_KEY", KEY)

    code = main(["run", "--samples", str(exports)])
    out = capfd.readouterr()

    assert code == 1
    assert len(calls) == 1  # neither urllib3 nor Dagster's RetryPolicy repeated a rejected key
    assert "returned 401" in out.err and "check OPENAI_ADMIN_KEY" in out.err and "not retried" in out.err
    assert "[REDACTED]" in out.err
    assert KEY not in out.out and KEY not in out.err
    assert _files_containing(home, KEY) == []  # run database, event index, compute logs, run log


def _sensor_context(defs: dg.Definitions) -> dg.SensorEvaluationContext:
    return dg.build_sensor_context(definitions=defs, resources=defs.resources)


def test_a_file_written_slowly_while_the_sensor_scans_lands_once_whole(tmp_path, monkeypatch):
    """A writer takes ~2 s to write a CSV; the sensor ticks throughout; one run, with every record."""
    connector = CONNECTORS["openai_dashboard"]
    sample = next((BUNDLED_SAMPLES / "openai_dashboard").glob("completions_usage_*.csv"))
    whole = sample.read_bytes()
    expected = connector.parse(whole, sample.name).raw_records
    monkeypatch.setenv("EWH_INBOX_QUIET_SECONDS", "1")
    home = tmp_path / "home"
    defs = build_definitions(home=home, exports_dir=tmp_path / "no-exports")
    paths = Paths(home)
    target = paths.inbox / "openai_dashboard" / sample.name
    target.parent.mkdir(parents=True)
    lines = whole.splitlines(keepends=True)

    def write_slowly() -> None:
        with target.open("wb") as handle:
            for i in range(0, len(lines), 12):
                handle.write(b"".join(lines[i : i + 12]))
                handle.flush()
                time.sleep(0.25)

    writer = threading.Thread(target=write_slowly)
    writer.start()
    sensor = defs.resolve_sensor_def("ewh_inbox_sensor")
    requests: dict[str, dg.RunRequest] = {}
    deadline = time.monotonic() + 60  # bounded: the file is complete after ~2 s plus the quiet period
    while time.monotonic() < deadline and (writer.is_alive() or not requests):
        for request in sensor.evaluate_tick(_sensor_context(defs)).run_requests:
            assert not writer.is_alive(), "a run was requested for a file still being written"
            requests.setdefault(request.run_key, request)
        time.sleep(0.2)
    writer.join()
    assert len(requests) == 1
    (request,) = requests.values()
    result = defs.resolve_job_def("ewh_inbox").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(),
        run_config=request.run_config,
        asset_selection=list(request.asset_selection),
        partition_key=request.partition_key,
    )
    assert result.success
    manifest = read_manifest(paths).filter(pl.col("status") == "landed")
    assert manifest.height == 1 and manifest.get_column("raw_records").item() == expected
    assert (paths.inbox / ".archive" / "openai_dashboard" / sample.name).read_bytes() == whole
    assert not target.exists()
    assert sensor.evaluate_tick(_sensor_context(defs)).skip_message == "no new files in the inbox"


FIGURES = "select count(*), round(sum(co2e_location_kg), 6) from mart_quarterly_emissions"
READER = f"""
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
query = "{FIGURES}"
print(con.execute(query).fetchone(), flush=True)
sys.stdin.readline()  # hold the warehouse open until the test has run the pipeline again
print(con.execute(query).fetchone(), flush=True)
"""


def _figures(warehouse: Path) -> tuple:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(FIGURES).fetchone()
    finally:
        con.close()


def test_a_reader_holding_the_warehouse_open_does_not_stop_ewh_run(tmp_path, monkeypatch):
    """A BI tool's read-only connection stays open for a whole run: the run succeeds, the reader keeps its
    snapshot, and reopening shows the new figures."""
    exports = tmp_path / "exports"
    for source in ("openai_costs", "anthropic_usage"):
        shutil.copytree(BUNDLED_SAMPLES / source, exports / source)
    home = tmp_path / "home"
    monkeypatch.setenv("EWH_HOME", str(home))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("EWH_WAREHOUSE_PATH", raising=False)
    assert main(["run", "--samples", str(exports)]) == 0
    warehouse = home / "warehouse.duckdb"
    before = _figures(warehouse)

    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(warehouse)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == str(before)  # open, and reading
        shutil.copytree(BUNDLED_SAMPLES / "openai_dashboard", exports / "openai_dashboard")
        assert main(["run", "--samples", str(exports)]) == 0
        out, _ = reader.communicate("\n", timeout=60)
    finally:
        reader.kill()
    assert out.strip() == str(before)  # the reader kept the snapshot it opened, without an error
    after = _figures(warehouse)  # reopening: the new build
    assert after != before and after[0] > before[0]
    assert not (home / "warehouse.duckdb.building").exists()


def _plant_killed_run(home: Path) -> str:
    """What kill -9 during dbt leaves: a STARTED run of a dead process holding the ewh_warehouse slot."""
    from orchestration.runner import prepare_instance

    prepare_instance(Paths(home))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    run_id = str(uuid.uuid4())
    tags = {PID_TAG: str(dead.pid), HOST_TAG: socket.gethostname()}
    with dg.DagsterInstance.get() as instance:
        instance.add_run(
            dg.DagsterRun(job_name="ewh_all", run_id=run_id, status=DagsterRunStatus.STARTED, tags=tags)
        )
        storage = instance.event_log_storage
        storage.initialize_concurrency_limit_to_default("ewh_warehouse")  # as the executor does
        claim = storage.claim_concurrency_slot("ewh_warehouse", run_id, "ewh_dbt_models", priority=0)
        assert claim.is_claimed
    return run_id


def test_stale_claim_of_a_killed_run_is_released(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    run_id = _plant_killed_run(tmp_path / "home")
    with dg.DagsterInstance.get() as instance:
        assert pool_holders(instance) and run_id in pool_holders(instance)[0]
        assert release_stale_runs(instance) == [run_id]
        assert instance.get_run_by_id(run_id).status == DagsterRunStatus.FAILURE
        assert instance.event_log_storage.get_concurrency_info("ewh_warehouse").claimed_slots == []
        assert pool_holders(instance) == []


def _marts(warehouse: Path) -> pl.DataFrame:
    """The quarterly mart in a stable order (by its text and date columns: float sums may differ in the
    last bits between builds, so they are compared with a tolerance, not used to sort), without its
    watermark: when the files were landed differs between two homes."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        frame = con.sql("select * exclude (landed_through) from mart_quarterly_emissions").pl()
    finally:
        con.close()
    keys = [c for c, t in frame.schema.items() if not t.is_float()]
    return frame.sort(keys, nulls_last=True)


def _ewh(home: Path, *args: str, timeout: float) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DAGSTER_HOME", "EWH_WAREHOUSE_PATH"}}
    return subprocess.run(
        [sys.executable, "-m", "ewh.cli", *args],
        env=env | {"EWH_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_ewh_run_after_a_kill_9_during_dbt_finishes_with_the_marts_of_a_clean_run(tmp_path, monkeypatch):
    """kill -9 of `ewh run` while dbt builds; the next run frees the claim, finishes (bounded: it used to
    wait for ever) and its marts equal those of a clean run of the same exports."""
    exports = tmp_path / "exports"
    for source in ("openai_costs", "anthropic_usage"):
        shutil.copytree(BUNDLED_SAMPLES / source, exports / source)
    home = tmp_path / "home"
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    env = {k: v for k, v in os.environ.items() if k not in {"DAGSTER_HOME", "EWH_WAREHOUSE_PATH"}}
    victim = subprocess.Popen(
        [sys.executable, "-m", "ewh.cli", "run", "--samples", str(exports)],
        env=env | {"EWH_HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its dbt child too can be ended by group id at the end
    )
    try:
        building = home / "warehouse.duckdb.building"
        limit = time.monotonic() + 600
        while not building.exists() and victim.poll() is None and time.monotonic() < limit:
            time.sleep(0.2)
        assert building.exists(), "dbt never started"
        time.sleep(2)  # dbt is writing
        victim.kill()  # SIGKILL
        victim.wait()
        monkeypatch.setenv("DAGSTER_HOME", str(home / ".dagster"))
        with dg.DagsterInstance.get() as instance:
            (held,) = pool_holders(instance)  # the fault is reproduced: a dead run holds the dbt slot
        assert "ewh_warehouse" in held
        again = _ewh(home, "run", "--samples", str(exports), timeout=900)  # bounded: no hang
        assert again.returncode == 0, again.stderr[-3000:]
        assert "released run" in again.stdout
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(victim.pid, signal.SIGKILL)  # the orphaned dbt of the killed run, if still alive
    clean = tmp_path / "clean"
    assert _ewh(clean, "run", "--samples", str(exports), timeout=900).returncode == 0
    assert_frame_equal(_marts(home / "warehouse.duckdb"), _marts(clean / "warehouse.duckdb"), rel_tol=1e-9)
