"""OpenAI dashboard CSV exports (platform.openai.com/usage -> Export), one file per view.

Two exports are read, told apart by their header (and by their file name):

* the **Cost** view, ``cost_<from>_<to>.csv``: a fixed 17-column header, one row per daily UTC bucket
  (x line item x project... when grouped). Buckets without spend are rows with a blank amount: they
  cover the day, are counted and skipped with their reason. Amounts are dollars written with 30
  decimals, currency lower case. A row with a token ``quantity``/``quantity_unit`` (``1000_tokens``...)
  lands as those tokens with the money as cost, as the Costs API connector reads it; others are ``spend``.
* the **Activity** view, ``completions_usage_<from>_<to>.csv``: the four time columns, then the Usage
  API completions result fields (``project_id, num_model_requests, user_id, api_key_id, model, batch,
  service_tier, input_tokens, output_tokens, input_cached_tokens, input_uncached_tokens, input_audio_tokens,
  output_audio_tokens...``), read by name because their order is not documented. Numbers may be written as
  floats (``3.0``). An export with only the four time columns means there was no usage. The rows become
  the same activity types as the Usage API connector (``connectors.openai.usage``, audio tokens and
  requests included), whose measures and token split are reused; the text/image breakdowns are not landed.

Every CSV record is counted; a row with more or fewer fields than the header is quarantined with its line.
"""

from __future__ import annotations

from pathlib import PurePath

import polars as pl

from connectors.core.base import Connector, ExportFormatError, ParsedExport
from connectors.core.frames import (
    covered_days,
    ensure_columns,
    json_attributes,
    natural_key,
    normalise_model,
    parse_decimal,
    read_csv_rows,
    require_columns,
    rfc3339,
    skip_records,
    unpivot_measures,
)
from connectors.core.schema import MONEY, PARSED_SCHEMA, conform
from connectors.openai.costs import LINE_ITEM_MODEL, cost_measure_columns
from connectors.openai.usage import DATASETS as USAGE_DATASETS
from connectors.openai.usage import REQUIRED as USAGE_REQUIRED
from connectors.openai.usage import completion_token_columns

SOURCE = "openai_dashboard"
VERSION = "1.0.0"
COST_DATASET = "costs"  # as the Costs API connector (openai_costs) names the same report

TIME_COLUMNS = ["start_time", "end_time", "start_time_iso", "end_time_iso"]
COST_COLUMNS = [
    *TIME_COLUMNS,
    "amount_value",
    "amount_currency",
    "quantity",
    "quantity_unit",
    "line_item",
    "user_id",
    "api_key_id",
    "project_id",
    "organization_id",
    "project_name",
    "organization_name",
    "user_email",
    "api_source",
]
# the vendor's key of a cost record (names and e-mail are labels of these ids, not part of the key)
COST_KEY = ["line_item", "project_id", "api_key_id", "user_id", "organization_id", "api_source", "currency"]
COST_ATTRIBUTES = [
    "line_item",
    "quantity",
    "quantity_unit",
    "project_name",
    "organization_name",
    "user_email",
    "api_source",
]

# completions: the Usage API connector's group fields and measures, read from text columns
USAGE_GROUP_FIELDS: dict[str, pl.DataType] = {
    "project_id": pl.String(),
    "user_id": pl.String(),
    "api_key_id": pl.String(),
    "model": pl.String(),
    "batch": pl.String(),
    "service_tier": pl.String(),
}
COMPLETIONS_MEASURES = USAGE_DATASETS["completions"][1]
# every numeric column the completions result can carry; a row with none of them is an empty bucket
USAGE_NUMBERS = [
    "num_model_requests",
    "input_tokens",
    "output_tokens",
    "input_cached_tokens",
    "input_uncached_tokens",
    "input_cache_write_tokens",
    "input_audio_tokens",
    "output_audio_tokens",
]
EMPTY_BUCKET = "empty bucket: the day is covered, nothing was used or spent"


