"""Google Ads: API ``googleAds:searchStream`` response sets and the UI's campaign report download (CSV).

**API.** ``fetch`` runs two GAQL reports per customer (``GOOGLE_ADS_CUSTOMER_IDS``) over the same window and
segments (``segments.date``, ``segments.device``, ``segments.ad_network_type``) and saves every
``SearchGoogleAdsStreamResponse`` batch of both, as sent, in one JSON array:

- ``FROM campaign``: the complete totals per date x customer x campaign x device x network;
- ``FROM geographic_view`` (``location_type = LOCATION_OF_PRESENCE`` only): the same metrics split by the
  user's country (``geographic_view.country_criterion_id`` = 2000 + ISO numeric).

Both reports land in ONE dataset (``campaign_performance``) and nothing is counted twice: each geographic
record becomes an impression row with its country, and each campaign record contributes only what the
geographic report did not attribute to a country (campaign total minus the sum of its geographic records,
per measure, floored at 0) as a row with a null country. A file holding only campaign results (or only
geographic ones) is read the same way, so the dataset's impressions always add up to the account totals.
Geographic records of type ``AREA_OF_INTEREST`` (a saved file made with another query) are skipped with
their reason (the same impression can be in both location types), and so are campaign records the
geographic report attributes entirely: every GoogleAdsRow is counted in ``raw_records`` and ends landed,
quarantined or skipped with a reason. A ``summaryRow`` batch is not a result row and is not landed.

Proto3 JSON: lowerCamelCase keys nested by resource, int64 metrics as strings, unset metrics absent (read
as 0), cost in micros of the account currency (``customer.currency_code``). ``segments.date`` is a day in
the account's time zone (``customer.time_zone``, kept in attributes): rows are dated that day 00:00-24:00
UTC, which shifts the day boundary by the account's UTC offset. A 200 response whose array holds an
``error`` object (a stream that failed part-way) is an error, never a partial report.

**UI CSV** (Reports > Download > CSV, UTF-8; or "CSV (Excel)": UTF-16LE, tab-separated, with or without a
byte-order mark: ``frames.decode_text``): title and quoted date range lines above the header, UI labels as
column names (English or German), display-formatted numbers (thousands separators, currency symbols, ``--``
for n/a, a decimal comma in German exports), ``Total: ...`` (``Gesamt: ...``) rows at the end, which are
records skipped with their reason. Cost is in currency units (not micros), read exactly as a decimal.
Without a currency column the currency comes from an unambiguous symbol in the cost cell (``€``, ``£``;
never ``$``), else it is null and ``cost_currency_unknown`` in ``attributes`` says why (the API always asks
for ``customer.currency_code``). ``cost_amount_net`` = ``cost_amount``: neither shape states credits.
The date range in the second line widens the covered days to days without any row. A short or ragged line
is quarantined with its line number.

Rows: ``ad_impressions`` (with ``cost_amount``/``cost_currency``), ``video_views`` (TrueView views, when > 0)
and ``ad_view_seconds`` (``metrics.video_watch_time_duration_millis`` / 1000, when a file has it; the default
query does not ask for it). Clicks and other metrics go to ``attributes``.

``ad_format`` (the network decides when it is specific, else the campaign type):

=====================================================  ==========================================
``ad_network_type`` SEARCH, SEARCH_PARTNERS             ``search``
YOUTUBE, YOUTUBE_SEARCH, YOUTUBE_WATCH                  ``video`` (``ctv`` on device CONNECTED_TV)
GOOGLE_TV                                               ``ctv``
CONTENT (Display Network)                               ``display``; VIDEO campaigns -> ``video``/``ctv``
                                                        (video partners); DEMAND_GEN/DISCOVERY -> ``social``
MIXED, UNKNOWN, anything else -> by campaign type:
``advertising_channel_type`` SEARCH, SHOPPING, HOTEL,   ``search``
TRAVEL, LOCAL_SERVICES
DISPLAY                                                 ``display``
VIDEO                                                   ``video`` (``ctv`` on CONNECTED_TV)
DEMAND_GEN, DISCOVERY                                   ``social`` (feed ads on Discover, Gmail, YouTube
                                                        feeds: the walled-garden feed format; YouTube
                                                        network rows are ``video`` by the network rule)
PERFORMANCE_MAX, SMART, MULTI_CHANNEL, LOCAL, other     null (genuinely mixed; ``placement`` keeps the
                                                        network and attributes the campaign type)
=====================================================  ==========================================

Devices: MOBILE -> mobile, DESKTOP -> desktop, TABLET -> tablet, CONNECTED_TV -> tv, OTHER -> other.
"""

from __future__ import annotations

