"""Microsoft Advertising Reporting API v13 report downloads (``SubmitGenerateReport`` ->
``PollGenerateReport`` -> the zipped file), Csv or Tsv.

The file Microsoft documents (https://learn.microsoft.com/advertising/guides/reports, "Report File
Schema"; the Bing Ads SDKs' ``RowReportHeader`` reads the same) is: a preamble of quoted ``Label: value``
lines (``Report Name``, ``Report Time``, ``Time Zone``, ``Last Completed Available Day``/``Hour``,
``Report Aggregation``, ``Report Filter``, ``Potential Incomplete Data``, ``Rows: <n>``), a blank line,
the header (the requested columns by their API names, in request order), the rows, a blank line and a
copyright line (``"©2026 Microsoft Corporation. All rights reserved. "``). ``ExcludeReportHeader`` /
``ExcludeColumnHeaders`` / ``ExcludeReportFooter`` drop the preamble or the footer; the header row is
required here. Csv is UTF-8 with a byte-order mark; Tsv is tab-separated.

Read (any performance report with a day and impressions: AdPerformanceReport,
CampaignPerformanceReport, GeographicPerformanceReport...):

* ``TimePeriod`` (``GregorianDate`` in older reports; ``YYYY-MM-DD`` or ``M/D/YYYY``) -> ``usage_date``.
  ``Report Aggregation`` must be Daily or Hourly (hourly rows land per hour-row on their day); a
  Summary, Weekly, Monthly or Yearly report has no day per row and is rejected by name.
* ``Impressions`` (required) -> ``ad_impressions``; ``Spend`` in ``CurrencyCode`` -> cost.
* ``AccountId`` (else ``AccountNumber``) -> ``account``; ``CampaignId`` -> ``campaign_id``;
  ``AdGroupId`` -> ``placement``.
* ``DeviceType`` (``Computer``, ``Smartphone``, ``Tablet``, ``Unknown``) -> ``device``.
* ``Country`` / ``CountryOrRegion`` (GeographicPerformanceReport; English names) -> ISO alpha-3.
* ``ad_format``: ``native`` for the Microsoft Audience Network (``AdDistribution`` or ``Network`` says
  Audience), ``video`` when ``AdType`` says video, else ``search`` where the row is on the search networks
  (``AdDistribution`` Search, or ``Network`` "Microsoft sites and select traffic" / "Syndicated search
  partners"); unknown otherwise (the warehouse then uses the display defaults and says so).

Buy type (GMSF selection): ``end_to_end``. Microsoft's own ad server selects every ad it serves on
Bing, its partners' search results and the Audience Network (MSN, Outlook, Edge and partner sites):
the advertiser's side makes no open-auction bid requests (the framework's walled-garden case).

``Rows: <n>`` in the preamble is checked against the rows read: a truncated download is rejected.
"""

from __future__ import annotations

import re

import polars as pl

from connectors.core.ads import ad_rows, number_text, report_date, text
from connectors.core.base import Connector, ExportFormatError, ParsedExport
from connectors.core.countries import country_to_alpha3
from connectors.core.frames import decode_text, read_csv_rows, require_columns
from connectors.core.schema import PARSED_SCHEMA, conform

SOURCE = "microsoft_ads"
VERSION = "1.0.0"
DATASET = "performance_report"
VENDOR = "microsoft"
SERVICE = "microsoft.advertising"

PREAMBLE = re.compile(
    r'^"?(Report Name|Report Time|Report Aggregation|Report Filter|Time Zone|Rows|'
    r'Last Completed Available Day|Last Completed Available Hour|Potential Incomplete Data): ?(.*?)"?\s*$'
)
# the copyright line; some saved copies carry the sign mis-decoded (any non-digit prefix is accepted)
FOOTER = re.compile(r'^"?\s*\D{0,6}\d{4} Microsoft Corporation\. All rights reserved\.')
DAILY = {"daily", "hourly"}
DEVICES = {"computer": "desktop", "smartphone": "mobile", "tablet": "tablet", "unknown": "other"}
SEARCH_NETWORKS = [
    "microsoft sites and select traffic",
    "syndicated search partners",
    "bing and yahoo! search",
]
ATTRIBUTES = [
    "account_name",
    "campaign_name",
    "network",
    "ad_distribution",
    "ad_type",
    "device_type",
    "country_label",
    "clicks",
    "time_zone",
]
CURRENCY_UNKNOWN = "the report has no CurrencyCode column for its Spend (the account's currency)"


def _preamble(lines: list[str]) -> tuple[dict[str, str], int]:
    """(the preamble's labels -> values, the index of the header line)."""
    labels: dict[str, str] = {}
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        found = PREAMBLE.match(line)
        if found:
            labels[found.group(1)] = found.group(2).strip()
        elif line:
            break
        index += 1
    return labels, index


