"""Anthropic Admin API ``GET /v1/organizations/cost_report``: daily spend by workspace and description.

``amount`` is a **decimal string in cents** (``"123.45"`` is $1.2345); it is divided by 100 so every
``cost_amount`` in the warehouse is in major units. Priority Tier costs never appear here (usage only),
and code execution appears only here.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from connectors.anthropic_usage import CREDENTIAL, anthropic_get_pages
from connectors.base import ApiExport, Connector, ExportFormatError, ParsedExport
from connectors.frames import (
    ANTHROPIC_BUCKETS,
    bucket_row_columns,
    ensure_columns,
    json_attributes,
    natural_key,
    read_bucketed_results,
)
from connectors.http import pages_as_export
from connectors.schema import PARSED_SCHEMA, conform

SOURCE = "anthropic_costs"
VERSION = "1.0.0"
DATASET = "cost_report"
GROUP_FIELDS: dict[str, pl.DataType] = {
    "workspace_id": pl.String(),
    "description": pl.String(),
    "cost_type": pl.String(),
    "context_window": pl.String(),
    "model": pl.String(),
    "service_tier": pl.String(),
    "token_type": pl.String(),
    "inference_geo": pl.String(),
}
GEO_COUNTRY = {"us": "USA"}


def parse(raw: bytes, file: str) -> ParsedExport:
    results, days = read_bucketed_results(SOURCE, file, raw, ANTHROPIC_BUCKETS)
    if results.is_empty():
        return ParsedExport(DATASET, conform(pl.DataFrame(), PARSED_SCHEMA), days, 0)
    if "amount" not in results.columns:
        raise ExportFormatError(SOURCE, file, "results have no 'amount': not a cost_report page")

    results = ensure_columns(results, GROUP_FIELDS | {"currency": pl.String()})
    dollars = pl.col("amount").cast(pl.String).cast(pl.Float64, strict=False) / 100
    rows = results.with_columns(
        dollars.alias("quantity"),
        dollars.alias("cost_amount"),
        pl.col("currency").str.to_uppercase().alias("cost_currency"),
        json_attributes(
            ["description", "cost_type", "token_type", "service_tier", "context_window", "inference_geo"],
            results,
        ).alias("attributes"),
        natural_key(["bucket_starting_at", "bucket_ending_at", *GROUP_FIELDS]).alias("natural_key"),
        pl.concat_str(pl.col("_pointer"), pl.lit("#amount")).alias("source_row"),
        pl.lit("spend").alias("activity_type"),
        pl.lit("currency").alias("unit"),
        *bucket_row_columns("anthropic", "anthropic.cost_report", DATASET, pl.col("model")),
        pl.col("workspace_id").alias("workspace"),
        pl.col("inference_geo").alias("region"),
        pl.col("inference_geo")
        .replace_strict(GEO_COUNTRY, default=None, return_dtype=pl.String)
        .alias("country"),
    )
    return ParsedExport(DATASET, conform(rows, PARSED_SCHEMA), days, results.height)


def fetch(first: date, end: date) -> list[ApiExport]:
    pages = anthropic_get_pages(
        SOURCE, "/v1/organizations/cost_report", {"group_by[]": ["workspace_id", "description"]}, first, end
    )
    return [ApiExport(f"cost_report_api_{first}_{end - timedelta(days=1)}.json", pages_as_export(pages))]


CONNECTOR = Connector(
    source=SOURCE,
    vendor="anthropic",
    version=VERSION,
    file_patterns=("*.json",),
    parse=parse,
    fetch=fetch,
    credential_variable=CREDENTIAL.variable,
    description="Anthropic Admin API cost_report pages (cents as decimal strings) saved as JSON",
)