import codecs
import re
from datetime import date, datetime, timedelta
from pathlib import PurePath
from urllib.parse import urlsplit

import polars as pl
import requests

from connectors.core.base import ApiExport, Connector, ExportFormatError, ParsedExport
from connectors.core.countries import country_to_alpha3, google_ads_country_to_alpha3
from connectors.core.frames import (
    Measure,
    decode_text,
    explode_results,
    json_attributes,
    natural_key,
    parse_decimal,
    read_csv_rows,
    read_json_document,
    require_columns,
    skip_records,
    unpivot_measures,
)
from connectors.core.http import (
    ConfigError,
    Credential,
    VendorParseError,
    VendorResponseError,
    build_session,
    pages_as_export,
    send,
)
from connectors.core.schema import MONEY, PARSED_SCHEMA, UTC_TS, conform
from connectors.core.settings import setting

SOURCE = "google_ads"
VERSION = "1.0.0"
VENDOR = "google"
SERVICE = "google.ads"
DATASET = "campaign_performance"
CURRENCY_UNKNOWN = (
    "cost is in the account's currency, which the export does not state (customer.currency_code)"
)
AREA_OF_INTEREST = (
    "geographic_view record of location type AREA_OF_INTEREST: the same impressions are counted by "
    "LOCATION_OF_PRESENCE"
)
FULLY_ATTRIBUTED = (
    "campaign total fully attributed to countries by its geographic_view records (landed there)"
)

MEASURES = [
    Measure("impressions", "ad_impressions", "impressions", required=True),
    Measure("video_views", "video_views", "views"),
    Measure("view_seconds", "ad_view_seconds", "seconds"),
]
DEVICES = {
    "MOBILE": "mobile",
    "DESKTOP": "desktop",
    "TABLET": "tablet",
    "CONNECTED_TV": "tv",
    "OTHER": "other",
}
SEARCH_NETWORKS = ["SEARCH", "SEARCH_PARTNERS"]
YOUTUBE_NETWORKS = ["YOUTUBE", "YOUTUBE_SEARCH", "YOUTUBE_WATCH"]
SEARCH_CHANNELS = ["SEARCH", "SHOPPING", "HOTEL", "TRAVEL", "LOCAL_SERVICES"]
FEED_CHANNELS = ["DEMAND_GEN", "DISCOVERY"]
# the record's own dimensions: its natural key (plus the report and the country criterion for the API)
DIMENSIONS = ["_date", "customer_id", "campaign_id", "device_raw", "network"]


