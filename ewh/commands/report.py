"""``ewh report``: one quarter's footprint as a self-contained HTML file."""

from __future__ import annotations

from pathlib import Path

import click

from ewh.commands.base import fail, no_warehouse
from ewh.exit_codes import ExitCode
from ewh.params import quarter_option


@click.command(short_help="Write a quarter's self-contained HTML report.")
@quarter_option(
    required=False,
    help="Calendar quarter, e.g. 2026Q3 (default: the newest quarter the data has reached the end of).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Where to write the HTML (default: ewh-report-<quarter>.html here).",
)
def report(quarter: str | None, out: Path | None) -> ExitCode:
    """Write a self-contained HTML report of one quarter for an ESG lead.

    Headline figures with low-high ranges and cited equivalents, breakdowns by channel, vendor, model,
    business unit and top driver, uncertainty, data quality, savings and the methodology. The file
    needs no network to view or print.

    \b
    Examples:
      ewh report --quarter 2026Q3 --out report.html
      ewh report                                    # the newest complete quarter
    """
    from connectors.core.config import Paths
    from ewh.report import ReportError, build_report

    paths = Paths.from_env()
    if (missing := no_warehouse(paths)) is not None:
        return missing
    try:
        data = build_report(paths.warehouse, quarter, out)
    except ReportError as exc:  # no data for the quarter, no marts yet
        return fail(str(exc), ExitCode.FAILED)
    print(f"ewh report: {data.quarter} written to {data.extras['out']}")
    return ExitCode.OK
