"""The quarterly footprint as ``ewh summary`` and ``ewh run`` print it: the figures per quarter, channel
(API usage or AI assistant seats), vendor and model (each quarter marked open, closed, or closed and
restated), the primary-data share and the coverage per source, all read from the marts."""

from __future__ import annotations

import polars as pl

from connectors.core.config import Paths
from ewh.output import print_table
from ewh.trust.common import quarter_status
from warehouse.connection import reading, table_exists

SUMMARY_SQL = """
select
    quarter,
    channel,
    vendor,
    model,
    round(sum(energy_kwh), 4) as energy_kwh,
    round(sum(co2e_location_kg), 4) as kgco2e_location,
    round(sum(water_l), 3) as water_l,
    sum(activity_rows) as activity_rows
from mart_quarterly_emissions
where ($quarter is null or quarter = $quarter)
group by quarter, channel, vendor, model
order by quarter, channel, vendor, model
"""

DATA_QUALITY_SQL = """
select quarter, round(100 * primary_data_share, 1) as primary_data_pct,
       round(100 * fallback_share, 1) as fallback_pct
from mart_quarterly_data_quality where ($quarter is null or quarter = $quarter) order by quarter
"""

COVERAGE_SQL = """
select quarter, source, first_usage_date, last_usage_date, days_with_data, days_missing,
       case when quarter_complete then 'complete'
            else 'in progress (to ' || cast(covered_until as varchar) || ')' end as quarter_status
from mart_source_coverage where ($quarter is null or quarter = $quarter) order by quarter, source
"""


def summary_frame(paths: Paths, quarter: str | None) -> pl.DataFrame:
    """The quarterly footprint, each row marked open, closed, or closed and restated."""
    with reading(paths.warehouse) as con:
        frame = con.sql(SUMMARY_SQL, params={"quarter": quarter}).pl()
        status = quarter_status(con)  # closed / restated markers (ewh/trust/common.py)
    return frame.with_columns(
        pl.col("quarter").replace_strict(status, default="open", return_dtype=pl.String).alias("status")
    )


def print_summary(paths: Paths, quarter: str | None, frame: pl.DataFrame | None = None) -> None:
    """Print the footprint (``frame`` if already read), then the data-quality figure and the coverage."""
    print_table(summary_frame(paths, quarter) if frame is None else frame)
    _print_data_quality(paths, quarter)
    _print_coverage(paths, quarter)


def _read_mart(paths: Paths, table: str, sql: str, quarter: str | None) -> pl.DataFrame | None:
    """A quarter's rows of a mart, or None (said on screen) for a warehouse built before the mart existed."""
    with reading(paths.warehouse) as con:
        if not table_exists(con, table):
            print(f"\n({table} is not built yet: run `ewh run` to add it)")
            return None
        return con.sql(sql, params={"quarter": quarter}).pl()


def _print_data_quality(paths: Paths, quarter: str | None) -> None:
    """The one data-quality figure (mart_quarterly_data_quality), named as in the report and the docs."""
    frame = _read_mart(paths, "mart_quarterly_data_quality", DATA_QUALITY_SQL, quarter)
    if frame is not None:
        print(
            "\nPrimary-data share (kgCO2e computed from the vendors' activity data with a method of its own; "
            "the rest rests on fallbacks):"
        )
        print_table(frame)


def _print_coverage(paths: Paths, quarter: str | None) -> None:
    """Which days each source's figures rest on (mart_source_coverage): gaps and late sources show here."""
    frame = _read_mart(paths, "mart_source_coverage", COVERAGE_SQL, quarter)
    if frame is not None:
        gaps = frame.filter(pl.col("days_missing") > 0).height
        print(
            f"\nCoverage per source ({gaps} of {frame.height} with days missing; "
            "a day without usage counts too):"
        )
        print_table(frame)
