"""Blocking data-quality checks on each source's landed partitions (GX suite + exact Parquet schema)."""

import time

import dagster as dg

from connectors.core.registry import ACTIVITY_SOURCES
from orchestration.defs.landing.assets import landing_key
from orchestration.defs.resources import WarehouseResource


def build_landing_check(source: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=landing_key(source),
        name="gx_canonical_activity",
        description="Every landed partition has the canonical schema and dtypes, unique activity ids, "
        "non-negative quantities, known activity types, units and vendors, and dates inside the partition.",
        blocking=True,
    )
    def check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        # GX and pandas load when a check runs, not when the definitions are built
        from warehouse.landed_validation import landed_partitions, validate_partitions

        # only partitions written since the last passing check: a nightly run validates its new days,
        # not the whole history (a failed check leaves the mark, so its partitions are checked again)
        started = time.time()
        mark = warehouse.paths.landing / ".checked" / f"{source}.mtime"
        since = float(mark.read_text()) if mark.exists() else 0.0
        every = landed_partitions(warehouse.paths.activity, source)
        partitions = [p for p in every if p.stat().st_mtime > since]
        result = validate_partitions(partitions, source)
        if result.success:
            mark.parent.mkdir(parents=True, exist_ok=True)
            mark.write_text(repr(started))
        return dg.AssetCheckResult(
            passed=result.success,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "partitions_checked": len(partitions),
                "partitions_total": len(every),
                "rows_checked": result.rows,
                "failures": dg.MetadataValue.json(result.failures),
            },
        )

    return check


def landing_checks() -> list[dg.AssetChecksDefinition]:
    return [build_landing_check(source) for source in ACTIVITY_SOURCES]
