"""``ewh summary``: the quarterly footprint from the marts."""

from __future__ import annotations

import click

from ewh.commands.base import fail, no_warehouse
from ewh.exit_codes import ExitCode
from ewh.params import quarter_option


@click.command(short_help="Print the quarterly footprint.")
@quarter_option(required=False, help="Only this calendar quarter, e.g. 2026Q3 (default: every quarter).")
def summary(quarter: str | None) -> ExitCode:
    """Print the quarterly footprint (Scope 3 Category 1, location-based).

    One row per quarter, vendor and model, each quarter marked open, closed, or closed and restated;
    then the primary-data share and the coverage per source.

    \b
    Examples:
      ewh summary
      ewh summary --quarter 2026Q3
    """
    from connectors.core.config import Paths
    from ewh.summary import print_summary, summary_frame

    paths = Paths.from_env()
    if (missing := no_warehouse(paths)) is not None:
        return missing
    frame = summary_frame(paths, quarter)
    if frame.is_empty():
        return fail(f"no rows for quarter {quarter}", ExitCode.FAILED)
    print_summary(paths, quarter, frame)
    return ExitCode.OK