def _text(column: str) -> pl.Expr:
    """A text cell, trimmed, with blanks as null."""
    text = pl.col(column).cast(pl.String).str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text).alias(column)


def _bucket_times(frame: pl.DataFrame) -> pl.DataFrame:
    """``_start``/``_end`` from unix seconds (``1790467200`` or ``1790467200.0``), else the ISO columns."""

    def moment(epoch: str, iso: str) -> pl.Expr:
        seconds = pl.from_epoch(
            pl.col(epoch).cast(pl.Float64, strict=False).cast(pl.Int64, strict=False), time_unit="s"
        ).dt.replace_time_zone("UTC")
        return pl.coalesce(seconds, rfc3339(iso)) if iso in frame.columns else seconds

    return frame.with_columns(
        moment("start_time", "start_time_iso").alias("_start"),
        moment("end_time", "end_time_iso").alias("_end"),
    )


def _common(dataset: str, service: str) -> list[pl.Expr]:
    return [
        pl.concat_str(pl.col("_key"), pl.lit("|"), pl.col("measure")).alias("natural_key"),
        pl.col("_start").alias("usage_start"),
        pl.col("_end").alias("usage_end"),
        pl.col("_start").dt.date().alias("usage_date"),
        pl.lit("openai").alias("vendor"),
        pl.lit(service).alias("service"),
        pl.col("model_raw"),
        normalise_model(pl.col("model_raw")).alias("model"),
        pl.col("project_id").alias("project"),
        pl.lit(dataset).alias("dataset"),
    ]


def _parse_cost(frame: pl.DataFrame) -> ParsedExport:
    frame = frame.with_columns(_text(c) for c in COST_COLUMNS)
    frame = _bucket_times(frame)
    days = covered_days(frame.get_column("_start"))
    # a blank amount is an empty bucket (skipped, counted); a short row keeps its problem and is quarantined
    empty = pl.col("amount_value").is_null() & pl.col("_problem").is_null()
    records = frame.filter(~empty)
    wide = records.with_columns(
        pl.col("amount_currency").str.to_uppercase().alias("currency"),
        pl.col("amount_value").str.replace_all(r"[\s,$]", "").alias("_amount_text"),
        parse_decimal("quantity").alias("quantity"),
        parse_decimal("quantity").alias("_quantity"),
        pl.col("line_item").str.extract(LINE_ITEM_MODEL, 1).alias("model_raw"),
        pl.lit("amount_value").alias("measure"),
        pl.col("_start").dt.epoch("s").alias("start_time_key"),
        pl.col("_end").dt.epoch("s").alias("end_time_key"),
    )
    wide = wide.with_columns(
        json_attributes(COST_ATTRIBUTES, wide).alias("attributes"),
        natural_key(["start_time_key", "end_time_key", *COST_KEY]).alias("_key"),
    )
    money = pl.col("_amount_text").cast(pl.Float64, strict=False)
    rows = wide.drop("quantity").with_columns(
        *_common(COST_DATASET, "openai.costs"),
        *cost_measure_columns(
            money,
            pl.col("_quantity"),
            pl.col("quantity_unit"),
            pl.col("line_item"),
            normalise_model(pl.col("model_raw")),
        ),
        pl.col("_amount_text").cast(MONEY, strict=False).alias("cost_amount"),
        pl.col("currency").alias("cost_currency"),
        pl.col("organization_id").alias("account"),
        pl.concat_str(pl.col("_pointer"), pl.lit("#amount_value")).alias("source_row"),
    )
    skipped = skip_records(frame.filter(empty), EMPTY_BUCKET)
    return ParsedExport(COST_DATASET, conform(rows, PARSED_SCHEMA), days, frame.height, skipped)


