"""Anthropic Admin API ``GET /v1/organizations/usage_report/messages`` responses, saved to a file.

Reads one page (``{"data": [bucket...], "has_more", "next_page"}``) or a JSON array of pages. Buckets
carry RFC 3339 ``starting_at``/``ending_at`` and a list of ``results``; a bucket with no usage has an
empty list and still marks its day as covered. Every documented ``bucket_width`` is read: ``1d`` buckets
land as they are, ``1h`` and ``1m`` buckets are summed to their UTC day (``connectors.core.subday``; the row
keeps every result it sums in ``source_row`` and ``granularity`` in ``attributes``). Any other bucket
(longer than a day, or a day-long bucket not starting at midnight UTC) is quarantined with its reason.

A result holds its group fields (``api_key_id``, ``workspace_id``, ``model``, ``service_tier``,
``context_window``, ``inference_geo``, ``speed``, ``account_id``, ``service_account_id``): each is
``null`` unless the query grouped by it, and older responses omit the newer ones, so every one may be
null or absent; an ungrouped report lands with the keys unattributed. Measures, each its own row:
``uncached_input_tokens``, ``cache_read_input_tokens``, ``cache_creation.ephemeral_5m_input_tokens``
and ``..._1h_...`` (two cache-write rows), ``output_tokens`` and ``server_tool_use.web_search_requests``
(``web_search_requests``, unit requests). The three token counts every result states are required: a
file whose results lack one is rejected naming it, a result missing its value is quarantined. The report
has no request counts, so no per-request energy term can be derived for Anthropic (docs/sources.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import polars as pl

from connectors.core.api_connectors import api_pages_connectors
from connectors.core.base import ApiExport, ExportFormatError, ParsedExport
from connectors.core.frames import (
    Measure,
    ensure_columns,
    json_attributes,
    natural_key,
    require_columns,
    unpivot_measures,
)
from connectors.core.http import Credential, get_pages
from connectors.core.json_pages import ANTHROPIC_BUCKETS, bucket_row_columns, read_bucketed_results
from connectors.core.schema import PARSED_SCHEMA, conform
from connectors.core.settings import setting
from connectors.core.subday import DAY, granularity, sum_to_days

SOURCE = "anthropic_usage"
VERSION = "1.1.0"
DATASET = "messages"

# the fields fetch groups the report by; MESSAGES.group_fields: every field a result may carry, those and
# the ones a report saved from another query may be grouped by (each null unless it is)
GROUP_BY = ["api_key_id", "workspace_id", "model", "service_tier", "context_window", "inference_geo"]
# the token counts of a usage-report result, as the Admin API's messages report and the Claude Enterprise
# Analytics report (``connectors.anthropic.analytics``) both state them
TOKEN_MEASURES = [
    Measure("uncached_input_tokens", "llm_input_tokens", "tokens", required=True),
    Measure("cache_read_input_tokens", "llm_cached_input_tokens", "tokens", required=True),
    Measure("cache_write_5m_input_tokens", "llm_cache_write_tokens", "tokens"),
    Measure("cache_write_1h_input_tokens", "llm_cache_write_tokens", "tokens"),
    Measure("output_tokens", "llm_output_tokens", "tokens", required=True),
]
WEB_SEARCH = Measure("web_search_requests", "web_search_requests", "requests")
REQUIRED = [m.column for m in TOKEN_MEASURES if m.required]
ATTRIBUTES = ["service_tier", "context_window", "inference_geo", "speed", "service_account_id", "granularity"]
# inference_geo values that pin the data-residency country; "global" and "not_available" do not
GEO_COUNTRY = {"us": "USA"}
RFC3339 = "%Y-%m-%dT%H:%M:%SZ"


def geo_country(geo: pl.Expr) -> pl.Expr:
    """The country an ``inference_geo`` pins (``us`` -> USA), else null (``global``, ``not_available``)."""
    return geo.replace_strict(GEO_COUNTRY, default=None, return_dtype=pl.String)


def _flatten_nested(results: pl.DataFrame) -> pl.DataFrame:
    """Lift ``cache_creation.*`` and ``server_tool_use.*`` out of their nested objects."""
    nested = {
        "cache_creation": {
            "ephemeral_5m_input_tokens": "cache_write_5m_input_tokens",
            "ephemeral_1h_input_tokens": "cache_write_1h_input_tokens",
        },
        "server_tool_use": {"web_search_requests": "web_search_requests"},
    }
    lifted = []
    for parent, fields in nested.items():
        if parent in results.columns and isinstance(results.schema[parent], pl.Struct):
            present = {f.name for f in results.schema[parent].fields}
            lifted += [
                pl.col(parent).struct.field(name).alias(alias)
                for name, alias in fields.items()
                if name in present
            ]
    return results.with_columns(lifted).drop(*nested, strict=False)


def number(column: str) -> pl.Expr:
    """A JSON measure as a float: numbers as they are, numeric strings parsed, anything else null."""
    return pl.col(column).cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)


def daily_buckets(results: pl.DataFrame, keys: list[str], measures: list[str]) -> pl.DataFrame:
    """Results of ``1d`` buckets as they are; ``1h``/``1m`` results summed to their UTC day; any other
    bucket flagged with a ``_problem`` so it is quarantined, never put on one day."""
    width = pl.col("_end") - pl.col("_start")
    midnight = pl.col("_start") == pl.col("_start").dt.truncate("1d")
    results = results.with_columns(
        granularity(pl.col("_start"), pl.col("_end")).alias("granularity"),
        pl.when(pl.col("_start").is_null() | pl.col("_end").is_null() | (width == DAY) & midnight)
        .then(None)
        .when(width > DAY)
        .then(pl.format("bucket {} to {} spans more than a day", pl.col("_start"), pl.col("_end")))
        .when(width == DAY)
        .then(pl.format("day-long bucket {} does not start at midnight UTC", pl.col("_start")))
        .when(width <= pl.duration(seconds=0))
        .then(pl.format("bucket {} to {} ends before it starts", pl.col("_start"), pl.col("_end")))
        .otherwise(None)
        .cast(pl.String)
        .alias("_problem"),
    )
    summed = sum_to_days(
        results,
        start="_start",
        to_sum=(width < DAY) & (width > pl.duration(seconds=0)),
        keys=keys,
        measures=measures,
        required=REQUIRED,
        number=number,
        first=["granularity"],
    )
    if "_day_end" in summed.columns:
        summed = summed.with_columns(pl.coalesce("_day_end", "_end").alias("_end")).drop("_day_end")
    return summed


def group_fields_as_text(results: pl.DataFrame, fields: list[str]) -> pl.DataFrame:
    """Every group field of a report's results present (null where the query did not group by it, or the
    response predates the field) and read as text."""
    results = ensure_columns(results, dict.fromkeys(fields, pl.String()))
    return results.with_columns(pl.col(name).cast(pl.String) for name in fields)


@dataclass(frozen=True)
class UsageReport:
    """A usage report of bucketed token counts (the Admin API's messages report, the Claude Enterprise
    Analytics report) and how its rows land: ``labels`` names the group field each canonical column
    takes (``{"workspace": "workspace_id"}``); ``refuse`` may return a reason to reject a whole file,
    read from its results once every group field is present."""

    source: str
    dataset: str
    service: str
    group_fields: list[str]
    measures: list[Measure]
    attributes: list[str]
    labels: dict[str, str]
    refuse: Callable[[pl.DataFrame], str | None] | None = None

    def parse(self, raw: bytes, file: str) -> ParsedExport:
        """Results with their nested measures lifted, put on UTC days (``daily_buckets``), a row per
        measure; ``inference_geo`` is the region and pins the country."""
        results, days = read_bucketed_results(self.source, file, raw, ANTHROPIC_BUCKETS)
        if results.is_empty():  # every bucket empty: the days are covered, nothing was used
            return ParsedExport(self.dataset, conform(pl.DataFrame(), PARSED_SCHEMA), days, 0)
        require_columns(self.source, file, results.columns, REQUIRED, "usage_report results")

        results = group_fields_as_text(_flatten_nested(results), self.group_fields)
        reason = self.refuse(results) if self.refuse is not None else None
        if reason is not None:
            raise ExportFormatError(self.source, file, reason)
        daily = daily_buckets(results, self.group_fields, [m.column for m in self.measures])
        wide = daily.with_columns(
            json_attributes(self.attributes, daily).alias("attributes"),
            pl.col("_start").dt.strftime(RFC3339).alias("_start_text"),
            pl.col("_end").dt.strftime(RFC3339).alias("_end_text"),
        ).with_columns(natural_key(["_start_text", "_end_text", *self.group_fields]).alias("_key"))
        long = unpivot_measures(wide, self.measures)
        rows = long.with_columns(
            pl.concat_str(pl.col("_key"), pl.lit("|"), pl.col("measure")).alias("natural_key"),
            *bucket_row_columns("anthropic", self.service, self.dataset, pl.col("model")),
            *(pl.col(field).alias(column) for column, field in self.labels.items()),
            pl.col("inference_geo").alias("region"),
            geo_country(pl.col("inference_geo")).alias("country"),
        )
        return ParsedExport(self.dataset, conform(rows, PARSED_SCHEMA), days, results.height)


MESSAGES = UsageReport(
    source=SOURCE,
    dataset=DATASET,
    service="anthropic.messages",
    group_fields=[*GROUP_BY, "speed", "account_id", "service_account_id"],
    measures=[*TOKEN_MEASURES, WEB_SEARCH],
    attributes=ATTRIBUTES,
    labels={"workspace": "workspace_id", "account": "account_id"},
)
parse = MESSAGES.parse


# --- HTTP: GET {ANTHROPIC_BASE_URL}/v1/organizations/... with an admin key --------------------------------

CREDENTIAL = Credential("ANTHROPIC_ADMIN_KEY")
DEFAULT_BASE_URL = "https://api.anthropic.com"
API_VERSION = "2023-06-01"


def rfc3339_day(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def anthropic_get_pages(
    source: str, path: str, params: dict, first: date, end: date, credential: Credential | None = None
) -> list[dict]:
    """Every page of one Anthropic Admin API report for [first, end), fetched before anything lands
    (with ``credential``, else the Admin API key)."""
    credential = credential or CREDENTIAL
    base = (setting("ANTHROPIC_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
    window = {
        "starting_at": rfc3339_day(first),
        "ending_at": rfc3339_day(end),
        "bucket_width": "1d",
        "limit": 31,
    }
    return get_pages(
        f"{base}{path}",
        source=source,
        credential=credential,
        headers={"x-api-key": credential.value(source), "anthropic-version": API_VERSION},
        params=window | params,
    )


def fetch(first: date, end: date) -> list[ApiExport]:
    path = "/v1/organizations/usage_report/messages"
    pages = anthropic_get_pages(SOURCE, path, {"group_by[]": GROUP_BY}, first, end)
    return [ApiExport.of_pages("usage_report_messages", first, end, pages)]


# the connectors of Admin API report pages, fetched with the admin key
admin_api_connector = api_pages_connectors("anthropic", CREDENTIAL, "ANTHROPIC_BASE_URL")


CONNECTOR = admin_api_connector(
    SOURCE, VERSION, parse, fetch, "Anthropic Admin API usage_report/messages pages saved as JSON"
)
