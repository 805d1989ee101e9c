"""``ewh export --format focus`` on the warehouse the bundled samples build: a FOCUS 1.3 dataset whose
rows are the quarter's activity rows and whose x_ figures add up to the warehouse's, within the spec's
rules."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from connectors.core.config import Paths
from connectors.focus import spec
from ewh.cli import main
from ewh.export_focus import FOCUS_VERSION
from tests.support.warehouse import query_frame

QUARTER = "2026Q3"


@pytest.fixture(scope="module")
def exported(pipeline_home: Path, tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    out = tmp_path_factory.mktemp("focus") / "q3-focus.csv"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EWH_HOME", str(pipeline_home))
        assert main(["export", "--quarter", QUARTER, "--format", "focus", "--out", str(out)]) == 0
    return pl.read_csv(out, infer_schema=False)


def _warehouse(home: Path, sql: str) -> pl.DataFrame:
    return query_frame(Paths(home).warehouse, sql)


def test_the_export_meets_the_spec_column_rules(exported):
    assert spec.violations(exported, FOCUS_VERSION) == []


def test_one_focus_row_per_activity_row_and_the_figures_add_up(exported, pipeline_home):
    facts = _warehouse(
        pipeline_home,
        f"select count(*) as n, sum(co2e_location_kg) as co2e, sum(energy_kwh) as kwh, sum(water_l) as water "
        f"from fct_activity_impacts where quarter = '{QUARTER}'",
    ).row(0, named=True)
    figures = exported.select(
        pl.len().alias("n"),
        pl.col("x_Co2eLocationKg").cast(pl.Float64).sum().alias("co2e"),
        pl.col("x_EnergyKwh").cast(pl.Float64).sum().alias("kwh"),
        pl.col("x_WaterL").cast(pl.Float64).sum().alias("water"),
    ).row(0, named=True)
    assert figures["n"] == facts["n"]
    for name in ("co2e", "kwh", "water"):
        assert figures[name] == pytest.approx(facts[name], rel=1e-9)
    release = _warehouse(pipeline_home, "select factor_release from meta_factor_release")["factor_release"][0]
    assert set(exported["x_FactorRelease"]) == {release}


def test_the_bundled_focus_samples_reach_the_warehouse(pipeline_home):
    rows = _warehouse(
        pipeline_home,
        "select vendor, activity_type, quantity from fct_activity_impacts where source = 'focus' "
        "and activity_type <> 'spend' order by all",
    )
    # by hand from data/samples/focus (corpus/focus/*/expected.csv): 5 AWS and 5 Azure token rows
    assert rows.group_by("vendor").len().sort("vendor").rows() == [("aws", 5), ("azure", 5)]
