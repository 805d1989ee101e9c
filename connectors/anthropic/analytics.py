"""Claude Enterprise Analytics API ``GET /v1/organizations/analytics/usage_report`` pages, saved to a file.

The seat product's token usage (claude.ai chat, Claude Code, Cowork, Office agent...): the same bucketed
page shape as the Admin API's ``usage_report/messages`` (``{"data": [bucket...], "has_more",
"next_page"}``, buckets with RFC 3339 ``starting_at``/``ending_at`` and ``results``), read with the same
bucket rules (``connectors.anthropic.usage``: ``1d`` buckets as they are, ``1h``/``1m`` summed to the
UTC day, anything else quarantined). Fields (anthropic-sdk-typescript,
``src/resources/beta/organization/analytics``, ``BetaAnalyticsUsageBucketedResult``): the group fields
``product``, ``model``, ``context_window``, ``inference_geo``, ``speed``, ``rbac_group_id``,
``claude_tag_category``, ``claude_tag_user_id``, ``slack_channel_id`` (null unless grouped by), and the
measures ``uncached_input_tokens``, ``cache_read_input_tokens``, ``cache_creation.ephemeral_5m/1h_*``,
``output_tokens``, ``requests`` and ``server_tool_use.web_search_requests``.

Tokens are physical units: they land as the API connector's LLM token types and go through the same
EcoLogits path. ``rbac_group_id`` groups overlap ("a user in several groups contributes their full usage
to each"), so a report grouped by it would count usage twice: such a file is rejected naming the field.
``claude_tag_user_id`` is a Slack user id: pseudonymised by ``scrub`` before anything lands.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from connectors.anthropic.usage import (
    GEO_COUNTRY,
    RFC3339,
    _flatten_nested,
    anthropic_get_pages,
    daily_buckets,
)
from connectors.core.base import ApiExport, Connector, ExportFormatError, ParsedExport
from connectors.core.frames import (
    Measure,
    ensure_columns,
    json_attributes,
    natural_key,
    require_columns,
    unpivot_measures,
)
from connectors.core.http import Credential
from connectors.core.json_pages import ANTHROPIC_BUCKETS, bucket_row_columns, read_bucketed_results
from connectors.core.pseudonym import scrub_json
from connectors.core.schema import PARSED_SCHEMA, conform

SOURCE = "claude_analytics"
VERSION = "1.0.0"
DATASET = "usage_report"
PATH = "/v1/organizations/analytics/usage_report"

GROUP_FIELDS: dict[str, pl.DataType] = {
    "product": pl.String(),
    "model": pl.String(),
    "context_window": pl.String(),
    "inference_geo": pl.String(),
    "speed": pl.String(),
    "rbac_group_id": pl.String(),
    "claude_tag_category": pl.String(),
    "claude_tag_user_id": pl.String(),
    "slack_channel_id": pl.String(),
}
MEASURES = [
    Measure("uncached_input_tokens", "llm_input_tokens", "tokens", required=True),
    Measure("cache_read_input_tokens", "llm_cached_input_tokens", "tokens", required=True),
    Measure("cache_write_5m_input_tokens", "llm_cache_write_tokens", "tokens"),
    Measure("cache_write_1h_input_tokens", "llm_cache_write_tokens", "tokens"),
    Measure("output_tokens", "llm_output_tokens", "tokens", required=True),
    Measure("requests", "llm_requests", "requests"),
    Measure("web_search_requests", "web_search_requests", "requests"),
]
REQUIRED = [m.column for m in MEASURES if m.required]
ATTRIBUTES = ["product", "context_window", "inference_geo", "speed", "claude_tag_category", "granularity"]
IDENTIFIERS = ["claude_tag_user_id"]  # Slack user ids: pseudonymised before landing
CREDENTIAL = Credential("ANTHROPIC_ANALYTICS_KEY")  # an Analytics API key, created in claude.ai
GROUP_BY = ["product", "model", "context_window", "inference_geo", "speed"]


def parse(raw: bytes, file: str) -> ParsedExport:
    results, days = read_bucketed_results(SOURCE, file, raw, ANTHROPIC_BUCKETS)
    if results.is_empty():  # every bucket empty: the days are covered, nothing was used
        return ParsedExport(DATASET, conform(pl.DataFrame(), PARSED_SCHEMA), days, 0)
    require_columns(SOURCE, file, results.columns, REQUIRED, "usage_report results")
    results = ensure_columns(_flatten_nested(results), GROUP_FIELDS)
    results = results.with_columns(pl.col(name).cast(pl.String) for name in GROUP_FIELDS)
    if results.get_column("rbac_group_id").is_not_null().any():
        raise ExportFormatError(
            SOURCE,
            file,
            "grouped by rbac_group_id, whose rows overlap (a user in several groups counts in each): "
            "fetch the report without group_by[]=rbac_group_id",
        )
    daily = daily_buckets(results, list(GROUP_FIELDS), [m.column for m in MEASURES])
    wide = daily.with_columns(
        json_attributes(ATTRIBUTES, daily).alias("attributes"),
        pl.col("_start").dt.strftime(RFC3339).alias("_start_text"),
        pl.col("_end").dt.strftime(RFC3339).alias("_end_text"),
    ).with_columns(natural_key(["_start_text", "_end_text", *GROUP_FIELDS]).alias("_key"))
    long = unpivot_measures(wide, MEASURES)
    rows = long.with_columns(
        pl.concat_str(pl.col("_key"), pl.lit("|"), pl.col("measure")).alias("natural_key"),
        *bucket_row_columns("anthropic", "anthropic.claude_enterprise", DATASET, pl.col("model")),
        pl.col("product").alias("workspace"),
        pl.col("claude_tag_user_id").alias("user_id"),
        pl.col("inference_geo").alias("region"),
        pl.col("inference_geo")
        .replace_strict(GEO_COUNTRY, default=None, return_dtype=pl.String)
        .alias("country"),
    )
    return ParsedExport(DATASET, conform(rows, PARSED_SCHEMA), days, results.height)


def scrub(raw: bytes, file: str) -> bytes:
    return scrub_json(raw, IDENTIFIERS)


def fetch(first: date, end: date) -> list[ApiExport]:
    """Every page of the report for [first, end) with the Analytics API key (``read:analytics`` scope)."""
    pages = anthropic_get_pages(
        SOURCE, PATH, {"beta": "true", "group_by[]": GROUP_BY}, first, end, CREDENTIAL
    )
    return [ApiExport.of_pages("usage_report", first, end, pages)]


CONNECTOR = Connector(
    source=SOURCE,
    vendor="anthropic",
    version=VERSION,
    file_patterns=("*.json",),
    parse=parse,
    fetch=fetch,
    credential_variable=CREDENTIAL.variable,
    description="Claude Enterprise Analytics API usage_report pages (seat tokens by product and model)",
    scrub=scrub,
)
