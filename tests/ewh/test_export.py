"""``ewh export``: every format holds exactly the warehouse's rows for the quarter, plus provenance."""

from __future__ import annotations

import math
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import openpyxl
import polars as pl
import pytest
import yaml
from polars.testing import assert_frame_equal

from connectors.core.config import Paths
from ewh.cli import main
from ewh.export import export_quarter
from orchestration.lib.dbt_project import DBT_PROJECT_DIR
from tests.support.warehouse import query_frame

QUARTER = "2026Q3"
QUARTER_TABLES = [
    "mart_quarterly_business_units",
    "mart_quarterly_emissions",
    "mart_quarterly_data_quality",
    "mart_source_coverage",
    "mart_quarterly_ad_emissions",
    "mart_intensity_metrics",
    "mart_quarterly_equivalents",
    "mart_savings_opportunities",
    "mart_model_efficiency",
    "mart_unallocated",
]
EXPECTED_TABLES = [*QUARTER_TABLES, "mart_esrs_e1_6_scope3_cat1", "mart_vendor_transparency"]


def _sql(home: Path, sql: str) -> pl.DataFrame:
    return query_frame(Paths(home).warehouse, sql)


def _fiscal_years_of(quarter: str) -> set[int]:
    """The fiscal years a calendar quarter's months fall in, from dbt_project.yml's start month."""
    start = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["vars"][
        "fiscal_year_start_month"
    ]
    year, q = int(quarter[:4]), int(quarter[5])
    return {year + (1 if start > 1 and month >= start else 0) for month in range(3 * q - 2, 3 * q + 1)}


def _counts_as_int(frame: pl.DataFrame) -> pl.DataFrame:
    """Summed counts come out of DuckDB as HUGEINT (Decimal(38, 0)); the export writes them as Int64."""
    return frame.with_columns(
        pl.col(n).cast(pl.Int64)
        for n, t in frame.schema.items()
        if isinstance(t, pl.Decimal) and t.scale == 0
    )


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns, nulls_last=True)


@pytest.fixture(scope="module")
def expected(pipeline_home: Path) -> dict[str, pl.DataFrame]:
    """The tables as the warehouse holds them, selected here without the export's code."""
    years = ", ".join(map(str, sorted(_fiscal_years_of(QUARTER))))
    frames = {
        t: _sql(pipeline_home, f"select * from {t} where quarter = '{QUARTER}'") for t in QUARTER_TABLES
    }
    frames["mart_esrs_e1_6_scope3_cat1"] = _sql(
        pipeline_home, f"select * from mart_esrs_e1_6_scope3_cat1 where fiscal_year in ({years})"
    )
    frames["mart_vendor_transparency"] = _sql(pipeline_home, "select * from mart_vendor_transparency")
    return {name: _sorted(_counts_as_int(frame)) for name, frame in frames.items()}


@pytest.fixture(scope="module")
def exported(pipeline_home: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("export")
    outs = {"csv": root / "csv", "parquet": root / "parquet", "xlsx": root / "finance.xlsx"}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EWH_HOME", str(pipeline_home))
        mp.delenv("EWH_WAREHOUSE_PATH", raising=False)
        for fmt, out in outs.items():
            assert main(["export", "--quarter", QUARTER.lower(), "--format", fmt, "--out", str(out)]) == 0
    return outs


def _xlsx_sheets(path: Path) -> dict[str, list[tuple]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}
    finally:
        workbook.close()


def _as_written_to_xlsx(value):
    """xlsxwriter stores a number as ``%.16G`` text (16 significant digits); dates as Excel datetimes;
    a time with a time zone as its UTC wall-clock time, to the millisecond (an Excel time is a fraction of
    a day)."""
    if isinstance(value, float):
        return float(f"{value:.16G}")
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
        return value.replace(microsecond=0) + timedelta(milliseconds=round(value.microsecond / 1000))
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_file_per_table_equals_the_marts_exactly(fmt, exported, expected):
    folder = exported[fmt]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{t}.{fmt}" for t in [*EXPECTED_TABLES, "provenance"]
    )
    for table, want in expected.items():
        path = folder / f"{table}.{fmt}"
        got = pl.read_parquet(path) if fmt == "parquet" else pl.read_csv(path, schema=want.schema)
        assert got.height > 0, table
        assert_frame_equal(_sorted(got), want, check_exact=True)


@pytest.mark.slow
def test_workbook_has_a_sheet_per_table_with_the_marts_values(exported, expected):
    sheets = _xlsx_sheets(exported["xlsx"])
    assert list(sheets) == [*EXPECTED_TABLES, "provenance", "columns"]
    for table, want in expected.items():
        header, *rows = sheets[table]
        assert list(header) == want.columns
        got = _sorted(pl.DataFrame(rows, schema=header, orient="row", infer_schema_length=None))
        assert got.height == want.height, table
        for got_row, want_row in zip(got.iter_rows(), want.iter_rows(), strict=True):
            assert list(got_row) == [_as_written_to_xlsx(v) for v in want_row], table


