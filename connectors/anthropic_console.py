"""Anthropic Console CSV exports (platform.claude.com/usage and /cost -> Export).

Two exports are read, told apart by their header:

* the **cost** export, ``claude_api_cost_*.csv``: ``usage_date_utc, model, workspace, api_key,
  usage_type, context_window, token_type, cost_usd, list_price_usd, cost_type, inference_geo, speed``.
  Older files lack ``list_price_usd, inference_geo, speed``; newer ones append ``api_key_id,
  api_key_status``. ``model`` is a display name ("Claude Haiku 4.5"), mapped to the API-style id
  (``claude-haiku-4-5``) with the display name kept in ``model_raw``. ``cost_usd`` is dollars. ``--``
  marks a field that does not apply (a web-search row has model ``--``). Each row becomes ``spend``.
* the **token usage** export, ``claude_api_tokens_<from>_to_<to>.csv``: one row per UTC day x model x
  API key x workspace x service tier x context window x geo x speed, with uncached input, 5-minute and
  1-hour cache writes, cache reads and output tokens, each its own row (as the Admin API connector).

Both carry names, not ids: the workspace name becomes ``workspace`` and the API key name becomes
``api_key_id`` unless the file has an ``api_key_id`` column.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import PurePath

import polars as pl

from connectors.anthropic_usage import GEO_COUNTRY
from connectors.base import Connector, ExportFormatError, ParsedExport
from connectors.frames import (
    Measure,
    ensure_columns,
    json_attributes,
    natural_key,
    normalise_model,
    parse_decimal,
    read_csv_rows,
    require_columns,
    unpivot_measures,
)
from connectors.schema import MONEY, PARSED_SCHEMA, UTC_TS, conform

SOURCE = "anthropic_console"
VERSION = "1.0.0"
NOT_APPLICABLE = "--"

COST_REQUIRED = ["usage_date_utc", "model", "workspace", "api_key", "token_type", "cost_usd"]
COST_FIELDS = [
    "usage_date_utc",
    "model",
    "workspace",
    "api_key",
    "usage_type",
    "context_window",
    "token_type",
    "cost_usd",
    "list_price_usd",
    "cost_type",
    "inference_geo",
    "speed",
    "api_key_id",
    "api_key_status",
]
COST_KEY = [
    "usage_date_utc",
    "model",
    "workspace",
    "api_key",
    "api_key_id",
    "usage_type",
    "context_window",
    "token_type",
    "cost_type",
    "inference_geo",
    "speed",
]
COST_ATTRIBUTES = [
    "token_type",
    "cost_type",
    "usage_type",
    "context_window",
    "list_price_usd",
    "inference_geo",
    "speed",
    "api_key",
    "api_key_status",
]

TOKEN_MEASURES = [
    Measure("usage_input_tokens_no_cache", "llm_input_tokens", "tokens", required=True),
    Measure("usage_input_tokens_cache_write_5m", "llm_cache_write_tokens", "tokens"),
    Measure("usage_input_tokens_cache_write_1h", "llm_cache_write_tokens", "tokens"),
    Measure("usage_input_tokens_cache_read", "llm_cached_input_tokens", "tokens", required=True),
    Measure("usage_output_tokens", "llm_output_tokens", "tokens", required=True),
]
TOKEN_REQUIRED = [
    "usage_date_utc",
    "model_version",
    "api_key",
    "workspace",
    "usage_input_tokens_no_cache",
    "usage_input_tokens_cache_read",
    "usage_output_tokens",
]
TOKEN_GROUP_FIELDS = {
    "api_key": pl.String(),
    "api_key_id": pl.String(),
    "workspace": pl.String(),
    "model_version": pl.String(),
    "usage_type": pl.String(),
    "context_window": pl.String(),
    "inference_geo": pl.String(),
    "speed": pl.String(),
}
TOKEN_ATTRIBUTES = ["service_tier", "context_window", "inference_geo", "speed", "web_search_count", "api_key"]


def display_name_to_id(raw: pl.Expr) -> pl.Expr:
    """A Console model display name as the API-style id, then normalised like every other model string.

    ``Claude Haiku 4.5`` -> ``claude-haiku-4-5``; ``Claude 3.5 Sonnet`` -> ``claude-3-5-sonnet``; an API
    id (``claude-opus-4-6-20260115``) passes through as ``claude-opus-4-6``.
    """
    slug = raw.str.strip_chars().str.to_lowercase().str.replace_all(r"[^a-z0-9]+", "-").str.strip_chars("-")
    return normalise_model(slug)


def _clean_text(columns: list[str]) -> list[pl.Expr]:
    """Trim every text cell; blanks and the ``--`` not-applicable marker become null."""
    exprs = []
    for name in columns:
        text = pl.col(name).str.strip_chars()
        exprs.append(pl.when(text.is_in(["", NOT_APPLICABLE])).then(None).otherwise(text).alias(name))
    return exprs


def _day_columns() -> list[pl.Expr]:
    day = pl.col("usage_date_utc").str.to_date("%Y-%m-%d", strict=False)
    start = day.cast(pl.Datetime("us")).dt.replace_time_zone("UTC").cast(UTC_TS)
    return [
        day.alias("usage_date"),
        start.alias("usage_start"),
        start.dt.offset_by("1d").alias("usage_end"),
    ]


def _common(dataset: str, service: str, key_source: str) -> list[pl.Expr]:
    return [
        pl.concat_str(pl.col("_key"), pl.lit("|"), pl.col("measure")).alias("natural_key"),
        pl.lit("anthropic").alias("vendor"),
        pl.lit(service).alias("service"),
        pl.col("model_raw"),
        display_name_to_id(pl.col("model_raw")).alias("model"),
        pl.col("workspace"),
        pl.col(key_source).alias("api_key_id"),
        pl.col("inference_geo").alias("region"),
        pl.col("inference_geo")
        .str.to_lowercase()
        .replace_strict(GEO_COUNTRY, default=None, return_dtype=pl.String)
        .alias("country"),
        pl.lit(dataset).alias("dataset"),
    ]


def _parse_cost(frame: pl.DataFrame, file: str) -> ParsedExport:
    require_columns(SOURCE, file, frame.columns, COST_REQUIRED, "cost export")
    key_source = "api_key_id" if "api_key_id" in frame.columns else "api_key"
    frame = ensure_columns(frame, {c: pl.String() for c in COST_FIELDS})
    frame = frame.with_columns(_clean_text(COST_FIELDS))
    wide = frame.with_columns(
        *_day_columns(),
        parse_decimal("list_price_usd").alias("list_price_usd"),
        pl.col("cost_usd").str.replace_all(r"[\s$,]", "").alias("_cost_text"),
        pl.col("model").alias("model_raw"),
        pl.lit("cost_usd").alias("measure"),
    )
    wide = wide.with_columns(
        json_attributes(COST_ATTRIBUTES, wide).alias("attributes"),
        natural_key(COST_KEY).alias("_key"),
    )
    rows = wide.with_columns(
        *_common("cost", "anthropic.cost_report", key_source),
        pl.lit("spend").alias("activity_type"),
        pl.lit("currency").alias("unit"),
        pl.col("_cost_text").cast(pl.Float64, strict=False).alias("quantity"),
        pl.col("_cost_text").cast(MONEY, strict=False).alias("cost_amount"),
        pl.lit("USD").alias("cost_currency"),
        pl.concat_str(pl.col("_pointer"), pl.lit("#cost_usd")).alias("source_row"),
    )
    return ParsedExport("cost", conform(rows, PARSED_SCHEMA), _days(rows), frame.height)


def _parse_tokens(frame: pl.DataFrame, file: str) -> ParsedExport:
    require_columns(SOURCE, file, frame.columns, TOKEN_REQUIRED, "token usage export")
    key_source = "api_key_id" if "api_key_id" in frame.columns else "api_key"
    frame = ensure_columns(frame, TOKEN_GROUP_FIELDS | {"web_search_count": pl.String()})
    text_columns = [c for c in frame.columns if c != "_pointer"]
    frame = frame.with_columns(_clean_text(text_columns))
    numbers = [m.column for m in TOKEN_MEASURES if m.column in frame.columns] + ["web_search_count"]
    wide = frame.with_columns(
        *_day_columns(),
        *[parse_decimal(c).alias(c) for c in numbers],
        pl.col("model_version").alias("model_raw"),
        pl.col("usage_type").alias("service_tier"),
    )
    wide = wide.with_columns(
        pl.col("web_search_count").cast(pl.Int64, strict=False),
        natural_key(["usage_date_utc", *TOKEN_GROUP_FIELDS]).alias("_key"),
    )
    wide = wide.with_columns(json_attributes(TOKEN_ATTRIBUTES, wide).alias("attributes"))
    long = unpivot_measures(wide, TOKEN_MEASURES)
    rows = long.with_columns(*_common("tokens", "anthropic.messages", key_source))
    return ParsedExport("tokens", conform(rows, PARSED_SCHEMA), _days(wide, file), frame.height)


def _days(frame: pl.DataFrame, file: str | None = None) -> list:
    """Distinct usage days present, plus for a token export the days its file name says it spans.

    ``claude_api_tokens_<from>_to_<to>.csv`` lists only days with usage, so the range in its name adds
    the quiet days. Whether ``<to>`` is inclusive is not documented: it counts only if it has rows, so a
    re-export can never empty a day it may not cover.
    """
    present = set(frame.get_column("usage_date").drop_nulls().to_list())
    match = re.search(r"(\d{4}-\d{2}-\d{2})_to_(\d{4}-\d{2}-\d{2})", PurePath(file).name) if file else None
    if match:
        try:
            first, last = (date.fromisoformat(g) for g in match.groups())
        except ValueError:  # not real dates: the rows alone say which days are covered
            return sorted(present)
        present.update(first + timedelta(days=i) for i in range(max((last - first).days, 0)))
    return sorted(present)


def parse(raw: bytes, file: str) -> ParsedExport:
    frame = read_csv_rows(SOURCE, file, raw)
    frame.columns = [c.strip() for c in frame.columns]
    if "cost_usd" in frame.columns:
        return _parse_cost(frame, file)
    if any(m.column in frame.columns for m in TOKEN_MEASURES) or "model_version" in frame.columns:
        return _parse_tokens(frame, file)
    raise ExportFormatError(
        SOURCE,
        file,
        "neither a Console cost export (no 'cost_usd' column) nor a token usage export "
        "(no 'model_version' / 'usage_*_tokens' columns)",
    )


CONNECTOR = Connector(
    source=SOURCE,
    vendor="anthropic",
    version=VERSION,
    file_patterns=("claude_api_cost_*.csv", "claude_api_tokens_*.csv"),
    parse=parse,
    description="Anthropic Console CSV exports: cost (spend by token type) and token usage by day",
)
