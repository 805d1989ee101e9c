"""OpenAI Costs API (``GET /v1/organization/costs``): daily spend by line item and project.

Amounts are float **dollars** (``amount.value``) with a lower-case currency. Each result becomes one
``spend`` row; the line item (``"gpt-4o-mini-2024-07-18, input"``) names the model where it is a
model line, which reconciliation uses to compare cost with usage.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from connectors.base import ApiExport, Connector, ExportFormatError, ParsedExport
from connectors.frames import (
    OPENAI_BUCKETS,
    bucket_row_columns,
    ensure_columns,
    json_attributes,
    natural_key,
    read_bucketed_results,
)
from connectors.http import pages_as_export
from connectors.openai_usage import CREDENTIAL, openai_get_pages
from connectors.schema import PARSED_SCHEMA, conform

SOURCE = "openai_costs"
VERSION = "1.0.0"
DATASET = "costs"
GROUP_FIELDS: dict[str, pl.DataType] = {
    "line_item": pl.String(),
    "project_id": pl.String(),
    "api_key_id": pl.String(),
    "organization_id": pl.String(),
}


def parse(raw: bytes, file: str) -> ParsedExport:
    results, days = read_bucketed_results(SOURCE, file, raw, OPENAI_BUCKETS)
    if results.is_empty():
        return ParsedExport(DATASET, conform(pl.DataFrame(), PARSED_SCHEMA), days, 0)
    if "amount" not in results.columns or not isinstance(results.schema["amount"], pl.Struct):
        raise ExportFormatError(SOURCE, file, "results have no 'amount' object: not a Costs API page")

    results = ensure_columns(results, GROUP_FIELDS | {"quantity": pl.Float64(), "quantity_unit": pl.String()})
    model_part = pl.col("line_item").str.extract(r"^(?:ft-)?([^,|]+?),\s*\w+")
    # the vendor's own quantity/quantity_unit describe the line item; keep them as attributes
    attributes = json_attributes(["line_item", "quantity", "quantity_unit", "organization_id"], results)
    amount = pl.col("amount").struct.field("value").cast(pl.Float64, strict=False)
    rows = results.with_columns(attributes.alias("attributes")).with_columns(
        amount.alias("quantity"),
        amount.alias("cost_amount"),
        pl.col("amount").struct.field("currency").str.to_uppercase().alias("cost_currency"),
        natural_key(["bucket_start_time", "bucket_end_time", *GROUP_FIELDS]).alias("natural_key"),
        pl.concat_str(pl.col("_pointer"), pl.lit("#amount")).alias("source_row"),
        pl.lit("spend").alias("activity_type"),
        pl.lit("currency").alias("unit"),
        *bucket_row_columns("openai", "openai.costs", DATASET, model_part),
        pl.col("project_id").alias("project"),
        pl.col("organization_id").alias("account"),
    )
    return ParsedExport(DATASET, conform(rows, PARSED_SCHEMA), days, results.height)


def fetch(first: date, end: date) -> list[ApiExport]:
    pages = openai_get_pages(
        SOURCE, "/organization/costs", {"group_by[]": ["line_item", "project_id"]}, first, end
    )
    return [ApiExport(f"costs_api_{first}_{end - timedelta(days=1)}.json", pages_as_export(pages))]


CONNECTOR = Connector(
    source=SOURCE,
    vendor="openai",
    version=VERSION,
    file_patterns=("*.json",),
    parse=parse,
    fetch=fetch,
    credential_variable=CREDENTIAL.variable,
    description="OpenAI Costs API pages (daily spend by line item and project) saved as JSON",
)
