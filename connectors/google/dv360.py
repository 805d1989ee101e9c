"""Display & Video 360 offline reports (Bid Manager API v2 ``queries.run`` or the DV360 UI), CSV.

A DV360 "Standard" report is CSV with one header row (the chosen dimensions and metrics by their
display names), one row per dimension combination, a totals row whose dimension cells are empty, a blank
line, then a footer of ``Label:,value`` lines (``Report Time:``, ``Date Range:,2026/09/01 to
2026/09/07``, ``Group By:``, ``MRC Accredited Metrics``, a paragraph on finalised numbers, ``Filter by
...:``). Sources: https://developers.google.com/bid-manager/guides/scheduled-reports/overview (CSV on
Cloud Storage through a pre-authorised URL), filter/metric names in the Bid Manager v2 reference.

Read here:

* ``Date`` (required; ``YYYY/MM/DD`` as DV360 writes it, ISO accepted) -> ``usage_date``. A report not
  grouped by Date is rejected by name: its rows cover the whole Date Range and have no day.
* ``Impressions`` (served impressions; ``Billable Impressions`` only when the report has no
  ``Impressions``, flagged ``impressions_basis`` in attributes) -> ``ad_impressions``.
* cost: ``Revenue (Adv Currency)`` (what DV360 bills the advertiser: media, data and fees) in the
  ``Advertiser Currency`` column's currency; else ``Total Media Cost (Advertiser Currency)``, else
  ``Media Cost (Advertiser Currency)``, else ``Revenue (USD)`` in USD. The column used is
  ``cost_basis`` in attributes.
* ``Advertiser ID`` -> ``account``; ``Campaign ID`` (else ``Insertion Order ID``) -> ``campaign_id``;
  ``Line Item ID`` -> ``placement`` (the line item is where DV360 sets the supply path and format).
* ``Device Type`` (``Computer``, ``Smart Phone``, ``Tablet``, ``Connected TV``...) -> ``device``.
* ``Country`` (a name or ISO/``UK`` code) -> ISO alpha-3 ``country``.
* ``Line Item Type`` -> ``ad_format``: Display -> display, Video -> video (ctv on a Connected TV
  device), Audio -> audio, Over-the-top -> ctv, YouTube & partners -> video, Demand Gen -> social.

Buy type (GMSF selection): DV360 buys on exchanges, so rows are ``programmatic``; the ads.txt depth of
the supply path is not in the report, so the warehouse uses the framework's conservative 3,000 lines
unless ``ad_campaign_inputs`` states it for the campaign. YouTube & partners and Demand Gen line items
serve on Google's own inventory: ``end_to_end`` (as Google Ads video is).

The totals row and the footer are not records: the totals row is skipped with its reason, the footer is
read for the covered days (its Date Range, so a day without delivery is still covered) and never landed.
An XLSX download is rejected by name (request CSV).
"""

from __future__ import annotations

import re
from datetime import date

import polars as pl

from connectors.core.ads import ad_rows, number_text, report_date, text
from connectors.core.base import Connector, ExportFormatError, ParsedExport
from connectors.core.countries import country_to_alpha3
from connectors.core.frames import decode_text, read_csv_rows, require_columns, skip_records
from connectors.core.schema import PARSED_SCHEMA, conform

SOURCE = "dv360"
VERSION = "1.0.0"
DATASET = "standard_report"
VENDOR = "google"
SERVICE = "google.dv360"

COST_COLUMNS = [
    ("Revenue (Adv Currency)", "Advertiser Currency"),
    ("Total Media Cost (Advertiser Currency)", "Advertiser Currency"),
    ("Media Cost (Advertiser Currency)", "Advertiser Currency"),
    ("Revenue (USD)", None),
]
DIMENSIONS = [
    "Advertiser ID",
    "Campaign ID",
    "Insertion Order ID",
    "Line Item ID",
    "Creative ID",
    "Device Type",
    "Country",
    "Line Item Type",
    "Exchange ID",
    "Inventory Source ID",
]
DEVICES = {
    "computer": "desktop", "desktop": "desktop",
    "smart phone": "mobile", "smartphone": "mobile", "mobile": "mobile",
    "tablet": "tablet",
    "connected tv": "tv", "ctv": "tv", "smart tv": "tv",
}  # fmt: skip
FORMATS = {
    "display": "display",
    "video": "video",
    "audio": "audio",
    "over-the-top": "ctv", "ott": "ctv", "connected tv": "ctv",
    "youtube & partners": "video", "trueview": "video", "youtube and partners": "video",
    "demand gen": "social",
}  # fmt: skip
END_TO_END_TYPES = ["youtube & partners", "youtube and partners", "trueview", "demand gen"]
ATTRIBUTES = [
    "advertiser_name",
    "insertion_order_id",
    "line_item_type",
    "device_type",
    "country_label",
    "clicks",
    "cost_basis",
    "impressions_basis",
]
FOOTER = re.compile(
    r"^(Report Time:|Date Range:|Group By:|MRC Accredited Metrics|\"?Reporting numbers|Filter by )"
)
TOTALS_REASON = "DV360 totals row (every dimension empty): the sum of the rows above it"
CURRENCY_UNKNOWN = "the report has no Advertiser Currency column for its cost"


