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
    TOKEN_MEASURES,
    WEB_SEARCH,
    UsageReport,
    anthropic_get_pages,
)
from connectors.core.base import ApiExport, Connector
from connectors.core.frames import Measure
from connectors.core.http import Credential
from connectors.core.pseudonym import json_scrub

SOURCE = "claude_analytics"
VERSION = "1.0.0"
DATASET = "usage_report"
PATH = "/v1/organizations/analytics/usage_report"

# the fields fetch groups the report by (never rbac_group_id, see _rbac_grouped)
GROUP_BY = ["product", "model", "context_window", "inference_geo", "speed"]
# every field a result may carry: those fetch groups by, then the ones a saved report may be grouped by
GROUP_FIELDS = [*GROUP_BY, "rbac_group_id", "claude_tag_category", "claude_tag_user_id", "slack_channel_id"]
IDENTIFIERS = ["claude_tag_user_id"]  # Slack user ids: pseudonymised before landing
CREDENTIAL = Credential("ANTHROPIC_ANALYTICS_KEY")  # an Analytics API key, created in claude.ai


def _rbac_grouped(results: pl.DataFrame) -> str | None:
    """A report grouped by ``rbac_group_id`` is refused: its rows overlap and would count usage twice."""
    if results.get_column("rbac_group_id").is_not_null().any():
        return (
            "grouped by rbac_group_id, whose rows overlap (a user in several groups counts in each): "
            "fetch the report without group_by[]=rbac_group_id"
        )
    return None


REPORT = UsageReport(
    source=SOURCE,
    dataset=DATASET,
    service="anthropic.claude_enterprise",
    group_fields=GROUP_FIELDS,
    measures=[*TOKEN_MEASURES, Measure("requests", "llm_requests", "requests"), WEB_SEARCH],
    attributes=["product", "context_window", "inference_geo", "speed", "claude_tag_category", "granularity"],
    labels={"workspace": "product", "user_id": "claude_tag_user_id"},
    refuse=_rbac_grouped,
)
parse = REPORT.parse


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
    scrub=json_scrub(IDENTIFIERS),
)
