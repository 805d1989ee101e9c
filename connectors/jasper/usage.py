"""Jasper workspace Usage page export: monthly generations by user (CSV), issue #18.

Jasper's admin Usage page (Workspace Settings -> Usage, https://help.jasper.ai/hc/en-us/articles/48766997454619-Usage-Reporting)
counts **generations** ("all text and image outputs created in the selected date range") and offers exports
of its charts, among them "Monthly generations by user" (a month-by-month heatmap per user). Jasper
publishes no column list for the export, so this module reads the heatmap as the page draws it, one line
per user and one column per month::

    User,2026-07,2026-08,2026-09,Total
    ana.lopez@example.com,120,96,143,359

* ``User`` (or ``Email``): the user, pseudonymised by ``scrub`` before anything is stored (``user_id``).
* one column per month, named ``YYYY-MM`` (``Jul 2026`` and ``July 2026`` are read too): the user's
  generations that month. An empty cell is a month without generations (no row); a cell that is not a
  non-negative number quarantines that user-month.
* ``Total`` (optional): the row's sum, not a month: never landed (the months are).

Each user-month cell lands as one ``generations`` row (``unit`` generations) spanning the whole calendar
month (``usage_start`` its first day 00:00 UTC, ``usage_end`` the next month's, ``usage_date`` the first
day), ``service = jasper.app``; a line with no month value is skipped with a reason. Generations are not
physical units: dbt turns them into LLM output tokens with a cited per-generation assumption (seed
``factor_activity_conversions``, method tier ``per_generation_assumption``).

Credit consumption (Grid/API/Agents, credit-based workspaces only) restates the same generations and is
not read here.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from connectors.core.base import Connector, ExportFormatError, ParsedExport
from connectors.core.frames import (
    keyed_export,
    parse_decimal,
    read_csv_rows,
    skip_records,
)
from connectors.core.pseudonym import csv_scrub
from connectors.core.schema import UTC_TS

SOURCE = "jasper_usage"
VERSION = "1.0.0"
DATASET = "generations_by_user"
USER_COLUMNS = ("User", "Email", "User email")
_MONTH_FORMATS = ("%Y-%m", "%b %Y", "%B %Y")


def _month(header: str) -> str | None:
    """``YYYY-MM`` for a month column's header (``2026-09``, ``Sep 2026``, ``September 2026``), else None."""
    for fmt in _MONTH_FORMATS:
        try:
            return datetime.strptime(header.strip(), fmt).strftime("%Y-%m")
        except ValueError:
            continue
    return None


def parse(raw: bytes, file: str) -> ParsedExport:
    frame = read_csv_rows(SOURCE, file, raw)
    user = next(
        (c for c in frame.columns if c.strip().casefold() in {u.casefold() for u in USER_COLUMNS}), None
    )
    if user is None:
        raise ExportFormatError(
            SOURCE, file, "no 'User' column: not a Jasper monthly generations by user export"
        )
    months = {c: m for c in frame.columns if not c.startswith("_") and c != user and (m := _month(c))}
    if not months:
        raise ExportFormatError(SOURCE, file, "no month column (YYYY-MM): not a monthly generations export")
    frame = frame.with_columns(pl.col(user).alias("user_id"))
    # one row per non-empty user-month cell; a cell no number can be read from keeps a null quantity,
    # so validation quarantines that user-month (and only it)
    index = [c for c in frame.columns if c not in months]
    long = (
        frame.unpivot(on=list(months), index=index, variable_name="measure", value_name="_cell")
        .filter(pl.col("_cell").is_not_null() | pl.col("_problem").is_not_null())
        .filter(pl.col("_problem").is_null() | (pl.col("measure") == next(iter(months))))  # a bad line once
        .with_columns(
            parse_decimal("_cell").alias("quantity"),
            pl.lit("generations").alias("activity_type"),
            pl.lit("generations").alias("unit"),
            pl.concat_str(pl.col("_pointer"), pl.lit("#"), pl.col("measure")).alias("source_row"),
        )
    )
    empty = frame.join(long.select("_record").unique(), on="_record", how="anti")
    skipped = skip_records(empty, "no generations in any month (every month cell empty)")
    start = pl.col("measure").replace_strict(months, return_dtype=pl.String).str.to_date("%Y-%m").cast(UTC_TS)
    rows = long.with_columns(
        start.alias("usage_start"),
        start.dt.offset_by("1mo").alias("usage_end"),
        start.dt.date().alias("usage_date"),
        pl.lit("jasper").alias("vendor"),
        pl.lit("jasper.app").alias("service"),
        pl.lit(DATASET).alias("dataset"),
        pl.col("measure").replace_strict(months, return_dtype=pl.String).alias("month"),
    )
    days = sorted({datetime.strptime(m, "%Y-%m").date() for m in months.values()})
    return keyed_export(
        DATASET, rows, days, frame.height, attributes=["month"], key=["month", "user_id"], skipped=skipped
    )


CONNECTOR = Connector(
    source=SOURCE,
    vendor="jasper",
    version=VERSION,
    file_patterns=("*.csv",),
    parse=parse,
    scrub=csv_scrub(USER_COLUMNS),
    description="Jasper Usage page export: monthly generations by user (CSV)",
)
