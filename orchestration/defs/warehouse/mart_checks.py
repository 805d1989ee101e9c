"""Data-quality gates on the marts, validated with Great Expectations on frames read from DuckDB.

- ``fallback_share``: per quarter, the share of kgCO2e resting on fallbacks (``mart_quarterly_data_quality``;
  what counts as one is the ``method_tiers`` seed) must stay under ``EWH_MAX_FALLBACK_SHARE`` (default 0.5).
  Severity ERROR.
- ``quarter_over_quarter``: per vendor, a quarter whose kgCO2e is more than ``EWH_MAX_QOQ_RATIO``
  (default 3) times the previous quarter's, or less than its inverse, is flagged. Severity WARN: a
  jump can be real (a new product), but someone should look.
Both are non-blocking: the marts are the end of the graph, and a failing gate is shown, not hidden.
"""

from typing import TYPE_CHECKING

import dagster as dg

from orchestration.defs.resources import SettingsResource, WarehouseResource
from warehouse.connection import reading

if TYPE_CHECKING:
    import pandas as pd

MART = dg.AssetKey(["mart_quarterly_emissions"])
DATA_QUALITY = dg.AssetKey(["mart_quarterly_data_quality"])

FALLBACK_SQL = "select quarter, fallback_share from mart_quarterly_data_quality order by quarter"
QOQ_SQL = """
with q as (
    select vendor, quarter, sum(co2e_location_kg + coalesce(co2e_embodied_kg, 0)) as kgco2e
    from mart_quarterly_emissions group by vendor, quarter
)
select vendor, quarter, kgco2e,
       kgco2e / nullif(lag(kgco2e) over (partition by vendor order by quarter), 0) as ratio_to_previous
from q order by vendor, quarter
"""


def _frame(warehouse: WarehouseResource, sql: str) -> "pd.DataFrame":
    with reading(warehouse.paths.warehouse) as con:
        return con.execute(sql).df()


def _result(name: str, frame: "pd.DataFrame", failures: list[dict], severity) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        check_name=name,
        passed=not failures,
        severity=severity,
        metadata={
            "rows_checked": len(frame),
            "failures": dg.MetadataValue.json(failures),
            "values": dg.MetadataValue.md(frame.to_markdown(index=False) if len(frame) else "none"),
        },
    )


@dg.asset_check(
    asset=DATA_QUALITY,
    name="fallback_share",
    description="Share of kgCO2e resting on fallbacks (method_tiers.is_fallback) per quarter (error)",
)
def fallback_share_check(warehouse: WarehouseResource, settings: SettingsResource) -> dg.AssetCheckResult:
    from warehouse.gx_suites import expectation_results  # GX and pandas: loaded when a check runs

    limit = settings.fallback_limit
    frame = _frame(warehouse, FALLBACK_SQL)
    failures = expectation_results(
        frame,
        lambda e: [e.ExpectColumnValuesToBeBetween(column="fallback_share", min_value=0, max_value=limit)],
    )
    return _result("fallback_share", frame, failures, dg.AssetCheckSeverity.ERROR)


@dg.asset_check(
    asset=MART, name="quarter_over_quarter", description="Quarter-over-quarter jumps per vendor (warn)"
)
def quarter_over_quarter_check(
    warehouse: WarehouseResource, settings: SettingsResource
) -> dg.AssetCheckResult:
    from warehouse.gx_suites import expectation_results

    ratio = settings.qoq_ratio
    frame = _frame(warehouse, QOQ_SQL)
    failures = expectation_results(
        frame.dropna(subset=["ratio_to_previous"]),
        lambda e: [
            e.ExpectColumnValuesToBeBetween(column="ratio_to_previous", min_value=1 / ratio, max_value=ratio)
        ],
    )
    return _result("quarter_over_quarter", frame, failures, dg.AssetCheckSeverity.WARN)


MART_CHECKS = [fallback_share_check, quarter_over_quarter_check]
