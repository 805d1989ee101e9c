"""Incremental models: a nightly build rebuilds only the re-landed usage days, and equals a full rebuild.

Works on a copy of the session warehouse: a re-export of one OpenAI usage week (one day's tokens
doubled) is landed, dbt builds the incremental facts, and the result is compared with a
`--full-refresh` build of a second copy. A changed factor release rebuilds every day. A day that loses
all its cost rows loses them in fct_vendor_costs too. The data tests of a build the Dagster step runs
check the rewritten days, and a key of a rewritten day that another day already holds still fails; a
fact row whose allocation lies on another day fails too.
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
from warehouse.dbt import DbtError

pytestmark = pytest.mark.slow

FACTS = ("fct_activity_impacts", "fct_ad_impacts", "fct_vendor_costs")
# the copied warehouse's views still read the original landing folder: rebuild them too
UPSTREAM = ("+fct_activity_impacts", "+fct_ad_impacts", "+fct_vendor_costs", "+fct_token_usage_daily")
# which build wrote a row: differs between an incremental and a full build of the same rows
STAMP = "dbt_invocation_id"
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
def relanded(pipeline_home: Path, tmp_path: Path) -> tuple[Paths, set[str], set[str], pl.DataFrame, int]:
    """A copy of the session home with one week re-exported (its first day's input tokens doubled): the
    days it covers, the days with usage."""
    paths = _copy_home(pipeline_home, tmp_path / "home")
    before = _table(paths, "fct_activity_impacts")
    payload = json.loads((BUNDLED_SAMPLES / "openai_usage" / WEEK).read_text())
    first = payload["data"][0]
    added_tokens = 0
    for result in first["results"]:
        added_tokens += result["input_tokens"]
        result["input_tokens"] *= 2
    # every day the re-export covers, a bucket without results too: it says that day had no usage
    days = {
        datetime.fromtimestamp(bucket["start_time"], UTC).date().isoformat() for bucket in payload["data"]
    }
    used = {
        datetime.fromtimestamp(bucket["start_time"], UTC).date().isoformat()
        for bucket in payload["data"]
        if bucket["results"]
    }
    folder = tmp_path / "reexport"
    folder.mkdir()
    (folder / WEEK.replace(".json", "_reexport.json")).write_text(json.dumps(payload))
    ingest_folder(CONNECTORS["openai_usage"], folder, paths)
    return paths, days, used, before, added_tokens


def test_nightly_build_rebuilds_only_relanded_days_and_equals_a_full_build(relanded, tmp_path, pipeline_home):
    paths, days, _, before, added_tokens = relanded
    release = release_info()
    full_paths = _copy_home(paths.home, tmp_path / "full")

    incremental = tmp_path / "target-incremental"
    _dbt(paths, incremental, release, "run", "--select", *UPSTREAM)
    predicate = ", ".join(f"cast('{d}' as date)" for d in sorted(days))
    assert f"usage_date in ({predicate})" in _compiled(incremental, "fct_activity_impacts")
    assert f"usage_date in ({predicate})" in _compiled(incremental, "fct_ad_impacts")
    assert f"usage_date in ({predicate})" in _compiled(incremental, "fct_vendor_costs")
    assert f"l.usage_date in ({predicate})" in _compiled(incremental, "int_activity_unioned")
    assert f"usage_date in ({predicate})" in _compiled(incremental, "fct_token_usage_daily")
    # the LLM keys' table too, though the session's ad and billing sources landed after its LLM sources
    assert f"usage_date in ({predicate})" in _compiled(incremental, "int_llm_model_matches")

    rebuilt = tmp_path / "target-full"
    _dbt(full_paths, rebuilt, release, "run", "--full-refresh", "--select", *UPSTREAM)
    assert "usage_date in" not in _compiled(rebuilt, "fct_activity_impacts")
    for model in FACTS:
        assert _table(paths, model).drop(STAMP).equals(_table(full_paths, model).drop(STAMP)), model
    # landed_through is when a day was summed: an unchanged day keeps the earlier build's
    daily = f"select * exclude ({STAMP}, landed_through) from fct_token_usage_daily order by all"
    assert query_frame(paths.warehouse, daily).equals(query_frame(full_paths.warehouse, daily))
    # the doubled input tokens (OpenAI's input_tokens: uncached and cached input) reach the daily sums
    day_input = (
        "select sum(tokens) as tokens from fct_token_usage_daily where vendor = 'openai' "
        f"and usage_date = date '{min(days)}' and token_class in ('input', 'cached_input')"
    )
    sums = [query_frame(w, day_input)["tokens"][0] for w in (Paths(pipeline_home).warehouse, paths.warehouse)]
    assert sums[1] - sums[0] == added_tokens

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


def _execute(paths: Paths, sql: str) -> None:
    import duckdb

    con = duckdb.connect(str(paths.warehouse))
    try:
        con.execute(sql)
    finally:
        con.close()


# a usage day none of the bundled samples covers
EMPTY_DAY = "2024-03-12"


def test_a_rebuilt_day_left_without_cost_rows_loses_them_in_vendor_costs(pipeline_home, tmp_path):
    """delete+insert replaces only the days present in the new rows: a changed day whose new rows carry no
    cost would keep the cost rows it had (here planted, as an earlier export of that day would have left
    them) unless the model clears its changed days first."""
    paths = _copy_home(pipeline_home, tmp_path / "home")
    costs = _table(paths, "fct_vendor_costs")
    assert costs.filter(pl.col("usage_date").cast(pl.String) == EMPTY_DAY).is_empty()
    _execute(
        paths,
        "insert into fct_vendor_costs select * replace ('planted' as activity_id, "
        f"date '{EMPTY_DAY}' as usage_date) from fct_vendor_costs limit 1",
    )
    payload = json.loads((BUNDLED_SAMPLES / "openai_usage" / WEEK).read_text())
    bucket = payload["data"][0]
    start = int(datetime.fromisoformat(EMPTY_DAY).replace(tzinfo=UTC).timestamp())
    bucket["start_time"], bucket["end_time"] = start, start + 86400
    payload["data"] = [bucket]  # token usage only: the OpenAI Usage API carries no cost
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / f"completions_usage_{EMPTY_DAY}_{EMPTY_DAY}.json").write_text(json.dumps(payload))
    ingest_folder(CONNECTORS["openai_usage"], folder, paths)

    target = tmp_path / "target"
    _dbt(paths, target, release_info(), "run", "--select", "+fct_vendor_costs")
    assert f"usage_date in (cast('{EMPTY_DAY}' as date))" in _compiled(target, "fct_vendor_costs")
    after = _table(paths, "fct_vendor_costs")
    assert "planted" not in after["activity_id"].to_list()
    assert after.equals(costs), "the other days' cost rows are untouched"
    usage = query_frame(
        paths.warehouse, f"select * from int_activity_unioned where usage_date = '{EMPTY_DAY}'"
    )
    assert not usage.is_empty(), "the day itself was rebuilt, with its token rows"


def test_a_day_a_newer_export_emptied_loses_its_rows_in_every_table(pipeline_home, tmp_path):
    """A re-export whose bucket for a day has no results says that day had no usage: landing removes the
    day's partition (its index row stays, with 0 rows). No landed row carries that news, so the changed
    days come from the partition index, and each table clears its changed days before writing."""
    paths = _copy_home(pipeline_home, tmp_path / "home")
    payload = json.loads((BUNDLED_SAMPLES / "openai_usage" / WEEK).read_text())
    emptied = datetime.fromtimestamp(payload["data"][0]["start_time"], UTC).date().isoformat()
    payload["data"][0]["results"] = []
    on_day = pl.col("usage_date").cast(pl.String).eq(emptied) & pl.col("source").eq("openai_usage")
    before = _table(paths, "fct_activity_impacts")
    assert not before.filter(on_day).is_empty()
    folder = tmp_path / "reexport"
    folder.mkdir()
    (folder / WEEK.replace(".json", "_reexport.json")).write_text(json.dumps(payload))
    ingest_folder(CONNECTORS["openai_usage"], folder, paths)

    _dbt(paths, tmp_path / "target", release_info(), "run", "--select", *UPSTREAM)
    for model in ("int_activity_unioned", "fct_activity_impacts"):
        assert _table(paths, model).filter(on_day).is_empty(), model
    after = _table(paths, "fct_activity_impacts")
    assert after.height == before.height - before.filter(on_day).height


SCOPED = {"scope_tests_to_rebuilt_days": True}
# only the tests whose every input is built here (not the marts' cross-checks)
CAUTIOUS = ("--indirect-selection", "cautious")


def _compiled_test(target: Path, name_prefix: str) -> str:
    (path,) = [
        p
        for p in (target / "compiled" / "emissions_warehouse").rglob("*.sql")
        if p.name.startswith(name_prefix)
    ]
    return path.read_text()


def test_a_scoped_build_tests_the_rewritten_days_and_still_finds_a_key_another_day_holds(relanded, tmp_path):
    """With `scope_tests_to_rebuilt_days` (set by the Dagster dbt step) the incremental tables' tests read
    the re-landed days only; `unique_incremental` still counts every row holding a key of those days. A
    key planted on an unchanged day, equal to a key of a re-landed day, fails the build: a uniqueness
    test of the rewritten days alone would pass."""
    paths, _, days, _, _ = relanded  # the tests read the days with rows written
    release = release_info()
    clean = tmp_path / "clean"
    shutil.copytree(paths.home, clean)
    target = tmp_path / "target-scoped"
    # int_activity_allocated: the view the facts' relationships test reads (cautious selection needs it)
    selected = ("+fct_activity_impacts", "int_activity_allocated")
    _dbt(Paths(clean), target, release | SCOPED, "build", "--select", *selected, *CAUTIOUS)
    predicate = ", ".join(f"cast('{d}' as date)" for d in sorted(days))
    assert f"usage_date in ({predicate})" in _compiled_test(target, "row_rules_fct_activity_impacts")
    assert f"usage_date in ({predicate})" in _compiled_test(target, "unique_incremental_int_activity_unioned")
    # every fact row has its allocation on its own day: both sides read for the rewritten days only
    same_day = _compiled_test(target, "relationships_same_day_fct_act")
    assert same_day.count(f"usage_date in ({predicate})") == 2
    by_hand = tmp_path / "target-by-hand"
    _dbt(Paths(clean), by_hand, release, "build", "--select", "int_activity_unioned", *CAUTIOUS)
    assert "usage_date in" not in _compiled_test(by_hand, "row_rules_int_activity_unioned")
    # an activity whose allocation moved to another day fails the unscoped test
    _execute(
        Paths(clean),
        "update int_activity_unioned set usage_date = usage_date - 1 "
        "where activity_id = (select min(activity_id) from fct_activity_impacts)",
    )
    with pytest.raises(DbtError, match="relationships_same_day_fct_activity_impacts"):
        moved = tmp_path / "target-moved"
        _dbt(Paths(clean), moved, release, "test", "--select", "test_name:relationships_same_day")

    taken = query_frame(
        paths.warehouse,
        f"select activity_id from int_activity_unioned where usage_date = date '{min(days)}' limit 1",
    ).item()
    _execute(
        paths,
        f"update int_activity_unioned set activity_id = '{taken}' where activity_id = "
        f"(select min(activity_id) from int_activity_unioned where usage_date < date '{min(days)}')",
    )
    with pytest.raises(DbtError, match="unique_incremental_int_activity_unioned_activity_id"):
        _dbt(
            paths,
            tmp_path / "target-collision",
            release | SCOPED,
            "build",
            "--select",
            "+int_activity_unioned",
            *CAUTIOUS,
        )


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


# the marts incremental by period (macros/incremental_periods.sql), by their period key
PERIOD_MARTS = {
    "mart_quarterly_emissions": "quarter",
    "mart_quarterly_business_units": "quarter",
    "mart_unallocated": "quarter",
    "mart_quarterly_equivalents": "quarter",
    "mart_intensity_metrics": "quarter",
    "mart_model_efficiency": "quarter",
    "mart_savings_opportunities": "quarter",
    "mart_esrs_e1_6_scope3_cat1": "fiscal_year",  # fiscal_year_start_month 1: the calendar year
}
WATERMARK = "landed_through"


def _mart(paths: Paths, model: str) -> pl.DataFrame:
    """A mart's rows in a stable order (by every column that is not a float), its watermark included."""
    frame = query_frame(paths.warehouse, f"select * from {model}")
    keys = [c for c, t in frame.schema.items() if not t.is_float()]
    return frame.sort(keys, nulls_last=True)


def test_period_marts_retotal_the_changed_period_and_equal_a_full_build(relanded, tmp_path):
    """A nightly re-totals the quarter (the fiscal year) of the re-landed week only: its rows get the new
    watermark, the other periods' rows stay as they were, and every mart then equals a full rebuild's,
    figure for figure (sums may differ in the last bits with the order DuckDB adds them in)."""
    from polars.testing import assert_frame_equal

    paths, days, _, _, _ = relanded
    first = min(days)
    quarter_start = f"{first[:4]}-{(int(first[5:7]) - 1) // 3 * 3 + 1:02d}-01"
    changed = {"quarter": f"{first[:4]}Q{(int(first[5:7]) - 1) // 3 + 1}", "fiscal_year": int(first[:4])}
    starts = {"quarter": quarter_start, "fiscal_year": f"{first[:4]}-01-01"}
    assert max(days) < f"{first[:4]}-{int(quarter_start[5:7]) + 3:02d}-01", "one quarter"
    marts = tuple(PERIOD_MARTS)
    before = {m: _mart(paths, m) for m in marts}
    release = release_info()
    full_paths = _copy_home(paths.home, tmp_path / "full")

    incremental = tmp_path / "target-incremental"
    _dbt(paths, incremental, release, "run", "--select", *UPSTREAM, *marts)
    full = ("run", "--full-refresh", "--select", *UPSTREAM, *marts)
    _dbt(full_paths, tmp_path / "target-full", release, *full)
    for model, period in PERIOD_MARTS.items():
        assert f"usage_date >= cast('{starts[period]}' as date)" in _compiled(incremental, model), model
        after, rebuilt = _mart(paths, model), _mart(full_paths, model)
        assert_frame_equal(after.drop(WATERMARK), rebuilt.drop(WATERMARK), check_exact=False, rel_tol=1e-9)
        in_period = pl.col(period) == changed[period]
        assert after.filter(in_period.not_()).equals(before[model].filter(in_period.not_())), model
        old_mark = before[model][WATERMARK].max()
        assert after.filter(in_period)[WATERMARK].min() > old_mark, f"{model}: {changed[period]} re-totalled"


def test_a_quarter_a_newer_export_emptied_loses_its_mart_rows_and_a_new_release_retotals_all(
    pipeline_home, tmp_path
):
    """A row of a quarter whose only landed day a newer export emptied (planted: an earlier export of that
    day would have left it) is deleted: no new row would replace it. A new factor release re-totals every
    quarter."""
    paths = _copy_home(pipeline_home, tmp_path / "home")
    mart = "mart_quarterly_emissions"
    before = _mart(paths, mart)
    stale = f"{EMPTY_DAY[:4]}Q1"
    assert before.filter(pl.col("quarter") == stale).is_empty()
    _execute(paths, f"insert into {mart} select * replace ('{stale}' as quarter) from {mart} limit 1")
    payload = json.loads((BUNDLED_SAMPLES / "openai_usage" / WEEK).read_text())
    bucket = payload["data"][0]
    start = int(datetime.fromisoformat(EMPTY_DAY).replace(tzinfo=UTC).timestamp())
    bucket["start_time"], bucket["end_time"], bucket["results"] = start, start + 86400, []
    payload["data"] = [bucket]  # the day, with no usage
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / f"completions_usage_{EMPTY_DAY}_{EMPTY_DAY}.json").write_text(json.dumps(payload))
    ingest_folder(CONNECTORS["openai_usage"], folder, paths)

    target = tmp_path / "target"
    _dbt(paths, target, release_info(), "run", "--select", mart)
    assert f"usage_date >= cast('{EMPTY_DAY[:5]}01-01' as date)" in _compiled(target, mart)
    after = _mart(paths, mart)
    assert after.filter(pl.col("quarter") == stale).is_empty(), "the emptied quarter's row is gone"
    assert after.equals(before), "the other quarters are untouched"

    new_release = release_info() | {"factor_release_sha256": "0" * 64}
    _dbt(paths, target, new_release, "run", "--select", mart)
    assert "usage_date >=" not in _compiled(target, mart)
    assert _mart(paths, mart)["factor_release_sha256"].unique().to_list() == ["0" * 64]


def test_a_full_refresh_keeps_the_build_log(pipeline_home, tmp_path):
    """meta_build_log is the history of builds: a full refresh (a changed dbt project asks for one by
    itself) rebuilds the tables, and adds its row to the log."""
    paths = _copy_home(pipeline_home, tmp_path / "home")
    builds = query_frame(paths.warehouse, "select * from meta_build_log")
    assert builds.height >= 1
    _dbt(
        paths,
        tmp_path / "target",
        release_info(),
        "run",
        "--full-refresh",
        "--select",
        *UPSTREAM,
        "meta_build_log",
    )
    after = query_frame(paths.warehouse, "select * from meta_build_log")
    assert after.height == builds.height + 1
    assert builds.join(after, on=list(builds.columns), how="anti").is_empty(), "every earlier build is kept"
