"""Write the bundled Amazon Ads reporting v3 samples in ``data/samples/amazon_ads/`` (deterministic).

Shape: two report downloads, ``format: GZIP_JSON``, ``timeUnit: DAILY``, each a gzip-compressed JSON array
with one object per row (compact separators, a final newline), named ``<reportTypeId>_<start>_<end>``:

* ``spCampaigns_2026-09-01_2026-09-03.json.gz``: Sponsored Products, grouped by campaign: one campaign on
  every day of the window (the last day without delivery reports zeros), cost in
  ``campaignBudgetCurrencyCode``.
* ``dspCampaign_2026-09-01_2026-09-02.json.gz``: Amazon DSP, grouped by order and line item: a display and
  a video line item on one day each, cost as ``totalCost`` in ``orderCurrency``, ``videoCompleteViews``.

Provenance: the report types, column names, ``timeUnit`` and ``format`` as the Amazon Ads API docs give
them (guides/reporting/v3/get-started and report-types/campaign), the latter as mirrored in
``idealerror/amazon-ads-api-docs`` (``en-us/guides/reporting/v3/report-types/campaign.md``, commit
124fc9cf731190544e64be86e00f31163bb11e1a; corpus cases ``tests/connectors/corpus/amazon_ads/*``, taken
2026-12-06). Amazon publishes the requests, not report bodies: the advertiser, ids and every number below
are written for the sample (ids in Amazon's 15-digit / 12-digit / 13-digit forms).

Bytes: the gzip header written here as the committed files have it (no flags, so no file name; mtime 0;
extra flags 0; OS 3, Unix), then zlib's raw deflate at level 6, the CRC-32 and the length. The header is
not left to ``gzip.compress``, whose OS byte for ``mtime=0`` differs between Python versions.

    python -m tools.samples.amazon_ads [SAMPLES_DIR]   # default: data/samples
"""

from __future__ import annotations

import json
import struct
import zlib
from datetime import date, timedelta
from pathlib import Path

from tools.samples._common import write_files

SOURCES = ("amazon_ads",)

# Sponsored Products: campaign -> (name, currency, [(impressions, clicks, cost) per day from FIRST])
SP_FIRST, SP_LAST = date(2026, 9, 1), date(2026, 9, 3)
SP_CAMPAIGNS = {
    "144914488051357": (
        "Northwind tents - auto",
        "USD",
        [(52000, 212, 98.31), (48500, 190, 87.12), (0, 0, 0.0)],
    ),
}

# Amazon DSP: the advertiser and the order, then one row per line item and day
DSP_FIRST, DSP_LAST = date(2026, 9, 1), date(2026, 9, 2)
DSP_ADVERTISER = ("587641234567", "US")  # advertiserId, advertiserCountry
DSP_ORDER = ("5823104402101", "Northwind fall outdoor", "USD")  # orderId, orderName, orderCurrency
# (day of the window, line item, lineItemType, impressions, clicks, totalCost, videoCompleteViews)
DSP_ROWS = [
    (0, "6102002", "STANDARD_DISPLAY", 250000, 310, 1375.5, 0),
    (1, "6102003", "VIDEO", 40000, 22, 820.0, 26000),
]


def sp_rows() -> list[dict]:
    return [
        {
            "date": str(SP_FIRST + timedelta(days=i)),
            "campaignId": campaign,
            "campaignName": name,
            "impressions": impressions,
            "clicks": clicks,
            "cost": cost,
            "campaignBudgetCurrencyCode": currency,
        }
        for campaign, (name, currency, days) in SP_CAMPAIGNS.items()
        for i, (impressions, clicks, cost) in enumerate(days)
    ]


def dsp_rows() -> list[dict]:
    advertiser, country = DSP_ADVERTISER
    order, order_name, currency = DSP_ORDER
    return [
        {
            "date": str(DSP_FIRST + timedelta(days=offset)),
            "advertiserId": advertiser,
            "advertiserCountry": country,
            "orderId": order,
            "orderName": order_name,
            "lineItemId": line_item,
            "lineItemType": kind,
            "impressions": impressions,
            "clicks": clicks,
            "totalCost": cost,
            "orderCurrency": currency,
            "videoCompleteViews": completes,
        }
        for offset, line_item, kind, impressions, clicks, cost, completes in DSP_ROWS
    ]


def _gzip_json(rows: list[dict]) -> bytes:
    data = (json.dumps(rows, separators=(",", ":")) + "\n").encode("utf-8")
    deflate = zlib.compressobj(6, zlib.DEFLATED, -15)  # raw deflate: the gzip wrapper is written here
    body = deflate.compress(data) + deflate.flush()
    header = (
        b"\x1f\x8b\x08\x00" + struct.pack("<I", 0) + b"\x00\x03"
    )  # magic, deflate, no flags; mtime; XFL, OS
    return header + body + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


def write(root: Path) -> list[Path]:
    files = {
        f"spCampaigns_{SP_FIRST}_{SP_LAST}.json.gz": _gzip_json(sp_rows()),
        f"dspCampaign_{DSP_FIRST}_{DSP_LAST}.json.gz": _gzip_json(dsp_rows()),
    }
    return write_files(root / "amazon_ads", files)


if __name__ == "__main__":
    from tools.samples._cli import run

    run(write)
