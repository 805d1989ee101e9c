"""Gemini for Google Workspace usage events: Admin SDK Reports API ``activities.list`` pages, saved to a file.

``GET https://admin.googleapis.com/admin/reports/v1/activity/users/all/applications/gemini_in_workspace_apps``
returns ``{"kind": "admin#reports#activities", "items": [activity...], "nextPageToken"}`` (one page, or
a JSON array of pages). Each activity has ``id.time`` (RFC 3339), ``actor.email``/``actor.profileId`` and
``events[]``; a Gemini use is an event of ``type`` ``ai_usage_event`` and ``name`` ``feature_utilization``
whose ``parameters[]`` carry ``action`` (generate_text, summarize, generate_images_in_product...)
and ``app_name`` (https://developers.google.com/workspace/admin/reports/v1/appendix/activity/gemini-in-workspace-apps).

One event is one feature use: events are counted per UTC day, user, app and action and land as
``assistant_events`` (unit events); the action is the row's ``model_raw`` (``gemini:<action>``) so the
image actions can be told apart. Activities with no feature_utilization event are skipped with the
reason. ``actor.email`` and ``actor.profileId`` are pseudonymised by ``scrub`` before anything lands.
"""

from __future__ import annotations

import polars as pl

from connectors.core.base import Connector, ExportFormatError, ParsedExport
from connectors.core.frames import natural_key
from connectors.core.json_pages import explode_pages, read_pages
from connectors.core.pseudonym import json_scrub
from connectors.core.schema import PARSED_SCHEMA, UTC_TS, conform

SOURCE = "gemini_workspace"
VERSION = "1.0.0"
DATASET = "gemini_in_workspace_apps"
IDENTIFIERS = ["email", "profileId"]
EVENT = ("ai_usage_event", "feature_utilization")


def _param(name: str) -> pl.Expr:
    """A named parameter's value of an event's ``parameters`` list (null when absent)."""
    return (
        pl.col("parameters")
        .list.eval(pl.element().filter(pl.element().struct.field("name") == name).struct.field("value"))
        .list.first()
    )


def parse(raw: bytes, file: str) -> ParsedExport:
    pages = read_pages(SOURCE, file, raw)
    if "items" not in pages.columns:  # a page with no activity omits "items"
        if "kind" not in pages.columns:
            raise ExportFormatError(SOURCE, file, "no 'kind' or 'items': not an activities.list response")
        return ParsedExport(DATASET, conform(pl.DataFrame(), PARSED_SCHEMA), [], 0)
    items = (
        explode_pages(pages, pl.col("items"), "items", "items")
        .filter(pl.col("items").is_not_null())
        .select(pl.col("_pointer").alias("_record"), "items")
        .unnest("items")
    )
    for field in ("id", "actor", "events"):
        if field not in items.columns:
            raise ExportFormatError(SOURCE, file, f"activities have no '{field}' field")
    items = items.with_columns(
        pl.col("id").struct.field("time").str.to_datetime(time_zone="UTC", strict=False).alias("_time"),
        pl.col("actor").struct.field("email").alias("_email"),
        pl.col("id").struct.field("customerId").alias("_customer")
        if "customerId" in {f.name for f in items.schema["id"].fields}
        else pl.lit(None, pl.String).alias("_customer"),
    )
    events = (
        items.with_columns(pl.int_ranges(pl.col("events").list.len()).alias("_event"))
        .explode("events", "_event")
        .filter(pl.col("events").is_not_null())
        .with_columns(pl.col("events").struct.field("type"), pl.col("events").struct.field("name"))
        .with_columns(pl.col("events").struct.field("parameters"))
    )
    is_use = (pl.col("type") == EVENT[0]) & (pl.col("name") == EVENT[1])
    uses = events.filter(is_use).with_columns(
        _param("action").alias("action"), _param("app_name").alias("app_name")
    )
    used = set(uses.get_column("_record").to_list())
    skipped = items.filter(~pl.col("_record").is_in(list(used))).select(
        "_record", pl.lit("no ai_usage_event/feature_utilization event").alias("reason")
    )
    day = pl.col("_time").dt.truncate("1d")
    counted = uses.group_by(day.alias("_day"), "_email", "_customer", "app_name", "action").agg(
        pl.len().cast(pl.Float64).alias("quantity"),
        pl.col("_record").unique(maintain_order=True).alias("_records"),
        pl.when(pl.col("_time").is_null().any())
        .then(pl.lit("activity time (id.time) missing or not RFC 3339"))
        .alias("_problem"),
        pl.col("_record").str.join("+").alias("source_row"),
    )
    rows = counted.with_columns(
        pl.lit(DATASET).alias("dataset"),
        pl.lit("google").alias("vendor"),
        pl.lit("google.gemini_workspace").alias("service"),
        pl.lit("assistant_events").alias("activity_type"),
        pl.lit("events").alias("unit"),
        pl.lit("gemini-workspace").alias("model"),  # the tool; the action stays in model_raw
        pl.concat_str(pl.lit("gemini:"), pl.col("action").fill_null("unknown")).alias("model_raw"),
        pl.col("_day").cast(UTC_TS).alias("usage_start"),
        pl.col("_day").dt.offset_by("1d").cast(UTC_TS).alias("usage_end"),
        pl.col("_day").dt.date().alias("usage_date"),
        pl.col("_email").alias("user_id"),
        pl.col("_customer").alias("account"),
        pl.col("app_name").alias("workspace"),
        pl.struct("app_name", "action").struct.json_encode().alias("attributes"),
        pl.col("_day").dt.strftime("%Y-%m-%d").alias("_day_text"),
    ).with_columns(
        natural_key(["_day_text", "_email", "_customer", "app_name", "action"]).alias("natural_key")
    )
    days = items.get_column("_time").drop_nulls().dt.date().unique().sort().to_list()
    return ParsedExport(DATASET, conform(rows, PARSED_SCHEMA), days, items.height, skipped=skipped)


CONNECTOR = Connector(
    source=SOURCE,
    vendor="google",
    version=VERSION,
    file_patterns=("*.json",),
    parse=parse,
    description="Gemini for Google Workspace usage events (Admin SDK Reports activities.list pages)",
    scrub=json_scrub(IDENTIFIERS),
)
