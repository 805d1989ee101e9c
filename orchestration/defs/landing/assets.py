"""Ingest assets: one per source, landing its exports as canonical activity and quarantine rows.

Built by functions (``ingest_assets()``), never at import: the daily partitions start at
``EWH_START_DATE``, which is read when the definitions are built.
"""

import os
from datetime import date, timedelta
from functools import cache

import dagster as dg
import polars as pl

from connectors.core.base import Connector
from connectors.core.registry import CONNECTORS
from connectors.landing import inbox
from connectors.landing.ingest import Window, ingest_source
from connectors.landing.zone import IngestResult, ingest_file, landed_totals, read_manifest
from orchestration.defs.resources import SettingsResource, WarehouseResource, connector_settings_class
from orchestration.lib.failures import step_errors
from orchestration.lib.markdown import md_table


def landing_key(source: str) -> dg.AssetKey:
    """Equals dagster-dbt's key for the dbt source ``landing.<source>``, which wires the graph."""
    return dg.AssetKey(["landing", source])


def quarantine_key(source: str) -> dg.AssetKey:
    return dg.AssetKey(["quarantine", source])


@cache
def daily_partitions() -> dg.DailyPartitionsDefinition:
    """One partition per UTC usage day, from ``EWH_START_DATE`` (default 2025-01-01): the partitions are
    the shape of the graph, so this one variable is read when the definitions are built, not per run."""
    return dg.DailyPartitionsDefinition(start_date=os.environ.get("EWH_START_DATE", "2025-01-01"))


FILES_READABLE = "files_readable"  # the ERROR check a rejected file fails (`ewh run` exit code 4, not 5)
DATA_FRESHNESS = "data_freshness"
DEFAULT_MAX_DATA_AGE_DAYS = 3  # usage APIs and daily exports lag a day or two


def data_freshness(
    source: str, totals: pl.DataFrame, today: date, max_age: int = DEFAULT_MAX_DATA_AGE_DAYS
) -> dg.AssetCheckResult:
    """WARN when the source's newest landed day is older than ``max_age`` days (EWH_MAX_DATA_AGE_DAYS).

    Evaluated by the ``landing_freshness`` check (checks.py), not by the ingest step: it holds whether
    or not a run ingested the source."""
    newest = totals.get_column("newest_day").max() if totals.height else None
    age = (today - newest).days if newest is not None else None
    return dg.AssetCheckResult(
        check_name=DATA_FRESHNESS,
        asset_key=landing_key(source),
        passed=age is not None and age <= max_age,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "newest_day": str(newest) if newest is not None else "nothing landed",
            "age_days": age if age is not None else -1,
            "max_age_days": max_age,
        },
    )


def _record_landed_days(context: dg.AssetExecutionContext, source: str, new: list[IngestResult]) -> None:
    """One materialisation event per daily partition the run's files landed, besides the run's own
    partition: files carry their own days, and the UI's partition status should show what is landed."""
    partitioned = context.has_partition_key_range or context.has_partition_key
    own = set(context.partition_keys) if partitioned else set()
    days = sorted({d.isoformat() for r in new for d in r.days} - own)
    valid = set(daily_partitions().get_partition_keys()) if days else set()
    for day in (d for d in days if d in valid):
        context.log_event(
            dg.AssetMaterialization(
                asset_key=landing_key(source),
                partition=day,
                description="landed from an export file by this run",
                metadata={"run_partition": ", ".join(sorted(own)) or "none"},
            )
        )