def parse(raw: bytes, file: str) -> ParsedExport:
    text_ = decode_text(SOURCE, file, raw)
    lines = text_.splitlines()
    labels, start = _preamble(lines)
    if start >= len(lines):
        raise ExportFormatError(SOURCE, file, "no column header after the report preamble")
    aggregation = labels.get("Report Aggregation", "").lower()
    if aggregation and aggregation not in DAILY:
        raise ExportFormatError(
            SOURCE,
            file,
            f"Report Aggregation '{labels['Report Aggregation']}' has no day per row: request Daily",
        )
    body = lines[start:]
    while body and (not body[-1].strip() or FOOTER.match(body[-1].strip())):
        body.pop()
    separator = "\t" if "\t" in body[0] else ","
    # the preamble stays above as skipped lines, so each record's pointer is its line in the file
    kept = "\n".join(lines[:start] + body) + "\n"
    frame = read_csv_rows(SOURCE, file, kept.encode(), skip_lines=start, separator=separator)
    columns = frame.columns
    day_column = "TimePeriod" if "TimePeriod" in columns else "GregorianDate"
    require_columns(SOURCE, file, columns, [day_column, "Impressions"], "the Microsoft Advertising report")
    count = frame.height  # records as read
    if "Rows" in labels and labels["Rows"].isdigit() and int(labels["Rows"]) != count:
        raise ExportFormatError(
            SOURCE, file, f"the preamble says Rows: {labels['Rows']} but the file holds {count}: truncated?"
        )

    day = text(frame, day_column).str.replace(r"\|.*$", "")  # hourly: "2026-09-01|13"
    distribution = text(frame, "AdDistribution").str.to_lowercase()
    network = text(frame, "Network").str.to_lowercase()
    ad_type = text(frame, "AdType").str.to_lowercase()
    audience = distribution.str.contains("audience").fill_null(False) | network.str.contains(
        "audience"
    ).fill_null(False)
    search = distribution.str.contains("search").fill_null(False) | network.is_in(SEARCH_NETWORKS).fill_null(
        False
    )
    country = text(frame, "Country") if "Country" in columns else text(frame, "CountryOrRegion")
    device_label = text(frame, "DeviceType")
    records = frame.select(
        "_pointer",
        "_problem",
        "_raw",
        report_date(day, "%Y-%m-%d", "%m/%d/%Y").alias("_date"),
        pl.coalesce(text(frame, "AccountId"), text(frame, "AccountNumber")).alias("account"),
        text(frame, "CampaignId").alias("campaign_id"),
        text(frame, "AdGroupId").alias("placement"),
        text(frame, "AccountName").alias("account_name"),
        text(frame, "CampaignName").alias("campaign_name"),
        text(frame, "Network").alias("network"),
        text(frame, "AdDistribution").alias("ad_distribution"),
        text(frame, "AdType").alias("ad_type"),
        device_label.alias("device_type"),
        device_label.str.to_lowercase()
        .replace_strict(DEVICES, default="other", return_dtype=pl.String)
        .alias("device"),
        country.alias("country_label"),
        country_to_alpha3(country).alias("country"),
        pl.when(ad_type.str.contains("video").fill_null(False))
        .then(pl.lit("video"))
        .when(audience)
        .then(pl.lit("native"))
        .when(search)
        .then(pl.lit("search"))
        .alias("ad_format"),
        pl.lit("end_to_end").alias("buy_type"),
        number_text(frame, "Impressions").cast(pl.Float64, strict=False).alias("impressions"),
        number_text(frame, "Clicks").alias("clicks"),
        number_text(frame, "Spend").alias("cost"),
        text(frame, "CurrencyCode").str.to_uppercase().alias("currency"),
        pl.lit(labels.get("Time Zone")).alias("time_zone"),
        text(frame, day_column).alias("_key_period"),  # hourly rows: "2026-09-01|13" keeps the hour apart
        *[text(frame, c).alias(f"_key_{c}") for c in columns if not c.startswith("_") and c not in METRICS],
    )
    rows = ad_rows(
        records,
        vendor=VENDOR,
        service=SERVICE,
        dataset=DATASET,
        attributes=ATTRIBUTES,
        currency_unknown=CURRENCY_UNKNOWN,
    )
    days = sorted(records.get_column("_date").drop_nulls().unique().to_list())
    return ParsedExport(DATASET, conform(rows, PARSED_SCHEMA), days, count)


# performance statistics (not part of a row's identity); every other column is an attribute that groups
METRICS = {
    "TimePeriod", "GregorianDate", "Impressions", "Clicks", "Spend", "Ctr", "AverageCpc", "AverageCpm",
    "Conversions", "ConversionRate", "CostPerConversion", "Revenue", "ReturnOnAdSpend", "AveragePosition",
    "ImpressionSharePercent", "AllConversions", "AllRevenue", "ViewThroughConversions", "Assists",
    "CurrencyCode",
}  # fmt: skip


CONNECTOR = Connector(
    source=SOURCE,
    vendor=VENDOR,
    version=VERSION,
    file_patterns=("*.csv", "*.tsv"),
    parse=parse,
    description="Microsoft Advertising Reporting API v13 performance reports (Daily), Csv or Tsv",
)
