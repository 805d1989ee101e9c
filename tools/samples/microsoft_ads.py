"""Write the bundled Microsoft Advertising report sample in ``data/samples/microsoft_ads/`` (deterministic).

Shape: a Reporting API v13 GeographicPerformanceReport download (``SubmitGenerateReport`` ->
``PollGenerateReport`` -> the zipped Csv, unzipped), Daily aggregation, as Microsoft documents the file
(https://learn.microsoft.com/advertising/guides/reports, "Report File Schema"): UTF-8 with a byte-order
mark, CRLF line ends, every cell quoted; the preamble of ``Label: value`` lines (``Report Name``,
``Report Time`` (the requested days, ``M/D/YYYY``), ``Time Zone``, ``Last Completed Available
Day``/``Hour``, ``Report Aggregation``, ``Report Filter``, ``Potential Incomplete Data``, ``Rows: <n>``
= the rows below), a blank line, the header (the requested columns by their API names), the rows, a blank
line and the copyright line (``"©2026 Microsoft Corporation. All rights reserved. "``, its trailing
space included).

Provenance: the layout is Microsoft's documented example (corpus case
``tests/connectors/corpus/microsoft_ads/docs_keyword_report_clicks_only``) and the geographic report of
``Werkspot/BingAdsApiBundle`` ``Tests/Api/Helper/CsvTest.php`` (commit
47fdde29682bb954c0f39f75282e2e73ad4db107, corpus case ``werkspot_geolocation_report``), both taken
2026-12-06; ``TimePeriod`` and ``Country`` where that older fixture has ``GregorianDate`` and
``CountryOrRegion`` (no published v13 geographic download was found to copy). The account, campaigns
and numbers are written for the sample: Bing search on computers, phones and tablets (the owned and
the syndicated search networks) and one Microsoft Audience Network row, in the United States and
Germany.

    python -m tools.samples.microsoft_ads [SAMPLES_DIR]   # default: data/samples
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

from tools.samples._common import write_files

SOURCES = ("microsoft_ads",)
FIRST, LAST = date(2026, 9, 1), date(2026, 9, 3)
REPORT_NAME = "Geographic performance September 2026"
TIME_ZONE = "(GMT+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna"
COMPLETED = "9/4/2026 9:00:00 AM (GMT)"  # last completed available day and hour
ACCOUNT = ("180012345", "Northwind Outdoor", "USD")  # id, name, currency
CAMPAIGNS = {"402100": "Brand search", "402101": "Audience prospecting"}
# network -> AdDistribution
NETWORKS = {
    "Microsoft sites and select traffic": "Search",
    "Syndicated search partners": "Search",
    "Audience": "Audience",
}

COLUMNS = [
    "TimePeriod", "AccountId", "AccountName", "CampaignId", "CampaignName", "Country", "DeviceType",
    "Network", "AdDistribution", "CurrencyCode", "Impressions", "Clicks", "Spend",
]  # fmt: skip
# (day of the window, campaign, country, device, network, impressions, clicks, spend)
ROWS = [
    (0, "402100", "United States", "Computer", "Microsoft sites and select traffic", 40000, 1200, "1510.20"),
    (0, "402101", "Germany", "Smartphone", "Audience", 60000, 90, "183.00"),
    (1, "402100", "United States", "Smartphone", "Syndicated search partners", 8000, 96, "140.64"),
    (2, "402100", "Germany", "Tablet", "Microsoft sites and select traffic", 2500, 30, "51.90"),
]


def _us(d: date) -> str:
    return f"{d.month}/{d.day}/{d.year}"


def report() -> str:
    account_id, account_name, currency = ACCOUNT
    out = io.StringIO()
    w = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    for line in (
        f"Report Name: {REPORT_NAME}",
        f"Report Time: {_us(FIRST)},{_us(LAST)}",
        f"Time Zone: {TIME_ZONE}",
        f"Last Completed Available Day: {COMPLETED}",
        f"Last Completed Available Hour: {COMPLETED}",
        "Report Aggregation: Daily",
        "Report Filter: ",
        "Potential Incomplete Data: false",
        f"Rows: {len(ROWS)}",
    ):
        w.writerow([line])
    w.writerow([])
    w.writerow(COLUMNS)
    for offset, campaign, country, device, network, impressions, clicks, spend in ROWS:
        day = FIRST + timedelta(days=offset)
        names = [day, account_id, account_name, campaign, CAMPAIGNS[campaign], country, device, network]
        w.writerow([*names, NETWORKS[network], currency, impressions, clicks, spend])
    w.writerow([])
    w.writerow([f"©{LAST.year} Microsoft Corporation. All rights reserved. "])
    return out.getvalue()


def write(root: Path) -> list[Path]:
    files = {f"geographic_performance_{FIRST}_{LAST}.csv": report().encode("utf-8-sig")}
    return write_files(root / "microsoft_ads", files)


if __name__ == "__main__":
    from tools.samples._cli import run

    run(write)