def ad_format(channel: pl.Expr, network: pl.Expr, device: pl.Expr) -> pl.Expr:
    """Canonical ad format from the API's enum names (the UI labels are mapped to them first)."""
    video = pl.when(device == "CONNECTED_TV").then(pl.lit("ctv")).otherwise(pl.lit("video"))
    by_channel = (
        pl.when(channel.is_in(SEARCH_CHANNELS))
        .then(pl.lit("search"))
        .when(channel == "DISPLAY")
        .then(pl.lit("display"))
        .when(channel == "VIDEO")
        .then(video)
        .when(channel.is_in(FEED_CHANNELS))
        .then(pl.lit("social"))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    return (
        pl.when(network.is_in(SEARCH_NETWORKS))
        .then(pl.lit("search"))
        .when(network.is_in(YOUTUBE_NETWORKS))
        .then(video)
        .when(network == "GOOGLE_TV")
        .then(pl.lit("ctv"))
        .when(network == "CONTENT")
        .then(
            pl.when(channel == "VIDEO")
            .then(video)
            .when(channel.is_in(FEED_CHANNELS))
            .then(pl.lit("social"))
            .otherwise(pl.lit("display"))
        )
        .otherwise(by_channel)
    )


def _rows(frame: pl.DataFrame, key_columns: list[str], attributes: list[str]) -> pl.DataFrame:
    """Wide records (``impressions``, ``video_views``, ``view_seconds``, ``cost``...) -> canonical rows.

    Every row keeps its record (``_record``); a cost without a stated currency lands with a null
    currency and says why (``cost_currency_unknown`` in attributes).
    """
    frame = frame.with_columns(
        pl.when(pl.col("currency").is_null() & pl.col("cost").is_not_null())
        .then(pl.lit(CURRENCY_UNKNOWN))
        .alias("cost_currency_unknown")
    )
    flags = ["cost_currency_unknown"] if frame.get_column("cost_currency_unknown").is_not_null().any() else []
    wide = frame.with_columns(
        json_attributes(attributes + flags, frame).alias("attributes"),
        natural_key(key_columns).alias("_key"),
    )
    long = unpivot_measures(wide, MEASURES)
    start = pl.col("_date").cast(UTC_TS)
    on_impressions = pl.col("activity_type") == "ad_impressions"
    cost = pl.when(on_impressions).then(pl.col("cost")).otherwise(None).cast(MONEY)
    return long.with_columns(
        pl.concat_str(pl.col("_key"), pl.lit("|"), pl.col("measure")).alias("natural_key"),
        start.alias("usage_start"),
        (start + pl.duration(days=1)).alias("usage_end"),
        pl.col("_date").alias("usage_date"),
        pl.lit(VENDOR).alias("vendor"),
        pl.lit(SERVICE).alias("service"),
        pl.col("customer_id").alias("account"),
        pl.col("device_raw").replace_strict(DEVICES, default=None, return_dtype=pl.String).alias("device"),
        ad_format(pl.col("channel"), pl.col("_network_enum"), pl.col("device_raw")).alias("ad_format"),
        pl.col("network").alias("placement"),
        cost.alias("cost_amount"),
        # metrics.cost_micros and the UI's Cost are what was spent; neither states credits: net = gross
        cost.alias("cost_amount_net"),
        pl.when(on_impressions).then(pl.col("currency")).alias("cost_currency"),
        pl.lit(DATASET).alias("dataset"),
        pl.col("_pointer").alias("_record"),
    )


def _days(data_days: pl.Series, window: tuple[date, date] | None) -> list:
    days = set(data_days.drop_nulls().unique().to_list())
    if window is not None and window[0] <= window[1]:
        days |= set(pl.date_range(window[0], window[1], "1d", eager=True).to_list())
    return sorted(days)


def parse(raw: bytes, file: str) -> ParsedExport:
    body = raw.lstrip(b"\xef\xbb\xbf \t\r\n")
    if body[:1] in (b"[", b"{"):
        return _parse_api(raw, file)
    return _parse_ui_csv(raw, file)


# --- API: searchStream / search response sets ------------------------------------------------------------

API_WINDOW = re.compile(r"_(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})\.json$")


def _field(frame: pl.DataFrame, resource: str, name: str) -> pl.Expr:
    """``resource.name`` of a result (proto3 JSON nests fields by resource), null when the file lacks it."""
    dtype = frame.schema.get(resource)
    if isinstance(dtype, pl.Struct) and name in {f.name for f in dtype.fields}:
        return pl.col(resource).struct.field(name).cast(pl.String)
    return pl.lit(None, dtype=pl.String)


def _metric(frame: pl.DataFrame, name: str) -> pl.Expr:
    """An int64/double metric sent as a string or number: absent means 0, a bad value becomes null."""
    value = _field(frame, "metrics", name)
    return pl.when(value.is_null()).then(pl.lit(0.0)).otherwise(value.cast(pl.Float64, strict=False))


def _read_batches(raw: bytes, file: str) -> pl.DataFrame:
    batches = read_json_document(SOURCE, file, raw)
    if "error" in batches.columns:
        raise ExportFormatError(SOURCE, file, "holds a Google Ads API error response, not report results")
    if batches.height and not {"results", "fieldMask", "requestId"} & set(batches.columns):
        raise ExportFormatError(
            SOURCE, file, "no 'results', 'fieldMask' or 'requestId': not a Google Ads search(Stream) response"
        )
    if "results" in batches.columns and not isinstance(batches.schema["results"], (pl.List, pl.Null)):
        raise ExportFormatError(SOURCE, file, "'results' is not an array of rows")
    is_array = raw.removeprefix(codecs.BOM_UTF8).lstrip()[:1] == b"["
    pointer = pl.concat_str(pl.lit("/"), pl.int_range(pl.len()).cast(pl.String)) if is_array else pl.lit("")
    return batches.with_columns(pointer.alias("_pointer"))


def _parse_api(raw: bytes, file: str) -> ParsedExport:
    batches = _read_batches(raw, file)
    match = API_WINDOW.search(PurePath(file).name)
    window = (date.fromisoformat(match[1]), date.fromisoformat(match[2])) if match else None
    empty = ParsedExport(DATASET, conform(pl.DataFrame(), PARSED_SCHEMA), _days(pl.Series([]), window), 0)
    if "results" not in batches.columns or not isinstance(batches.schema["results"], pl.List):
        return empty  # a stream with no rows (summary-only batches included)
    if not isinstance(batches.schema["results"].inner, pl.Struct):
        raise ExportFormatError(SOURCE, file, "'results' holds values that are not GoogleAdsRow objects")
    results = explode_results(batches)
    if results.is_empty():
        return empty
    for resource in ("segments", "metrics"):
        if not isinstance(results.schema.get(resource), pl.Struct):
            raise ExportFormatError(SOURCE, file, f"results have no '{resource}' object")
    count = results.height  # GoogleAdsRows as read, before anything is filtered

    records = results.select(
        pl.col("_pointer"),
        _field(results, "segments", "date").str.to_date("%Y-%m-%d", strict=False).alias("_date"),
        _field(results, "customer", "id").alias("customer_id"),
        _field(results, "customer", "currencyCode").str.to_uppercase().alias("currency"),
        _field(results, "customer", "timeZone").alias("time_zone"),
        _field(results, "campaign", "id").alias("campaign_id"),
        _field(results, "campaign", "name").alias("campaign_name"),
        _field(results, "campaign", "advertisingChannelType").alias("channel"),
        _field(results, "segments", "device").alias("device_raw"),
        _field(results, "segments", "adNetworkType").alias("network"),
        _field(results, "geographicView", "countryCriterionId").alias("country_criterion_id"),
        _field(results, "geographicView", "locationType").alias("location_type"),
        (
            pl.col("geographicView").is_not_null() if "geographicView" in results.columns else pl.lit(False)
        ).alias("_is_geo"),
        _metric(results, "impressions").alias("impressions"),
        _metric(results, "clicks").alias("clicks"),
        _metric(results, "costMicros").alias("cost_micros"),
        _metric(results, "videoTrueviewViews").alias("video_views"),
        (
            _metric(results, "videoWatchTimeDurationMillis") / 1000
            if "videoWatchTimeDurationMillis" in {f.name for f in results.schema["metrics"].fields}
            else pl.lit(None, dtype=pl.Float64)
        ).alias("view_seconds"),
    )
    presence = pl.col("location_type").fill_null("LOCATION_OF_PRESENCE").eq("LOCATION_OF_PRESENCE")
    geo = records.filter(pl.col("_is_geo") & presence)
    interest = records.filter(pl.col("_is_geo") & ~presence)
    campaign = records.filter(~pl.col("_is_geo"))
    remainder = _unattributed(campaign, geo)
    skipped = pl.concat(
        [
            skip_records(interest.rename({"_pointer": "_record"}), AREA_OF_INTEREST),
            skip_records(
                campaign.join(remainder, on="_pointer", how="anti").rename({"_pointer": "_record"}),
                FULLY_ATTRIBUTED,
            ),
        ]
    )
    both = pl.concat(
        [
            geo.with_columns(
                pl.lit("geographic_view").alias("report"),
                google_ads_country_to_alpha3(pl.col("country_criterion_id")).alias("country"),
            ),
            remainder.with_columns(
                pl.lit("campaign").alias("report"), pl.lit(None, dtype=pl.String).alias("country")
            ),
        ],
        how="diagonal_relaxed",
    ).with_columns(
        # a cost that is present but unreadable voids the impressions too, so the record is quarantined
        pl.when(pl.col("cost_micros").is_null())
        .then(None)
        .otherwise(pl.col("impressions"))
        .alias("impressions"),
        (pl.col("cost_micros").cast(pl.Int64, strict=False).cast(MONEY) / 1_000_000).alias("cost"),
        pl.when(pl.col("video_views") > 0).then(pl.col("video_views")).alias("video_views"),
        pl.when(pl.col("view_seconds") > 0).then(pl.col("view_seconds")).alias("view_seconds"),
    )
    attributes = [
        "report",
        "campaign_name",
        "advertising_channel_type",
        "clicks",
        "country_criterion_id",
        "location_type",
        "time_zone",
    ]
    rows = _rows(
        both.with_columns(
            pl.col("channel").alias("advertising_channel_type"),
            pl.col("network").alias("_network_enum"),
            pl.col("clicks").cast(pl.Int64, strict=False),
        ),
        ["report", *DIMENSIONS, "country_criterion_id"],
        attributes,
    )
    days = _days(records.get_column("_date"), window)
    return ParsedExport(DATASET, conform(rows, PARSED_SCHEMA), days, count, skipped=skipped)


def _unattributed(campaign: pl.DataFrame, geo: pl.DataFrame) -> pl.DataFrame:
    """Each campaign record minus what its geographic records attributed to a country (floored at 0).

    A campaign record without any geographic record is kept whole; one the geographic report fully
    covers disappears (unless the file has no geographic results at all, then every record is kept).
    """
    metrics = ["impressions", "clicks", "cost_micros", "video_views", "view_seconds"]
    if geo.is_empty():
        return campaign
    sums = geo.group_by(DIMENSIONS).agg(
        pl.lit(True).alias("_covered"), *[pl.col(m).sum().alias(f"_geo_{m}") for m in metrics]
    )
    joined = campaign.join(sums, on=DIMENSIONS, how="left", nulls_equal=True)
    left = [
        pl.when(pl.col("_covered"))
        .then((pl.col(m) - pl.col(f"_geo_{m}").fill_null(0)).clip(lower_bound=0.0))
        .otherwise(pl.col(m))
        .alias(m)
        for m in metrics
    ]
    anything_left = pl.any_horizontal([pl.col(m) > 0 for m in ("impressions", "cost_micros", "video_views")])
    return (
        joined.with_columns(left)
        .filter(pl.col("_covered").is_null() | anything_left.fill_null(True))
        .drop("_covered", *[f"_geo_{m}" for m in metrics])
    )


# --- UI report download (CSV / TSV, English or German labels) --------------------------------------------

# canonical column -> UI labels (English from >= 5 independent parsers; the German ones are UNCONFIRMED
# except Tag, Kampagne, Kosten, Impr., Klicks)
LABELS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "day": (("Day", "Date"), ("Tag", "Datum")),
    "campaign_name": (("Campaign",), ("Kampagne",)),
    "campaign_id": (("Campaign ID",), ("Kampagnen-ID",)),
    "campaign_status": (("Campaign status",), ("Kampagnenstatus",)),
    "campaign_type": (("Campaign type",), ("Kampagnentyp",)),
    "currency": (("Currency code", "Currency"), ("Währungscode", "Währung")),
    "cost": (("Cost",), ("Kosten",)),
    "impressions": (("Impr.", "Impressions"), ("Impr.", "Impressionen")),
    "clicks": (("Clicks",), ("Klicks",)),
    "conversions": (("Conversions",), ("Conversions",)),
    "conversion_value": (("Conv. value",), ("Conv.-Wert",)),
    "avg_cpc": (("Avg. CPC",), ("Durchschn. CPC",)),
    "customer_id": (("Customer ID",), ("Kunden-ID",)),
    "account_name": (("Account name", "Account"), ("Kontoname", "Konto")),
    "device_label": (("Device",), ("Gerät",)),
    "network_label": (
        ("Network (with search partners)", "Network"),
        ("Werbenetzwerk (mit Suchnetzwerk-Partnern)", "Werbenetzwerk"),
    ),
    "video_views": (("TrueView views", "Views", "Video views"), ("TrueView-Aufrufe", "Aufrufe")),
    "country_label": (
        ("Country/Territory (User location)", "Country/Territory"),
        ("Land/Region (Nutzerstandort)", "Land/Region"),
    ),
}
TOTAL_ROW = r"^\s*(Total|Gesamt)\b"
TOTAL_REASON = "Google Ads UI totals row (Total: / Gesamt:): the sum of the rows above it"
UI_ENCODINGS = ("utf-8",)
CURRENCY_SYMBOLS = {"€": "EUR", "£": "GBP"}
# UI display values -> API enum names (German values UNCONFIRMED)
UI_DEVICES = {
    "computers": "DESKTOP", "computer": "DESKTOP",
    "mobile phones": "MOBILE", "mobiltelefone": "MOBILE", "mobile devices with full browsers": "MOBILE",
    "tablets": "TABLET", "tablets with full browsers": "TABLET",
    "tv screens": "CONNECTED_TV", "tv-bildschirme": "CONNECTED_TV",
    "other": "OTHER", "sonstige": "OTHER", "andere": "OTHER",
}  # fmt: skip
UI_NETWORKS = {
    "google search": "SEARCH", "google-suche": "SEARCH",
    "search partners": "SEARCH_PARTNERS", "suchnetzwerk-partner": "SEARCH_PARTNERS",
    "display network": "CONTENT", "displaynetzwerk": "CONTENT", "google display network": "CONTENT",
    "youtube": "YOUTUBE", "youtube videos": "YOUTUBE", "youtube search": "YOUTUBE",
    "google tv": "GOOGLE_TV",
    "cross-network": "MIXED", "netzwerkübergreifend": "MIXED",
}  # fmt: skip
UI_CHANNELS = {
    "search": "SEARCH", "suche": "SEARCH", "suchnetzwerk": "SEARCH",
    "display": "DISPLAY", "displaynetzwerk": "DISPLAY",
    "video": "VIDEO",
    "shopping": "SHOPPING",
    "performance max": "PERFORMANCE_MAX",
    "demand gen": "DEMAND_GEN", "discovery": "DISCOVERY",
    "app": "MULTI_CHANNEL", "smart": "SMART", "hotel": "HOTEL", "local": "LOCAL",
}  # fmt: skip
GERMAN_MONTHS = {
    "Januar": "January", "Februar": "February", "März": "March", "Mai": "May", "Juni": "June",
    "Juli": "July", "Oktober": "October", "Dezember": "December",
}  # fmt: skip
UI_ATTRIBUTES = [
    "campaign_name",
    "campaign_status",
    "campaign_type",
    "account_name",
    "clicks",
    "conversions",
    "conversion_value",
    "avg_cpc",
    "device_label",
    "network_label",
    "country_label",
]
NUMERIC = ["impressions", "cost", "clicks", "conversions", "conversion_value", "video_views"]
DAY_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%b %d, %Y", "%a, %b %d, %Y", "%B %d, %Y")


