"""`ewh run` with nothing to land and nothing to build (issue #20, a run's fixed cost): no ingest step and
no dbt, yet the checks still say what is true of the warehouse: the freshness of the sources in use and
the mart checks, an ERROR among them still an exit code."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from connectors.core.config import REPO_ROOT, Paths
from ewh.cli import main
from ewh.exit_codes import ExitCode

pytestmark = pytest.mark.slow


@pytest.fixture
def home(session_home_in_place) -> Path:
    """A copy of the session's home (the bundled samples landed and built), without its Dagster runs."""
    return session_home_in_place


def _empty_exports(tmp_path: Path) -> Path:
    exports = tmp_path / "exports"
    exports.mkdir()
    return exports


def _checks_of_runs(dagster_home: Path) -> tuple[set[str], list[str]]:
    """(step keys, check names evaluated) of every run in this freshly copied Dagster home."""
    from dagster import DagsterEventType, DagsterInstance

    with DagsterInstance.from_config(str(dagster_home)) as instance:
        runs = instance.get_runs()
        steps = {
            r.event_log_entry.step_key
            for run in runs
            for r in instance.get_records_for_run(run.run_id, of_type=DagsterEventType.STEP_START).records
        }
        checks = [
            f"{e.asset_key.path[-1]}:{e.check_name}"
            for run in runs
            for r in instance.get_records_for_run(
                run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
            ).records
            for e in [r.event_log_entry.dagster_event.event_specific_data]
        ]
    return steps, checks


def _run_in_new_process(home: Path, exports: Path) -> tuple[dict, subprocess.CompletedProcess]:
    """`ewh run` in a new process, as a user runs it: its exit code and which heavy modules it loaded."""
    code = (
        "import sys, json\n"
        "from ewh.cli import main\n"
        f"code = main(['run', '--samples', {str(exports)!r}])\n"
        "loaded = {m: m in sys.modules for m in ('dbt', 'dagster_dbt', 'great_expectations')}\n"
        "print(json.dumps({'code': int(code), 'loaded': loaded}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DAGSTER_HOME", "EWH_WAREHOUSE_PATH"}}
    env |= {"EWH_HOME": str(home), "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    return json.loads(done.stdout.strip().splitlines()[-1]), done


def test_nothing_to_land_runs_the_checks_without_ingest_or_dbt(home, tmp_path):
    exports = _empty_exports(tmp_path)
    # the first run validates the marts with GX if they changed since their last check (other tests of
    # the session may have rebuilt the shared home); the second finds nothing changed at all: it must not
    # even import dbt (dagster-dbt imports dbt-core), and the mart checks answer from their memo
    first, done = _run_in_new_process(home, exports)
    assert first["code"] == 0 and not first["loaded"]["dbt"], done.stderr[-2000:]
    second, done = _run_in_new_process(home, exports)
    assert second == {
        "code": 0,
        "loaded": {"dbt": False, "dagster_dbt": False, "great_expectations": False},
    }, done.stderr[-2000:]
    assert "dbt not run: landed data, dbt project and seeds unchanged" in done.stdout

    steps, checks = _checks_of_runs(Paths(home).dagster_home)
    assert not any(s.startswith("ingest_") or "ewh_dbt_models" in s for s in steps), sorted(steps)
    # the sources with landed rows have their freshness evaluated, once a run; the mart checks ran
    assert "openai_usage:data_freshness" in checks and "anthropic_usage:data_freshness" in checks
    assert checks.count("openai_usage:data_freshness") == 2  # two runs
    assert {"mart_quarterly_data_quality:fallback_share", "fct_vendor_costs:cost_reconciliation"} <= set(
        checks
    )


def test_an_error_check_still_fails_a_run_with_nothing_to_do(home, tmp_path, monkeypatch, capsys):
    """A new limit is a new input: the mart is validated again (no memo), and the ERROR is an exit code."""
    monkeypatch.setenv("EWH_HOME", str(home))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("EWH_WAREHOUSE_PATH", raising=False)
    # the bundled samples rest 37 % (2026Q3) and 11 % (2026Q4) of their carbon on fallbacks
    monkeypatch.setenv("EWH_MAX_FALLBACK_SHARE", "0.2")

    code = main(["run", "--samples", str(_empty_exports(tmp_path))])

    out, err = capsys.readouterr()
    assert code == ExitCode.CHECK_ERROR
    assert "dbt not run:" in out
    (line,) = [line for line in err.splitlines() if ":fallback_share" in line]
    assert line.lstrip().startswith("ERROR mart_quarterly_data_quality:fallback_share") and "2026Q3" in line
    memo = json.loads((home / ".check-memo" / "fallback_share.json").read_text())
    assert [r["quarter"] for f in memo["failures"] for r in f["rows"]] == ["2026Q3"]


def test_one_source_with_a_new_export_gets_the_only_ingest_step(home, tmp_path, monkeypatch, pipeline_home):
    """The usual nightly: one source has a file; the others are not ingested, their freshness is checked."""
    monkeypatch.setenv("EWH_HOME", str(home))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("EWH_WAREHOUSE_PATH", raising=False)
    exports = _empty_exports(tmp_path)
    shutil.copytree(pipeline_home.parent / "exports" / "openai_usage", exports / "openai_usage")

    assert main(["run", "--samples", str(exports)]) == 0

    steps, checks = _checks_of_runs(Paths(home).dagster_home)
    assert {s for s in steps if s.startswith("ingest_")} == {"ingest_openai_usage"}
    # its own checks, and every landed source's freshness, each once
    assert {"openai_usage:files_readable", "openai_usage:gx_canonical_activity"} <= set(checks)
    assert "anthropic_usage:data_freshness" in checks and "openai_usage:data_freshness" in checks
    assert len(checks) == len(set(checks))
    # the warehouse copied while the landing ran was taken by the build or discarded: nothing is left
    warehouse = Paths(home).warehouse
    assert warehouse.exists() and not list(warehouse.parent.glob(warehouse.name + ".ahead*"))
