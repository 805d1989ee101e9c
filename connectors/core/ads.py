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


def ad_measures(
    *, impressions: str | None = None, video_views: str | None = None, view_seconds: str | None = None
) -> list[Measure]:
    """The canonical activities of ad delivery, each from the report column named: impressions (required:
    the row that carries the cost), video views, seconds of video viewed; in that order."""
    measures = []
    if impressions is not None:
        measures.append(Measure(impressions, "ad_impressions", "impressions", required=True))
    if video_views is not None:
        measures.append(Measure(video_views, "video_views", "views"))
    if view_seconds is not None:
        measures.append(Measure(view_seconds, "ad_view_seconds", "seconds"))
    return measures


MEASURES = ad_measures(impressions="impressions", video_views="video_views")


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
    return long.with_columns(
        *delivery_columns(
            "_date", pl.col("cost"), pl.col("currency"), vendor=vendor, service=service, dataset=dataset
        ),
        pl.col("_pointer").alias("_record"),
    )


def delivery_columns(
    day: str,
    cost: pl.Expr,
    currency: pl.Expr,
    *,
    vendor: str,
    service: str,
    dataset: str,
    spread: bool = False,
) -> list[pl.Expr]:
    """The canonical columns of daily ad-delivery rows as ``unpivot_measures`` leaves them (``_key``,
    ``measure``, ``activity_type``): the natural key, the UTC bounds of the ``day`` column, vendor,
    service, dataset, and the ``cost`` (as money) with its ``currency`` on the impressions row only, the
    currency only where there is a cost.

    ``spread``: the records were spread over their days (``spread_over_days``), so a record of several
    days (``_spread_days`` > 1) has one row per day, and the day is part of its key.
    """
    key = [pl.col("_key")]
    if spread:
        key.append(
            pl.when(pl.col("_spread_days") > 1).then(pl.format("|{}", pl.col(day))).otherwise(pl.lit(""))
        )
    start = pl.col(day).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
    on_impressions = pl.col("activity_type") == "ad_impressions"
    amount = pl.when(on_impressions).then(cost.cast(MONEY, strict=False))
    return [
        pl.concat_str(*key, pl.lit("|"), pl.col("measure")).alias("natural_key"),
        start.cast(UTC_TS).alias("usage_start"),
        (start + pl.duration(days=1)).cast(UTC_TS).alias("usage_end"),
        pl.col(day).alias("usage_date"),
        pl.lit(vendor).alias("vendor"),
        pl.lit(service).alias("service"),
        pl.lit(dataset).alias("dataset"),
        amount.alias("cost_amount"),
        # no ad report states credits or discounts: net is the cost the report gives
        amount.alias("cost_amount_net"),
        pl.when(on_impressions & cost.is_not_null()).then(currency).alias("cost_currency"),
    ]


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
