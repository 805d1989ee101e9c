"""``ewh``: run the pipeline and read its results from the command line.

ewh run [--samples DIR]          materialise every asset in-process through Dagster
ewh summary [--quarter 2026Q3]   print the quarterly footprint from the marts
ewh report --quarter 2026Q3 --out report.html   self-contained HTML report of one quarter
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl

from connectors.core.base import ExportFormatError
from connectors.core.config import Paths, default_home
from connectors.core.redact import redact
from ewh.output import print_table
from ewh.trust.common import quarter_status
from warehouse.connection import reading, table_exists

DBT_GROUPS = ("factors", "staging", "intermediate", "marts")
# commands that write the landing zone or the warehouse take the single-writer lock
WRITERS = {"run", "ingest", "backfill", "close", "restatements"}

# Exit codes of `ewh` (docs/operations.md, "Exit codes"): a scheduler can tell them apart.
EXIT_OK = 0
EXIT_FAILED = 1  # a step failed (or a trust check found differences)
EXIT_USAGE = 2  # bad arguments or missing prerequisites
EXIT_BUSY = 3  # another writer holds the warehouse
EXIT_REJECTED_FILES = 4  # the run finished, but export files could not be read (`ewh quarantine`)
EXIT_CHECK_ERROR = 5  # the run finished, but an ERROR-severity data check failed (printed with its values)

SUMMARY_SQL = """
select
    quarter,
    vendor,
    model,
    round(sum(energy_kwh), 4) as energy_kwh,
    round(sum(co2e_location_kg), 4) as kgco2e_location,
    round(sum(water_l), 3) as water_l,
    sum(activity_rows) as activity_rows
