"""Factor versioning: validity windows are honoured, and a new release changes figures and the recorded id.

dbt runs on a copy of the project whose seeds were edited, against the same landed samples.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from connectors.core.config import BUNDLED_SAMPLES, Paths
from connectors.core.registry import CONNECTORS
from connectors.landing.zone import ingest_folder, init_landing
from factors.release import factor_files, release_info, seed_path
from orchestration.lib.dbt_project import DBT_PROJECT_DIR
from tests.support.dbt_cli import run_dbt

pytestmark = pytest.mark.slow
NEW_USA = 0.5


def _usa_grid_in_force() -> float:
    """The USA grid intensity the shipped seed holds for the samples' autumn (read, not hard-coded)."""
    with seed_path("factor_grid_intensity").open(newline="") as f:
        rows = [
            r
            for r in csv.DictReader(f)
            if r["country"] == "USA" and r["valid_from"] <= "2026-09-01" <= r["valid_to"]
        ]
    assert len(rows) == 1, rows
    return float(rows[0]["kgco2e_per_kwh"])


def _build(project: Path, paths: Paths) -> dict:
    release = release_info(project / "seeds")
    target = project / "target"
    run_dbt(paths, "seed", project=project, target=target, vars_=release)
    run_dbt(
        paths,
        "run",
        "--select",
        "+fct_activity_impacts",
        "meta_factor_release",
        project=project,
        target=target,
        vars_=release,
    )
    return release


def _new_release(project: Path) -> None:
    """USA grid: the 2024 value stops at 2026-08-31, a new (invented) value applies from 2026-09-01."""
    for path in factor_files(project / "seeds"):
        with path.open(newline="") as f:
            rows = list(csv.DictReader(f))
        if not rows or "release" not in rows[0]:
            continue
        for row in rows:
            row["release"] = "ewh-test.2"
        if path.name == "factor_grid_intensity.csv":
            usa = next(r for r in rows if r["country"] == "USA")
            usa["valid_to"] = "2026-08-31"
            rows.append(
                usa
                | {
                    "factor_id": "grid.test.USA.2026h2",
                    "kgco2e_per_kwh": str(NEW_USA),
                    "valid_from": "2026-09-01",
                    "valid_to": "9999-12-31",
                }
            )
        with path.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("release")
    landing_home = root / "home"
    paths = Paths(landing_home)
    for source, connector in CONNECTORS.items():
        init_landing(paths, [source], connector.table)
    ingest_folder(CONNECTORS["openai_usage"], BUNDLED_SAMPLES / "openai_usage", paths)
    builds = {}
    for name, edit in (("current", None), ("next", _new_release)):
        project = root / name
        shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
        if edit:
            edit(project)
        run_paths = Paths(landing_home, warehouse_override=root / f"{name}.duckdb")
        builds[name] = (_build(project, run_paths), run_paths.warehouse)
    return builds


def _rows(warehouse: Path, sql: str):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def test_expired_factor_is_not_applied_to_later_activity(two_builds):
    _, warehouse = two_builds["next"]
    by_month = dict(
        _rows(warehouse, "select distinct month(usage_date), grid_factor_id from fct_activity_impacts")
    )
    assert by_month == {7: "grid.ember.USA.2024", 9: "grid.test.USA.2026h2", 10: "grid.test.USA.2026h2"}
    ((ratio,),) = _rows(
        warehouse,
        "select max(abs(co2e_location_kg / energy_kwh - 0.5)) from fct_activity_impacts "
        "where usage_date >= '2026-09-01' and energy_kwh > 0",
    )
    assert ratio < 1e-12


def test_a_new_release_changes_figures_and_the_recorded_release(two_builds):
    (current, cur_wh), (nxt, next_wh) = two_builds["current"], two_builds["next"]
    assert current["factor_release"] == "ewh-2026.11.0" and nxt["factor_release"] == "ewh-test.2"
    assert current["factor_release_sha256"] != nxt["factor_release_sha256"]
    assert _rows(next_wh, "select factor_release, factor_release_sha256 from meta_factor_release") == [
        ("ewh-test.2", nxt["factor_release_sha256"])
    ]
    assert _rows(next_wh, "select distinct factor_release from fct_activity_impacts") == [("ewh-test.2",)]
    sql = "select sum(co2e_location_kg) from fct_activity_impacts where usage_date {} '2026-09-01'"
    ((july_now,),), ((july_next,),) = _rows(cur_wh, sql.format("<")), _rows(next_wh, sql.format("<"))
    assert july_next == pytest.approx(july_now, rel=1e-12)  # activity before the change keeps its figure
    ((autumn_now,),), ((autumn_next,),) = _rows(cur_wh, sql.format(">=")), _rows(next_wh, sql.format(">="))
    assert autumn_next == pytest.approx(autumn_now * NEW_USA / _usa_grid_in_force(), rel=1e-9)
