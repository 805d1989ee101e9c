"""Coverage per source beside every figure (issue #17, "Coverage"): right on the samples, right for a planted
gap, and shown by `ewh summary`, the report and the exports."""

from __future__ import annotations

import shutil
from datetime import date

import duckdb
import polars as pl
import pytest

from connectors.core.config import BUNDLED_SAMPLES
from ewh.cli import main
from ewh.report.data import load

pytestmark = pytest.mark.slow

SOURCE = "anthropic_console"  # console CSVs for 2026-09-24 .. 2026-10-05, one row per model, key and day
GAP = "2026-09-26"
Q3_DAYS = 31 + 31 + 30


def _coverage(home) -> pl.DataFrame:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return con.sql("select * from mart_source_coverage order by quarter, source").pl()
    finally:
        con.close()


def _row(frame: pl.DataFrame, quarter: str, source: str) -> dict:
    return frame.filter(quarter=quarter, source=source).row(0, named=True)


def test_coverage_of_the_samples_by_hand(pipeline_home):
    frame = _coverage(pipeline_home)
    q3 = _row(frame, "2026Q3", SOURCE)
    assert (q3["first_usage_date"], q3["last_usage_date"]) == (date(2026, 9, 24), date(2026, 9, 30))
    assert q3["days_with_data"] == 7 and q3["days_missing"] == Q3_DAYS - 7 and q3["quarter_complete"]
    # the console's October days are superseded by the usage API's report of the same days
    assert frame.filter(quarter="2026Q4", source=SOURCE).is_empty()
    q4 = _row(frame, "2026Q4", "anthropic_usage")  # the usage report of 2026-10-01 .. 10-07
    assert (q4["first_usage_date"], q4["last_usage_date"]) == (date(2026, 10, 1), date(2026, 10, 7))
    # the newest day in the warehouse is 2026-10-14 (GCP billing): Q4 is still running, counted to there
    assert not q4["quarter_complete"] and q4["covered_until"] == date(2026, 10, 14)
    assert q4["days_with_data"] == 7 and q4["days_missing"] == 14 - 7


def test_a_planted_gap_shows_in_the_mart_the_summary_and_the_report(
    tmp_path, monkeypatch, capsys, pipeline_home
):
    exports = tmp_path / "exports"
    shutil.copytree(BUNDLED_SAMPLES, exports)
    for path in (exports / SOURCE).glob("*.csv"):
        lines = path.read_text().splitlines(keepends=True)
        kept = [line for line in lines if not line.startswith(GAP)]
        assert len(kept) < len(lines), path.name  # the day was there to remove
        path.write_text("".join(kept))
    home = tmp_path / "home"
    monkeypatch.setenv("EWH_HOME", str(home))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("EWH_WAREHOUSE_PATH", raising=False)
    assert main(["run", "--samples", str(exports)]) == 0
    capsys.readouterr()

    clean, gapped = _coverage(pipeline_home), _coverage(home)
    before, after = _row(clean, "2026Q3", SOURCE), _row(gapped, "2026Q3", SOURCE)
    assert after["days_with_data"] == before["days_with_data"] - 1 == 6
    assert after["days_missing"] == before["days_missing"] + 1
    assert (after["first_usage_date"], after["last_usage_date"]) == (date(2026, 9, 24), date(2026, 9, 30))
    others = pl.col("source") != SOURCE
    assert gapped.filter(others).equals(clean.filter(others))

    assert main(["summary", "--quarter", "2026Q3"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if f"| {SOURCE}" in x)
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[:6] == ["2026Q3", SOURCE, "2026-09-24", "2026-09-30", "6", str(Q3_DAYS - 6)]

    report = load(home / "warehouse.duckdb", "2026Q3")
    shown = {r["source"]: r for r in report.coverage["sources"]}
    assert shown[SOURCE]["days_missing"] == Q3_DAYS - 6 and SOURCE in report.coverage["sources_with_gaps"]


def test_the_default_report_quarter_is_the_last_complete_one(pipeline_home):
    # the samples run into 2026Q4, which is not over in the data: the default is 2026Q3
    assert load(pipeline_home / "warehouse.duckdb", None).quarter == "2026Q3"