def build_ingest_asset(connector: Connector) -> dg.AssetsDefinition:
    source = connector.source

    @dg.multi_asset(
        name=f"ingest_{source}",
        specs=[
            dg.AssetSpec(
                landing_key(source),
                description=f"{connector.description}, landed as canonical activity Parquet.",
                group_name="landing",
                kinds={"python", "polars", "parquet"},
                metadata={"connector_version": connector.version, "vendor": connector.vendor},
                # no run-time freshness policy: a run that lands nothing new would read "fresh";
                # the data_freshness check looks at the newest landed day instead
            ),
            dg.AssetSpec(
                quarantine_key(source),
                description=f"Rows of {source} exports that failed validation, with field and reason.",
                group_name="landing",
                kinds={"python", "parquet"},
            ),
        ],
        check_specs=[
            dg.AssetCheckSpec(
                FILES_READABLE,
                asset=landing_key(source),
                description="Every export file of this run could be read; a file that could not is "
                "rejected on its own (named, archived, recorded in the manifest) and listed here.",
            ),
            dg.AssetCheckSpec(
                "day_revisions",
                asset=landing_key(source),
                description="No re-export replaced a landed day with much less data (more than "
                "EWH_SHRINK_WARN_SHARE, default 0.25, of its rows): a truncated re-download, say.",
            ),
        ],
        pool="ewh_landing",
        retry_policy=dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL),
        partitions_def=daily_partitions(),
        backfill_policy=dg.BackfillPolicy.single_run(),
    )
    def ingest(
        context: dg.AssetExecutionContext,
        warehouse: WarehouseResource,
        settings: SettingsResource,
        connector_settings: connector_settings_class(),
    ):
        paths = warehouse.paths
        folder = warehouse.source_folder(source)
        if not settings.enabled(source):
            context.log.info(f"{source} is not in EWH_SOURCES: nothing ingested")
            results = []
        elif warehouse.from_inbox:
            with step_errors(), connector_settings.handed_to_connectors():
                results = _ingest_inbox(context, connector, paths)
        else:
            if not folder.is_dir():
                context.log.warning(f"no export folder for {source} at {folder}")
            # files first, then the vendor API when its key is set (same code as `ewh ingest`); the
            # API fetches the run's partition range, widened by the look-back for revised days;
            # errors leave redacted, and configuration/parse errors are not retried (lib/failures.py);
            # the connector reads its credential and knobs from the resource, as plain values
            with step_errors(), connector_settings.handed_to_connectors():
                window = _api_window(context, connector, warehouse, connector_settings.values())
                results = ingest_source(connector, paths, folders=[folder], window=window)
        new = [r for r in results if not r.skipped and not r.rejected]
        rejected = [r for r in results if r.rejected]
        if new:  # one event for all files: each log line is a write to Dagster's event log
            context.log.info(f"{len(new)} file(s) landed:\n" + "\n".join(_landed_line(r) for r in new))
        for r in rejected:
            context.log.error(f"REJECTED {r.error}")
        _record_landed_days(context, source, new)
        manifest = read_manifest(paths).filter((pl.col("source") == source) & (pl.col("status") == "landed"))
        quarantined_total = manifest.select(pl.col("rows_quarantined").sum()).item() or 0
        landed = landed_totals(paths, source).get_column("rows_landed").sum() or 0
        common = {
            "files_seen": len(results),
            "files_new": len(new),
            "files_rejected": len(rejected),
            "exports_dir": str(folder),
        }
        yield dg.MaterializeResult(
            asset_key=landing_key(source),
            metadata=common
            | {
                "rows_landed_this_run": sum(r.rows_landed for r in new),
                "rows_landed_total": int(landed),
                "dagster/row_count": int(landed),
                "files": dg.MetadataValue.md(_files_table(new)) if new else "no new files",
            },
        )
        yield dg.MaterializeResult(
            asset_key=quarantine_key(source),
            metadata=common
            | {
                "rows_quarantined_this_run": sum(r.rows_quarantined for r in new),
                "dagster/row_count": int(quarantined_total),
            },
        )
        yield dg.AssetCheckResult(
            check_name=FILES_READABLE,
            asset_key=landing_key(source),
            passed=not rejected,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "files_rejected": len(rejected),
                "rejected": dg.MetadataValue.md(_rejected_table(rejected)) if rejected else "none",
            },
        )
        share = settings.shrink_share
        shrunk = [(r.original_name, *day) for r in new for day in r.shrunk_days(share)]
        yield dg.AssetCheckResult(
            check_name="day_revisions",
            asset_key=landing_key(source),
            passed=not shrunk,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "days_shrunk": len(shrunk),
                "shrink_warn_share": share,
                "days": dg.MetadataValue.md(_shrunk_table(shrunk)) if shrunk else "none",
            },
        )

    return ingest


def _api_window(
    context: dg.AssetExecutionContext, connector: Connector, warehouse, values: dict[str, str]
) -> Window | None:
    """The partition range of this run (days, end exclusive) plus ``lookback_days`` before it."""
    if connector.fetch is None or not connector.credential_variable:
        return None
    if not values.get(connector.credential_variable, "").strip():
        return None
    window = context.partition_time_window
    first = window.start.date() - timedelta(days=warehouse.lookback_days)
    return Window(first, window.end.date())


def _ingest_inbox(context: dg.AssetExecutionContext, connector: Connector, paths) -> list:
    """Land the source's inbox files; archive each landed file, move unreadable ones to ``rejected/``."""
    found = inbox.scan(paths.inbox, connector.source)
    inbox.log_scan(context.log, connector.source, found)
    results = []
    for f in found.accepted:
        if not f.unchanged():
            context.log.warning(f"inbox/{connector.source}/{f.path.name}: changed since seen; next run")
            continue
        result = ingest_file(connector, f.path, paths)
        results.append(result)
        if not f.unchanged():
            # written to while landing: keep it in the inbox so its whole content lands next time
            context.log.warning(
                f"inbox/{connector.source}/{f.path.name}: changed while landing; left in the inbox to land "
                "again whole (landing replaces its days)"
            )
        elif result.rejected:
            moved = inbox.move_to(paths.inbox, f.path, connector.source, inbox.REJECTED)
            context.log.error(f"{result.error}; the file was moved to {moved.relative_to(paths.home)}")
        else:
            inbox.move_to(paths.inbox, f.path, connector.source, inbox.ARCHIVE)
    return results


def _landed_line(r: IngestResult) -> str:
    line = (
        f"{r.original_name}: {r.raw_records} records = {r.records_landed} landed + "
        f"{r.records_quarantined} quarantined + {r.records_skipped} skipped; {r.rows_in} rows in = "
        f"{r.rows_landed} landed + {r.rows_quarantined} quarantined"
    )
    if r.skip_reasons:
        line += " (skipped: " + "; ".join(f"{n} {reason}" for reason, n in r.skip_reasons) + ")"
    if r.days_kept_newer:
        line += f"; {len(r.days_kept_newer)} day(s) kept from a newer export: {r.days_kept_newer[0]}..."
    return line


def _files_table(results) -> str:
    header = ["file", "dataset", "records", "landed", "quarantined", "skipped", "rows landed"]
    return md_table(
        header,
        [
            (
                r.original_name,
                r.dataset,
                r.raw_records,
                r.records_landed,
                r.records_quarantined,
                r.records_skipped,
                r.rows_landed,
            )
            for r in results
        ],
    )


def _rejected_table(results) -> str:
    return md_table(["file", "error"], [(r.original_name, r.error) for r in results])


def _shrunk_table(shrunk) -> str:
    return md_table(["file", "dataset", "day", "rows before", "rows now"], shrunk)


def ingest_assets() -> list[dg.AssetsDefinition]:
    """One ingest asset per registered connector (generic over connectors/core/registry.py)."""
    return [build_ingest_asset(c) for c in CONNECTORS.values()]
