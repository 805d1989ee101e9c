"""``ewh run``, ``ewh ingest``, ``ewh backfill``: land vendor exports and build the marts.

All three write the landing zone or the warehouse, so they run under the writer lock (``WriterCommand``).
Each prints what went wrong (rejected files, failed checks with their values, failed steps with their
causes) and exits with the code that says it (``ewh.exit_codes``).
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ewh.commands.base import WriterCommand, fail
from ewh.exit_codes import ExitCode
from ewh.params import DAY

if TYPE_CHECKING:
    from connectors.core.config import Paths

DBT_GROUPS = ("factors", "staging", "intermediate", "marts")


@click.command(cls=WriterCommand, short_help="Ingest exports, check them and build the marts.")
@click.option(
    "--samples",
    type=click.Path(exists=True, file_okay=False, resolve_path=True, path_type=Path),
    metavar="DIR",
    help="Folder of vendor exports, one sub-folder per source (default: the bundled data/samples).",
)
@click.option("-v", "--verbose", is_flag=True, help="Stream Dagster's step log.")
@click.option(
    "--full-refresh",
    is_flag=True,
    help="Rebuild the incremental facts from all landed history (after changing a model's SQL).",
)
def run(samples: Path | None, verbose: bool, full_refresh: bool) -> ExitCode:
    """Ingest exports, check them and build the marts (one in-process Dagster run).

    Prints the quarterly footprint, the primary-data share and the coverage per source when done.

    \b
    Examples:
      ewh run
      ewh run --samples /tmp/exports        # /tmp/exports/<source>/*.json, like data/samples
      ewh run --full-refresh -v             # after changing a model's SQL
    """
    from connectors.core.config import Paths

    return run_job(Paths.from_env(), samples, verbose=verbose, full_refresh=full_refresh)


@click.command(cls=WriterCommand, short_help="Land one source: its export files and/or its API.")
@click.argument("source")
@click.option("--from", "date_from", type=DAY, metavar="DAY", help="First UTC day to fetch from the API.")
@click.option("--to", "date_to", type=DAY, metavar="DAY", help="Last UTC day to fetch (inclusive).")
@click.option(
    "--files",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    metavar="DIR",
    help="Folder of this source's export files.",
)
def ingest(source: str, date_from: date | None, date_to: date | None, files: Path | None) -> ExitCode:
    """Land one source by hand: its export files and/or its API for a window.

    SOURCE is a source name, e.g. openai_usage. Without --from/--to an API source fetches from its last
    landed day minus the look-back.

    \b
    Examples:
      ewh ingest openai_usage --from 2026-09-01 --to 2026-09-30   # API, needs OPENAI_ADMIN_KEY
      ewh ingest azure_cost --files ~/Downloads/azure-exports     # console export files
    """
    import polars as pl

    from connectors.core.base import ExportFormatError
    from connectors.core.config import Paths
    from connectors.core.http import ConfigError, VendorResponseError
    from connectors.core.redact import redact
    from connectors.landing.ingest import Window, ingest_source
    from ewh.output import print_table

    connector = _connector(source)
    window = None
    if date_from or date_to:
        if not (date_from and date_to):
            raise click.UsageError("give both --from and --to")
        if connector.fetch is None:
            raise click.UsageError(f"{source} has no API; give --files DIR")
        window = Window(date_from, date_to + timedelta(days=1))
    folders = [files] if files else []
    if not folders and window is None and connector.fetch is None:
        raise click.UsageError(f"{source} reads files only; give --files DIR")
    paths = Paths.from_env()
    try:
        results = ingest_source(
            connector, paths, folders=folders, window=window, use_api=connector.fetch is not None
        )
    except (ConfigError, VendorResponseError, ExportFormatError) as exc:
        return fail(redact(str(exc)), ExitCode.FAILED)
    if not results:
        print(f"{source}: nothing to ingest (no files; {connector.credential_variable or 'no API'} not set)")
        return ExitCode.OK
    print_table(
        pl.DataFrame([r.as_dict() for r in results]).select(
            "original_name",
            "dataset",
            "skipped",
            "rejected",
            "raw_records",
            "records_landed",
            "records_quarantined",
            "records_skipped",
            "rows_landed",
            "rows_quarantined",
        )
    )
    rejected = [r for r in results if r.rejected]
    for r in rejected:
        print(f"REJECTED {r.error}", file=sys.stderr)
    return ExitCode.REJECTED_FILES if rejected else ExitCode.OK


@click.command(cls=WriterCommand, short_help="Re-fetch days from a vendor API, then rebuild.")
@click.argument("source")
@click.option("--from", "date_from", type=DAY, required=True, metavar="DAY", help="First UTC day.")
@click.option("--to", "date_to", type=DAY, required=True, metavar="DAY", help="Last UTC day (inclusive).")
@click.option(
    "--chunk-days",
    type=click.IntRange(min=1),
    default=7,
    show_default=True,
    help="Days per API request set.",
)
@click.option("--no-build", is_flag=True, help="Land only; do not rebuild the models.")
def backfill(source: str, date_from: date, date_to: date, chunk_days: int, no_build: bool) -> ExitCode:
    """Re-fetch a date range from a vendor API in chunks, then rebuild the models.

    SOURCE is an API source, e.g. openai_usage. Each chunk lands whole or not at all and replaces its
    days, so a backfill that stops part-way is resumed by running the same command again: nothing is
    duplicated.

    \b
    Examples:
      ewh backfill openai_usage --from 2026-01-01 --to 2026-06-30
      ewh backfill meta_ads --from 2026-07-01 --to 2026-07-31 --chunk-days 3 --no-build
    """
    from connectors.core.base import ExportFormatError
    from connectors.core.config import Paths
    from connectors.core.http import ConfigError, VendorResponseError
    from connectors.core.redact import redact
    from connectors.landing.ingest import Window, ingest_source

    connector = _connector(source)
    if connector.fetch is None:
        raise click.UsageError(f"{source} has no API; drop its exports in the inbox instead")
    if date_to < date_from:
        raise click.UsageError("--to is before --from")
    paths = Paths.from_env()
    first, last = date_from, date_to
    while first <= last:
        end = min(first + timedelta(days=chunk_days), last + timedelta(days=1))
        try:
            results = ingest_source(connector, paths, window=Window(first, end))
        except (ConfigError, VendorResponseError, ExportFormatError) as exc:
            message = f"stopped at {first}: {redact(str(exc))}\nRe-run the same command to resume."
            return fail(message, ExitCode.FAILED)
        landed = sum(r.rows_landed for r in results)
        print(f"{source} {first}..{end - timedelta(days=1)}: {len(results)} report(s), {landed} rows landed")
        for r in results:
            if r.rejected:
                return fail(f"stopped at {first}: REJECTED {r.error}", ExitCode.REJECTED_FILES)
        first = end
    if no_build:
        return ExitCode.OK
    return run_job(paths, None, verbose=False, groups=DBT_GROUPS)


def _connector(source: str):
    """The registered connector of ``source``; an unknown name is a usage error listing the known ones."""
    from connectors.core.registry import get

    try:
        return get(source)
    except KeyError as exc:
        raise click.BadParameter(exc.args[0], param_hint="'SOURCE'") from None


def run_job(
    paths: Paths,
    exports: Path | None,
    *,
    verbose: bool,
    groups: tuple[str, ...] | None = None,
    full_refresh: bool = False,
) -> ExitCode:
    """Materialise the whole graph (or only the given asset groups) in-process, then report.

    When several codes apply, the first of FAILED, CHECK_ERROR, REJECTED_FILES wins (docs/operations.md).
    """
    from orchestration.runner import run_assets

    started = datetime.now(UTC)
    outcome = run_assets(paths, exports, verbose=verbose, groups=groups, full_refresh=full_refresh)
    rejected = _report_rejected(paths, started)
    check_error = _report_checks(outcome.failed_checks)
    if not outcome.success:
        steps = ", ".join(step for step, _ in outcome.failed_steps)
        print(
            f"ewh run: FAILED (steps: {steps or 'see the Dagster run log'}); log: {outcome.log_file}",
            file=sys.stderr,
        )
        for step, causes in outcome.failed_steps:
            for line in causes:
                print(f"  {step}: {line}", file=sys.stderr)
        return ExitCode.FAILED
    if outcome.build_skipped:
        print(f"dbt not run: {outcome.build_skipped}; the warehouse is as the last build left it.")
    if groups is None or "marts" in groups:
        from ewh.trust.close import check_restatements

        restated = check_restatements(paths)
        if restated.height:
            print(
                f"NOTE: {restated.height} figure(s) of closed quarters changed; recorded in `restatements` "
                "(closed snapshots unchanged). See `ewh restatements`."
            )
    _report_run(paths)
    if check_error:
        print(
            "\newh run: an ERROR-severity data check failed (listed above); the marts were built but their "
            f"figures need attention before anyone reports them. Exit code {ExitCode.CHECK_ERROR:d}.",
            file=sys.stderr,
        )
        return ExitCode.CHECK_ERROR
    if rejected:
        print(
            f"\newh run: {rejected} export file(s) could not be read and were rejected (listed above and "
            f"by `ewh quarantine`); everything else landed and the marts were built. Exit code "
            f"{ExitCode.REJECTED_FILES:d}.",
            file=sys.stderr,
        )
        return ExitCode.REJECTED_FILES
    return ExitCode.OK


def _report_rejected(paths: Paths, since: datetime) -> int:
    """Print the files this run rejected (named, with why); returns how many."""
    from ewh.trust.quarantine import rejected_files

    files = rejected_files(paths, since=since)
    if files.height:
        print(
            f"REJECTED FILES ({files.height}): nothing of them landed; fix or re-export them", file=sys.stderr
        )
        for source, name, error in files.select("source", "original_name", "error").iter_rows():
            print(f"  {source}/{name}: {error}", file=sys.stderr)
    return files.height


def _report_checks(failed: list) -> bool:
    """Print every failed check with its asset, severity and failing values.

    True if an ERROR-severity check failed other than the rejected-files check (exit code 4 of its own).
    """
    if failed:
        print(f"FAILED CHECKS ({len(failed)}):", file=sys.stderr)
    for check in failed:
        print(
            f"  {check.severity} {check.asset}:{check.check}"
            + (f" (partition {check.partition})" if check.partition else "")
            + (f": {check.detail}" if check.detail else ""),
            file=sys.stderr,
        )
    return any(c.severity == "ERROR" and not c.files_readable for c in failed)


def _report_run(paths: Paths) -> None:
    """What a run prints: warehouse, quarantine count, unmapped models, then the summary of every quarter."""
    from ewh.output import print_table
    from ewh.summary import print_summary
    from warehouse.connection import reading

    with reading(paths.warehouse) as con:
        unmapped = con.sql(
            "select vendor, model_raw, method_tier, model_factor_id, activity_rows from mart_unmapped_models "
            "where activity_without_method is null order by vendor, model_raw"
        ).pl()
        # the mart's other kind of row: an activity type with no energy method, never an unknown model
        no_method = con.sql(
            "select vendor, model_raw, activity_without_method as activity_type, activity_rows "
            "from mart_unmapped_models where activity_without_method is not null "
            "order by vendor, activity_type, model_raw"
        ).pl()
        quarantined = con.sql("select count(*) as n from stg_landing__quarantine").pl().item()
    print(f"Warehouse: {paths.warehouse}  (run log: {paths.home / 'logs' / 'ewh-run.log'})")
    print(f"Quarantined rows: {quarantined}")
    if unmapped.height:
        print(
            f"\nWARNING: {unmapped.height} model(s) in no EcoLogits registry and with no size in the name;"
            " estimated with a price tier or the wide unknown range:"
        )
        print_table(unmapped)
    if no_method.height:
        print(
            f"\nWARNING: {no_method.height} activity type(s) of a model with no energy method; their rows"
            " are counted and carry no figure (method_tier no_factor):"
        )
        print_table(no_method)
    print("\nQuarterly footprint (Scope 3 Category 1, location-based):")
    print_summary(paths, None)
