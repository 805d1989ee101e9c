"""The benchmark's floor (``FLOOR_SQL`` in ``benchmarks/run.py``) computes the warehouse's figures.

The floor re-implements the methodology in one DuckDB script so the benchmark can time "the same work
without the pipeline". If it drifted from the dbt models the benchmark would time a different
computation. So: a small export set from the benchmark's own generator goes through ``ewh run`` (the
warehouse) and through the floor script, and the two ``fct_activity_impacts`` must hold the same rows'
worth of figures, per vendor and activity type, to floating-point precision.
"""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from ewh.cli import main

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
# one day in each of two quarters: small, and the validity windows of two quarters' factors apply
DAYS = (date(2026, 3, 16), date(2026, 10, 1))
ROWS = 100_000  # sizes a generated day at about 430 canonical rows
FIGURES = [
    f"{m}{s}" for m in ("energy_kwh", "co2e_location_kg", "water_l") for s in ("_low", "", "_high")
] + ["co2e_embodied_kg", "quantity"]


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file executes
    spec.loader.exec_module(module)
    return module


def _totals(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    sums = ", ".join(f"sum({f}) as {f}" for f in FIGURES)
    return con.sql(
        f"select vendor, activity_type, count(*) as rows, {sums} from fct_activity_impacts "
        "group by all order by all"
    ).pl()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[pl.DataFrame, pl.DataFrame]:
    generate = _load("benchmarks_generate", REPO / "benchmarks" / "generate.py")
    bench = _load("benchmarks_run", REPO / "benchmarks" / "run.py")
    root = tmp_path_factory.mktemp("floor")
    exports, home = root / "exports", root / "home"
    for day in DAYS:
        generate.generate(ROWS, exports, seed=5, only_day=day)

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EWH_HOME", str(home))
        mp.delenv("DAGSTER_HOME", raising=False)
        mp.delenv("EWH_WAREHOUSE_PATH", raising=False)
        assert main(["run", "--samples", str(exports)]) == 0
    warehouse = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        ours = _totals(warehouse)
    finally:
        warehouse.close()

    floor = duckdb.connect()
    try:
        floor.execute(bench.floor_script(exports))
        theirs = _totals(floor)
    finally:
        floor.close()
    return ours, theirs


def test_the_floor_reads_the_same_rows(built):
    ours, floor = built
    assert ours.height > 0
    assert (
        floor.select("vendor", "activity_type", "rows").to_dicts()
        == ours.select("vendor", "activity_type", "rows").to_dicts()
    )


@pytest.mark.parametrize("figure", FIGURES)
def test_the_floor_figures_equal_the_warehouse_figures(built, figure):
    ours, floor = built
    key = ["vendor", "activity_type"]
    joined = ours.select(*key, pl.col(figure).alias("ours")).join(
        floor.select(*key, pl.col(figure).alias("floor")), on=key, how="full", coalesce=True
    )
    for row in joined.iter_rows(named=True):
        if row["ours"] is None or row["floor"] is None:
            assert row["ours"] is row["floor"], row
        else:
            assert row["floor"] == pytest.approx(row["ours"], rel=1e-9, abs=1e-15), row