def _parse_completions(frame: pl.DataFrame, file: str) -> ParsedExport:
    frame = _bucket_times(frame)
    days = covered_days(frame.get_column("_start"))
    numbers = [c for c in USAGE_NUMBERS if c in frame.columns]
    if not numbers:  # only the four time columns: the period had no usage
        skipped = skip_records(frame, EMPTY_BUCKET)
        return ParsedExport(
            "completions", conform(pl.DataFrame(), PARSED_SCHEMA), days, frame.height, skipped
        )
    require_columns(SOURCE, file, frame.columns, USAGE_REQUIRED["completions"], "completions usage export")

    frame = ensure_columns(frame, USAGE_GROUP_FIELDS)
    text_columns = [c for c in frame.columns if not c.startswith("_")]
    frame = frame.with_columns(_text(c) for c in text_columns)
    # a row with no number at all is an empty bucket; a short row keeps its problem and is quarantined
    empty = ~pl.any_horizontal(pl.col(c).is_not_null() for c in numbers) & pl.col("_problem").is_null()
    records = frame.filter(~empty)
    batch = pl.col("batch").str.to_lowercase()
    records = records.with_columns(
        # "3.0" -> 3.0; thousands separators, if any, are dropped
        *[parse_decimal(c).alias(c) for c in numbers],
        pl.when(batch.is_in(["true", "1", "1.0"]))
        .then(True)
        .when(batch.is_in(["false", "0", "0.0"]))
        .then(False)
        .otherwise(None)
        .alias("batch"),
        pl.col("_start").dt.epoch("s").alias("start_time_key"),
        pl.col("_end").dt.epoch("s").alias("end_time_key"),
    )
    records = records.with_columns(completion_token_columns(records))
    wide = records.with_columns(
        pl.struct(
            pl.col("batch"),
            pl.col("service_tier"),
            pl.col("num_model_requests").cast(pl.Int64, strict=False).alias("num_model_requests")
            if "num_model_requests" in records.columns
            else pl.lit(None, pl.Int64).alias("num_model_requests"),
        )
        .struct.json_encode()
        .alias("attributes"),
        natural_key(["start_time_key", "end_time_key", *USAGE_GROUP_FIELDS]).alias("_key"),
        pl.col("model").alias("model_raw"),
    )
    long = unpivot_measures(wide, COMPLETIONS_MEASURES)
    rows = long.with_columns(
        *_common("completions", "openai.completions"),
        pl.lit(None, dtype=pl.String).alias("region"),
        pl.lit(None, dtype=pl.String).alias("country"),
    )
    skipped = skip_records(frame.filter(empty), EMPTY_BUCKET)
    return ParsedExport("completions", conform(rows, PARSED_SCHEMA), days, frame.height, skipped)


def _dataset(columns: list[str], file: str) -> str:
    missing_time = [c for c in ("start_time", "end_time") if c not in columns]
    if missing_time:
        raise ExportFormatError(
            SOURCE, file, f"missing column(s) {missing_time}: not an OpenAI dashboard usage or cost export"
        )
    if "amount_value" in columns:
        missing = [c for c in COST_COLUMNS if c not in columns]
        if missing:
            raise ExportFormatError(SOURCE, file, f"cost export is missing column(s) {missing}")
        return COST_DATASET
    name = PurePath(file).name.lower()
    if name.startswith("cost_"):
        raise ExportFormatError(SOURCE, file, "cost export is missing column(s) ['amount_value', ...]")
    if any(c in columns for c in USAGE_NUMBERS) or name.startswith("completions_usage"):
        return "completions"
    raise ExportFormatError(
        SOURCE,
        file,
        "cannot tell the export: no amount_value (cost) nor token columns (completions usage), "
        "and the file name is neither cost_* nor completions_usage_*",
    )


def parse(raw: bytes, file: str) -> ParsedExport:
    frame = read_csv_rows(SOURCE, file, raw)
    columns = [c.strip() for c in frame.columns]
    frame.columns = columns
    dataset = _dataset(columns, file)
    return _parse_cost(frame) if dataset == COST_DATASET else _parse_completions(frame, file)


CONNECTOR = Connector(
    source=SOURCE,
    vendor="openai",
    version=VERSION,
    file_patterns=("cost_*.csv", "completions_usage_*.csv"),
    parse=parse,
    description="OpenAI dashboard CSV exports: Cost view (spend) and Activity view (completions usage)",
)
