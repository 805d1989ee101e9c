"""Records summed to UTC days: sub-day records (hourly or per-minute buckets, export rows with a time
of day) and records that repeat a key within a day.

Vendors let users pick the granularity of a report (Anthropic's ``bucket_width`` of ``1d``/``1h``/``1m``,
the Console's hour and minute views); the warehouse's grain is the UTC day, so finer records are summed
with ``frames.aggregate_to_day``. Console exports also repeat a row with the same key on a day (two
charges of one kind, both on the invoice): those are summed too, never dropped as duplicates. A sum must
never hide a bad value: a record whose measure is missing (where the report always states it), not a
number, negative or infinite is not summed but returned on its own with a ``_problem`` naming the value,
so landing quarantines it as one record.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from connectors.core.frames import aggregate_to_day

DAY = pl.duration(days=1)


def granularity(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """A bucket's width as the vendor names it (``1d``, ``1h``, ``1m``), else its length in minutes."""
    width = end - start
    minutes = width.dt.total_minutes()
    return (
        pl.when(width == DAY)
        .then(pl.lit("1d"))
        .when(width == pl.duration(hours=1))
        .then(pl.lit("1h"))
        .when(width == pl.duration(minutes=1))
        .then(pl.lit("1m"))
        .otherwise(pl.format("{}min", minutes))
    )


def summing_problem(
    frame: pl.DataFrame, measures: list[str], required: list[str], number: Callable[[str], pl.Expr]
) -> pl.Expr:
    """Why a record cannot be summed into its day (the first bad measure), else null.

    ``number(column)`` reads a measure as a float (null when it is not a number).
    """
    reasons = []
    for column in (m for m in measures if m in frame.columns):
        value = number(column)
        given = pl.col(column).is_not_null()
        bad = given & (value.is_null() | ~value.is_finite() | (value < 0))
        reason = pl.when(bad).then(
            pl.format(
                "'{}' = {} is not a non-negative number, so the record is not summed into its UTC day",
                pl.lit(column),
                pl.col(column).cast(pl.String),
            )
        )
        if column in required:
            reason = reason.when(~given).then(
                pl.lit(f"'{column}' is missing, so the record is not summed into its UTC day")
            )
        reasons.append(reason)
    return pl.coalesce(reasons) if reasons else pl.lit(None, dtype=pl.String)


def sum_to_days(
    frame: pl.DataFrame,
    *,
    start: str,
    to_sum: pl.Expr,
    keys: list[str],
    measures: list[str],
    required: list[str],
    number: Callable[[str], pl.Expr],
    first: list[str] = (),
) -> pl.DataFrame:
    """Rows where ``to_sum`` holds are summed per UTC day and key; the others pass through.

    Summed rows carry ``_records`` (the records they sum), ``_pointer`` (``a+b+c``), ``start`` set to the
    day's midnight and ``_day_end`` to the next. Passed-through rows keep their ``_record`` and get a null
    ``_records``; a record to sum that cannot be summed is passed through with its ``_problem``. Every
    row's measures come back as ``number(measure)`` (floats). ``frame`` must carry ``_record``,
    ``_pointer`` and ``_problem``.
    """
    present = [m for m in measures if m in frame.columns]
    flagged = frame.with_columns(to_sum.fill_null(False).alias("_sub_day"))
    if not flagged.get_column("_sub_day").any():
        return frame.with_columns(
            *[number(m).alias(m) for m in present], pl.lit(None, dtype=pl.List(pl.String)).alias("_records")
        )
    problem = summing_problem(frame, measures, required, number)
    flagged = flagged.with_columns(
        pl.when(pl.col("_sub_day") & pl.col("_problem").is_null())
        .then(problem)
        .otherwise(pl.col("_problem"))
        .alias("_problem")
    )
    summable = pl.col("_sub_day") & pl.col("_problem").is_null()
    kept = flagged.filter(~summable).drop("_sub_day").with_columns(number(m).alias(m) for m in present)
    numbers = flagged.filter(summable).drop("_sub_day").with_columns(number(m).alias(m) for m in present)
    summed = aggregate_to_day(
        numbers, start, keys, present, first=[c for c in first if c in frame.columns]
    ).drop("_day")
    summed = summed.with_columns(
        pl.col("_records").list.first().alias("_record"),  # a representative; landing uses _records
        pl.lit(None, dtype=pl.String).alias("_problem"),
    )
    kept = kept.with_columns(pl.lit(None, dtype=pl.List(pl.String)).alias("_records"))
    return pl.concat(
        [kept, summed.with_columns(pl.col(start).cast(kept.schema[start]))], how="diagonal_relaxed"
    )