def _header(lines: list[str], file: str) -> tuple[int, str, dict[str, str], bool]:
    """(line index of the header, separator, canonical name -> label, German labels?)."""
    day_labels = {label for labels in LABELS["day"] for label in labels}
    for index, line in enumerate(lines[:10]):
        separator = "\t" if "\t" in line else ","
        cells = [c.strip().strip('"').strip() for c in line.split(separator)]
        if not day_labels & set(cells):
            continue
        for german in (False, True):
            found = {
                name: next(label for label in labels[german] if label in cells)
                for name, labels in LABELS.items()
                if any(label in cells for label in labels[german])
            }
            if "day" in found and ("cost" in found or "clicks" in found):
                return index, separator, found, german
        raise ExportFormatError(SOURCE, file, f"unrecognised Google Ads report header {cells[:8]}")
    raise ExportFormatError(
        SOURCE,
        file,
        "no report header with a 'Day' ('Tag') column in the first 10 lines: not a Google Ads report",
    )


def _range_days(line: str) -> tuple[date, date] | None:
    """The preamble's date range (``"September 1, 2026 - September 3, 2026"``), if it reads as one."""
    text = line.strip().strip('"').strip()
    for german, english in GERMAN_MONTHS.items():
        text = text.replace(german, english)
    parts = re.split(r"\s+[-\u2013]\s+", text)
    if len(parts) != 2:
        return None
    bounds = []
    for part in parts:
        for fmt in ("%B %d, %Y", "%b %d, %Y", "%Y-%m-%d", "%d.%m.%Y", "%d. %B %Y", "%d %B %Y"):
            try:
                bounds.append(datetime.strptime(part.strip(), fmt).date())
                break
            except ValueError:
                continue
    return (bounds[0], bounds[1]) if len(bounds) == 2 else None


