"""Blocking data-quality checks on each source's landed partitions (GX suite + exact Parquet schema)."""

from pathlib import Path

import dagster as dg
import polars as pl

from connectors.registry import CONNECTORS
from connectors.schema import ACTIVITY_SCHEMA
from orchestration.assets.ingest import landing_key
from orchestration.lib.gx_suites import Validation, validate_activity
from orchestration.resources import WarehouseResource


def landed_partitions(activity_dir: Path, source: str) -> list[Path]:
    return sorted((activity_dir / f"source={source}").glob("dataset=*/usage_date=*/part-0.parquet"))


def validate_partition(path: Path) -> Validation:
    """Schema first (names and dtypes must equal the canonical schema), then the GX suite."""
    day = path.parent.name.removeprefix("usage_date=")
    batch = f"{path.parent.parent.name}/{path.parent.name}"
    schema = pl.read_parquet_schema(path)
    if schema != dict(ACTIVITY_SCHEMA):
        diff = sorted(
            {
                f"{n}: {schema.get(n)} != {ACTIVITY_SCHEMA.get(n)}"
                for n in set(schema) | set(ACTIVITY_SCHEMA)
                if schema.get(n) != ACTIVITY_SCHEMA.get(n)
            }
        )
        return Validation(
            batch=batch,
            success=False,
            rows=0,
            failures=[
                {
                    "expectation": "canonical_schema",
                    "column": None,
                    "success": False,
                    "unexpected_count": len(diff),
                    "sample": diff[:5],
                }
            ],
        )
    return validate_activity(pl.read_parquet(path).to_pandas(), batch, day)


def build_landing_check(source: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=landing_key(source),
        name="gx_canonical_activity",
        description="Every landed partition has the canonical schema and dtypes, unique activity ids, "
        "non-negative quantities, known activity types, units and vendors, and dates inside the partition.",
        blocking=True,
    )
    def check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        results = [validate_partition(p) for p in landed_partitions(warehouse.paths.activity, source)]
        failed = [r for r in results if not r.success]
        return dg.AssetCheckResult(
            passed=not failed,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "partitions_checked": len(results),
                "rows_checked": sum(r.rows for r in results),
                "partitions_failed": len(failed),
                "failures": dg.MetadataValue.json(
                    [{"partition": r.batch, "failures": r.failures} for r in failed[:20]]
                ),
            },
        )

    return check


LANDING_CHECKS = [build_landing_check(source) for source in CONNECTORS]