from mart_quarterly_emissions
where ($quarter is null or quarter = $quarter)
group by quarter, vendor, model
order by quarter, vendor, model
"""


def _print_table(frame: pl.DataFrame) -> None:
    print_table(frame)


def summary_frame(paths: Paths, quarter: str | None) -> pl.DataFrame:
    """The quarterly footprint, each row marked open, closed, or closed and restated."""
    with reading(paths.warehouse) as con:
        frame = con.sql(SUMMARY_SQL, params={"quarter": quarter}).pl()
        status = quarter_status(con)  # closed / restated markers (ewh/trust/common.py)
    return frame.with_columns(
        pl.col("quarter").replace_strict(status, default="open", return_dtype=pl.String).alias("status")
    )


def cmd_run(args: argparse.Namespace) -> int:
    paths = Paths.from_env()
    exports = Path(args.samples).resolve() if args.samples else None
    if exports is not None and not exports.is_dir():
        print(f"ewh run: --samples {exports} is not a directory", file=sys.stderr)
        return 2
    return _run_job(paths, exports, verbose=args.verbose, full_refresh=args.full_refresh)


def _run_job(
    paths: Paths,
    exports: Path | None,
    *,
    verbose: bool,
    groups: tuple[str, ...] | None = None,
    full_refresh: bool = False,
) -> int:
    """Materialise the whole graph (or only the given asset groups) in-process, then report."""
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
        return EXIT_FAILED
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
            "figures need attention before anyone reports them. Exit code 5.",
            file=sys.stderr,
        )
        return EXIT_CHECK_ERROR
    if rejected:
        print(
            f"\newh run: {rejected} export file(s) could not be read and were rejected (listed above and "
            "by `ewh quarantine`); everything else landed and the marts were built. Exit code 4.",
            file=sys.stderr,
        )
        return EXIT_REJECTED_FILES
    return EXIT_OK


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
    with reading(paths.warehouse) as con:
        unmapped = con.sql(
            "select vendor, model_raw, method_tier, model_factor_id, activity_rows from mart_unmapped_models "
            "order by vendor, model_raw"
        ).pl()
        quarantined = con.sql("select count(*) as n from stg_landing__quarantine").pl().item()
    print(f"Warehouse: {paths.warehouse}  (run log: {paths.home / 'logs' / 'ewh-run.log'})")
    print(f"Quarantined rows: {quarantined}")
    if unmapped.height:
        print(
            f"\nWARNING: {unmapped.height} model(s) in no EcoLogits registry and with no size in the name;"
            " estimated with a price tier or the wide unknown range:"
        )
        _print_table(unmapped)
    print("\nQuarterly footprint (Scope 3 Category 1, location-based):")
    _print_table(summary_frame(paths, None))
    _print_data_quality(paths, None)
    _print_coverage(paths, None)


def cmd_ingest(args: argparse.Namespace) -> int:
    """Land one source: its export files (``--files``), and its API for ``--from``..``--to`` (inclusive)."""
    from connectors.core.http import ConfigError, VendorResponseError
    from connectors.core.registry import get
    from connectors.landing.ingest import Window, ingest_source

    try:
        connector = get(args.source)
    except KeyError as exc:
        print(f"ewh ingest: {exc.args[0]}", file=sys.stderr)
        return 2
    window = None
    if args.date_from or args.date_to:
        if not (args.date_from and args.date_to):
            print("ewh ingest: give both --from and --to", file=sys.stderr)
            return 2
        if connector.fetch is None:
            print(f"ewh ingest: {args.source} has no API; give --files DIR", file=sys.stderr)
            return 2
        window = Window(args.date_from, args.date_to + timedelta(days=1))
    folders = [Path(args.files)] if args.files else []
    if not folders and window is None and connector.fetch is None:
        print(f"ewh ingest: {args.source} reads files only; give --files DIR", file=sys.stderr)
        return 2
    paths = Paths.from_env()
    try:
        results = ingest_source(
            connector, paths, folders=folders, window=window, use_api=connector.fetch is not None
        )
    except (ConfigError, VendorResponseError, ExportFormatError) as exc:
        print(f"ewh ingest: {redact(str(exc))}", file=sys.stderr)
        return 1
    frame = pl.DataFrame([r.as_dict() for r in results]) if results else pl.DataFrame()
    if frame.is_empty():
        print(
            f"{args.source}: nothing to ingest"
            f" (no files; {connector.credential_variable or 'no API'} not set)"
        )
        return 0
    _print_table(
        frame.select(
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
    return EXIT_REJECTED_FILES if rejected else EXIT_OK


def cmd_backfill(args: argparse.Namespace) -> int:
    """Re-fetch a date range from a vendor API in chunks, then rebuild the models.

    Each chunk lands whole or not at all and replaces its days, so a backfill that stops part-way is
    resumed by running the same command again: nothing is duplicated.
    """
    from connectors.core.http import ConfigError, VendorResponseError
    from connectors.core.registry import get
    from connectors.landing.ingest import Window, ingest_source

    try:
        connector = get(args.source)
    except KeyError as exc:
        print(f"ewh backfill: {exc.args[0]}", file=sys.stderr)
        return 2
    if connector.fetch is None:
        print(
            f"ewh backfill: {args.source} has no API; drop its exports in the inbox instead", file=sys.stderr
        )
        return 2
    if args.date_to < args.date_from:
        print("ewh backfill: --to is before --from", file=sys.stderr)
        return 2
    paths = Paths.from_env()
    first, last = args.date_from, args.date_to
    while first <= last:
        end = min(first + timedelta(days=args.chunk_days), last + timedelta(days=1))
        try:
            results = ingest_source(connector, paths, window=Window(first, end))
        except (ConfigError, VendorResponseError, ExportFormatError) as exc:
            print(
                f"ewh backfill: stopped at {first}: {redact(str(exc))}\nRe-run the same command to resume.",
                file=sys.stderr,
            )
            return 1
        landed = sum(r.rows_landed for r in results)
        days = f"{first}..{end - timedelta(days=1)}"
        print(f"{args.source} {days}: {len(results)} report(s), {landed} rows landed")
        for r in results:
            if r.rejected:
                print(f"ewh backfill: stopped at {first}: REJECTED {r.error}", file=sys.stderr)
                return EXIT_REJECTED_FILES
        first = end
    if args.no_build:
        return 0
    return _run_job(paths, None, verbose=False, groups=DBT_GROUPS)


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"dates look like 2026-09-01, not {value!r}") from None


def cmd_factors(args: argparse.Namespace) -> int:
    """Every factor row of every seed with its source (ewh.trust.common.factor_rows, one home)."""
    from ewh.trust.common import factor_rows
    from factors.release import release_info

    info = release_info()
    table = factor_rows()
    if args.table:
        table = table.filter(pl.col("table").str.contains(args.table, literal=True))
    if args.format == "csv":
        sys.stdout.write(table.write_csv())
        return 0
    if args.format == "json":
        print(json.dumps({**info, "factors": table.to_dicts()}, indent=2))
        return 0
    print(f"Factor release: {info['factor_release']}")
    print(f"Content sha256: {info['factor_release_sha256']}")
    print(f"EcoLogits:      {info['ecologits_version']}")
    print(f"{table.height} factors (--format csv or json for every column, including notes)\n")
    _print_table(
        table.select(
            "table",
            "factor_id",
            pl.col("values").str.slice(0, 80),
            "valid_from",
            "valid_to",
            "source_year",
            "licence",
            "source_url",
        )
    )
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    paths = Paths.from_env()
    if not paths.warehouse.exists():
        print(f"ewh summary: no warehouse at {paths.warehouse}; run `ewh run` first", file=sys.stderr)
        return 2
    frame = summary_frame(paths, args.quarter)
    if frame.is_empty():
        print(f"ewh summary: no rows for quarter {args.quarter}", file=sys.stderr)
        return 1
    _print_table(frame)
    _print_data_quality(paths, args.quarter)
    _print_coverage(paths, args.quarter)
    return 0


DATA_QUALITY_SQL = """
select quarter, round(100 * primary_data_share, 1) as primary_data_pct,
       round(100 * fallback_share, 1) as fallback_pct
