"""OpenAI Costs API (``GET /v1/organization/costs``): daily spend by line item, project and API key.

Amounts are float **dollars** (``amount.value``) with a lower-case currency. A result grouped by nothing
(the API reference's own example: ``line_item``, ``project_id`` null) lands unattributed. A line stating a
token quantity (``quantity_unit`` ``tokens``, ``1000_tokens``, ``1M tokens``...) on a line item naming its
direction (``"gpt-4o-mini-2024-07-18, cached input"``) lands as those tokens, multiplied out, with the
dollars as its cost (``cost_measure_columns``, shared with the dashboard Cost export); every other result
is one ``spend`` row. The line item names the model where it is a model line, which reconciliation uses
to compare cost with usage. Quantities of other units stay in ``attributes`` (docs/sources.md).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from connectors.core.base import ApiExport, ExportFormatError, ParsedExport
from connectors.core.frames import (
    coerce_columns,
    ensure_columns,
    json_attributes,
    natural_key,
    normalise_model,
    numeric_columns,
)
from connectors.core.json_pages import OPENAI_BUCKETS, bucket_row_columns, read_bucketed_results
from connectors.core.schema import PARSED_SCHEMA, conform
from connectors.openai.usage import admin_api_connector, openai_get_pages

SOURCE = "openai_costs"
VERSION = "1.0.0"
DATASET = "costs"
GROUP_FIELDS: dict[str, pl.DataType] = {
    "line_item": pl.String(),
    "project_id": pl.String(),
    "api_key_id": pl.String(),
    "organization_id": pl.String(),
}


# the model a line item names (fine-tunes as their base model):
# "gpt-4o-mini-2024-07-18, input" and "evals | gpt-4o-mini-2024-07-18, input" -> "gpt-4o-mini-2024-07-18";
# "ft-gpt-4o-2024-08-06, output" -> "gpt-4o-2024-08-06"; "assistants api | file search" -> null
LINE_ITEM_MODEL = r"^(?:[^,|]*\|\s*)?(?:ft-)?([A-Za-z0-9][A-Za-z0-9._:-]*),\s*[^,|]+$"
# a line item's direction (after its last comma) -> the token activity it bought
LINE_ITEM_TOKENS = {
    "input": "llm_input_tokens",
    "cached input": "llm_cached_input_tokens",
    "output": "llm_output_tokens",
}
# model families whose input tokens are not chat-model prefill
ENCODER_TOKENS = {"embedding": "embedding_tokens", "moderation": "moderation_tokens"}


def token_multiplier(unit: pl.Expr) -> pl.Expr:
    """Tokens per unit of a cost line's ``quantity_unit``: ``tokens`` 1, ``1000_tokens``/``1K tokens`` 1000,
    ``1M tokens`` 1e6; null for any other unit (seconds, images, gibibyte-hours...), which stays spend."""
    text = unit.str.strip_chars().str.to_lowercase().str.replace_all(r"[\s_]+", " ")
    parts = text.str.extract_groups(r"^(?:(\d+(?:\.\d+)?) ?([km])? )?tokens?$")
    scale = parts.struct.field("2").replace_strict({"k": 1e3, "m": 1e6}, default=1.0, return_dtype=pl.Float64)
    number = parts.struct.field("1").cast(pl.Float64, strict=False).fill_null(1.0)
    matched = text.str.contains(r"^(?:(\d+(?:\.\d+)?) ?([km])? )?tokens?$")
    return pl.when(matched).then(number * scale).otherwise(None)


def token_activity(line_item: pl.Expr, model: pl.Expr) -> pl.Expr:
    """The token activity a line item bought (``"gpt-4o-mini-2024-07-18, cached input"`` ->
    ``llm_cached_input_tokens``), or null for a line that names no token direction."""
    # "input", "cached input", "input_tokens", "cached_input_tokens": one direction, however it is written
    direction = (
        line_item.str.extract(r",\s*([^,|]+?)\s*$")
        .str.to_lowercase()
        .str.replace_all(r"[_\s]+", " ")
        .str.replace(r" tokens?$", "")
    )
    chat = direction.replace_strict(LINE_ITEM_TOKENS, default=None, return_dtype=pl.String)
    encoder = pl.lit(None, pl.String)
    for family, activity in ENCODER_TOKENS.items():
        encoder = pl.when(model.str.contains(family)).then(pl.lit(activity)).otherwise(encoder)
    return pl.when(direction == "input").then(pl.coalesce(encoder, chat)).otherwise(chat)


def cost_measure_columns(
    money: pl.Expr, quantity: pl.Expr, unit: pl.Expr, line_item: pl.Expr, model: pl.Expr
) -> list[pl.Expr]:
    """``activity_type``, ``unit``, ``quantity`` of a cost line: tokens, multiplied out, where the line
    states a token quantity of a known direction (the money stays its cost); otherwise ``spend`` with the
    money as quantity. A token line is never landed as spend with dollars as its quantity."""
    activity = token_activity(line_item, model)
    tokens = (quantity * token_multiplier(unit)).round(6)  # drop the float noise of x1000
    is_tokens = activity.is_not_null() & tokens.is_not_null()
    return [
        pl.when(is_tokens).then(activity).otherwise(pl.lit("spend")).alias("activity_type"),
        pl.when(is_tokens).then(pl.lit("tokens")).otherwise(pl.lit("currency")).alias("unit"),
        pl.when(is_tokens).then(tokens).otherwise(money).alias("quantity"),
    ]


def parse(raw: bytes, file: str) -> ParsedExport:
    results, days = read_bucketed_results(SOURCE, file, raw, OPENAI_BUCKETS)
    if results.is_empty():
        return ParsedExport(DATASET, conform(pl.DataFrame(), PARSED_SCHEMA), days, 0)
    if "amount" not in results.columns or not isinstance(results.schema["amount"], pl.Struct):
        raise ExportFormatError(SOURCE, file, "results have no 'amount' object: not a Costs API page")

    amount_fields = {f.name for f in results.schema["amount"].fields}
    results = results.with_columns(
        pl.col("amount").struct.field(name).alias(f"_amount_{name}")
        for name in ("value", "currency")
        if name in amount_fields
    )
    results = coerce_columns(
        results, GROUP_FIELDS | {"quantity_unit": pl.String(), "_amount_currency": pl.String()}
    )
    results = numeric_columns(
        ensure_columns(results, {"quantity": pl.Float64(), "_amount_value": pl.Float64()}),
        ["quantity", "_amount_value"],
    )
    model_part = pl.col("line_item").str.extract(LINE_ITEM_MODEL, 1)
    # the vendor's own quantity/quantity_unit describe the line item; keep them as attributes
    attributes = json_attributes(["line_item", "quantity", "quantity_unit", "organization_id"], results)
    amount = pl.col("_amount_value")
    rows = results.with_columns(attributes.alias("attributes")).with_columns(
        *cost_measure_columns(
            amount,
            pl.col("quantity"),
            pl.col("quantity_unit").cast(pl.String),
            pl.col("line_item"),
            normalise_model(model_part),
        ),
        amount.alias("cost_amount"),
        pl.col("_amount_currency").str.to_uppercase().alias("cost_currency"),
        natural_key(["bucket_start_time", "bucket_end_time", *GROUP_FIELDS]).alias("natural_key"),
        pl.concat_str(pl.col("_pointer"), pl.lit("#amount")).alias("source_row"),
        *bucket_row_columns("openai", "openai.costs", DATASET, model_part),
        pl.col("project_id").alias("project"),
        pl.col("organization_id").alias("account"),
    )
    return ParsedExport(DATASET, conform(rows, PARSED_SCHEMA), days, results.height)


def fetch(first: date, end: date) -> list[ApiExport]:
    pages = openai_get_pages(
        SOURCE, "/organization/costs", {"group_by[]": ["line_item", "project_id"]}, first, end
    )
    return [ApiExport.of_pages(DATASET, first, end, pages)]


CONNECTOR = admin_api_connector(
    SOURCE,
    VERSION,
    parse,
    fetch,
    "OpenAI Costs API pages (daily spend by line item and project) saved as JSON",
)
