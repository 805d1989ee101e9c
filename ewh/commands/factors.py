"""``ewh factors``: the active factor release and every factor with its source."""

from __future__ import annotations

import json
import sys

import click

from ewh.exit_codes import ExitCode


@click.command(short_help="List the factor release and every cited factor.")
@click.option("--table", help="Only seeds whose name contains this (e.g. grid, llm, ad_).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("table", "csv", "json")),
    default="table",
    show_default=True,
    help="A readable table, or every column as csv or json (with the release) for tools.",
)
def factors(table: str | None, fmt: str) -> ExitCode:
    """List the active factor release, its content hash, and every factor with its source and licence.

    \b
    Examples:
      ewh factors
      ewh factors --table grid
      ewh factors --format json > factors.json
    """
    import polars as pl

    from ewh.output import print_table
    from ewh.trust.common import factor_rows
    from factors.release import release_info

    info = release_info()
    rows = factor_rows()  # every factor row of every seed (ewh.trust.common, one home)
    if table:
        rows = rows.filter(pl.col("table").str.contains(table, literal=True))
    if fmt == "csv":
        sys.stdout.write(rows.write_csv())
        return ExitCode.OK
    if fmt == "json":
        print(json.dumps({**info, "factors": rows.to_dicts()}, indent=2))
        return ExitCode.OK
    print(f"Factor release: {info['factor_release']}")
    print(f"Content sha256: {info['factor_release_sha256']}")
    print(f"EcoLogits:      {info['ecologits_version']}")
    print(f"{rows.height} factors (--format csv or json for every column, including notes)\n")
    print_table(
        rows.select(
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
    return ExitCode.OK
