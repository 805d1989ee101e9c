"""The dbt step's arguments: the factor release as vars, the unchanged seeds left out of the build."""

from __future__ import annotations

from orchestration.defs.warehouse.dbt_assets import build_args
from warehouse.build_state import BuildPlan, BuildState

VARS = {"factor_release": "r1", "factor_release_sha256": "abc", "ecologits_version": "0"}
STATE = BuildState("l", "p", {"grid": "1", "pue": "2"}, VARS, "/w.duckdb", "1.11.0")


def test_unchanged_seeds_are_excluded_from_the_build():
    plan = BuildPlan(STATE, skip=False, reason="changed: seeds grid", unchanged_seeds=["pue"])
    args = build_args(VARS, plan, full_refresh=False)
    assert args[:2] == ["build", "--vars"]
    assert args[3:] == ["--exclude", "pue"]


def test_a_full_refresh_builds_every_seed():
    plan = BuildPlan(STATE, skip=False, reason="full refresh asked for")
    assert build_args(VARS, plan, full_refresh=True)[3:] == ["--full-refresh"]
