"""Anthropic Admin API ``GET /v1/organizations/cost_report``: daily spend, grouped or not.

Reads one page or a JSON array of pages of ``1d`` buckets (the only documented width; a bucket of
another width is quarantined, never put on one day). Each result is one ``spend`` row. ``amount`` is a
**decimal string in the currency's lowest unit** (cents: ``"123.45"`` is $1.2345) and is divided by 100
exactly (``Decimal``), so every ``cost_amount`` in the warehouse is in major units; ``currency`` is
always ``"USD"`` today. ``amount`` and ``currency`` are the keys every result states: a file whose
results lack one is rejected naming it; a result missing its value is quarantined.

Group fields: ``workspace_id`` (null when not grouped or for the default workspace) and, when grouped by
``description``, ``description``, ``cost_type`` (``tokens``, ``web_search``, ``code_execution``),
``model``, ``token_type``, ``service_tier``, ``context_window`` (the last four null for non-token
costs); ``inference_geo`` when grouped by it. Each may be null or absent; an ungrouped report lands
one unattributed row per day. Gross and net: the report states no credits or discounts (prepaid credit
is drawn down outside it), so ``cost_amount_net`` equals ``cost_amount``. Priority Tier costs never
appear here (usage report only); code execution appears only here.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from connectors.anthropic.usage import (
    RFC3339,
    admin_api_connector,
    anthropic_get_pages,
    geo_country,
    group_fields_as_text,
)
from connectors.core.base import ApiExport, ParsedExport
from connectors.core.frames import json_attributes, natural_key, require_columns
from connectors.core.json_pages import ANTHROPIC_BUCKETS, bucket_row_columns, read_bucketed_results
from connectors.core.schema import MONEY, PARSED_SCHEMA, conform
from connectors.core.subday import DAY

SOURCE = "anthropic_costs"
VERSION = "1.1.0"
DATASET = "cost_report"
# the fields fetch groups the report by; the fields grouping by description fills (null on non-token
# costs); every field a result may carry: those, and inference_geo when a saved report was grouped by it
GROUP_BY = ["workspace_id", "description"]
DESCRIPTION_FIELDS = ["cost_type", "context_window", "model", "service_tier", "token_type"]
GROUP_FIELDS = [*GROUP_BY, *DESCRIPTION_FIELDS, "inference_geo"]
REQUIRED = ["amount", "currency"]
ATTRIBUTES = ["description", "cost_type", "token_type", "service_tier", "context_window", "inference_geo"]
CENTS = pl.Decimal(38, 14)


def _problem() -> pl.Expr:
    """A record-level reason to quarantine a result: its bucket is not a UTC day, or a value is missing."""
    width = pl.col("_end") - pl.col("_start")
    midnight = pl.col("_start") == pl.col("_start").dt.truncate("1d")
    return (
        pl.when(pl.col("_start").is_null() | pl.col("_end").is_null())
        .then(None)
        .when((width != DAY) | ~midnight)
        .then(
            pl.format(
                "bucket {} to {} is not one UTC day (the cost report has 1d buckets only)",
                pl.col("_start"),
                pl.col("_end"),
            )
        )
        .when(pl.col("amount").is_null())
        .then(pl.lit("'amount' is missing"))
        .when(pl.col("currency").is_null())
        .then(pl.lit("'currency' is missing: an amount without its currency is not landed"))
        .otherwise(None)
        .cast(pl.String)
    )


def parse(raw: bytes, file: str) -> ParsedExport:
    results, days = read_bucketed_results(SOURCE, file, raw, ANTHROPIC_BUCKETS)
    if results.is_empty():  # every bucket empty: the days are covered, nothing was spent
        return ParsedExport(DATASET, conform(pl.DataFrame(), PARSED_SCHEMA), days, 0)
    require_columns(SOURCE, file, results.columns, REQUIRED, "cost_report results")

    results = group_fields_as_text(results, GROUP_FIELDS)
    results = results.with_columns(pl.col(c).cast(pl.String) for c in REQUIRED)
    text = pl.col("amount").str.strip_chars()
    major = text.cast(CENTS, strict=False) / 100
    rows = results.with_columns(
        (text.cast(pl.Float64, strict=False) / 100).alias("quantity"),
        major.cast(MONEY).alias("cost_amount"),
        major.cast(MONEY).alias("cost_amount_net"),
        pl.col("currency").str.strip_chars().str.to_uppercase().alias("cost_currency"),
        json_attributes(ATTRIBUTES, results).alias("attributes"),
        pl.col("_start").dt.strftime(RFC3339).alias("_start_text"),
        pl.col("_end").dt.strftime(RFC3339).alias("_end_text"),
        _problem().alias("_problem"),
    ).with_columns(
        natural_key(["_start_text", "_end_text", *GROUP_FIELDS]).alias("natural_key"),
        pl.concat_str(pl.col("_pointer"), pl.lit("#amount")).alias("source_row"),
        pl.lit("spend").alias("activity_type"),
        pl.lit("currency").alias("unit"),
        *bucket_row_columns("anthropic", "anthropic.cost_report", DATASET, pl.col("model")),
        pl.col("workspace_id").alias("workspace"),
        pl.col("inference_geo").alias("region"),
        geo_country(pl.col("inference_geo")).alias("country"),
    )
    return ParsedExport(DATASET, conform(rows, PARSED_SCHEMA), days, results.height)


def fetch(first: date, end: date) -> list[ApiExport]:
    pages = anthropic_get_pages(SOURCE, "/v1/organizations/cost_report", {"group_by[]": GROUP_BY}, first, end)
    return [ApiExport.of_pages(DATASET, first, end, pages)]


CONNECTOR = admin_api_connector(
    SOURCE,
    VERSION,
    parse,
    fetch,
    "Anthropic Admin API cost_report pages (cents as decimal strings) saved as JSON",
)