def _parse_ui_csv(raw: bytes, file: str) -> ParsedExport:
    # "CSV" downloads are UTF-8, "CSV (Excel)" UTF-16LE with a BOM, tab-separated: decode_text tells them
    text = decode_text(SOURCE, file, raw, UI_ENCODINGS)
    lines = text.splitlines()
    if not text.strip():
        raise ExportFormatError(SOURCE, file, "file is empty")
    skip, separator, labels, german = _header(lines, file)
    # the labels (in the export's language) its rows need; a missing or renamed one names the near miss
    required = [LABELS[name][german][0] for name in ("day", "impressions") if name not in labels] + (
        [] if {"campaign_id", "campaign_name"} & set(labels) else [LABELS["campaign_name"][german][0]]
    )
    header = [c.strip().strip('"').strip() for c in lines[skip].split(separator)]
    require_columns(SOURCE, file, header, required, "the report")
    window = _range_days(lines[skip - 1]) if skip else None

    frame = read_csv_rows(SOURCE, file, text.encode(), skip_lines=skip, separator=separator)
    count = frame.height  # records as read, before anything is filtered
    # "Total: Account", "Total: Campaigns"... summarise the rows above: skipped with their reason
    total = pl.col(frame.columns[0]).str.contains(TOTAL_ROW).fill_null(False)
    skipped = skip_records(frame.filter(total), TOTAL_REASON)
    frame = frame.filter(~total)
    frame = frame.select(
        "_pointer", "_problem", "_raw", *[pl.col(label).alias(name) for name, label in labels.items()]
    )

    def text_or_null(name: str) -> pl.Expr:
        if name not in frame.columns:
            return pl.lit(None, dtype=pl.String)
        value = pl.col(name).str.strip_chars()
        return pl.when(value.is_in(["", "--"])).then(None).otherwise(value)

    numeric = [n for n in NUMERIC if n in frame.columns]
    frame = frame.with_columns(
        text_or_null(n).str.replace_all(r"[^0-9,.\-]", "").alias(f"_num_{n}") for n in numeric
    )

    def number(name: str) -> pl.Expr:
        if name not in numeric:
            return pl.lit(None, dtype=pl.Float64)
        return parse_decimal(f"_num_{name}", decimal_comma=german)

    def money_text(name: str) -> pl.Expr:
        """The cost as exact decimal text (``"1.020,50 €"`` -> ``"1020.50"``), for the Decimal cost."""
        if name not in numeric:
            return pl.lit(None, dtype=pl.String)
        digits = pl.col(f"_num_{name}")
        if german:
            return digits.str.replace_all(r"\.", "").str.replace(",", ".")
        return digits.str.replace_all(",", "")

    day = text_or_null("day")
    cost_text = text_or_null("cost")
    symbol = cost_text.str.extract(r"([€£])").replace_strict(CURRENCY_SYMBOLS, default=None)
    records = frame.select(
        pl.col("_pointer"),
        pl.col("_problem"),
        pl.col("_raw"),
        pl.coalesce([day.str.to_date(fmt, strict=False) for fmt in DAY_FORMATS]).alias("_date"),
        text_or_null("customer_id").str.replace_all(r"\D", "").alias("customer_id"),
        text_or_null("campaign_id").alias("campaign_id"),
        text_or_null("campaign_name").alias("campaign_name"),
        text_or_null("campaign_status").alias("campaign_status"),
        text_or_null("campaign_type").alias("campaign_type"),
        text_or_null("account_name").alias("account_name"),
        text_or_null("avg_cpc").alias("avg_cpc"),
        # the currency column, else an unambiguous symbol in the cost cell (never "$": many dollars)
        pl.coalesce(text_or_null("currency").str.to_uppercase(), symbol).alias("currency"),
        text_or_null("device_label").alias("device_label"),
        text_or_null("network_label").alias("network_label"),
        text_or_null("country_label").alias("country_label"),
        number("impressions").alias("impressions"),
        money_text("cost").cast(MONEY, strict=False).alias("cost"),
        cost_text.alias("_cost_text"),
        number("clicks").alias("clicks"),
        number("conversions").alias("conversions"),
        number("conversion_value").alias("conversion_value"),
        number("video_views").alias("video_views"),
        pl.lit(None, dtype=pl.Float64).alias("view_seconds"),
    ).with_columns(
        pl.col("device_label")
        .str.to_lowercase()
        .replace_strict(UI_DEVICES, default=None, return_dtype=pl.String)
        .alias("device_raw"),
        pl.col("network_label")
        .str.to_lowercase()
        .replace_strict(UI_NETWORKS, default=None, return_dtype=pl.String)
        .alias("_network_enum"),
        pl.col("campaign_type")
        .str.to_lowercase()
        .replace_strict(UI_CHANNELS, default=None, return_dtype=pl.String)
        .alias("channel"),
        country_to_alpha3(pl.col("country_label")).alias("country"),
        pl.col("campaign_id").fill_null(pl.col("campaign_name")).alias("_campaign_key"),
        # a cost cell that is there but unreadable voids the impressions, so the record is quarantined
        pl.when(pl.col("_cost_text").is_not_null() & pl.col("cost").is_null())
        .then(None)
        .otherwise(pl.col("impressions"))
        .alias("impressions"),
        pl.when(pl.col("video_views") > 0).then(pl.col("video_views")).alias("video_views"),
    )
    rows = _rows(
        records.with_columns(
            pl.col("network_label").alias("network"),
            pl.col("device_label").alias("_device_key"),
        ),
        ["_date", "customer_id", "_campaign_key", "_device_key", "network_label", "country_label"],
        [name for name in UI_ATTRIBUTES if name in labels],
    )
    days = _days(records.get_column("_date"), window)
    return ParsedExport(DATASET, conform(rows, PARSED_SCHEMA), days, count, skipped=skipped)