def _provenance(fmt: str, path: Path) -> pl.DataFrame:
    if fmt == "csv":
        return pl.read_csv(path / "provenance.csv")
    if fmt == "parquet":
        return pl.read_parquet(path / "provenance.parquet")
    header, *rows = _xlsx_sheets(path)["provenance"]
    return pl.DataFrame(rows, schema=header, orient="row")


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_provenance_names_the_factor_release_and_counts_rows(fmt, exported, expected, pipeline_home):
    prov = _provenance(fmt, exported[fmt])
    release = _sql(pipeline_home, "select * from meta_factor_release").row(0, named=True)
    assert prov.get_column("table_name").to_list() == EXPECTED_TABLES
    assert dict(prov.select("table_name", "row_count").iter_rows()) == {
        t: f.height for t, f in expected.items()
    }
    assert set(prov.get_column("factor_release")) == {release["factor_release"]}
    assert set(prov.get_column("factor_release_sha256")) == {release["factor_release_sha256"]}
    assert len(release["factor_release_sha256"]) == 64
    assert set(prov.get_column("ecologits_version")) == {release["ecologits_version"]}
    assert set(prov.get_column("quarter")) == {QUARTER}
    assert set(prov.get_column("warehouse_path")) == {str(Paths(pipeline_home).warehouse)}
    (exported_at,) = set(prov.get_column("exported_at_utc"))
    age = datetime.now(UTC) - datetime.strptime(exported_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert timedelta(0) <= age < timedelta(hours=1)
    scopes = dict(prov.select("table_name", "scope").iter_rows())
    assert scopes["mart_quarterly_emissions"] == f"quarter = {QUARTER}"
    assert scopes["mart_unallocated"] == f"quarter = {QUARTER}"


@pytest.mark.slow
def test_equivalents_in_the_export_are_figure_over_factor(exported):
    eq = pl.read_parquet(exported["parquet"] / "mart_quarterly_equivalents.parquet")
    for row in eq.iter_rows(named=True):
        assert row["equivalent_count"] == row["figure"] / row["factor_value"]
        assert math.isfinite(row["equivalent_count"])


@pytest.mark.slow
def test_export_into_an_existing_folder_replaces_its_tables_and_keeps_other_files(pipeline_home, tmp_path):
    out = tmp_path / "existing"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "mart_unallocated.csv").write_text("stale")
    export_quarter(Paths(pipeline_home), QUARTER, "csv", out)
    assert (out / "notes.txt").read_text() == "mine"
    assert (out / "mart_unallocated.csv").read_text() != "stale"
    assert [p.name for p in tmp_path.iterdir()] == ["existing"]  # no temporary folder left behind


@pytest.mark.slow
def test_a_quarter_without_data_lists_the_quarters_available(pipeline_home, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("EWH_HOME", str(pipeline_home))
    monkeypatch.delenv("EWH_WAREHOUSE_PATH", raising=False)
    quarters = sorted(_sql(pipeline_home, "select distinct quarter from mart_quarterly_emissions")["quarter"])
    assert main(["export", "--quarter", "2019Q1", "--format", "csv", "--out", str(tmp_path / "x")]) == 1
    err = capsys.readouterr().err
    assert "no rows for quarter 2019Q1" in err and f"quarters available: {', '.join(quarters)}" in err
    assert not (tmp_path / "x").exists()


def test_a_badly_formed_quarter_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("EWH_HOME", str(tmp_path))
    assert main(["export", "--quarter", "2026-07", "--format", "csv", "--out", str(tmp_path / "x")]) == 2
    assert "quarter must look like 2026Q3, not '2026-07'" in capsys.readouterr().err


def test_a_missing_warehouse_is_named(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("EWH_HOME", str(tmp_path / "empty"))
    monkeypatch.delenv("EWH_WAREHOUSE_PATH", raising=False)
    assert main(["export", "--quarter", QUARTER, "--format", "xlsx", "--out", str(tmp_path / "q.xlsx")]) == 2
    err = capsys.readouterr().err
    assert f"no warehouse at {tmp_path / 'empty' / 'warehouse.duckdb'}" in err and "ewh run" in err
    assert not (tmp_path / "q.xlsx").exists()
    assert os.listdir(tmp_path) == []


@pytest.mark.slow
def test_workbook_cells_are_typed_numbers_with_formats_and_columns_are_described(exported):
    """Finance opens the workbook as it is: numbers as numbers, years without a separator, shares as %."""
    workbook = openpyxl.load_workbook(exported["xlsx"])
    try:

        def cell(sheet: str, column: str):
            ws = workbook[sheet]
            header = [c.value for c in ws[1]]
            return ws.cell(row=2, column=header.index(column) + 1)

        figure = cell("mart_quarterly_emissions", "co2e_location_kg")
        assert figure.data_type == "n" and isinstance(figure.value, float)
        assert figure.number_format == "#,##0.000###"
        year = cell("mart_esrs_e1_6_scope3_cat1", "fiscal_year")
        assert year.data_type == "n" and year.number_format == "0" and 2000 < year.value < 2100
        share = cell("mart_quarterly_data_quality", "primary_data_share")
        assert share.number_format == "0.0%" and 0 < share.value < 1
        count = cell("mart_quarterly_emissions", "activity_rows")
        assert count.data_type == "n" and count.number_format == "#,##0"
        day = cell("mart_source_coverage", "first_usage_date")
        assert day.is_date and day.number_format == "yyyy-mm-dd"
        assert workbook["mart_quarterly_emissions"].freeze_panes == "A2"

        described = {(r[0], r[1]): r[2] for r in workbook["columns"].iter_rows(min_row=2, values_only=True)}
        assert "Location-based" in described[("mart_quarterly_emissions", "co2e_location_kg")] or (
            "location" in described[("mart_quarterly_emissions", "co2e_location_kg")].lower()
        )
        assert described[("mart_quarterly_data_quality", "primary_data_share")]
        assert described[("provenance", "factor_release_sha256")]
    finally:
        workbook.close()
