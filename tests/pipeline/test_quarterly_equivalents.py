"""mart_quarterly_equivalents recomputed by hand from the mart figures and the seed CSV."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from connectors.core.config import Paths
from ewh.estimate import equivalents_of, figure_equivalents
from factors.release import seed_path

pytestmark = pytest.mark.slow

SEED = seed_path("factor_equivalents")
FIGURE_UNITS = {"energy_kwh": "kWh", "co2e_location_kg": "kgCO2e", "water_l": "L"}
# written here from docs/outputs.md (mart_quarterly_equivalents): an equivalent compares energy with energy,
# carbon with location-based carbon, water with water; the kind is the second part of its factor_id
MEASURE_OF_KIND = {"energy": "energy_kwh", "carbon": "co2e_location_kg", "water": "water_l"}


def _rows(home: Path, sql: str) -> list[dict]:
    con = duckdb.connect(str(Paths(home).warehouse), read_only=True)
    try:
        return con.sql(sql).pl().to_dicts()
    finally:
        con.close()


def _seed() -> dict[str, dict]:
    with SEED.open(newline="") as f:
        return {row["factor_id"]: row for row in csv.DictReader(f)}


def _quarter_end(quarter: str) -> date:
    year, q = int(quarter[:4]), int(quarter[5])
    return date(year, 3 * q, 31 if q in (1, 4) else 30)


@pytest.fixture(scope="module")
def mart(pipeline_home: Path) -> list[dict]:
    return _rows(pipeline_home, "select * from mart_quarterly_equivalents")


def test_counts_are_figure_over_the_seed_value_exactly(mart):
    seed = _seed()
    assert mart
    for row in mart:
        factor = seed[row["factor_id"]]
        value = float(factor["value"])
        assert row["factor_value"] == value
        for suffix in ("_low", "", "_high"):
            figure = row[f"figure{suffix}"]
            want = None if figure is None else figure / value
            assert row[f"equivalent_count{suffix}"] == want, (row["factor_id"], suffix)
        assert (row["equivalent"], row["factor_unit"], row["factor_basis"]) == (
            factor["equivalent"],
            factor["unit"],
            factor["basis"],
        )
        assert (row["source_url"], row["source_year"], row["licence"], row["note"]) == (
            factor["source_url"],
            int(factor["source_year"]),
            factor["licence"],
            factor["note"],
        )
        assert row["factor_release"] == factor["release"]


def test_one_row_per_group_and_every_equivalent_valid_at_quarter_end(mart, pipeline_home):
    """Measure from the factor_id's kind (written by hand above); validity on the quarter's last day."""
    groups = _rows(
        pipeline_home,
        "select distinct quarter, fiscal_quarter, business_unit from mart_quarterly_business_units",
    )
    assert len(groups) >= 8  # 2 quarters x 4 business units in the samples
    expected = set()
    for g in groups:
        end = _quarter_end(g["quarter"])
        for factor_id, factor in _seed().items():
            measure = MEASURE_OF_KIND.get(factor_id.split(".")[1])
            valid = date.fromisoformat(factor["valid_from"]) <= end <= date.fromisoformat(factor["valid_to"])
            if measure and valid:
                expected.add((g["quarter"], g["fiscal_quarter"], g["business_unit"], factor_id, measure))
    got = [
        (r["quarter"], r["fiscal_quarter"], r["business_unit"], r["factor_id"], r["measure"]) for r in mart
    ]
    assert len(got) == len(set(got))
    assert set(got) == expected
    for row in mart:
        assert row["figure_unit"] == FIGURE_UNITS[row["measure"]]
        assert row["factor_valid_at"] == _quarter_end(row["quarter"])


def test_figures_are_the_business_unit_marts_figures(mart, pipeline_home):
    bu = _rows(
        pipeline_home,
        """
        select quarter, fiscal_quarter, business_unit, sum(activity_rows) as activity_rows,
               sum(energy_kwh_low) as energy_kwh_low, sum(energy_kwh) as energy_kwh,
               sum(energy_kwh_high) as energy_kwh_high, sum(co2e_location_kg_low) as co2e_location_kg_low,
               sum(co2e_location_kg) as co2e_location_kg, sum(co2e_location_kg_high) as co2e_location_kg_high,
               sum(water_l) as water_l
        from mart_quarterly_business_units group by all""",
    )
    by_key = {(b["quarter"], b["fiscal_quarter"], b["business_unit"]): b for b in bu}
    for row in mart:
        b = by_key[(row["quarter"], row["fiscal_quarter"], row["business_unit"])]
        assert row["activity_rows"] == b["activity_rows"]
        measure = row["measure"]
        assert row["figure"] == pytest.approx(b[measure], rel=1e-12)
        if measure != "water_l":  # the BU mart carries no water bounds
            assert row["figure_low"] == pytest.approx(b[f"{measure}_low"], rel=1e-12)
            assert row["figure_high"] == pytest.approx(b[f"{measure}_high"], rel=1e-12)
    # water bounds: the quarter's totals over business units equal the row-level facts
    facts = _rows(
        pipeline_home,
        "select quarter, sum(water_l_low) as lo, sum(water_l_high) as hi"
        " from fct_activity_impacts group by quarter",
    )
    for f in facts:
        water = [r for r in mart if r["quarter"] == f["quarter"] and r["measure"] == "water_l"]
        assert sum(r["figure_low"] for r in water) == pytest.approx(f["lo"], rel=1e-12)
        assert sum(r["figure_high"] for r in water) == pytest.approx(f["hi"], rel=1e-12)


def test_the_estimator_gives_the_same_equivalents_for_the_same_figures(mart, pipeline_home, tmp_path):
    """`ewh estimate`'s equivalents (the same macro, through its compiled analysis), fed one group's
    figures, return the mart's counts exactly."""
    key = ("2026Q3", "Marketing")
    rows = [r for r in mart if (r["quarter"], r["business_unit"]) == key]
    figures = {"project": "Marketing", "usage_date": _quarter_end("2026Q3")}
    for r in rows:
        figures |= {f"{r['measure']}_low": r["figure_low"], r["measure"]: r["figure"]}
        figures[f"{r['measure']}_high"] = r["figure_high"]
    frame = figure_equivalents(pl.DataFrame([figures]), workdir=tmp_path, home=pipeline_home)
    estimated = equivalents_of(frame, "Marketing")
    assert {e["factor_id"]: (e["count_low"], e["count"], e["count_high"]) for e in estimated} == {
        r["factor_id"]: (r["equivalent_count_low"], r["equivalent_count"], r["equivalent_count_high"])
        for r in rows
    }
    car = next(r for r in rows if r["factor_id"] == "equivalent.carbon.car_km.epa_us_passenger_vehicle_2024")
    assert car["figure"] > 0 and car["equivalent_count"] == car["figure"] / 0.2442
    car_estimated = next(e for e in estimated if e["factor_id"] == car["factor_id"])
    assert car_estimated["count"] == car["figure"] / 0.2442  # by hand from the seed's 0.2442 kg per km
