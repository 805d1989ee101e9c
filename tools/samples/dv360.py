"""Write the bundled Display & Video 360 report sample in ``data/samples/dv360/`` (deterministic).

Shape: a DV360 offline report (Bid Manager API v2 ``queries.run``, or the UI), CSV as DV360 writes it:
the header, one row per line item and day, the totals row (every dimension cell empty, the metrics
summed), a blank line and the footer (``Report Time:``, ``Date Range:``, one ``Group By:`` line per
dimension, ``MRC Accredited Metrics``, the finalised-numbers paragraph, ``Filter by ...``); ``\\n`` line
ends, no byte-order mark, cells quoted only where they hold a comma.

Provenance, as for the corpus case ``tests/connectors/corpus/dv360/documented_columns_daily/PROVENANCE.md``
(taken 2026-12-06): column names and order as a real (scrubbed) DoubleClick Bid Manager report header
writes them (``paddymahoney/node-csvtojson`` ``scrubbed.csv``, commit
be7073cf52ab741ffba3ab3cea6ac878a5e17156), the dimensions as the Bid Manager v2 filters name them
(``FILTER_LINE_ITEM``, ``FILTER_LINE_ITEM_TYPE``, ``FILTER_DEVICE_TYPE``, ``FILTER_COUNTRY``,
developers.google.com/bid-manager); the totals row and the footer as in Google's DBM test helper (corpus
case ``google_dbm_impression_match_table``), ``YYYY/MM/DD`` dates as in its footers. No published report
with a Date dimension was found: the advertiser, ids and every number below are written for the sample,
one row per case the ad mart distinguishes (display / video on CTV / YouTube / audio; phone, CTV,
computer; Germany, United States, France). Revenue (Adv Currency) is the advertiser's cost in EUR.

    python -m tools.samples.dv360 [SAMPLES_DIR]   # default: data/samples
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from tools.samples._common import write_files

SOURCES = ("dv360",)
FIRST, LAST = date(2026, 9, 1), date(2026, 9, 3)
REPORT_TIME = "2026/09/04 06:12 GMT"  # the morning after the last day
PARTNER_ID = "995544"
ADVERTISER = ("Northwind Outdoor", "1161431", "EUR")  # name, id, advertiser currency

COLUMNS = [
    "Date", "Advertiser", "Advertiser ID", "Campaign ID", "Insertion Order ID", "Line Item ID",
    "Line Item Type", "Device Type", "Country", "Advertiser Currency", "Impressions", "Clicks",
    "Revenue (Adv Currency)",
]  # fmt: skip
GROUP_BY = [
    "Date", "Advertiser ID", "Campaign ID", "Insertion Order ID", "Line Item ID", "Line Item Type",
    "Device Type", "Country",
]  # fmt: skip
# (day of the window, campaign, insertion order, line item, line item type, device, country,
#  impressions, clicks, revenue in the advertiser currency)
ROWS = [
    (0, "5550001", "2427940", "7001", "Display", "Smart Phone", "Germany", 100000, 84, "450.00"),
    (0, "5550001", "2427941", "7002", "Video", "Connected TV", "United States", 20000, 0, "620.00"),
    (1, "5550001", "2427942", "7003", "YouTube & partners", "Computer", "France", 30000, 12, "96.00"),
    (1, "5550001", "2427940", "7004", "Audio", "Smart Phone", "Germany", 15000, 0, "75.00"),
    (2, "5550002", "2427943", "7005", "Display", "Computer", "Germany", 100000, 51, "380.00"),
]
MRC = [
    "MRC Accredited Metrics",
    "Impressions(Desktop Video, Desktop Display, Mobile Video, Mobile Display, In-App Video, In-App Display)",
    "Active View metrics are accredited only when Measurement Source = Measured",
]
FINALISED = (
    "Reporting numbers from the previous month are finalized (for billing purposes) on the first of each "
    "month, unless communicated otherwise. Some numbers in reports may fluctuate for up to seven days "
    "before matching billing numbers."
)


def _day(d: date) -> str:
    return d.strftime("%Y/%m/%d")


def report() -> str:
    name, advertiser_id, currency = ADVERTISER
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    for offset, campaign, io_id, line_item, kind, device, country, impressions, clicks, revenue in ROWS:
        day = _day(FIRST + timedelta(days=offset))
        dimensions = [day, name, advertiser_id, campaign, io_id, line_item, kind, device, country, currency]
        w.writerow([*dimensions, impressions, clicks, revenue])
    totals = [sum(r[7] for r in ROWS), sum(r[8] for r in ROWS), str(sum(Decimal(r[9]) for r in ROWS))]
    w.writerow([""] * (len(COLUMNS) - 3) + totals)
    w.writerow([])
    w.writerow(["Report Time:", REPORT_TIME])
    w.writerow(["Date Range:", f"{_day(FIRST)} to {_day(LAST)}"])
    w.writerows(["Group By:", g] for g in GROUP_BY)
    w.writerow(MRC)
    w.writerow([FINALISED])
    w.writerow(["Filter by Advertiser ID:", f"{name} ({advertiser_id})"])
    w.writerow(["Filter by Partner ID:", PARTNER_ID])
    return out.getvalue()


def write(root: Path) -> list[Path]:
    return write_files(root / "dv360", {f"standard_report_{FIRST}_{LAST}.csv": report()})


if __name__ == "__main__":
    from tools.samples._cli import run

    run(write)
