"""Cost reconciliation as a Dagster asset check on ``fct_vendor_costs`` (severity WARN).

The same comparisons as ``ewh reconcile`` (warehouse/reconcile.py): usage priced with the
price list vs the vendor's cost report, two routes of one cost report, and landed vs exported cost. A
day whose amounts differ by more than ``EWH_RECONCILE_TOLERANCE`` (default 0.01, relative) fails the
check. It warns rather than blocks: a difference is a question for finance (a price change, a credit,
a late line), not a reason to withhold the marts.
"""

import dagster as dg
import polars as pl

from orchestration.defs.resources import SettingsResource, WarehouseResource
from orchestration.lib.markdown import frame_md
from warehouse.reconcile import reconcile

COSTS = dg.AssetKey(["fct_vendor_costs"])
SHOWN = 20  # flagged rows listed in the check's metadata (all of them: `ewh reconcile --differences`)


@dg.asset_check(
    asset=COSTS,
    name="cost_reconciliation",
    description="Spend reached by two routes agrees within tolerance per vendor and day (warn)",
)
def cost_reconciliation_check(
    warehouse: WarehouseResource, settings: SettingsResource
) -> dg.AssetCheckResult:
    tolerance = settings.tolerance
    frame = reconcile(warehouse.paths, tolerance=tolerance)
    flagged = frame.filter(pl.col("flagged"))
    by_status = frame.group_by("check", "status").len().sort("check", "status")
    shown = flagged.sort("relative_difference", descending=True).head(SHOWN)
    return dg.AssetCheckResult(
        passed=flagged.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "tolerance": tolerance,
            "rows_compared": frame.height,
            "differences": flagged.height,
            "by_check_and_status": dg.MetadataValue.md(frame_md(by_status)),
            "largest_differences": dg.MetadataValue.md(frame_md(shown) if shown.height else "none"),
        },
    )
