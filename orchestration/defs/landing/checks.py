"""Checks on the landed data that do not belong to one ingest step: the blocking GX gate on each source's
landed partitions (GX suite + exact Parquet schema) and the freshness of every source's newest day.

Both look at what is landed, not at what a run did, so they run whether or not a source's ingest step
ran: ``ewh run`` leaves out the ingest steps of sources with nothing to do (``orchestration/lib/
pending.py``) and still evaluates them.
"""

import time
from datetime import date

import dagster as dg
import polars as pl

from connectors.core.registry import ACTIVITY_SOURCES, CONNECTORS
from connectors.landing.validated import mark_validated, unvalidated_partitions
from connectors.landing.zone import landed_totals
from orchestration.defs.landing.assets import (
    DATA_FRESHNESS,
    DEFAULT_MAX_DATA_AGE_DAYS,
    data_freshness,
    landing_key,
)
from orchestration.defs.resources import SettingsResource, WarehouseResource
from orchestration.lib.pending import sources_in_use

GX_CHECK = "gx_canonical_activity"


def build_landing_check(source: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=landing_key(source),
        name=GX_CHECK,
        description="Every landed partition has the canonical schema and dtypes, unique activity ids, "
        "non-negative quantities, known activity types, units and vendors, and dates inside the partition.",
        blocking=True,
    )
    def check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        # GX and pandas load when a check runs, not when the definitions are built
        from warehouse.landed_validation import validate_partitions

        # only partitions written since the last passing check (connectors/landing/validated.py)
        started = time.time()
        partitions, every = unvalidated_partitions(warehouse.paths, source)
        result = validate_partitions(partitions, source)
        if result.success:
            mark_validated(warehouse.paths, source, started)
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


@dg.multi_asset_check(
    name="landing_freshness",
    specs=[
        dg.AssetCheckSpec(
            DATA_FRESHNESS,
            asset=landing_key(source),
            description="The newest day with landed rows is at most EWH_MAX_DATA_AGE_DAYS (default "
            f"{DEFAULT_MAX_DATA_AGE_DAYS}) days old: the data, not the last run, is fresh.",
        )
        for source in CONNECTORS
    ],
    can_subset=True,
)
def landing_freshness(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource, settings: SettingsResource
):
    """One step for every source's freshness (a step per source would cost more than the checks).

    A source not in use (never landed, not in EWH_SOURCES: ``sources_in_use``) passes: nothing is
    expected of it. ``ewh run`` does not even select its check."""
    today, paths = date.today(), warehouse.paths
    totals = landed_totals(paths)
    in_use = sources_in_use(paths, settings.sources)
    for key in context.selected_asset_check_keys:
        source = key.asset_key.path[-1]
        own = totals.filter(pl.col("source") == source)
        if source in in_use:
            yield data_freshness(source, own, today, settings.max_data_age_days)
        else:
            yield dg.AssetCheckResult(
                check_name=DATA_FRESHNESS,
                asset_key=key.asset_key,
                passed=True,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={"newest_day": "nothing landed: not in use (not in EWH_SOURCES)"},
            )


def landing_checks() -> list[dg.AssetChecksDefinition]:
    return [*(build_landing_check(source) for source in ACTIVITY_SOURCES), landing_freshness]
