"""``ewh export``: one quarter's finance and ESG marts, with their provenance, as csv, parquet or xlsx."""

from __future__ import annotations

from pathlib import Path

import click

from ewh.choices import EXPORT_FORMATS
from ewh.commands.base import fail, no_warehouse
from ewh.exit_codes import ExitCode
from ewh.params import quarter_option


@click.command(short_help="Write a quarter's marts, or its rows as FOCUS.")
@quarter_option(required=True, help="Calendar quarter, e.g. 2026Q3.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    required=True,
    help="xlsx: one workbook, a sheet per table; csv or parquet: a file per table in a folder; focus: the "
    "quarter's activity rows as one FinOps FOCUS 1.3 dataset with x_ energy, carbon and water columns.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    metavar="PATH",
    help="A folder, or a .xlsx file name (xlsx) or a .csv/.parquet file name (focus).",
)
def export(quarter: str, fmt: str, out: Path) -> ExitCode:
    """Write one quarter's finance and ESG marts and their provenance, for people without DuckDB.

    Each table is filtered to the quarter (the ESRS table to the fiscal year(s) it falls in); a
    provenance table gives the factor release, its sha256, the row counts and the export time. Writes
    are atomic: a reader never sees a half-written table.

    \b
    Examples:
      ewh export --quarter 2026Q3 --format xlsx --out q3.xlsx
      ewh export --quarter 2026Q3 --format csv --out exports/2026Q3
      ewh export --quarter 2026Q3 --format focus --out exports/q3-focus.csv
    """
    from connectors.core.config import Paths
    from ewh.export import ExportError, export_quarter

    paths = Paths.from_env()
    if (missing := no_warehouse(paths)) is not None:
        return missing
    try:
        written = export_quarter(paths, quarter, fmt, out.resolve())
    except ExportError as exc:  # no rows for the quarter, an out-of-date warehouse, --out a file
        return fail(str(exc), ExitCode.FAILED)
    print(f"Exported {quarter} ({fmt}) to {written[0].parent}:")
    for path in written:
        print(f"  {path.name}")
    return ExitCode.OK
