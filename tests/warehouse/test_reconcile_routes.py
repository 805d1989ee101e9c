"""The ``cost_report_routes`` comparison: two sources of one cost report compared day by day, reading the
landed rows of those sources only (the real ``source_report_families`` seed; amounts written by hand)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from factors.release import seed_path
from warehouse.reconcile import cost_report_routes

COLUMNS = "source, dataset, vendor, usage_date, cost_currency, cost_amount, activity_type"


def _families(con: duckdb.DuckDBPyConnection) -> None:
    seed = seed_path("source_report_families")
    con.execute(f"create table source_report_families as select * from read_csv('{seed}')")


def _landed(con: duckdb.DuckDBPyConnection, source: str, rows: list[tuple], folder: Path) -> Path:
    """A staging view of ``source`` reading a Parquet file of ``rows``, like the warehouse's own."""
    frame = pl.DataFrame(
        rows,
        schema=["dataset", "vendor", "usage_date", "cost_currency", "cost_amount", "activity_type"],
        orient="row",
    ).with_columns(pl.lit(source).alias("source"))
    path = folder / f"{source}.parquet"
    frame.write_parquet(path)
    con.execute(f"create view stg_landing__{source} as select {COLUMNS} from read_parquet('{path}')")
    return path


def test_two_routes_of_one_cost_report_are_paired_by_day_and_other_sources_are_never_read(tmp_path: Path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    _families(con)
    day, other_day = date(2026, 7, 1), date(2026, 7, 2)
    _landed(
        con,
        "openai_costs",
        [
            ("costs", "openai", day, "usd", "10.00", "spend"),
            ("costs", "openai", day, "usd", "2.50", "spend"),
            ("costs", "openai", other_day, "usd", "4.00", "spend"),  # no other route that day: no row
        ],
        tmp_path,
    )
    _landed(
        con,
        "openai_dashboard",
        [
            ("costs", "openai", day, "USD", "12.00", "spend"),
            ("costs", "openai", day, "USD", "99.00", "llm_output_tokens"),  # not spend: left out
        ],
        tmp_path,
    )
    # a source no other source duplicates: its view must not be read (its file is gone, reading fails)
    tiktok = [("integrated_report_1", "tiktok", day, "USD", "5.00", "spend")]
    _landed(con, "tiktok_ads", tiktok, tmp_path).unlink()

    routes = cost_report_routes(con)
    con.close()

    assert routes.to_dicts() == [
        {
            "report_family": "openai.costs",
            "vendor": "openai",
            "usage_date": day,
            "currency": "USD",
            "route_a": "openai_costs",
            "route_b": "openai_dashboard",
            "amount_a": 12.5,
            "amount_b": 12.0,
        }
    ]


def test_no_routes_without_a_second_source(tmp_path: Path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    _families(con)
    _landed(con, "openai_costs", [("costs", "openai", date(2026, 7, 1), "USD", "1.00", "spend")], tmp_path)
    assert cost_report_routes(con).is_empty()
    con.close()