def _split(text_: str) -> tuple[str, list[str]]:
    """(the table, the footer lines): the footer starts at the first line that is a footer label."""
    lines = text_.splitlines()
    for index, line in enumerate(lines):
        if index and FOOTER.match(line.strip()):
            table = lines[:index]
            while table and not table[-1].strip():
                table.pop()
            return "\n".join(table) + "\n", lines[index:]
    return text_, []


def _date_range(footer: list[str]) -> list[date]:
    for line in footer:
        found = re.match(r"Date Range:,?\s*(\d{4}/\d{2}/\d{2}) to (\d{4}/\d{2}/\d{2})", line.strip())
        if found:
            first, last = (date(*map(int, d.split("/"))) for d in found.groups())
            if first <= last:
                return pl.date_range(first, last, "1d", eager=True).to_list()
    return []


def parse(raw: bytes, file: str) -> ParsedExport:
    if raw[:2] == b"PK":
        raise ExportFormatError(SOURCE, file, "an XLSX report: request the DV360 report as CSV")
    table, footer = _split(decode_text(SOURCE, file, raw))
    frame = read_csv_rows(SOURCE, file, table.encode())
    columns = frame.columns
    impressions = "Impressions" if "Impressions" in columns else "Billable Impressions"
    require_columns(SOURCE, file, columns, ["Date", impressions], "the DV360 report")
    count = frame.height  # records as read, before anything is filtered
    dimensions = [c for c in [*DIMENSIONS, "Date"] if c in columns]
    totals = pl.all_horizontal([pl.col(c).is_null() for c in dimensions]) & pl.col("_problem").is_null()
    skipped = skip_records(frame.filter(totals), TOTALS_REASON)
    frame = frame.filter(~totals)

    cost_column, currency_column = next(((c, cur) for c, cur in COST_COLUMNS if c in columns), (None, None))
    day = text(frame, "Date")
    device_label = text(frame, "Device Type")
    type_label = text(frame, "Line Item Type").str.to_lowercase()
    device = device_label.str.to_lowercase().replace_strict(DEVICES, default="other", return_dtype=pl.String)
    video_format = type_label.replace_strict(FORMATS, default=None, return_dtype=pl.String)
    records = frame.select(
        "_pointer",
        "_problem",
        "_raw",
        report_date(day, "%Y/%m/%d", "%Y-%m-%d").alias("_date"),
        text(frame, "Advertiser ID").alias("account"),
        pl.coalesce(text(frame, "Campaign ID"), text(frame, "Insertion Order ID")).alias("campaign_id"),
        text(frame, "Insertion Order ID").alias("insertion_order_id"),
        text(frame, "Line Item ID").alias("placement"),
        text(frame, "Advertiser").alias("advertiser_name"),
        text(frame, "Line Item Type").alias("line_item_type"),
        device_label.alias("device_type"),
        pl.when(device_label.is_not_null()).then(device).alias("device"),
        text(frame, "Country").alias("country_label"),
        country_to_alpha3(text(frame, "Country")).alias("country"),
        pl.when((video_format == "video") & (device == "tv"))
        .then(pl.lit("ctv"))
        .otherwise(video_format)
        .alias("ad_format"),
        pl.when(type_label.is_in(END_TO_END_TYPES))
        .then(pl.lit("end_to_end"))
        .otherwise(pl.lit("programmatic"))
        .alias("buy_type"),
        number_text(frame, impressions).cast(pl.Float64, strict=False).alias("impressions"),
        number_text(frame, "Clicks").alias("clicks"),
        number_text(frame, cost_column).alias("cost"),
        (text(frame, currency_column).str.to_uppercase() if currency_column else pl.lit("USD")).alias(
            "currency"
        )
        if cost_column
        else pl.lit(None, dtype=pl.String).alias("currency"),
        pl.lit(cost_column).alias("cost_basis"),
        pl.lit(None if impressions == "Impressions" else impressions, dtype=pl.String).alias(
            "impressions_basis"
        ),
        *[text(frame, c).alias(f"_dim_{i}") for i, c in enumerate(dimensions)],
    )
    rows = ad_rows(
        records,
        vendor=VENDOR,
        service=SERVICE,
        dataset=DATASET,
        key_columns=[f"_dim_{i}" for i, c in enumerate(dimensions) if c != "Date"],
        attributes=ATTRIBUTES,
        currency_unknown=CURRENCY_UNKNOWN,
    )
    days = sorted(set(_date_range(footer)) | set(records.get_column("_date").drop_nulls().unique().to_list()))
    return ParsedExport(DATASET, conform(rows, PARSED_SCHEMA), days, count, skipped=skipped)


CONNECTOR = Connector(
    source=SOURCE,
    vendor=VENDOR,
    version=VERSION,
    file_patterns=("*.csv",),
    parse=parse,
    description="Display & Video 360 offline reports (Bid Manager API v2 or UI), CSV grouped by Date",
)