from mart_quarterly_data_quality where ($quarter is null or quarter = $quarter) order by quarter
"""


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
        _print_table(frame)


COVERAGE_SQL = """
select quarter, source, first_usage_date, last_usage_date, days_with_data, days_missing,
       case when quarter_complete then 'complete'
            else 'in progress (to ' || cast(covered_until as varchar) || ')' end as quarter_status
from mart_source_coverage where ($quarter is null or quarter = $quarter) order by quarter, source
"""


def _print_coverage(paths: Paths, quarter: str | None) -> None:
    """Which days each source's figures rest on (mart_source_coverage): gaps and late sources show here."""
    frame = _read_mart(paths, "mart_source_coverage", COVERAGE_SQL, quarter)
    if frame is not None:
        gaps = frame.filter(pl.col("days_missing") > 0).height
        print(
            f"\nCoverage per source ({gaps} of {frame.height} with days missing; "
            "a day without usage counts too):"
        )
        _print_table(frame)


def _quarter(value: str) -> str:
    value = value.upper()
    if len(value) != 6 or not value[:4].isdigit() or value[4] != "Q" or value[5] not in "1234":
        raise argparse.ArgumentTypeError(f"quarter must look like 2026Q3, not {value!r}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ewh", description="emissions-warehouse command line")
    parser.add_argument("--version", action="version", version="ewh 0.1.0")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "run", help="ingest exports, check them and build the marts (in-process Dagster run)"
    )
    run.add_argument(
        "--samples",
        metavar="DIR",
        help="folder of vendor exports, one sub-folder per source (default: the bundled data/samples)",
    )
    run.add_argument("-v", "--verbose", action="store_true", help="stream Dagster's step log")
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild the incremental facts from all landed history (after changing a model's SQL)",
    )
    run.set_defaults(func=cmd_run)
    ing = sub.add_parser(
        "ingest", help="land one source by hand: its export files and/or its API for a window"
    )
    ing.add_argument("source", help="source name, e.g. openai_usage")
    ing.add_argument("--from", dest="date_from", type=_day, help="first UTC day to fetch from the API")
    ing.add_argument("--to", dest="date_to", type=_day, help="last UTC day to fetch (inclusive)")
    ing.add_argument("--files", metavar="DIR", help="folder of this source's export files")
    ing.set_defaults(func=cmd_ingest)
    fac = sub.add_parser(
        "factors", help="list the active factor release, its hash, and every factor with source"
    )
    fac.add_argument("--table", help="only seeds whose name contains this (e.g. grid, llm, ad_)")
    fac.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="a readable table (default), or every column as csv or json (with the release) for tools",
    )
    fac.set_defaults(func=cmd_factors)
    back = sub.add_parser("backfill", help="re-fetch a date range from a vendor API, then rebuild the models")
    back.add_argument("source", help="an API source, e.g. openai_usage")
    back.add_argument("--from", dest="date_from", type=_day, required=True, help="first UTC day")
    back.add_argument("--to", dest="date_to", type=_day, required=True, help="last UTC day (inclusive)")
    back.add_argument("--chunk-days", type=int, default=7, help="days per API request set (default 7)")
    back.add_argument("--no-build", action="store_true", help="land only; do not rebuild the models")
    back.set_defaults(func=cmd_backfill)
    summ = sub.add_parser("summary", help="print the quarterly footprint")
    summ.add_argument("--quarter", type=_quarter, help="only this quarter, e.g. 2026Q3")
    summ.set_defaults(func=cmd_summary)
    from ewh.estimate import register as register_estimate
    from ewh.export import register as register_export
    from ewh.report.cli import register as register_report
    from ewh.trust.cli import register as register_trust

    register_estimate(sub)
    register_export(sub)
    register_report(sub)
    register_trust(sub)
    args = parser.parse_args(argv)
    os.environ.setdefault("EWH_HOME", str(default_home()))
    try:
        return _dispatch(args)
    except Exception as exc:  # the last place a secret could reach stderr
        trace = "".join(traceback.format_exception(exc))
        print(f"ewh {args.command}: unexpected error\n{redact(trace)}", file=sys.stderr)
        return EXIT_FAILED


def _dispatch(args: argparse.Namespace) -> int:
    """Run the command; writers under the single-writer lock."""
    if args.command not in WRITERS:
        return args.func(args)
    from connectors.landing.lock import WarehouseBusyError, writer_lock

    try:
        with writer_lock(Path(os.environ["EWH_HOME"])):
            return args.func(args)
    except WarehouseBusyError as exc:
        print(f"ewh {args.command}: {exc}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    raise SystemExit(main())
