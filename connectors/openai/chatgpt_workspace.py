"""ChatGPT Enterprise/Edu workspace analytics: the "User Engagement" CSV export (weekly or monthly).

One record per user and period (https://help.openai.com/en/articles/10875114-user-analytics-for-chatgpt-enterprise-and-edu):
``cadence, period_start, period_end, account_id, public_id, name, email, role, user_role, department,
groups, user_status, created_or_invited_date, is_active, first_day_active_in_period,
last_day_active_in_period, messages, messages_rank, model_to_messages, gpt_messages, gpts_messaged,
gpt_to_messages, tool_messages, tools_messaged, tool_to_messages, project_messages, projects_messaged,
project_to_messages, projects_created, last_day_active``.

``messages`` is every message the user sent in the period; ``gpt_messages``, ``tool_messages`` and
``project_messages`` are the part of them sent to custom GPTs, with tools and in projects: kept in
``attributes`` and never added to ``messages`` (they would count the same messages twice). The export
has no tokens and no model: the messages land as ``assistant_messages`` (unit messages), spread evenly
over the period's days (``attributes.spread_days``), and dbt turns them into energy with the cited
per-message assumption (docs/methodology.md, "Seat-based AI assistants").

``email``, ``public_id`` and ``name`` identify a person: ``scrub`` pseudonymises them before anything
lands (``connectors.core.pseudonym``); the pseudonymised e-mail is the row's ``user_id``, the
workspace ``account_id`` its ``workspace``, the first SCIM department its ``project`` (for allocation).
"""

from __future__ import annotations

import polars as pl

from connectors.core.base import Connector, ParsedExport
from connectors.core.frames import (
    ensure_columns,
    json_attributes,
    natural_key,
    read_csv_rows,
    require_columns,
    spread_over_days,
)
from connectors.core.pseudonym import csv_scrub
from connectors.core.schema import PARSED_SCHEMA, UTC_TS, conform

SOURCE = "chatgpt_workspace"
VERSION = "1.0.0"
DATASET = "user_engagement"
REQUIRED = ["period_start", "period_end", "email", "messages"]
IDENTIFIERS = ["email", "public_id", "name"]
BREAKDOWNS = ["gpt_messages", "tool_messages", "project_messages"]
ATTRIBUTES = ["cadence", "period_start", "period_end", "department", *BREAKDOWNS, "spread_days"]


def parse(raw: bytes, file: str) -> ParsedExport:
    records = read_csv_rows(SOURCE, file, raw)
    require_columns(SOURCE, file, records.columns, REQUIRED, "user engagement export")
    records = ensure_columns(
        records, {c: pl.String() for c in ["cadence", "account_id", "department", *BREAKDOWNS]}
    )
    typed = records.with_columns(
        pl.col("period_start").str.strip_chars().str.to_date("%Y-%m-%d", strict=False).alias("_first"),
        pl.col("period_end").str.strip_chars().str.to_date("%Y-%m-%d", strict=False).alias("_last"),
        pl.col("messages").str.strip_chars().cast(pl.Float64, strict=False).alias("_messages"),
        # SCIM department as exported: a JSON list (["marketing"]) or plain text; its first entry
        pl.col("department").str.extract(r'^\s*\[?\s*"?([^"\],]+)').str.strip_chars().alias("_department"),
    )
    problem = (
        pl.when(pl.col("_first").is_null() | pl.col("_last").is_null())
        .then(pl.lit("period_start/period_end missing or not YYYY-MM-DD"))
        .when(pl.col("_last") < pl.col("_first"))
        .then(pl.lit("period ends before it starts"))
    )
    typed = typed.with_columns(pl.coalesce(pl.col("_problem"), problem).alias("_problem"))
    good = typed.filter(pl.col("_problem").is_null())
    bad = typed.filter(pl.col("_problem").is_not_null())  # one row each, quarantined with its reason
    spread = spread_over_days(good, "_first", "_last", ["_messages"])
    spread = pl.concat(
        [
            spread,
            bad.with_columns(pl.lit(1).alias("_spread_days"), pl.lit(None, pl.Date).alias("_spread_day")),
        ],
        how="diagonal_relaxed",
    ).with_columns(pl.col("_spread_days").alias("spread_days"))
    day = pl.col("_spread_day").cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
    rows = spread.with_columns(
        pl.lit(DATASET).alias("dataset"),
        pl.lit("openai").alias("vendor"),
        pl.lit("openai.chatgpt_enterprise").alias("service"),
        pl.lit("chatgpt-enterprise").alias("model"),  # the tool: the export names no model
        pl.lit("chatgpt-enterprise").alias("model_raw"),
        pl.lit("assistant_messages").alias("activity_type"),
        pl.lit("messages").alias("unit"),
        pl.col("_messages").alias("quantity"),
        day.cast(UTC_TS).alias("usage_start"),
        day.dt.offset_by("1d").cast(UTC_TS).alias("usage_end"),
        pl.col("_spread_day").alias("usage_date"),
        pl.col("email").alias("user_id"),
        pl.col("account_id").alias("workspace"),
        pl.col("_department").alias("project"),
        json_attributes(ATTRIBUTES, spread).alias("attributes"),
        pl.concat_str(pl.col("_pointer"), pl.lit("#messages")).alias("source_row"),
        natural_key(["period_start", "period_end", "account_id", "email", "_spread_day"]).alias(
            "natural_key"
        ),
    )
    days = good.select(pl.date_ranges("_first", "_last")).explode("_first").to_series()
    covered = days.drop_nulls().unique().sort().to_list()
    return ParsedExport(DATASET, conform(rows, PARSED_SCHEMA), covered, records.height)


CONNECTOR = Connector(
    source=SOURCE,
    vendor="openai",
    version=VERSION,
    file_patterns=("*.csv",),
    parse=parse,
    description="ChatGPT Enterprise workspace analytics: user engagement CSV (messages per user and period)",
    scrub=csv_scrub(IDENTIFIERS),
)
