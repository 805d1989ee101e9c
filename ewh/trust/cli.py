"""The trust commands of ``ewh``: trace, close, restatements, verify, audit-pack, quarantine, reconcile.

``register(subparsers)`` adds them to the ``ewh`` parser; each command function takes the parsed
arguments and returns the exit code (0 ok, 1 check failed or differences found, 2 usage error).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

from connectors.core.config import Paths
from ewh.trust.common import COMMAND_ERRORS, print_table
from warehouse.quarters import parse_quarter


def _quarter(value: str) -> str:
    try:
        return parse_quarter(value)
    except COMMAND_ERRORS as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _fail(command: str, exc: Exception) -> int:
    print(f"ewh {command}: {exc}", file=sys.stderr)
    return 2


def cmd_trace(args: argparse.Namespace) -> int:
    from ewh.trust.trace import print_trace, trace_cell, write_csv

    try:
        result = trace_cell(
            Paths.from_env(), args.quarter, args.vendor, args.model, args.project, args.country
        )
    except COMMAND_ERRORS as exc:
        return _fail("trace", exc)
    print_trace(result)
    if args.csv:
        write_csv(result, Path(args.csv))
        print(f"\nWrote {result.rows.height} traced rows to {args.csv}")
    return 0 if not result.check() else 1


def cmd_close(args: argparse.Namespace) -> int:
    from ewh.trust.close import close_quarter

    try:
        header = close_quarter(Paths.from_env(), args.quarter, force=args.force)
    except COMMAND_ERRORS as exc:
        return _fail("close", exc)
    print(
        f"Closed {header['quarter']} at {header['closed_at']}: {header['mart_rows']} mart rows, "
        f"{header['activity_rows']} activity rows, {header['raw_files']} raw files; factor release "
        f"{header['factor_release']} ({header['factor_release_sha256'][:12]}), code {header['code_version']}"
    )
    return 0


def cmd_restatements(args: argparse.Namespace) -> int:
    from ewh.trust.close import check_restatements, restatement_summary, restatements_for

    paths = Paths.from_env()
    try:
        if args.quarter:
            found = restatements_for(paths, args.quarter)
            if args.record:
                check_restatements(paths)
        else:
            found = check_restatements(paths) if args.record else _all_pending(paths)
    except COMMAND_ERRORS as exc:
        return _fail("restatements", exc)
    if found.is_empty():
        print("No closed figure has changed." if not args.record else "No new restatements.")
        return 0
    print(f"{found.height} restated figure(s):")
    print_table(restatement_summary(found))
    print()
    print_table(
        found.select(
            "quarter",
            "vendor",
            "model",
            "project_or_workspace",
            "country",
            "metric",
            "old_value",
            "new_value",
            "activity_effect",
            "factor_effect",
            "activity_share",
            "factor_share",
        )
    )
    return 0


def _all_pending(paths: Paths) -> pl.DataFrame:
    from ewh.trust.close import closed_quarters, restatements_for

    quarters = closed_quarters(paths)
    frames = [restatements_for(paths, q) for q in (quarters.get_column("quarter") if quarters.height else [])]
    frames = [f for f in frames if f.height]
    return pl.concat(frames, how="vertical_relaxed") if frames else pl.DataFrame()


def cmd_verify(args: argparse.Namespace) -> int:
    from ewh.trust.verify import verify_quarter

    try:
        result = verify_quarter(Paths.from_env(), args.quarter, keep=args.keep)
    except COMMAND_ERRORS as exc:
        return _fail("verify", exc)
    print(result.summary())
    return 0 if result.ok else 1


def cmd_audit_pack(args: argparse.Namespace) -> int:
    from ewh.trust.audit_pack import write_audit_pack

    try:
        index = write_audit_pack(
            Paths.from_env(), args.quarter, Path(args.out), run_verify=not args.no_verify
        )
    except COMMAND_ERRORS as exc:
        return _fail("audit-pack", exc)
    print(f"Audit pack for {index['quarter']} in {args.out}:")
    for part in index["parts"]:
        print(f"  {part['sha256'][:16]}  {part['file']}")
    return 0


def cmd_quarantine(args: argparse.Namespace) -> int:
    from ewh.trust.quarantine import quarantined_rows, rejected_files

    paths = Paths.from_env()
    files = rejected_files(paths, args.source)
    print(f"{files.height} rejected file(s) (could not be read; nothing of them landed)")
    if files.height:
        print_table(files.drop("source_file"))
        print(
            "Fix or re-export each file and drop it in again; `ewh run` exits 4 while a file is rejected.\n"
        )
    frame, origin = quarantined_rows(paths, args.source)
    print(f"{frame.height} quarantined row(s) from {origin}")
    if frame.height:
        print_table(frame.drop("record", "source_file").head(args.limit))
        if frame.height > args.limit:
            print(f"... {frame.height - args.limit} more (use --limit)")
    return 0


def cmd_reconcile(args: argparse.Namespace) -> int:
    from warehouse.reconcile import reconcile

    try:
        frame = reconcile(Paths.from_env(), tolerance=args.tolerance, save=args.save)
    except COMMAND_ERRORS as exc:
        return _fail("reconcile", exc)
    if args.vendor:
        frame = frame.filter(pl.col("vendor") == args.vendor)
    flagged = frame.filter(pl.col("flagged"))
    print(
        f"{frame.height} vendor-day comparisons, {flagged.height} above {args.tolerance:.2%} "
        f"({frame.filter(pl.col('status') == 'ok').height} ok)"
    )
    shown = frame if args.all else flagged
    if shown.height:
        print_table(shown.drop("tolerance"))
    return 1 if flagged.height else 0


def register(subparsers) -> None:
    """Add the trust commands to the ``ewh`` sub-parsers."""
    trace = subparsers.add_parser(
        "trace", help="trace one mart cell to its activity rows, raw files and factors"
    )
    trace.add_argument("--quarter", type=_quarter, required=True)
    trace.add_argument("--vendor", required=True)
    trace.add_argument("--model", required=True, help="model as in the mart, '(none)' for rows without one")
    trace.add_argument("--project", help="project or workspace as in the mart (default: all)")
    trace.add_argument("--country", help="electricity country as in the mart (default: all)")
    trace.add_argument("--csv", metavar="FILE", help="also write the traced rows with files and factors")
    trace.set_defaults(func=cmd_trace)

    close = subparsers.add_parser(
        "close", help="freeze a quarter: snapshot marts, rows, factor release, raw files"
    )
    close.add_argument("quarter", type=_quarter)
    close.add_argument("--force", action="store_true", help="replace an existing snapshot (logged)")
    close.set_defaults(func=cmd_close)

    rest = subparsers.add_parser(
        "restatements", help="compare closed quarters with the current marts (activity vs factor change)"
    )
    rest.add_argument("--quarter", type=_quarter, help="only this closed quarter")
    rest.add_argument("--record", action="store_true", help="also append new ones to the restatements table")
    rest.set_defaults(func=cmd_restatements)

    verify = subparsers.add_parser("verify", help="rebuild a closed quarter from its raw files and compare")
    verify.add_argument("quarter", type=_quarter)
    verify.add_argument("--keep", action="store_true", help="keep the temporary rebuild for inspection")
    verify.set_defaults(func=cmd_verify)

    pack = subparsers.add_parser("audit-pack", help="write the auditor's evidence pack for a closed quarter")
    pack.add_argument("quarter", type=_quarter)
    pack.add_argument("--out", required=True, metavar="DIR")
    pack.add_argument("--no-verify", action="store_true", help="do not run verify if no result is recorded")
    pack.set_defaults(func=cmd_audit_pack)

    quar = subparsers.add_parser(
        "quarantine", help="list rejected files and quarantined rows: reason, source, file, row"
    )
    quar.add_argument("--source", help="only this source")
    quar.add_argument("--limit", type=int, default=200)
    quar.set_defaults(func=cmd_quarantine)

    rec = subparsers.add_parser("reconcile", help="compare vendor cost totals per day between routes")
    rec.add_argument("--tolerance", type=float, default=0.01, help="relative tolerance (default 0.01 = 1%%)")
    rec.add_argument("--vendor")
    rec.add_argument("--all", action="store_true", help="show every comparison, not only differences")
    rec.add_argument("--save", action="store_true", help="write the result to the cost_reconciliation table")
    rec.set_defaults(func=cmd_reconcile)
