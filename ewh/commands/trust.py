"""The trust commands: trace, close, restatements, verify, audit-pack, quarantine, reconcile.

A command that cannot proceed (a bad quarter, no warehouse, a quarter not closed) prints one line and
exits ``USAGE``; a check that finds differences (trace, verify, reconcile) exits ``FAILED``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ewh.commands.base import WriterCommand, fail
from ewh.exit_codes import ExitCode
from ewh.params import one_quarter, quarter_option

if TYPE_CHECKING:
    import polars as pl

    from connectors.core.config import Paths


def _cannot(exc: Exception) -> ExitCode:
    return fail(str(exc), ExitCode.USAGE)


@click.command(short_help="Trace a mart cell to its rows, files and factors.")
@quarter_option(required=True, help="Calendar quarter of the cell, e.g. 2026Q3.")
@click.option("--vendor", required=True, help="Vendor as in the mart.")
@click.option("--model", required=True, help="Model as in the mart, '(none)' for rows without one.")
@click.option("--project", help="Project or workspace as in the mart (default: all).")
@click.option("--country", help="Electricity country as in the mart (default: all).")
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Also write the traced rows with their files and factors.",
)
def trace(
    quarter: str, vendor: str, model: str, project: str | None, country: str | None, csv_file: Path | None
) -> ExitCode:
    """Trace one mart cell to its activity rows, raw files and factors.

    Exits 1 if the rows do not add up to the cell.

    \b
    Examples:
      ewh trace --quarter 2026Q3 --vendor openai --model gpt-4o-mini
      ewh trace --quarter 2026Q3 --vendor aws --model '(none)' --country USA --csv trace.csv
    """
    from connectors.core.config import Paths
    from ewh.trust.common import COMMAND_ERRORS
    from ewh.trust.trace import print_trace, trace_cell, write_csv

    try:
        result = trace_cell(Paths.from_env(), quarter, vendor, model, project, country)
    except COMMAND_ERRORS as exc:
        return _cannot(exc)
    print_trace(result)
    if csv_file:
        write_csv(result, csv_file)
        print(f"\nWrote {result.rows.height} traced rows to {csv_file}")
    return ExitCode.FAILED if result.check() else ExitCode.OK


@click.command(cls=WriterCommand, short_help="Freeze a quarter's figures and evidence.")
@quarter_option(required=True, legacy_positional=True, help="Calendar quarter to close, e.g. 2026Q3.")
@click.option("--force", is_flag=True, help="Replace an existing snapshot (logged).")
def close(quarter: str | None, legacy_quarter: str | None, force: bool) -> ExitCode:
    """Freeze a quarter: snapshot its marts, activity rows, factor release and raw files.

    Later changes to a closed quarter's figures are recorded as restatements, never written over it.

    \b
    Examples:
      ewh close --quarter 2026Q3
      ewh close --quarter 2026Q3 --force     # replace the snapshot (logged)
    """
    from connectors.core.config import Paths
    from ewh.trust.close import close_quarter
    from ewh.trust.common import COMMAND_ERRORS

    try:
        header = close_quarter(Paths.from_env(), one_quarter(quarter, legacy_quarter), force=force)
    except COMMAND_ERRORS as exc:
        return _cannot(exc)
    print(
        f"Closed {header['quarter']} at {header['closed_at']}: {header['mart_rows']} mart rows, "
        f"{header['activity_rows']} activity rows, {header['raw_files']} raw files; factor release "
        f"{header['factor_release']} ({header['factor_release_sha256'][:12]}), code {header['code_version']}"
    )
    return ExitCode.OK


@click.command(cls=WriterCommand, short_help="Compare closed quarters with the current marts.")
@quarter_option(required=False, help="Only this closed quarter, e.g. 2026Q3.")
@click.option("--record", is_flag=True, help="Also append new ones to the restatements table.")
def restatements(quarter: str | None, record: bool) -> ExitCode:
    """Compare closed quarters with the current marts: each change split into activity and factor effect.

    \b
    Examples:
      ewh restatements
      ewh restatements --quarter 2026Q3 --record
    """
    from connectors.core.config import Paths
    from ewh.trust.close import (
        RESTATEMENT_COLUMNS,
        RESTATEMENT_PROVENANCE,
        RESTATEMENT_ROW_COUNTS,
        check_restatements,
        restatement_summary,
        restatements_for,
    )
    from ewh.trust.common import COMMAND_ERRORS, print_table

    paths = Paths.from_env()
    try:
        if quarter:
            found = restatements_for(paths, quarter)
            if record:
                check_restatements(paths)
        else:
            found = check_restatements(paths) if record else _all_pending(paths)
    except COMMAND_ERRORS as exc:
        return _cannot(exc)
    if found.is_empty():
        print("No closed figure has changed." if not record else "No new restatements.")
        return ExitCode.OK
    print(f"{found.height} restated figure(s):")
    print_table(restatement_summary(found))
    print()
    hidden = {"closed_at", "channel", "delta", *RESTATEMENT_ROW_COUNTS, *RESTATEMENT_PROVENANCE}
    print_table(found.select([c for c in RESTATEMENT_COLUMNS if c not in hidden]))
    return ExitCode.OK


def _all_pending(paths: Paths) -> pl.DataFrame:
    import polars as pl

    from ewh.trust.close import closed_quarters, restatements_for

    quarters = closed_quarters(paths)
    frames = [restatements_for(paths, q) for q in (quarters.get_column("quarter") if quarters.height else [])]
    frames = [f for f in frames if f.height]
    return pl.concat(frames, how="vertical_relaxed") if frames else pl.DataFrame()


@click.command(short_help="Rebuild a closed quarter from raw files; compare.")
@quarter_option(required=True, legacy_positional=True, help="The closed quarter to rebuild, e.g. 2026Q3.")
@click.option("--keep", is_flag=True, help="Keep the temporary rebuild for inspection.")
def verify(quarter: str | None, legacy_quarter: str | None, keep: bool) -> ExitCode:
    """Rebuild a closed quarter from its raw files in a temporary home and compare with the snapshot.

    Exits 1 if any figure differs.

    \b
    Examples:
      ewh verify --quarter 2026Q3
      ewh verify --quarter 2026Q3 --keep
    """
    from connectors.core.config import Paths
    from ewh.trust.common import COMMAND_ERRORS
    from ewh.trust.verify import verify_quarter

    try:
        result = verify_quarter(Paths.from_env(), one_quarter(quarter, legacy_quarter), keep=keep)
    except COMMAND_ERRORS as exc:
        return _cannot(exc)
    print(result.summary())
    return ExitCode.OK if result.ok else ExitCode.FAILED


@click.command("audit-pack", short_help="Write the auditor's evidence pack of a quarter.")
@quarter_option(required=True, legacy_positional=True, help="The closed quarter, e.g. 2026Q3.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    metavar="DIR",
    help="Folder to write the pack to.",
)
@click.option("--no-verify", is_flag=True, help="Do not run verify if no result is recorded.")
def audit_pack(quarter: str | None, legacy_quarter: str | None, out: Path, no_verify: bool) -> ExitCode:
    """Write the auditor's evidence pack for a closed quarter, each part listed with its sha256.

    \b
    Examples:
      ewh audit-pack --quarter 2026Q3 --out audit/2026Q3
      ewh audit-pack --quarter 2026Q3 --out audit/2026Q3 --no-verify
    """
    from connectors.core.config import Paths
    from ewh.trust.audit_pack import write_audit_pack
    from ewh.trust.common import COMMAND_ERRORS

    try:
        index = write_audit_pack(
            Paths.from_env(), one_quarter(quarter, legacy_quarter), out, run_verify=not no_verify
        )
    except COMMAND_ERRORS as exc:
        return _cannot(exc)
    print(f"Audit pack for {index['quarter']} in {out}:")
    for part in index["parts"]:
        print(f"  {part['sha256'][:16]}  {part['file']}")
    return ExitCode.OK


@click.command(short_help="List rejected files and quarantined rows.")
@click.option("--source", help="Only this source.")
@click.option("--limit", type=click.IntRange(min=0), default=200, show_default=True, help="Rows to show.")
def quarantine(source: str | None, limit: int) -> ExitCode:
    """List rejected files and quarantined rows: reason, source, file and row.

    \b
    Examples:
      ewh quarantine
      ewh quarantine --source openai_usage --limit 20
    """
    from connectors.core.config import Paths
    from ewh.trust.common import print_table
    from ewh.trust.quarantine import quarantined_rows, rejected_files

    paths = Paths.from_env()
    files = rejected_files(paths, source)
    print(f"{files.height} rejected file(s) (could not be read; nothing of them landed)")
    if files.height:
        print_table(files.drop("source_file"))
        print(
            "Fix or re-export each file and drop it in again; "
            f"`ewh run` exits {ExitCode.REJECTED_FILES:d} while a file is rejected.\n"
        )
    frame, origin = quarantined_rows(paths, source)
    print(f"{frame.height} quarantined row(s) from {origin}")
    if frame.height:
        print_table(frame.drop("record", "source_file").head(limit))
        if frame.height > limit:
            print(f"... {frame.height - limit} more (use --limit)")
    return ExitCode.OK


@click.command(short_help="Compare vendor cost totals between routes.")
@click.option(
    "--tolerance",
    type=click.FloatRange(min=0),
    default=0.01,
    show_default=True,
    help="Relative tolerance (0.01 = 1%).",
)
@click.option("--vendor", help="Only this vendor.")
@click.option("--all", "show_all", is_flag=True, help="Show every comparison, not only differences.")
@click.option("--save", is_flag=True, help="Write the result to the cost_reconciliation table.")
def reconcile(tolerance: float, vendor: str | None, show_all: bool, save: bool) -> ExitCode:
    """Compare vendor cost totals per day between the routes that report them (API, console, billing).

    Exits 1 if a vendor-day differs by more than the tolerance.

    \b
    Examples:
      ewh reconcile
      ewh reconcile --vendor openai --tolerance 0.05 --all
    """
    import polars as pl

    from connectors.core.config import Paths
    from ewh.trust.common import COMMAND_ERRORS, print_table
    from warehouse.reconcile import reconcile as reconcile_costs

    try:
        frame = reconcile_costs(Paths.from_env(), tolerance=tolerance, save=save)
    except COMMAND_ERRORS as exc:
        return _cannot(exc)
    if vendor:
        frame = frame.filter(pl.col("vendor") == vendor)
    flagged = frame.filter(pl.col("flagged"))
    print(
        f"{frame.height} vendor-day comparisons, {flagged.height} above {tolerance:.2%} "
        f"({frame.filter(pl.col('status') == 'ok').height} ok)"
    )
    shown = frame if show_all else flagged
    if shown.height:
        print_table(shown.drop("tolerance"))
    return ExitCode.FAILED if flagged.height else ExitCode.OK
