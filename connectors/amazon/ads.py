"""Amazon Ads reporting v3 reports (``POST /reporting/reports`` -> poll -> download), GZIP_JSON.

A v3 report file is a gzip-compressed JSON array, one object per row, holding exactly the requested
``columns`` (https://advertising.amazon.com/API/docs/en-us/guides/reporting/v3/get-started; report types
and their columns in guides/reporting/v3/report-types/campaign). The file does not say which ad product
it reports, so the report type is read from the file name, which must start with it as the API names it
(``spCampaigns``, ``sbCampaigns``, ``sdCampaigns``, ``stCampaigns``, ``dspCampaign``); a file of rows
with ``orderId`` (Amazon DSP's campaign) is a DSP report whatever its name. Anything else is rejected by
name. Plain ``.json`` (the file unzipped) is read too.

Each ad product is its own ``dataset`` (an sdCampaigns export replaces earlier sdCampaigns rows for its
days, never Sponsored Products rows).

Read:

* ``date`` (timeUnit DAILY) -> ``usage_date``; a SUMMARY row (``startDate``..``endDate``) is read when
  it covers one day; a longer SUMMARY row is quarantined with the reason (request DAILY).
* ``impressions`` (required) -> ``ad_impressions``.
* cost: ``cost`` (sponsored ads) or ``totalCost`` (DSP: supply, fees and Amazon's) in
  ``campaignBudgetCurrencyCode`` or ``orderCurrency``.
* ``campaignId`` (DSP ``orderId``) -> ``campaign_id``; ``adGroupId`` / ``lineItemId`` -> ``placement``;
  ``advertiserId`` -> ``account``.
* country: ``advertiserCountry``, ``marketplace`` or ``countryCode`` where the report has one (ISO
  alpha-2 or a name); sponsored-ads reports have none (the profile's marketplace is not in the rows), so
  the warehouse uses its unknown-country defaults and says so.
* ``ad_format`` and buy type (GMSF selection) by ad product:

  =============  ===========  =============  ===================================================
  report type    ad_format    buy_type       why
  =============  ===========  =============  ===================================================
  spCampaigns    search       end_to_end     Sponsored Products: Amazon's own shopping results
  sbCampaigns    search       end_to_end     Sponsored Brands: Amazon's own shopping results
  sdCampaigns    display      programmatic   Sponsored Display also serves on third-party sites
  stCampaigns    ctv          programmatic   Sponsored TV also serves on third-party streaming
  dspCampaign    by type      programmatic   Amazon DSP buys on exchanges
  =============  ===========  =============  ===================================================

  Programmatic rows carry no ads.txt depth: the warehouse applies the framework's conservative
  3,000 lines unless ``ad_campaign_inputs`` states it. DSP ``lineItemType`` / ``creativeType`` map
  VIDEO -> video, AUDIO -> audio, STREAMING_TV / OTT -> ctv, else display.
* ``videoCompleteViews`` -> ``video_views``.
"""

from __future__ import annotations

import re

import polars as pl

from connectors.core.ads import ad_rows, number_text, text
from connectors.core.base import Connector, ExportFormatError, ParsedExport, window_days
from connectors.core.countries import country_to_alpha3
from connectors.core.frames import gunzip, read_json_document, require_columns
from connectors.core.schema import PARSED_SCHEMA, conform

SOURCE = "amazon_ads"
VERSION = "1.0.0"
VENDOR = "amazon"
SERVICE = "amazon.ads"

# report type -> (ad_format, buy_type)
REPORT_TYPES = {
    "spcampaigns": ("spCampaigns", "search", "end_to_end"),
    "sbcampaigns": ("sbCampaigns", "search", "end_to_end"),
    "sdcampaigns": ("sdCampaigns", "display", "programmatic"),
    "stcampaigns": ("stCampaigns", "ctv", "programmatic"),
    "dspcampaign": ("dspCampaign", None, "programmatic"),
}
NAME = re.compile(r"^(spcampaigns|sbcampaigns|sdcampaigns|stcampaigns|dspcampaign)", re.IGNORECASE)
DSP_FORMATS = [("STREAMING_TV", "ctv"), ("OTT", "ctv"), ("VIDEO", "video"), ("AUDIO", "audio")]
ATTRIBUTES = [
    "report_type",
    "campaign_name",
    "line_item_type",
    "creative_type",
    "country_label",
    "clicks",
    "cost_basis",
]
CURRENCY_UNKNOWN = "the report has no campaignBudgetCurrencyCode or orderCurrency column for its cost"
LONG_SUMMARY = "a SUMMARY row covering several days has no day: request timeUnit DAILY"


def _report_type(file: str, columns: list[str]) -> tuple[str, str | None, str]:
    found = NAME.match(file.rsplit("/", 1)[-1])
    if found:
        return REPORT_TYPES[found.group(1).lower()]
    if "orderId" in columns:
        return REPORT_TYPES["dspcampaign"]
    raise ExportFormatError(
        SOURCE,
        file,
        "cannot tell the ad product: name the file after its reportTypeId "
        "(spCampaigns_..., sbCampaigns_..., sdCampaigns_..., stCampaigns_..., dspCampaign_...)",
    )


