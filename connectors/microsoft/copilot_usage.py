"""Microsoft 365 Copilot usage user detail: Microsoft Graph ``getMicrosoft365CopilotUsageUserDetail`` (JSON).

``GET /beta/reports/getMicrosoft365CopilotUsageUserDetail(period='D7')?$format=application/json`` (or
``/copilot/reports/...``) returns ``{"@odata.context", "value": [user...]}`` (one response, or a JSON
array of responses). A user record holds ``reportRefreshDate``, ``userPrincipalName``, ``displayName``,
``lastActivityDate`` and one last-activity date per app (``copilotChatLastActivityDate``,
``microsoftTeamsCopilotLastActivityDate``, ``word…``, ``excel…``, ``powerPoint…``, ``outlook…``,
``oneNote…``, ``loop…``), and ``copilotActivityUserDetailsByPeriod[].reportPeriod`` (days).

Microsoft states that per-user prompt counts are not available: the only fact the report gives is that a
user used Copilot on each of those dates. Each distinct date inside the report period
(``reportRefreshDate`` minus ``reportPeriod - 1`` days .. ``reportRefreshDate``) lands as one
``assistant_active_user_days`` row (quantity 1, unit active_user_days; the apps used that day in
``attributes``): a lower bound of the user's active days, estimated in dbt as the weakest, flagged tier.
A user with no date inside the period is skipped with the reason. ``userPrincipalName`` and
``displayName`` are pseudonymised by ``scrub`` (Microsoft's own concealed names pass through as text).
"""

from __future__ import annotations

import polars as pl

from connectors.core.base import Connector, ExportFormatError, ParsedExport
from connectors.core.frames import natural_key
from connectors.core.json_pages import explode_pages, read_pages
from connectors.core.pseudonym import json_scrub
from connectors.core.schema import PARSED_SCHEMA, UTC_TS, conform

SOURCE = "m365_copilot"
VERSION = "1.0.0"
DATASET = "copilot_usage_user_detail"
IDENTIFIERS = ["userPrincipalName", "displayName"]
APPS = {
    "copilotChatLastActivityDate": "copilot_chat",
    "microsoftTeamsCopilotLastActivityDate": "teams",
    "wordCopilotLastActivityDate": "word",
    "excelCopilotLastActivityDate": "excel",
    "powerPointCopilotLastActivityDate": "powerpoint",
    "outlookCopilotLastActivityDate": "outlook",
    "oneNoteCopilotLastActivityDate": "onenote",
    "loopCopilotLastActivityDate": "loop",
}
REQUIRED = ["reportRefreshDate", "userPrincipalName", "lastActivityDate"]


def _date(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.String).str.strip_chars().str.to_date("%Y-%m-%d", strict=False)


def parse(raw: bytes, file: str) -> ParsedExport:
    responses = read_pages(SOURCE, file, raw)
    if "value" not in responses.columns or not isinstance(responses.schema["value"], pl.List):
        raise ExportFormatError(SOURCE, file, "no 'value' array: not a Graph report response")
    users = (
        explode_pages(responses, pl.col("value"), "value", "value")
        .filter(pl.col("value").is_not_null())
        .select(pl.col("_pointer").alias("_record"), "value")
    )
    if users.is_empty():
        return ParsedExport(DATASET, conform(pl.DataFrame(), PARSED_SCHEMA), [], 0)
    users = users.unnest("value")
    missing = [c for c in REQUIRED if c not in users.columns]
    if missing:
        raise ExportFormatError(SOURCE, file, f"user records lack {', '.join(missing)}")
    period = (
        pl.col("copilotActivityUserDetailsByPeriod").list.first().struct.field("reportPeriod").cast(pl.Int32)
        if "copilotActivityUserDetailsByPeriod" in users.columns
        else pl.lit(None, pl.Int32)
    )
    users = users.with_columns(
        _date("reportRefreshDate").alias("_refresh"), period.alias("_period")
    ).with_columns(pl.col("_refresh").dt.offset_by(pl.format("-{}d", pl.col("_period") - 1)).alias("_from"))
    apps = [c for c in APPS if c in users.columns]
    dated = (
        users.select(
            "_record",
            "userPrincipalName",
            "_refresh",
            "_period",
            "_from",
            pl.concat_list(
                [pl.struct(_date(c).alias("day"), pl.lit(APPS[c]).alias("app")) for c in apps]
                + [pl.struct(_date("lastActivityDate").alias("day"), pl.lit(None, pl.String).alias("app"))]
            ).alias("_uses"),
        )
        .explode("_uses")
        .unnest("_uses")
    )
    in_period = dated.filter(
        pl.col("day").is_not_null()
        & (pl.col("day") >= pl.col("_from"))
        & (pl.col("day") <= pl.col("_refresh"))
    )
    rows = in_period.group_by(
        "_record", "userPrincipalName", "day", "_refresh", "_period", maintain_order=True
    ).agg(pl.col("app").drop_nulls().unique().sort().alias("apps"))
    bad = users.filter(pl.col("_refresh").is_null() | pl.col("_period").is_null()).select(
        "_record",
        "userPrincipalName",
        pl.lit("reportRefreshDate or reportPeriod missing or unreadable").alias("_problem"),
    )
    skipped = users.filter(
        pl.col("_refresh").is_not_null()
        & pl.col("_period").is_not_null()
        & ~pl.col("_record").is_in(rows.get_column("_record").implode())
    ).select("_record", pl.lit("no Copilot activity date inside the report period").alias("reason"))
    day = pl.col("day").cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
    landed = (
        pl.concat([rows, bad], how="diagonal_relaxed")
        .with_columns(
            pl.lit(DATASET).alias("dataset"),
            pl.lit("microsoft").alias("vendor"),
            pl.lit("microsoft.m365_copilot").alias("service"),
            pl.lit("microsoft-365-copilot").alias("model"),
            pl.lit("microsoft-365-copilot").alias("model_raw"),
            pl.lit("assistant_active_user_days").alias("activity_type"),
            pl.lit("active_user_days").alias("unit"),
            pl.lit(1.0).alias("quantity"),
            day.cast(UTC_TS).alias("usage_start"),
            day.dt.offset_by("1d").cast(UTC_TS).alias("usage_end"),
            pl.col("day").alias("usage_date"),
            pl.col("userPrincipalName").alias("user_id"),
            pl.struct(
                pl.col("apps"),
                pl.col("_refresh").cast(pl.String).alias("report_refresh_date"),
                pl.col("_period").alias("report_period_days"),
            )
            .struct.json_encode()
            .alias("attributes"),
            pl.col("_record").alias("source_row"),
            pl.col("day").cast(pl.String).alias("_day_text"),
        )
        .with_columns(natural_key(["userPrincipalName", "_day_text"]).alias("natural_key"))
    )
    windows = (
        users.filter(pl.col("_from").is_not_null()).select(pl.date_ranges("_from", "_refresh")).to_series()
    )
    days = windows.explode().drop_nulls().unique().sort().to_list()
    return ParsedExport(DATASET, conform(landed, PARSED_SCHEMA), days, users.height, skipped=skipped)


CONNECTOR = Connector(
    source=SOURCE,
    vendor="microsoft",
    version=VERSION,
    file_patterns=("*.json",),
    parse=parse,
    description="Microsoft 365 Copilot usage user detail (Graph, JSON): last activity dates per user and app",
    scrub=json_scrub(IDENTIFIERS),
)
