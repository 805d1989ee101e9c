"""The dbt step's arguments: the factor release as vars, the unchanged seeds left out of the build, and the
views and unit tests when the dbt project did not change."""

from __future__ import annotations

import json

from orchestration.defs.warehouse.dbt_assets import build_args
from warehouse.build_state import BuildPlan, BuildState

VARS = {"factor_release": "r1", "factor_release_sha256": "abc", "ecologits_version": "0"}
STATE = BuildState("l", "p", {"grid": "1", "pue": "2"}, VARS, "/w.duckdb", "1.11.0")


def test_unchanged_seeds_are_excluded_from_the_build():
    plan = BuildPlan(STATE, skip=False, reason="changed: seeds grid", unchanged_seeds=["pue"])
    args = build_args(VARS, plan, full_refresh=False)
    assert args[:2] == ["build", "--vars"]
    assert args[3:] == ["--exclude", "pue"]


def test_the_build_passes_the_release_and_scopes_the_incremental_tables_tests():
    """dbt_project/macros/rebuilt_days.sql: the tests read the days this build rewrote only when asked."""
    plan = BuildPlan(STATE, skip=False, reason="changed: landed data")
    assert json.loads(build_args(VARS, plan, full_refresh=False)[2]) == VARS | {
        "scope_tests_to_rebuilt_days": True
    }


def test_several_unchanged_seeds_are_one_exclude_value():
    """dagster-dbt reads only the token after --exclude; the seeds go in one space-separated value."""
    plan = BuildPlan(STATE, skip=False, reason="changed: landed data", unchanged_seeds=["grid", "pue"])
    assert build_args(VARS, plan, full_refresh=False)[3:] == ["--exclude", "grid pue"]


def test_a_full_refresh_builds_every_seed():
    plan = BuildPlan(STATE, skip=False, reason="full refresh asked for")
    assert build_args(VARS, plan, full_refresh=True)[3:] == ["--full-refresh"]


def test_an_unchanged_project_leaves_out_views_and_unit_tests():
    """New landed data, same dbt project: the tables and tests build, the views and unit tests do not."""
    plan = BuildPlan(
        STATE,
        skip=False,
        reason="changed: landed data",
        unchanged_seeds=["grid", "pue"],
        project_unchanged=True,
    )
    assert build_args(VARS, plan, full_refresh=False)[3:] == [
        "--indirect-selection",
        "empty",  # the views' data tests still run: they check the newly landed rows
        "--exclude",
        "grid pue config.materialized:view resource_type:unit_test",
    ]


def test_a_full_refresh_rebuilds_views_and_unit_tests_even_with_an_unchanged_project():
    plan = BuildPlan(STATE, skip=False, reason="full refresh asked for", project_unchanged=True)
    assert build_args(VARS, plan, full_refresh=True)[3:] == ["--full-refresh"]


def test_an_unchanged_project_leaves_out_the_tests_of_its_unchanged_seeds_alone():
    manifest = {
        "nodes": {
            "seed.p.grid": {"resource_type": "seed", "name": "grid", "depends_on": {"nodes": []}},
            "test.p.unique_grid_key": {
                "resource_type": "test",
                "name": "unique_grid_key",
                "depends_on": {"nodes": ["seed.p.grid"]},
                "config": {"severity": "ERROR"},
            },
        }
    }
    plan = BuildPlan(
        STATE, skip=False, reason="changed: landed data", unchanged_seeds=["grid"], project_unchanged=True
    )
    assert build_args(VARS, plan, full_refresh=False, manifest=manifest)[-1] == (
        "grid config.materialized:view resource_type:unit_test unique_grid_key"
    )
    changed = BuildPlan(STATE, skip=False, reason="changed: dbt project", unchanged_seeds=["grid"])
    assert build_args(VARS, changed, full_refresh=False, manifest=manifest)[3:] == ["--exclude", "grid"]


def test_a_changed_dbt_project_rebuilds_history():
    """The incremental tables and marts keep what the old SQL computed: the build refreshes them all."""
    plan = BuildPlan(
        STATE, skip=False, reason="changed: dbt project", unchanged_seeds=["pue"], rebuild_history=True
    )
    assert build_args(VARS, plan, full_refresh=False)[3:] == ["--exclude", "pue", "--full-refresh"]
