"""Anthropic Console CSV exports (platform.claude.com/usage and /cost -> Export).

Two exports are read, told apart by their header (columns are read by name, in any order):

* the **cost** export, ``claude_api_cost_*.csv``. Column sets seen in real exports: the oldest
  ``usage_date_utc, model, workspace, api_key, usage_type, context_window, token_type, cost_usd,
  cost_type``; then ``inference_geo, speed`` appended; then ``list_price_usd`` after ``cost_usd``; the
  newest appends ``api_key_id, api_key_status``. ``model`` is a display name ("Claude Haiku 4.5"),
  mapped to the API-style id (``claude-haiku-4-5``) with the display name kept in ``model_raw``.
  ``cost_usd`` and ``list_price_usd`` are **dollars** (the Admin API's cost report is in cents).
  ``--`` marks a field that does not apply (a web-search row has model ``--``). Each row becomes
  ``spend``; gross and net are both ``cost_usd`` (the export states no credit or discount;
  ``list_price_usd``, whose meaning Anthropic does not document, is kept in ``attributes``).
* the **token usage** export, ``claude_api_tokens_*.csv``: one row per UTC day (or hour, or minute,
  when exported from the chart's hour or minute view: ``usage_date_utc`` then carries a time,
  ``2026-03-31 02:00``) x model x API key x workspace x service tier x context window x geo x speed,
  with uncached input, 5-minute and 1-hour cache writes, cache reads, output tokens and web searches,
  each its own row. Older files lack ``context_window``, ``inference_geo`` and ``speed``.

Rows are summed to the UTC day per key (``connectors.core.subday``): hourly and per-minute rows reach their
day, and a key repeated on one day (real cost exports list two charges of one kind on a day) is summed,
never dropped as a duplicate. A row whose count or amount cannot be read is quarantined whole, naming
the value. Both exports carry names, not ids: the workspace name becomes ``workspace`` and the API key
name becomes ``api_key_id`` unless the file has an ``api_key_id`` column. The Claude Code analytics
report is not read (docs/sources.md says why).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import PurePath

import polars as pl

from connectors.anthropic.usage import geo_country
from connectors.core.base import Connector, ExportFormatError, ParsedExport
from connectors.core.frames import (
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
from connectors.core.schema import MONEY, PARSED_SCHEMA, UTC_TS, conform
from connectors.core.subday import sum_to_days

SOURCE = "anthropic_console"
VERSION = "1.1.0"
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
    "granularity",
]

TOKEN_MEASURES = [
    Measure("usage_input_tokens_no_cache", "llm_input_tokens", "tokens", required=True),
    Measure("usage_input_tokens_cache_write_5m", "llm_cache_write_tokens", "tokens"),
    Measure("usage_input_tokens_cache_write_1h", "llm_cache_write_tokens", "tokens"),
    Measure("usage_input_tokens_cache_read", "llm_cached_input_tokens", "tokens", required=True),
    Measure("usage_output_tokens", "llm_output_tokens", "tokens", required=True),
    Measure("web_search_count", "web_search_requests", "requests"),
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
TOKEN_KEY = [
    "api_key",
    "api_key_id",
    "workspace",
    "model_version",
    "usage_type",
    "context_window",
    "inference_geo",
    "speed",
]
TOKEN_ATTRIBUTES = ["service_tier", "context_window", "inference_geo", "speed", "api_key", "granularity"]
# a timestamp with a time of day: "2026-03-31 02:00", "2025-11-28 15:10:00", "2026-03-31T02:00:00Z"
TIME_OF_DAY = r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}"


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


def usage_time() -> pl.Expr:
    """``usage_date_utc`` as a UTC timestamp: a day, or a day and a time (hour or minute exports)."""
    text = (
        pl.col("usage_date_utc").str.strip_chars().str.replace(" ", "T").str.replace(r"(Z|[+-]00:?00)$", "")
    )
    as_time = [
        text.str.strptime(pl.Datetime("us"), fmt, strict=False)
        for fmt in ("%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")
    ]
    as_day = text.str.strptime(pl.Date, "%Y-%m-%d", strict=False).cast(pl.Datetime("us"))
    return pl.coalesce(*as_time, as_day).dt.replace_time_zone("UTC").cast(UTC_TS)


def _by_day(frame: pl.DataFrame, keys: list[str], measures: list[str], required: list[str]) -> pl.DataFrame:
    """Every row summed to its UTC day and key (hour and minute rows, repeated keys); unreadable rows
    keep their ``_problem`` and are quarantined whole. Adds ``usage_start``/``usage_end``/``usage_date``."""
    frame = frame.with_columns(
        usage_time().alias("usage_start"),
        pl.when(pl.col("usage_date_utc").str.contains(TIME_OF_DAY))
        .then(pl.lit("sub-day"))
        .otherwise(pl.lit("1d"))
        .alias("granularity"),
    )
    summed = sum_to_days(
        frame,
        start="usage_start",
        to_sum=pl.col("usage_start").is_not_null() & pl.col("_problem").is_null(),
        keys=keys,
        measures=measures,
        required=required,
        number=parse_decimal,
        first=["granularity", "api_key_status"],
    )
    day = pl.col("usage_start").dt.truncate("1d")
    return summed.with_columns(
        day.alias("usage_start"),
        day.dt.offset_by("1d").alias("usage_end"),
        day.dt.date().alias("usage_date"),
    ).drop("_day_end", strict=False)


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
        geo_country(pl.col("inference_geo").str.to_lowercase()).alias("country"),
        pl.lit(dataset).alias("dataset"),
    ]


def _day_key() -> pl.Expr:
    return pl.col("usage_date").cast(pl.String).alias("_day_text")


def _parse_cost(frame: pl.DataFrame, file: str) -> ParsedExport:
    require_columns(SOURCE, file, frame.columns, COST_REQUIRED, "cost export")
    key_source = "api_key_id" if "api_key_id" in frame.columns else "api_key"
    frame = ensure_columns(frame, {c: pl.String() for c in COST_FIELDS})
    frame = frame.with_columns(_clean_text(COST_FIELDS))
    daily = _by_day(frame, COST_KEY, ["cost_usd", "list_price_usd"], ["cost_usd"])
    wide = daily.with_columns(
        _day_key(),
        pl.col("model").alias("model_raw"),
        pl.lit("cost_usd").alias("measure"),
    )
    wide = wide.with_columns(
        json_attributes(COST_ATTRIBUTES, wide).alias("attributes"),
        natural_key(["_day_text", *COST_KEY]).alias("_key"),
    )
    dollars = pl.col("cost_usd").cast(MONEY, strict=False)
    rows = wide.with_columns(
        *_common("cost", "anthropic.cost_report", key_source),
        pl.lit("spend").alias("activity_type"),
        pl.lit("currency").alias("unit"),
        pl.col("cost_usd").alias("quantity"),
        dollars.alias("cost_amount"),
        dollars.alias("cost_amount_net"),
        pl.lit("USD").alias("cost_currency"),
        pl.concat_str(pl.col("_pointer"), pl.lit("#cost_usd")).alias("source_row"),
    )
    return ParsedExport("cost", conform(rows, PARSED_SCHEMA), _days(rows, file), frame.height)


def _parse_tokens(frame: pl.DataFrame, file: str) -> ParsedExport:
    require_columns(SOURCE, file, frame.columns, TOKEN_REQUIRED, "token usage export")
    key_source = "api_key_id" if "api_key_id" in frame.columns else "api_key"
    frame = ensure_columns(frame, {c: pl.String() for c in TOKEN_KEY} | {"api_key_status": pl.String()})
    text_columns = [c for c in frame.columns if not c.startswith("_")]
    frame = frame.with_columns(_clean_text(text_columns))
    measures = [m.column for m in TOKEN_MEASURES]
    required = [m.column for m in TOKEN_MEASURES if m.required]
    daily = _by_day(frame, TOKEN_KEY, measures, required)
    wide = daily.with_columns(
        _day_key(),
        pl.col("model_version").alias("model_raw"),
        pl.col("usage_type").alias("service_tier"),
    )
    wide = wide.with_columns(
        natural_key(["_day_text", *TOKEN_KEY]).alias("_key"),
        json_attributes(TOKEN_ATTRIBUTES, wide).alias("attributes"),
    )
    long = unpivot_measures(wide, TOKEN_MEASURES)
    rows = long.with_columns(*_common("tokens", "anthropic.messages", key_source))
    return ParsedExport("tokens", conform(rows, PARSED_SCHEMA), _days(wide, file), frame.height)


# a day in an export's file name: 2026-09-24 or 2026_09_24 (the Console writes underscores)
_DAY = r"(\d{4})[-_](\d{2})[-_](\d{2})"


def _days(frame: pl.DataFrame, file: str) -> list:
    """Distinct usage days present, plus the days the file name says the export spans.

    ``claude_api_*_<from>_to_<to>.csv`` lists only days with usage, so the range in its name adds the
    quiet days. Whether ``<to>`` is inclusive is not documented: it counts only if it has rows, so a
    re-export can never empty a day it may not cover.
    """
    present = set(frame.get_column("usage_date").drop_nulls().to_list())
    match = re.search(f"{_DAY}_to_{_DAY}", PurePath(file).name)
    if match:
        try:
            first = date(*(int(g) for g in match.groups()[:3]))
            last = date(*(int(g) for g in match.groups()[3:]))
        except ValueError:  # not real dates: the rows alone say which days are covered
            return sorted(present)
        present.update(first + timedelta(days=i) for i in range(max((last - first).days, 0)))
    return sorted(present)


def parse(raw: bytes, file: str) -> ParsedExport:
    frame = read_csv_rows(SOURCE, file, raw)
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
