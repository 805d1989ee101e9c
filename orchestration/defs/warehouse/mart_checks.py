"""Data-quality gates on the marts, validated with Great Expectations on frames read from DuckDB.

- ``fallback_share``: per quarter, the share of kgCO2e resting on fallbacks (``mart_quarterly_data_quality``;
  what counts as one is the ``method_tiers`` seed) must stay under ``EWH_MAX_FALLBACK_SHARE`` (default 0.5).
  Severity ERROR.
- ``quarter_over_quarter``: per vendor, a quarter whose kgCO2e is more than ``EWH_MAX_QOQ_RATIO``
  (default 3) times the previous quarter's, or less than its inverse, is flagged. Severity WARN: a
  jump can be real (a new product), but someone should look.
Both are non-blocking: the marts are the end of the graph, and a failing gate is shown, not hidden.
"""

import dagster as dg
import polars as pl

from orchestration.defs.resources import SettingsResource, WarehouseResource
from orchestration.lib.markdown import frame_md
from warehouse.connection import reading

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


def _frame(warehouse: WarehouseResource, sql: str) -> pl.DataFrame:
    with reading(warehouse.paths.warehouse) as con:
        return con.sql(sql).pl()


def _failures(warehouse: WarehouseResource, name: str, frame: pl.DataFrame, expectations) -> list[dict]:
    """The GX suite's failures; an unchanged mart under unchanged limits is not validated twice."""
    from warehouse.gx_suites import expectation_results  # loads GX only when it must validate

    return expectation_results(frame, expectations, memo=warehouse.paths.home / MEMO_DIR / f"{name}.json")


MEMO_DIR = ".check-memo"  # under the home: each mart check's last input fingerprint and result


def _result(name: str, frame: pl.DataFrame, failures: list[dict], severity) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        check_name=name,
        passed=not failures,
        severity=severity,
        metadata={
            "rows_checked": frame.height,
            "failures": dg.MetadataValue.json(failures),
            "values": dg.MetadataValue.md(frame_md(frame) if frame.height else "none"),
        },
    )


@dg.asset_check(
    asset=DATA_QUALITY,
    name="fallback_share",
    description="Share of kgCO2e resting on fallbacks (method_tiers.is_fallback) per quarter (error)",
)
def fallback_share_check(warehouse: WarehouseResource, settings: SettingsResource) -> dg.AssetCheckResult:
    limit = settings.fallback_limit
    frame = _frame(warehouse, FALLBACK_SQL)
    between = {"column": "fallback_share", "min_value": 0, "max_value": limit}
    failures = _failures(warehouse, "fallback_share", frame, [("ExpectColumnValuesToBeBetween", between)])
    return _result("fallback_share", frame, failures, dg.AssetCheckSeverity.ERROR)


@dg.asset_check(
    asset=MART, name="quarter_over_quarter", description="Quarter-over-quarter jumps per vendor (warn)"
)
def quarter_over_quarter_check(
    warehouse: WarehouseResource, settings: SettingsResource
) -> dg.AssetCheckResult:
    ratio = settings.qoq_ratio
    frame = _frame(warehouse, QOQ_SQL)
    between = {"column": "ratio_to_previous", "min_value": 1 / ratio, "max_value": ratio}
    compared = frame.drop_nulls("ratio_to_previous")
    failures = _failures(
        warehouse, "quarter_over_quarter", compared, [("ExpectColumnValuesToBeBetween", between)]
    )
    return _result("quarter_over_quarter", frame, failures, dg.AssetCheckSeverity.WARN)


MART_CHECKS = [fallback_share_check, quarter_over_quarter_check]