def _first(frame: pl.DataFrame, names: list[str]) -> str | None:
    return next((n for n in names if n in frame.columns), None)


def parse(raw: bytes, file: str) -> ParsedExport:
    raw = gunzip(SOURCE, file, raw, "unreadable gzip", ": download the report again")
    body = raw.lstrip(b"\xef\xbb\xbf \t\r\n")
    if body[:1] != b"[":
        raise ExportFormatError(SOURCE, file, "not a v3 report: the file is not a JSON array of rows")
    covered = window_days(SOURCE, file)
    frame = read_json_document(SOURCE, file, body) if body.strip() != b"[]" else pl.DataFrame()
    report_type, ad_format, buy_type = _report_type(file, frame.columns)
    dataset = report_type
    count = frame.height
    if count == 0:
        return ParsedExport(dataset, conform(pl.DataFrame(), PARSED_SCHEMA), covered, 0)
    require_columns(SOURCE, file, frame.columns, ["impressions"], f"the {report_type} report")
    frame = frame.with_row_index("_i").with_columns(
        pl.concat_str(pl.lit("/"), pl.col("_i").cast(pl.String)).alias("_pointer")
    )
    day, first, last = (
        text(frame, c).str.to_date("%Y-%m-%d", strict=False) for c in ("date", "startDate", "endDate")
    )
    cost_column = _first(frame, ["cost", "totalCost", "spend"])
    currency_column = _first(frame, ["campaignBudgetCurrencyCode", "orderCurrency", "currency"])
    country = text(frame, _first(frame, ["advertiserCountry", "marketplace", "countryCode"]))
    kind = pl.concat_str(
        [text(frame, "lineItemType"), text(frame, "creativeType")], separator=" ", ignore_nulls=True
    ).str.to_uppercase()
    dsp_format: pl.Expr = pl.lit(None, dtype=pl.String)
    for needle, value in reversed(DSP_FORMATS):
        dsp_format = (
            pl.when(kind.str.contains(needle).fill_null(False)).then(pl.lit(value)).otherwise(dsp_format)
        )
    dsp_format = pl.when(kind.is_not_null() & (kind != "")).then(dsp_format.fill_null("display"))
    single = pl.when(first == last).then(first)
    records = frame.select(
        "_pointer",
        pl.coalesce(day, single).alias("_date"),
        pl.when(day.is_null() & first.is_not_null() & (first != last))
        .then(pl.lit(LONG_SUMMARY))
        .alias("_problem"),
        text(frame, "advertiserId").alias("account"),
        pl.coalesce(text(frame, "campaignId"), text(frame, "orderId")).alias("campaign_id"),
        pl.coalesce(text(frame, "adGroupId"), text(frame, "lineItemId")).alias("placement"),
        pl.coalesce(text(frame, "campaignName"), text(frame, "orderName")).alias("campaign_name"),
        text(frame, "lineItemType").alias("line_item_type"),
        text(frame, "creativeType").alias("creative_type"),
        country.alias("country_label"),
        country_to_alpha3(country).alias("country"),
        pl.lit(None, dtype=pl.String).alias("device"),
        (pl.lit(ad_format) if ad_format else dsp_format).alias("ad_format"),
        pl.lit(buy_type).alias("buy_type"),
        pl.lit(report_type).alias("report_type"),
        number_text(frame, "impressions").cast(pl.Float64, strict=False).alias("impressions"),
        number_text(frame, "videoCompleteViews").cast(pl.Float64, strict=False).alias("video_views"),
        number_text(frame, "clicks").alias("clicks"),
        number_text(frame, cost_column).alias("cost"),
        text(frame, currency_column).str.to_uppercase().alias("currency"),
        pl.lit(cost_column).alias("cost_basis"),
        *[text(frame, c).alias(f"_key_{c}") for c in KEY_COLUMNS if c in frame.columns],
    )
    rows = ad_rows(
        records,
        vendor=VENDOR,
        service=SERVICE,
        dataset=dataset,
        attributes=ATTRIBUTES,
        currency_unknown=CURRENCY_UNKNOWN,
    )
    days = sorted(set(covered) | set(records.get_column("_date").drop_nulls().unique().to_list()))
    return ParsedExport(dataset, conform(rows, PARSED_SCHEMA), days, count)


KEY_COLUMNS = [
    "startDate", "endDate", "advertiserId", "campaignId", "orderId", "adGroupId", "lineItemId",
    "placementClassification", "creativeId", "advertiserCountry", "marketplace", "countryCode",
]  # fmt: skip


CONNECTOR = Connector(
    source=SOURCE,
    vendor=VENDOR,
    version=VERSION,
    file_patterns=("*.json.gz", "*.json"),
    parse=parse,
    description="Amazon Ads reporting v3 (Sponsored Products/Brands/Display/TV, Amazon DSP), GZIP_JSON",
)
