"""The ``ewh report`` subcommand: ``ewh report --quarter 2026Q3 --out report.html``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from connectors.core.config import Paths


def cmd_report(args: argparse.Namespace) -> int:
    from ewh.report import ReportError, build_report

    paths = Paths.from_env()
    try:
        data = build_report(paths.warehouse, args.quarter, Path(args.out) if args.out else None)
    except ReportError as exc:
        print(f"ewh report: {exc}", file=sys.stderr)
        return 2
    print(f"ewh report: {data.quarter} written to {data.extras['out']}")
    return 0


def register(subparsers) -> argparse.ArgumentParser:
    """Add ``report`` to the ``ewh`` parser's subcommands."""
    parser = subparsers.add_parser(
        "report",
        help="write a self-contained HTML report of one quarter (figures, charts, methodology)",
        description=(
            "Write one quarter's footprint as a single HTML file for an ESG lead: headline with ranges "
            "and equivalents, breakdowns, uncertainty, data quality, savings and the methodology. The "
            "file needs no network to view or print."
        ),
    )
    parser.add_argument(
        "--quarter", help="calendar quarter, e.g. 2026Q3 (default: the latest quarter in the warehouse)"
    )
    parser.add_argument(
        "--out", metavar="FILE", help="where to write the HTML (default: ewh-report-<quarter>.html)"
    )
    parser.set_defaults(func=cmd_report)
    return parser