# --- HTTP: POST {GOOGLE_ADS_BASE_URL}/v26/customers/{id}/googleAds:searchStream ---------------------------

CREDENTIAL = Credential("GOOGLE_ADS_ACCESS_TOKEN")
DEVELOPER_TOKEN = Credential("GOOGLE_ADS_DEVELOPER_TOKEN")
DEFAULT_BASE_URL = "https://googleads.googleapis.com"
API_VERSION = "v26"
_SELECT = (
    "customer.id, customer.currency_code, customer.time_zone, campaign.id, campaign.name, "
    "campaign.advertising_channel_type, {extra}segments.date, segments.device, segments.ad_network_type, "
    "metrics.impressions, metrics.clicks, metrics.cost_micros, metrics.video_trueview_views"
)
CAMPAIGN_QUERY = (
    "SELECT "
    + _SELECT.format(extra="")
    + (" FROM campaign WHERE segments.date BETWEEN '{first}' AND '{last}'")
)
GEO_QUERY = (
    "SELECT "
    + _SELECT.format(extra="geographic_view.country_criterion_id, geographic_view.location_type, ")
    + (
        " FROM geographic_view WHERE segments.date BETWEEN '{first}' AND '{last}'"
        " AND geographic_view.location_type = 'LOCATION_OF_PRESENCE'"
    )
)


