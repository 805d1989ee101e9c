"""Incremental models: a nightly build rebuilds only the re-landed usage days, and equals a full rebuild.

Works on a copy of the session warehouse: a re-export of one OpenAI usage week (one day's tokens
doubled) is landed, dbt builds the two incremental facts, and the result is compared with a
`--full-refresh` build of a second copy. A changed factor release rebuilds every day.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from connectors.core.config import BUNDLED_SAMPLES, Paths
from connectors.core.registry import CONNECTORS
from connectors.landing.zone import ingest_folder
from factors.release import release_info
from tests.support.dbt_cli import run_dbt
from tests.support.warehouse import query_frame

pytestmark = pytest.mark.slow

FACTS = ("fct_activity_impacts", "fct_ad_impacts")
# the copied warehouse's views still read the original landing folder: rebuild them too
UPSTREAM = ("+fct_activity_impacts", "+fct_ad_impacts")
WEEK = "completions_usage_2026-07-06_2026-07-12.json"


def _dbt(paths: Paths, target: Path, vars_: dict, *args: str) -> str:
    return run_dbt(paths, *args, target=target, vars_=vars_)


def _compiled(target: Path, model: str) -> str:
    """The compiled SQL of a model, in whichever layer and domain folder it sits."""
    (path,) = (target / "compiled" / "emissions_warehouse" / "models").rglob(f"{model}.sql")
    return path.read_text()


def _table(paths: Paths, model: str) -> pl.DataFrame:
    return query_frame(paths.warehouse, f"select * from {model} order by activity_id")


def _copy_home(source: Path, dest: Path) -> Paths:
    shutil.copytree(source / "landing", dest / "landing")
    shutil.copy2(source / "warehouse.duckdb", dest / "warehouse.duckdb")
    return Paths(dest)


@pytest.fixture
def relanded(pipeline_home: Path, tmp_path: Path) -> tuple[Paths, set[str], pl.DataFrame, int]:
    """A copy of the session home with one week re-exported (its first day's input tokens doubled)."""
    paths = _copy_home(pipeline_home, tmp_path / "home")
    before = _table(paths, "fct_activity_impacts")
    payload = json.loads((BUNDLED_SAMPLES / "openai_usage" / WEEK).read_text())
    first = payload["data"][0]
    added_tokens = 0
    for result in first["results"]:
        added_tokens += result["input_tokens"]
        result["input_tokens"] *= 2
    days = {
        datetime.fromtimestamp(bucket["start_time"], UTC).date().isoformat()
        for bucket in payload["data"]
        if bucket["results"]
    }
    folder = tmp_path / "reexport"
    folder.mkdir()
    (folder / WEEK.replace(".json", "_reexport.json")).write_text(json.dumps(payload))
    ingest_folder(CONNECTORS["openai_usage"], folder, paths)
    return paths, days, before, added_tokens


def test_nightly_build_rebuilds_only_relanded_days_and_equals_a_full_build(relanded, tmp_path):
    paths, days, before, added_tokens = relanded
    release = release_info()
    full_paths = Paths(tmp_path / "full")
    full_paths.home.mkdir()
    shutil.copy2(paths.warehouse, full_paths.warehouse)
    shutil.copytree(paths.landing, full_paths.landing)

    incremental = tmp_path / "target-incremental"
    _dbt(paths, incremental, release, "run", "--select", *UPSTREAM)
    predicate = ", ".join(f"cast('{d}' as date)" for d in sorted(days))
    assert f"usage_date in ({predicate})" in _compiled(incremental, "fct_activity_impacts")
    assert f"usage_date in ({predicate})" in _compiled(incremental, "fct_ad_impacts")
    assert f"l.usage_date in ({predicate})" in _compiled(incremental, "int_activity_unioned")

    rebuilt = tmp_path / "target-full"
    _dbt(full_paths, rebuilt, release, "run", "--full-refresh", "--select", *UPSTREAM)
    assert "usage_date in" not in _compiled(rebuilt, "fct_activity_impacts")
    for model in FACTS:
        assert _table(paths, model).equals(_table(full_paths, model)), model

    after = _table(paths, "fct_activity_impacts")
    assert after.height == before.height
    other_days = pl.col("usage_date").cast(pl.String).is_in(sorted(days)).not_()
    assert after.filter(other_days).equals(before.filter(other_days))
    first_day = pl.col("usage_date").cast(pl.String).eq(min(days)) & pl.col("source").eq("openai_usage")
    input_types = pl.col("activity_type").is_in(["llm_input_tokens", "llm_cached_input_tokens"])
    added = after.filter(first_day & input_types)["quantity"].sum()
    added -= before.filter(first_day & input_types)["quantity"].sum()
    assert added == added_tokens
    assert after.filter(first_day)["ingested_at"].min() > before["ingested_at"].max()


def test_unchanged_landing_builds_nothing_and_a_new_release_rebuilds_every_day(pipeline_home, tmp_path):
    paths = _copy_home(pipeline_home, tmp_path / "home")
    release = release_info()
    target = tmp_path / "target"
    _dbt(paths, target, release, "run", "--select", "+fct_activity_impacts")
    assert _compiled(target, "fct_activity_impacts").rstrip().endswith("where 1 = 0")

    new_release = release | {"factor_release_sha256": "0" * 64}
    _dbt(paths, target, new_release, "run", "--select", "+fct_activity_impacts")
    assert _compiled(target, "fct_activity_impacts").rstrip().endswith("where 1 = 1")
    shas = _table(paths, "fct_activity_impacts").get_column("factor_release_sha256").unique().to_list()
    assert shas == ["0" * 64]


def _scans_of(plan_json: str, table: str) -> list[str]:
    """The filters DuckDB's plan pushes into each table scan of `table` (an empty string: none)."""
    scans: list[str] = []

    def walk(node: dict) -> None:
        extra = node.get("extra_info", {})
        if node.get("name") == "SEQ_SCAN" and str(extra.get("Table", "")).endswith(f".{table}"):
            scans.append(str(extra.get("Filters", "")))
        for child in node.get("children", []):
            walk(child)

    for root in json.loads(plan_json):
        walk(root)
    return scans


@pytest.mark.parametrize("fact_input", ["int_activity_impacts_all", "int_ad_impacts_computed"])
def test_a_nightly_filter_on_the_day_reaches_every_scan_of_the_activity(pipeline_home: Path, fact_input: str):
    """The incremental facts select their changed days from a chain of views over `int_activity_unioned`.
    The day must reach every scan of that table in DuckDB's plan, so that a nightly run reads one day's
    row groups, not every landed row: a CTE the chain reads twice is materialised by DuckDB, and a filter
    then stays above its full scan (a grouped self-join, a left join the filter cannot cross do too)."""
    import duckdb

    con = duckdb.connect(str(pipeline_home / "warehouse.duckdb"), read_only=True)
    try:
        plan = con.execute(
            f"explain (format json) select * from {fact_input} where usage_date = date '2026-07-08'"
        ).fetchall()[0][1]
    finally:
        con.close()
    scans = _scans_of(plan, "int_activity_unioned")
    assert scans, "no scan of int_activity_unioned in the plan"
    unfiltered = [f for f in scans if "usage_date" not in f]
    assert not unfiltered, f"{len(unfiltered)} of {len(scans)} scans read every day: {unfiltered}"
