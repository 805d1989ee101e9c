"""Anthropic Admin API ``GET /v1/organizations/usage_report/messages`` responses, saved to a file.

Buckets (``starting_at``/``ending_at``, RFC 3339) hold results grouped by API key, workspace, model,
service tier, context window and data-residency ``inference_geo``. Input tokens come in three kinds:
uncached, cache reads, and cache writes with a 5-minute or 1-hour lifetime; each becomes its own row.
"""

from __future__ import annotations

import os
from datetime import date, timedelta

import polars as pl

from connectors.base import ApiExport, Connector, ParsedExport
from connectors.frames import (
    ANTHROPIC_BUCKETS,
    Measure,
    bucket_row_columns,
    ensure_columns,
    json_attributes,
    natural_key,
    read_bucketed_results,
    unpivot_measures,
)
from connectors.http import Credential, build_session, pages_as_export, paginate, request_json
from connectors.schema import PARSED_SCHEMA, conform

SOURCE = "anthropic_usage"
VERSION = "1.0.0"
DATASET = "messages"

GROUP_FIELDS: dict[str, pl.DataType] = {
    "api_key_id": pl.String(),
    "workspace_id": pl.String(),
    "model": pl.String(),
    "service_tier": pl.String(),
    "context_window": pl.String(),
    "inference_geo": pl.String(),
    "speed": pl.String(),
    "account_id": pl.String(),
    "service_account_id": pl.String(),
}
MEASURES = [
    Measure("uncached_input_tokens", "llm_input_tokens", "tokens", required=True),
    Measure("cache_read_input_tokens", "llm_cached_input_tokens", "tokens", required=True),
    Measure("cache_write_5m_input_tokens", "llm_cache_write_tokens", "tokens"),
    Measure("cache_write_1h_input_tokens", "llm_cache_write_tokens", "tokens"),
    Measure("output_tokens", "llm_output_tokens", "tokens", required=True),
]
ATTRIBUTES = [
    "service_tier",
    "context_window",
    "inference_geo",
    "speed",
    "web_search_requests",
    "service_account_id",
]
# inference_geo values that pin the data-residency country; "global" and "not_available" do not
GEO_COUNTRY = {"us": "USA"}


def _flatten_nested(results: pl.DataFrame) -> pl.DataFrame:
    """Lift ``cache_creation.*`` and ``server_tool_use.*`` out of their nested objects."""
    lifted = []
    if "cache_creation" in results.columns and isinstance(results.schema["cache_creation"], pl.Struct):
        fields = {f.name for f in results.schema["cache_creation"].fields}
        for ttl in ("5m", "1h"):
            name = f"ephemeral_{ttl}_input_tokens"
            if name in fields:
                lifted.append(
                    pl.col("cache_creation").struct.field(name).alias(f"cache_write_{ttl}_input_tokens")
                )
    if "server_tool_use" in results.columns and isinstance(results.schema["server_tool_use"], pl.Struct):
        fields = {f.name for f in results.schema["server_tool_use"].fields}
        if "web_search_requests" in fields:
            lifted.append(
                pl.col("server_tool_use").struct.field("web_search_requests").alias("web_search_requests")
            )
    return results.with_columns(lifted).drop("cache_creation", "server_tool_use", strict=False)


def parse(raw: bytes, file: str) -> ParsedExport:
    results, days = read_bucketed_results(SOURCE, file, raw, ANTHROPIC_BUCKETS)
    if results.is_empty():
        return ParsedExport(DATASET, conform(pl.DataFrame(), PARSED_SCHEMA), days, 0)

    results = ensure_columns(_flatten_nested(results), GROUP_FIELDS)
    wide = results.with_columns(
        json_attributes(ATTRIBUTES, results).alias("attributes"),
        natural_key(["bucket_starting_at", "bucket_ending_at", *GROUP_FIELDS]).alias("_key"),
    )
    long = unpivot_measures(wide, MEASURES)
    rows = long.with_columns(
        pl.concat_str(pl.col("_key"), pl.lit("|"), pl.col("measure")).alias("natural_key"),
        *bucket_row_columns("anthropic", "anthropic.messages", DATASET, pl.col("model")),
        pl.col("workspace_id").alias("workspace"),
        pl.col("account_id").alias("account"),
        pl.col("inference_geo").alias("region"),
        pl.col("inference_geo")
        .replace_strict(GEO_COUNTRY, default=None, return_dtype=pl.String)
        .alias("country"),
    )
    return ParsedExport(DATASET, conform(rows, PARSED_SCHEMA), days, results.height)


# --- HTTP: GET {ANTHROPIC_BASE_URL}/v1/organizations/... with an admin key --------------------------------

CREDENTIAL = Credential("ANTHROPIC_ADMIN_KEY")
DEFAULT_BASE_URL = "https://api.anthropic.com"
API_VERSION = "2023-06-01"
GROUP_BY = ["api_key_id", "workspace_id", "model", "service_tier", "context_window", "inference_geo"]


def rfc3339_day(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def anthropic_get_pages(source: str, path: str, params: dict, first: date, end: date) -> list[dict]:
    """Every page of one Anthropic Admin API report for [first, end), fetched before anything lands."""
    base = os.environ.get("ANTHROPIC_BASE_URL", DEFAULT_BASE_URL).rstrip("/")
    session = build_session()
    window = {
        "starting_at": rfc3339_day(first),
        "ending_at": rfc3339_day(end),
        "bucket_width": "1d",
        "limit": 31,
    }

    def page(cursor: str | None) -> dict:
        return request_json(
            session,
            "GET",
            f"{base}{path}",
            source=source,
            credential=CREDENTIAL,
            headers={"x-api-key": CREDENTIAL.value(source), "anthropic-version": API_VERSION},
            params=window | params | ({"page": cursor} if cursor else {}),
        )

    return list(paginate(page, source=source))


def fetch(first: date, end: date) -> list[ApiExport]:
    pages = anthropic_get_pages(
        SOURCE, "/v1/organizations/usage_report/messages", {"group_by[]": GROUP_BY}, first, end
    )
    return [
        ApiExport(f"usage_report_messages_api_{first}_{end - timedelta(days=1)}.json", pages_as_export(pages))
    ]


CONNECTOR = Connector(
    source=SOURCE,
    vendor="anthropic",
    version=VERSION,
    file_patterns=("*.json",),
    parse=parse,
    fetch=fetch,
    credential_variable=CREDENTIAL.variable,
    description="Anthropic Admin API usage_report/messages pages saved as JSON",
)