def _digits(value: str, variable: str) -> str:
    digits = value.replace("-", "").strip()
    if not digits.isdigit():
        raise ConfigError(f"[{SOURCE}] {variable} must hold Google Ads customer ids (digits, dashes allowed)")
    return digits


def _customer_ids() -> list[str]:
    raw = setting("GOOGLE_ADS_CUSTOMER_IDS") or ""
    ids = [_digits(part, "GOOGLE_ADS_CUSTOMER_IDS") for part in raw.split(",") if part.strip()]
    if not ids:
        raise ConfigError(f"[{SOURCE}] environment variable GOOGLE_ADS_CUSTOMER_IDS is not set")
    return ids


def _headers() -> dict[str, str]:
    headers = {
        "Authorization": f"Bearer {CREDENTIAL.value(SOURCE)}",
        "developer-token": DEVELOPER_TOKEN.value(SOURCE),
    }
    login = (setting("GOOGLE_ADS_LOGIN_CUSTOMER_ID") or "").strip()
    if login:
        headers["login-customer-id"] = _digits(login, "GOOGLE_ADS_LOGIN_CUSTOMER_ID")
    return headers


def _google_message(body: object) -> str:
    """Google's error message and status (``{"error": ...}`` or a stream array holding one)."""
    if isinstance(body, list) and body and isinstance(body[0], dict):
        body = next((item for item in body if "error" in item), body[0])
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return str(body)[:200]
    return f"{error.get('status') or error.get('code') or ''} {error.get('message') or ''}".strip()[:300]


