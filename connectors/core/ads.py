"""Canonical rows from daily ad-delivery records: shared by the programmatic and retail-media readers
(``dv360``, ``microsoft_ads``, ``amazon_ads``).

A reader turns its report into one wide record per report row with these columns, then calls
``ad_rows``:

* ``_date`` (the report day), ``_pointer`` (``line:<n>`` or ``/<i>``), optionally ``_problem``;
* ``account``, ``campaign_id``, ``country`` (ISO alpha-3), ``device``, ``ad_format``, ``placement``;
* ``impressions`` (required) and optional ``video_views``;
* ``cost`` (exact decimal text or Decimal) and ``currency``;
* ``buy_type``: how the impression was selected in the Ad Net Zero GMSF sense (``programmatic``: open
  auctions over publishers' ads.txt supply paths; ``end_to_end``: a platform selling its own inventory,
  500 servers and no RTB calls; ``direct``), read by ``int_ad_impacts_computed`` from ``attributes``.

Every row keeps its record (``_record``); a cost without a stated currency lands with a null currency
and says why (``cost_currency_unknown`` in ``attributes``).
"""

from __future__ import annotations

import polars as pl

from connectors.core.frames import Measure, json_attributes, natural_key, unpivot_measures
from connectors.core.schema import MONEY, UTC_TS

MEASURES = [
    Measure("impressions", "ad_impressions", "impressions", required=True),
    Measure("video_views", "video_views", "views"),
]


def ad_rows(
    frame: pl.DataFrame,
    *,
    vendor: str,
    service: str,
    dataset: str,
    attributes: list[str],
    currency_unknown: str,
    key_columns: list[str] | None = None,
) -> pl.DataFrame:
    """Wide daily ad records -> canonical rows (one per measure), cost on the impression row only.

    ``attributes`` are the reader's attribute columns (those null throughout the file are left out);
    ``key_columns`` the record's identity besides its day, by default every ``_key_*`` column.
    """
    if key_columns is None:
        key_columns = [c for c in frame.columns if c.startswith("_key_")]
    attributes = [a for a in attributes if frame.get_column(a).is_not_null().any()]
    frame = frame.with_columns(
        pl.when(pl.col("currency").is_null() & pl.col("cost").is_not_null())
        .then(pl.lit(currency_unknown))
        .alias("cost_currency_unknown")
    )
    flags = ["cost_currency_unknown"] if frame.get_column("cost_currency_unknown").is_not_null().any() else []
    wide = frame.with_columns(
        json_attributes(["buy_type", *attributes, *flags], frame).alias("attributes"),
        natural_key(["_date", *key_columns]).alias("_key"),
    )
    long = unpivot_measures(wide, MEASURES)
    start = pl.col("_date").cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
    on_impressions = pl.col("activity_type") == "ad_impressions"
    cost = pl.when(on_impressions).then(pl.col("cost").cast(MONEY, strict=False))
    return long.with_columns(
        pl.concat_str(pl.col("_key"), pl.lit("|"), pl.col("measure")).alias("natural_key"),
        start.cast(UTC_TS).alias("usage_start"),
        (start + pl.duration(days=1)).cast(UTC_TS).alias("usage_end"),
        pl.col("_date").alias("usage_date"),
        pl.lit(vendor).alias("vendor"),
        pl.lit(service).alias("service"),
        cost.alias("cost_amount"),
        # none of these reports states credits or discounts: net is the cost the report gives
        cost.alias("cost_amount_net"),
        pl.when(on_impressions & pl.col("cost").is_not_null())
        .then(pl.col("currency"))
        .alias("cost_currency"),
        pl.lit(dataset).alias("dataset"),
        pl.col("_pointer").alias("_record"),
    )


def report_date(day: pl.Expr, *formats: str) -> pl.Expr:
    """A report's day text as a date: the first of ``formats`` it parses with."""
    return pl.coalesce([day.str.to_date(f, strict=False) for f in formats])


def text(frame: pl.DataFrame, column: str | None) -> pl.Expr:
    """A text column stripped, with empty cells and the platforms' ``--`` placeholders as null."""
    if column is None or column not in frame.columns or frame.schema[column].is_nested():
        return pl.lit(None, dtype=pl.String)
    value = pl.col(column).cast(pl.String).str.strip_chars()
    return pl.when(value.is_in(["", "--", "-"])).then(None).otherwise(value)


def number_text(frame: pl.DataFrame, column: str | None) -> pl.Expr:
    """A numeric cell as plain decimal text: thousands separators and currency signs dropped."""
    return text(frame, column).str.replace_all(r"[,\s$€£¥]", "")