def search_stream(session: requests.Session, url: str, headers: dict[str, str], query: str) -> list[dict]:
    """Every batch of one searchStream call (retries are the shared session's), or a clear error.

    The shared ``request_json`` only accepts a JSON object, and searchStream answers with an array, so the
    status handling is done here with the same rules: 401/403 -> ``ConfigError`` naming the variables,
    other errors and malformed JSON -> ``VendorResponseError``; secrets never appear in a message.
    """
    where = f"POST {urlsplit(url).scheme}://{urlsplit(url).netloc}{urlsplit(url).path}"
    # the shared transport: urllib3 retries within EWH_HTTP_DEADLINE, failures naming host and time
    response = send(session, "POST", url, source=SOURCE, headers=headers, json_body={"query": query})
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code in (401, 403):
        raise ConfigError(
            f"[{SOURCE}] {where} returned {response.status_code} ({_google_message(body)}): check "
            f"{CREDENTIAL.variable} and {DEVELOPER_TOKEN.variable} (and GOOGLE_ADS_LOGIN_CUSTOMER_ID for "
            "accounts reached through a manager account)"
        )
    if response.status_code >= 400:
        message = _google_message(body) if body is not None else response.text[:200].strip()
        raise VendorResponseError(f"[{SOURCE}] {where} returned {response.status_code}: {message}")
    if body is None:
        raise VendorParseError(f"[{SOURCE}] {where} returned malformed JSON ({response.text[:80]!r})")
    if not isinstance(body, list) or not all(isinstance(batch, dict) for batch in body):
        raise VendorParseError(f"[{SOURCE}] {where} returned JSON that is not an array of result batches")
    if any("error" in batch for batch in body):
        raise VendorResponseError(f"[{SOURCE}] {where}: the stream failed part-way ({_google_message(body)})")
    return body


def fetch(first: date, end: date) -> list[ApiExport]:
    """Both reports for every customer over [first, end), all fetched before anything lands, as ONE export.

    One export (not one per customer) because landing replaces a dataset's whole days.
    """
    last = end - timedelta(days=1)
    base = (setting("GOOGLE_ADS_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
    headers = _headers()
    customers = _customer_ids()
    session = build_session(allowed_methods=frozenset({"GET", "POST"}))
    batches: list[dict] = []
    for customer in customers:
        url = f"{base}/{API_VERSION}/customers/{customer}/googleAds:searchStream"
        for query in (CAMPAIGN_QUERY, GEO_QUERY):
            batches.extend(search_stream(session, url, headers, query.format(first=first, last=last)))
    return [ApiExport(f"{DATASET}_api_{first}_{last}.json", pages_as_export(batches))]


CONNECTOR = Connector(
    source=SOURCE,
    vendor=VENDOR,
    version=VERSION,
    file_patterns=("*.json", "*.csv", "*.tsv"),
    parse=parse,
    fetch=fetch,
    credential_variable=CREDENTIAL.variable,
    settings=(
        DEVELOPER_TOKEN.variable,
        "GOOGLE_ADS_CUSTOMER_IDS",
        "GOOGLE_ADS_LOGIN_CUSTOMER_ID",
        "GOOGLE_ADS_BASE_URL",
    ),
    description="Google Ads API searchStream campaign + geographic_view reports (JSON) and UI report CSVs",
)
