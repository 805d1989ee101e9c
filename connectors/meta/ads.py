"""Meta (Facebook / Instagram / Messenger / Audience Network) ad delivery: Marketing API Insights and the
Ads Manager "Export table data" CSV.

Two shapes, one canonical mapping (one row per vendor record x measure):

- **API response set** (``insights_act_<id>_api_<first>_<last>.json``): a JSON array of the pages of
  ``GET /v25.0/<report_run_id>/insights`` (a single page object is read too). Records carry string
  values (``"impressions": "10234"``, ``"spend": "45.67"`` in ``account_currency`` major units),
  ``date_start``/``date_stop`` and the breakdown fields; action metrics are lists
  ``[{"action_type": "video_view", "value": "2034"}]`` that Meta leaves out when they are zero. A page set
  without ``date_start``, ``date_stop`` or ``impressions`` is rejected naming the field.
- **Ads Manager CSV**: UI labels as headers (``Reporting starts``, ``Reporting ends``, ``Campaign name``,
  ``Impressions``, ``Amount spent (EUR)``...) in English or German (``Berichtsbeginn``, ``Impressionen``,
  ``Ausgegebener Betrag (EUR)``...; German numbers use decimal commas), the currency only in the spend
  header, an optional BOM (UTF-8, or UTF-16 when re-saved), ``,`` ``;`` or tab as separator (the header
  line decides), breakdown columns ``Platform``, ``Placement``, ``Device platform``, ``Impression device``,
  ``Country`` and an optional ``Day`` column. The optional summary row (every name and id blank) is a
  record skipped with its reason; a short or ragged row is quarantined with its line, never taken for it.

Granularity: a record covering several days (an Insights row fetched without ``time_increment=1``, which
covers ``date_start``..``date_stop``, e.g. the default 30 days; an Ads Manager export without the Day
breakdown, whose rows cover Reporting starts..ends) is spread evenly over its days (``spread_days`` in
``attributes``, ``frames.spread_over_days``), never put on its first day. ``fetch`` always asks for daily
rows and for ``account_currency``.

Currency: ``spend`` is in the ad account's currency, which an Insights response states only when
``account_currency`` was asked for. Without it the cost lands with a null ``cost_currency`` and
``cost_currency_unknown`` in ``attributes`` (dbt warns on such rows). ``cost_amount_net`` = ``cost_amount``:
neither shape states credits.

Mapping:

==============================================  ====================================================
vendor                                          canonical
==============================================  ====================================================
``impressions`` / ``Impressions``               ``ad_impressions`` (impressions), with ``cost_amount``
``spend`` / ``Amount spent (XXX)``              ``cost_amount`` on the impressions row only
``account_currency`` / ``XXX`` of the header    ``cost_currency``
``video_thruplay_watched_actions`` / ThruPlays  ``video_views`` (views): ThruPlays, i.e. plays to the end
                                                or >= 15 s; 3-second views need ``actions`` which would
                                                add an action_type breakdown, so they are not used
``video_avg_time_watched_actions`` x            ``ad_view_seconds`` (seconds) = average seconds watched
``video_play_actions``                          per play x plays, only when both are reported
``account_id`` / ``Account ID``                 ``account`` (numeric id, no ``act_``)
``campaign_id`` / ``Campaign ID``               ``campaign_id``
``publisher_platform`` + ``platform_position``  ``placement`` = ``<platform>/<position>`` in API codes
                                                (``facebook/feed``, ``instagram/instagram_reels``); CSV
                                                labels are mapped to the same codes
``device_platform`` / ``impression_device``     ``device``: mobile_app, mobile_web, iPhone, Android
                                                smartphone -> mobile; iPad, Android tablet -> tablet;
                                                desktop -> desktop; anything else -> other
``country`` / ``Country`` (ISO alpha-2)         ``country`` (alpha-3)
names, ad set / ad ids, clicks, reach...        ``attributes``
==============================================  ====================================================

``ad_format``: ``video`` for video-only placements (in-stream, video feeds, Reels, rewarded video),
``display`` for other Audience Network placements (banner, interstitial, native in third-party apps),
``social`` for every other Meta placement. Without a placement breakdown: ``video`` when the record
reports video plays, else ``social``. Watch time is carried separately by ``ad_view_seconds``.

Dates: Meta reports days in the **ad account's time zone**, not UTC. ``usage_start`` is that date at
00:00 UTC and ``usage_end`` the next day 00:00 UTC, so a day is shifted by the account's UTC offset.

Records: every row keeps its record (``_record``: the JSON pointer ``/<page>/data/<i>`` or ``line:<n>``);
``raw_records`` counts records as read, before the summary row is set aside.

Datasets: landing replaces rows per (source, dataset, day), so each ad account is its own dataset
(``act_<id>``): API exports of several accounts, and an Ads Manager CSV of the same account (when it has
the ``Account ID`` column), then replace each other day by day instead of adding up. A CSV without an
account column lands as ``ads_manager``.

API fetching (``fetch``), see the section below: async report runs, bearer-token auth, cursor paging on
our own base URL, Meta's 400-with-code throttling turned into clear errors.
"""

from __future__ import annotations

import json
import re
import time
from datetime import date, timedelta
from functools import cache
from pathlib import PurePath
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import polars as pl
import pycountry

from connectors.core.ads import ad_measures, delivery_columns
from connectors.core.base import ApiExport, Connector, ExportFormatError, ParsedExport
from connectors.core.countries import alpha2_to_alpha3
from connectors.core.frames import (
    decode_text,
    ensure_columns,
    natural_key,
    read_csv_rows,
    require_columns,
    skip_records,
    spread_over_days,
    unpivot_measures,
)
from connectors.core.http import (
    ConfigError,
    Credential,
    VendorResponseError,
    build_session,
    numeric_ids,
    paginate,
    request_json,
    url_path,
)
from connectors.core.json_pages import explode_buckets, read_data_pages
from connectors.core.schema import MONEY, PARSED_SCHEMA, conform
from connectors.core.settings import setting

SOURCE = "meta_ads"
VERSION = "1.0.0"
VENDOR = "meta"
SERVICE = "meta.ads"
CSV_DATASET = "ads_manager"
CSV_ENCODINGS = ("utf-8",)  # Ads Manager writes UTF-8 (with a BOM); a BOM-marked UTF-16 re-save reads too
# method flags, in attributes only when some record of the file has them
FLAGS = ("spread_days", "cost_currency_unknown")
CURRENCY_UNKNOWN = (
    "spend is in the ad account's currency, which the export does not state (ask for account_currency)"
)
API_DATASET = "insights"  # an API page set whose account cannot be told

MEASURES = ad_measures(impressions="impressions", video_views="video_views", view_seconds="view_seconds")

# platform_position values that only serve video
VIDEO_POSITIONS = [
    "instream_video",
    "video_feeds",
    "facebook_reels",
    "facebook_reels_overlay",
    "instagram_reels",
    "reels",
    "rewarded_video",
]
DEVICES = {
    "mobile_app": "mobile",
    "mobile_web": "mobile",
    "mobile": "mobile",
    "iphone": "mobile",
    "ipod": "mobile",
    "android_smartphone": "mobile",
    "ipad": "tablet",
    "android_tablet": "tablet",
    "tablet": "tablet",
    "desktop": "desktop",
    "connected_tv": "tv",
}
# Ads Manager UI labels (lower case) -> the API's publisher_platform / platform_position codes
PLATFORM_LABELS = {"audience network": "audience_network"}
PLACEMENT_LABELS = {
    "feed": "feed",
    "facebook feed": "feed",
    "instagram feed": "feed",
    "facebook stories": "facebook_stories",
    "facebook reels": "facebook_reels",
    "ads on facebook reels": "facebook_reels_overlay",
    "in-stream video": "instream_video",
    "in-stream videos": "instream_video",
    "facebook in-stream videos": "instream_video",
    "video feeds": "video_feeds",
    "right column": "right_hand_column",
    "marketplace": "marketplace",
    "search results": "search",
    "facebook search results": "search",
    "facebook profile feed": "profile_feed",
    "instagram stories": "instagram_stories",
    "instagram reels": "instagram_reels",
    "explore": "instagram_explore",
    "instagram explore": "instagram_explore",
    "explore home": "instagram_explore_grid_home",
    "instagram profile feed": "instagram_profile_feed",
    "instagram search results": "instagram_search",
    "messenger inbox": "messenger_inbox",
    "messenger stories": "messenger_stories",
    "native, banner and interstitial": "an_classic",
    "rewarded video": "rewarded_video",
    "rewarded videos": "rewarded_video",
    "threads feed": "threads_feed",
}

# The columns both shapes are normalised to before the shared mapping
NORMAL: dict[str, pl.DataType] = {
    "_pointer": pl.String(),
    "_record": pl.String(),
    "_problem": pl.String(),
    "_raw": pl.String(),
    "_start": pl.Date(),
    "_end": pl.Date(),
    "account": pl.String(),
    "campaign_id": pl.String(),
    "campaign_name": pl.String(),
    "_platform": pl.String(),
    "_position": pl.String(),
    "_device_raw": pl.String(),
    "_impression_device_raw": pl.String(),
    "_country_raw": pl.String(),
    "impressions": pl.Float64(),
    "_spend": pl.String(),
    "_currency": pl.String(),
    "_plays": pl.Float64(),
    "_thruplays": pl.Float64(),
    "_avg_seconds": pl.Float64(),
}


# --- shared mapping ------------------------------------------------------------------------------------


def _snake(expr: pl.Expr) -> pl.Expr:
    return expr.str.strip_chars().str.to_lowercase().str.replace_all(r"[^a-z0-9]+", "_").str.strip_chars("_")


@cache
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value:
                names[value.lower()] = c.alpha_3
    return names


def _country(raw: pl.Expr) -> pl.Expr:
    """ISO alpha-2 (the API, most CSV exports) or an English country name -> alpha-3; else null."""
    by_name = raw.str.strip_chars().str.to_lowercase().replace_strict(_country_names(), default=None)
    return pl.coalesce(alpha2_to_alpha3(raw), by_name)


def _device() -> pl.Expr:
    """The most specific device breakdown present (impression device, else device platform)."""
    raw = pl.coalesce(_snake(pl.col("_impression_device_raw")), _snake(pl.col("_device_raw")))
    mapped = raw.replace_strict(DEVICES, default="other", return_dtype=pl.String)
    return pl.when(raw.is_null() | (raw == "")).then(None).otherwise(mapped)


def _ad_format() -> pl.Expr:
    platform, position = pl.col("_platform"), pl.col("_position")
    return (
        pl.when(position.is_in(VIDEO_POSITIONS))
        .then(pl.lit("video"))
        .when(platform == "audience_network")
        .then(pl.lit("display"))
        .when(platform.is_not_null())
        .then(pl.lit("social"))
        .when(pl.col("_plays").fill_null(0) > 0)
        .then(pl.lit("video"))
        .otherwise(pl.lit("social"))
    )


def _rows(normal: pl.DataFrame, key_columns: list[str], attributes: list[str], dataset: str) -> tuple:
    """Normalised records (``NORMAL`` columns + key columns + ``_attrs``, a struct of ``attributes``) ->
    canonical rows in ``PARSED_SCHEMA``, and every day they cover.

    A record covering several days (an Insights row fetched without ``time_increment=1``, an Ads Manager
    export without the Day breakdown) is spread evenly over its days (``spread_days`` in attributes), never
    put on its first day. Spend without a stated currency lands with a null currency and says why.
    """
    ordered = pl.col("_end") >= pl.col("_start")
    wide = normal.with_columns(
        natural_key(key_columns).alias("_key"),
        pl.col("_thruplays").alias("video_views"),
        (pl.col("_avg_seconds") * pl.col("_plays")).alias("view_seconds"),
        pl.when(pl.col("_platform").is_null())
        .then(None)
        .when(pl.col("_position").is_null())
        .then(pl.col("_platform"))
        .otherwise(pl.concat_str(pl.col("_platform"), pl.lit("/"), pl.col("_position")))
        .alias("placement"),
        _device().alias("device"),
        _ad_format().alias("ad_format"),
        _country(pl.col("_country_raw")).alias("country"),
        pl.col("_spend").cast(MONEY, strict=False).alias("_cost"),
        pl.col("_currency").str.strip_chars().str.to_uppercase().replace("", None).alias("_currency"),
        pl.when(ordered).then(pl.col("_start")).alias("_first"),
        pl.when(ordered).then(pl.col("_end")).alias("_last"),
        pl.coalesce(
            pl.col("_problem"), pl.when(~ordered).then(pl.lit("the record's last day is before its first"))
        ).alias("_problem"),
    )
    spread = spread_over_days(wide, "_first", "_last", ["impressions", "video_views", "view_seconds"],
                              money=["_cost"])  # fmt: skip
    spread = spread.with_columns(
        pl.when(pl.col("_spread_days") > 1).then(pl.col("_spread_days")).alias("spread_days"),
        pl.when(pl.col("_currency").is_null() & pl.col("_spend").is_not_null())
        .then(pl.lit(CURRENCY_UNKNOWN))
        .alias("cost_currency_unknown"),
    )
    fields = [pl.col("_attrs").struct.field(name) for name in attributes]
    flags = [pl.col(c) for c in FLAGS if spread.get_column(c).is_not_null().any()]
    spread = spread.with_columns(
        pl.struct([*fields, *flags]).struct.json_encode().alias("attributes") if fields or flags
        else pl.lit("{}").alias("attributes")
    )  # fmt: skip
    long = unpivot_measures(spread, MEASURES)
    # Insights and Ads Manager report amount spent; neither states credits: net is the same amount
    rows = long.with_columns(
        delivery_columns(
            "_spread_day",
            pl.col("_cost"),
            pl.col("_currency"),
            vendor=VENDOR,
            service=SERVICE,
            dataset=dataset,
            spread=True,
        )
    )
    days = spread.get_column("_spread_day").drop_nulls().unique().sort().to_list()
    return conform(rows, PARSED_SCHEMA), days


def _dataset_for(accounts: pl.Series, fallback: str) -> str:
    ids = sorted(accounts.drop_nulls().unique().to_list())
    if not ids:
        return fallback
    return "+".join(f"act_{i}" for i in ids)


def parse(raw: bytes, file: str) -> ParsedExport:
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"[", b"{"):
        return _parse_api(raw, file)
    return _parse_csv(raw, file)


# --- API response set ----------------------------------------------------------------------------------

# the ad hierarchy every Insights row and Ads Manager export names, campaign to ad, each level's id and name
AD_HIERARCHY = ["campaign_id", "campaign_name", "adset_id", "adset_name", "ad_id", "ad_name"]

API_STRINGS = [
    "date_start",
    "date_stop",
    "account_id",
    "account_name",
    "account_currency",
    *AD_HIERARCHY,
    "impressions",
    "reach",
    "clicks",
    "inline_link_clicks",
    "spend",
    "publisher_platform",
    "platform_position",
    "device_platform",
    "impression_device",
    "country",
]
API_KEY = [
    "date_start",
    "date_stop",
    "account_id",
    "campaign_id",
    "adset_id",
    "ad_id",
    "publisher_platform",
    "platform_position",
    "device_platform",
    "impression_device",
    "country",
]
API_ATTRIBUTES = [
    "account_name",
    "campaign_name",
    "adset_id",
    "adset_name",
    "ad_id",
    "ad_name",
    "clicks",
    "inline_link_clicks",
    "reach",
    "publisher_platform",
    "platform_position",
    "device_platform",
    "impression_device",
    "country",
    "video_plays",
    "video_thruplays",
    "video_avg_time_watched_seconds",
]
_API_NAME = re.compile(r"act_(\d+)_api_(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})\.json$")


def _action_value(records: pl.DataFrame, column: str) -> pl.Expr:
    """The ``video_view`` entry of an action list (else its first entry) as a number; null if absent."""
    dtype = records.schema.get(column)
    if not (isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct)):
        return pl.lit(None, dtype=pl.Float64)
    fields = {f.name for f in dtype.inner.fields}
    if "value" not in fields:
        return pl.lit(None, dtype=pl.Float64)
    values = pl.col(column).list.eval(pl.element().struct.field("value").cast(pl.String))
    if "action_type" in fields:
        video_view = pl.col(column).list.eval(
            pl.element()
            .filter(pl.element().struct.field("action_type") == "video_view")
            .struct.field("value")
        )
        first = pl.coalesce(video_view.list.first().cast(pl.String), values.list.first())
    else:
        first = values.list.first()
    return first.cast(pl.Float64, strict=False)


def _window(file: str) -> tuple[str | None, list[date]]:
    """Account and requested days from an API export name ``insights_act_<id>_api_<first>_<last>.json``."""
    match = _API_NAME.search(PurePath(file).name)
    if not match:
        return None, []
    first, last = date.fromisoformat(match.group(2)), date.fromisoformat(match.group(3))
    return match.group(1), [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _parse_api(raw: bytes, file: str) -> ParsedExport:
    pages = read_data_pages(SOURCE, file, raw)
    account_from_name, window_days = _window(file)
    fallback = f"act_{account_from_name}" if account_from_name else API_DATASET
    inner = pages.schema["data"].inner
    if not isinstance(inner, (pl.Struct, pl.Null)):
        raise ExportFormatError(SOURCE, file, "'data' holds values that are not Insights records")
    records = explode_buckets(pages) if isinstance(inner, pl.Struct) else pl.DataFrame()
    if records.is_empty():
        return ParsedExport(fallback, conform(pl.DataFrame(), PARSED_SCHEMA), window_days, 0)
    count = records.height  # records as read, before anything is filtered
    require_columns(
        SOURCE, file, records.columns, ["date_start", "date_stop", "impressions"], "Insights records"
    )

    present = [c for c in API_ATTRIBUTES if c in records.columns] + [
        name
        for name, source in (
            ("video_plays", "video_play_actions"),
            ("video_thruplays", "video_thruplay_watched_actions"),
            ("video_avg_time_watched_seconds", "video_avg_time_watched_actions"),
        )
        if source in records.columns
    ]
    plays = _action_value(records, "video_play_actions")
    thruplays = _action_value(records, "video_thruplay_watched_actions")
    avg_seconds = _action_value(records, "video_avg_time_watched_actions")
    records = ensure_columns(records, dict.fromkeys(API_STRINGS, pl.String())).with_columns(
        [_as_text(records, c) for c in API_STRINGS]
        + [
            plays.alias("video_plays"),
            thruplays.alias("video_thruplays"),
            avg_seconds.alias("video_avg_time_watched_seconds"),
            pl.col("_pointer").alias("_record"),
        ]
    )
    normal = ensure_columns(records, {"_problem": pl.String(), "_raw": pl.String()}).with_columns(
        pl.col("date_start").str.to_date("%Y-%m-%d", strict=False).alias("_start"),
        pl.col("date_stop").str.to_date("%Y-%m-%d", strict=False).alias("_end"),
        pl.col("account_id").str.strip_chars().str.strip_prefix("act_").alias("account"),
        pl.col("publisher_platform").alias("_platform"),
        pl.col("platform_position").alias("_position"),
        pl.col("device_platform").alias("_device_raw"),
        pl.col("impression_device").alias("_impression_device_raw"),
        pl.col("country").alias("_country_raw"),
        pl.col("impressions").cast(pl.Float64, strict=False),
        pl.col("spend").str.strip_chars().alias("_spend"),
        pl.col("account_currency").alias("_currency"),
        pl.col("video_plays").alias("_plays"),
        pl.col("video_thruplays").alias("_thruplays"),
        pl.col("video_avg_time_watched_seconds").alias("_avg_seconds"),
    )
    attributes = pl.struct(present) if present else pl.lit(None, dtype=pl.Struct({}))
    normal = normal.select(*NORMAL, *[c for c in API_KEY if c not in NORMAL], attributes.alias("_attrs"))
    dataset = _dataset_for(normal.get_column("account"), fallback)
    rows, days = _rows(normal, API_KEY, present, dataset)
    return ParsedExport(dataset, rows, sorted(set(days) | set(window_days)), count)


def _as_text(frame: pl.DataFrame, column: str) -> pl.Expr:
    """A field Meta sends as a string; a number becomes its text, a list or object (not a value) null, so
    a required field of the wrong shape quarantines its record instead of failing the file."""
    dtype = frame.schema.get(column)
    if dtype is not None and dtype.is_nested():
        return pl.lit(None, dtype=pl.String).alias(column)
    return pl.col(column).cast(pl.String)


# --- Ads Manager CSV -----------------------------------------------------------------------------------

# "Amount spent (EUR)"; German UI: "Ausgegebener Betrag (EUR)" [UNCONFIRMED]
_SPEND = re.compile(r"^(?:Amount spent|Ausgegebener Betrag) \(([A-Za-z]{3})\)$")
# UI label -> internal name; all optional except Impressions and a date. English labels are the ones in
# vendor-formats.md section 8; the German ones (Ads Manager in German) are [UNCONFIRMED] except
# Berichtsbeginn, Berichtsende, Impressionen and Reichweite.
CSV_LABELS = {
    "reporting_starts": ("Reporting starts", "Berichtsbeginn"),
    "reporting_ends": ("Reporting ends", "Berichtsende"),
    "day": ("Day", "Tag"),
    "account_id": ("Account ID", "Konto-ID"),
    "account_name": ("Account name", "Kontoname"),
    "campaign_id": ("Campaign ID", "Kampagnen-ID"),
    "campaign_name": ("Campaign name", "Kampagnenname"),
    "adset_id": ("Ad set ID", "Anzeigengruppen-ID"),
    "adset_name": ("Ad set name", "Name der Anzeigengruppe", "Anzeigengruppenname"),
    "ad_id": ("Ad ID", "Anzeigen-ID"),
    "ad_name": ("Ad name", "Anzeigenname"),
    "campaign_delivery": ("Campaign delivery", "Kampagnen-Auslieferung"),
    "attribution_setting": ("Attribution setting", "Attributionseinstellung"),
    "results": ("Results", "Ergebnisse"),
    "result_indicator": ("Result indicator", "Ergebnisindikator"),
    "reach": ("Reach", "Reichweite"),
    "frequency": ("Frequency", "Frequenz"),
    "link_clicks": ("Link clicks", "Link-Klicks"),
    "clicks_all": ("Clicks (all)", "Klicks (alle)"),
    "impressions_raw": ("Impressions", "Impressionen"),
    "platform": ("Platform", "Plattform"),
    "placement_label": ("Placement", "Platzierung"),
    "device_platform": ("Device platform", "Geräteplattform"),
    "impression_device": ("Impression device", "Impressionsgerät"),
    "country": ("Country", "Land"),
    "video_plays": ("Video plays", "Videowiedergaben"),
    "thruplays": ("ThruPlays",),
    "video_average_play_time": ("Video average play time", "Durchschnittliche Wiedergabezeit des Videos"),
}
CSV_COLUMNS = {label: name for name, labels in CSV_LABELS.items() for label in labels}
GERMAN_LABELS = {labels[1] for labels in CSV_LABELS.values() if len(labels) > 1} - {"ThruPlays"}
CSV_IDENTITY = ["account_id", "account_name", *AD_HIERARCHY]
CSV_KEY = [
    "_start",
    "_end",
    "account_id",
    *AD_HIERARCHY,
    "platform",
    "placement_label",
    "device_platform",
    "impression_device",
    "country",
]
# every optional column but the dates and the measures goes to attributes, when the file has it
CSV_ATTRIBUTES = [
    n for n in CSV_LABELS if n not in {"reporting_starts", "reporting_ends", "day", "impressions_raw"}
]
SUMMARY_ROW = "Ads Manager summary row (the totals of the rows below it: every name and id is blank)"


def _csv_date(column: str) -> pl.Expr:
    text = pl.col(column).str.strip_chars()
    return pl.coalesce(
        text.str.to_date("%Y-%m-%d", strict=False),
        text.str.to_date("%m/%d/%Y", strict=False),
        text.str.to_date("%d.%m.%Y", strict=False),
    )


def _number_text(column: str, decimal_comma: bool) -> pl.Expr:
    """A display number as plain decimal text (``"1,250.40"`` -> ``"1250.40"``; German ``"1.250,40"``
    too), currency symbols and spaces removed: exact for money, castable for counts."""
    text = pl.col(column).cast(pl.String).str.strip_chars().str.replace_all(r"[\s$€£\u00a0]", "")
    if decimal_comma:
        return text.str.replace_all(r"\.", "").str.replace(",", ".")
    return text.str.replace_all(",", "")


def _seconds(column: str, decimal_comma: bool) -> pl.Expr:
    """Seconds as a number (``6.4``) or a clock (``0:06``, ``0:00:06``)."""
    text = pl.col(column).cast(pl.String).str.strip_chars()
    parts = text.str.split(":").list.reverse()
    clock = (
        parts.list.get(0, null_on_oob=True).cast(pl.Float64, strict=False)
        + parts.list.get(1, null_on_oob=True).cast(pl.Float64, strict=False).fill_null(0) * 60
        + parts.list.get(2, null_on_oob=True).cast(pl.Float64, strict=False).fill_null(0) * 3600
    )
    number = _number_text(column, decimal_comma).cast(pl.Float64, strict=False)
    return pl.when(text.str.contains(":")).then(clock).otherwise(number)


def _label_code(column: str, labels: dict[str, str]) -> pl.Expr:
    lower = pl.col(column).str.strip_chars().str.to_lowercase()
    code = lower.replace_strict(labels, default=None, return_dtype=pl.String)
    return pl.when(lower == "").then(None).otherwise(pl.coalesce(code, _snake(pl.col(column))))


def _separator_of(raw: bytes, file: str) -> str:
    """The export's field separator: the one of ``,`` ``;`` or tab that the header line uses most."""
    head = decode_text(SOURCE, file, raw, CSV_ENCODINGS).split("\n", 1)[0]
    return max((",", ";", "\t"), key=head.count)


def _parse_csv(raw: bytes, file: str) -> ParsedExport:
    frame = read_csv_rows(SOURCE, file, raw, separator=_separator_of(raw, file), encodings=CSV_ENCODINGS)
    frame = frame.rename({c: c.strip() for c in frame.columns if c != c.strip()})
    count = frame.height  # records as read, before anything is filtered
    spend_columns = [c for c in frame.columns if _SPEND.match(c)]
    german = bool(GERMAN_LABELS & set(frame.columns))
    # the impressions column, in the export's language: a missing or renamed one names the near miss
    require_columns(
        SOURCE, file, frame.columns, [CSV_LABELS["impressions_raw"][german]], "the Ads Manager export"
    )
    names = {CSV_COLUMNS[c] for c in frame.columns if c in CSV_COLUMNS}
    if "day" not in names and not {"reporting_starts", "reporting_ends"} <= names:
        raise ExportFormatError(SOURCE, file, "no 'Day' or 'Reporting starts'/'Reporting ends' columns")
    if len(spend_columns) > 1:
        raise ExportFormatError(SOURCE, file, f"several spend columns {spend_columns}: one currency expected")
    currency = _SPEND.match(spend_columns[0]).group(1).upper() if spend_columns else None
    decimal_comma = german

    renamed = frame.rename({label: name for label, name in CSV_COLUMNS.items() if label in frame.columns})
    renamed = ensure_columns(renamed, {name: pl.String() for name in CSV_LABELS})
    renamed = renamed.with_columns(
        pl.col(n).str.strip_chars().replace("", None) for n in CSV_LABELS
    ).with_columns(
        (pl.col(spend_columns[0]) if spend_columns else pl.lit(None, pl.String)).alias("_spend_raw")
    )
    # Ads Manager's optional summary row has every name/id column blank: a declared skip, never a record
    # the reader flagged (a short row has every cell null too, and is quarantined with its line)
    identity = [c for c in CSV_IDENTITY if c in names]
    skipped = None
    if identity:
        summary = pl.all_horizontal(pl.col(c).is_null() for c in identity) & pl.col("_problem").is_null()
        skipped = skip_records(renamed.filter(summary), SUMMARY_ROW)
        renamed = renamed.filter(~summary)

    day = _csv_date("day")
    normal = renamed.with_columns(
        pl.coalesce(day, _csv_date("reporting_starts")).alias("_start"),
        pl.coalesce(day, _csv_date("reporting_ends")).alias("_end"),
        pl.col("account_id").str.strip_prefix("act_").alias("account"),
        _label_code("platform", PLATFORM_LABELS).alias("_platform"),
        _label_code("placement_label", PLACEMENT_LABELS).alias("_position"),
        pl.col("device_platform").alias("_device_raw"),
        pl.col("impression_device").alias("_impression_device_raw"),
        pl.col("country").alias("_country_raw"),
        _number_text("impressions_raw", decimal_comma).cast(pl.Float64, strict=False).alias("impressions"),
        _number_text("_spend_raw", decimal_comma).alias("_spend"),
        pl.lit(currency, dtype=pl.String).alias("_currency"),
        _number_text("video_plays", decimal_comma).cast(pl.Float64, strict=False).alias("_plays"),
        _number_text("thruplays", decimal_comma).cast(pl.Float64, strict=False).alias("_thruplays"),
        _seconds("video_average_play_time", decimal_comma).alias("_avg_seconds"),
    )
    present = [n for n in CSV_ATTRIBUTES if n in names]
    attributes = pl.struct(present) if present else pl.lit(None, dtype=pl.Struct({}))
    normal = normal.select(*NORMAL, *[c for c in CSV_KEY if c not in NORMAL], attributes.alias("_attrs"))
    dataset = _dataset_for(normal.get_column("account"), CSV_DATASET)
    rows, days = _rows(normal, CSV_KEY, present, dataset)
    return ParsedExport(dataset, rows, days, count, skipped=skipped)


# --- HTTP: async Insights report runs on the Graph API ----------------------------------------------------
#
# Per ad account in META_AD_ACCOUNT_IDS:
#   POST {META_BASE_URL}/v25.0/act_<id>/insights (level, fields, breakdowns, time_increment=1, time_range)
#        -> {"report_run_id": ...}
#   GET  /v25.0/<report_run_id> every META_POLL_SECONDS until async_status "Job Completed" and
#        async_percent_completion 100, at most META_MAX_WAIT_SECONDS; "Job Failed"/"Job Skipped" fail
#        with Meta's error_code/error_message/error_user_msg.
#   GET  /v25.0/<report_run_id>/insights?limit=500[&after=<cursor>] until a page has no paging.next.
#        We never follow paging.next itself: it is an absolute graph.facebook.com URL (ignoring an
#        overridden base URL) that may echo an access_token; its only moving part is the `after` cursor.
#
# Auth: META_ACCESS_TOKEN in an `Authorization: Bearer` header (the Graph API accepts it as well as the
# access_token query parameter), so no URL we build or log carries it; any access_token the vendor echoes
# in paging URLs is removed before a page is archived, and an archive containing the token is refused.
#
# Breakdowns: Meta only serves some combinations; country cannot be combined with the placement
# breakdowns (error #100 "Current combination of data breakdown columns ... is invalid"). The default
# is the placement x device report (META_BREAKDOWNS=publisher_platform,platform_position,device_platform),
# which pins ad_format, placement and device; META_BREAKDOWNS=country fetches the country report instead.
# Both land in the same per-account dataset, so switching replaces days rather than double counting.
#
# Rate limits: 429/5xx are retried by the shared urllib3 Retry (Retry-After honoured). Meta usually
# signals throttling as HTTP 400/403 with error.code 4, 17, 32, 613 or 80000-80014, which a status-based
# Retry cannot see (the body decides) and whose windows (estimated_time_to_regain_access, minutes) exceed
# a sensible in-process wait: such a response fails the fetch at once with MetaRateLimitError, naming the
# code and the regain-access estimate from X-Business-Use-Case-Usage; nothing has landed, and the next
# scheduled run fetches the window again. The one exception is polling a running job: a throttled status
# poll just counts as "still running" and the poll loop (bounded by META_MAX_WAIT_SECONDS) carries on.
# The usage headers of every page response are kept in the archived page under "_ewh_usage".

CREDENTIAL = Credential("META_ACCESS_TOKEN")
ACCOUNTS_VARIABLE = "META_AD_ACCOUNT_IDS"
DEFAULT_BASE_URL = "https://graph.facebook.com"
API_VERSION = "v25.0"
PAGE_LIMIT = 500
DEFAULT_BREAKDOWNS = "publisher_platform,platform_position,device_platform"
BREAKDOWNS = {"country", "publisher_platform", "platform_position", "device_platform", "impression_device"}
PLACEMENT_BREAKDOWNS = BREAKDOWNS - {"country"}
LEVEL_FIELDS = {
    "campaign": [],
    "adset": ["adset_id", "adset_name"],
    "ad": ["adset_id", "adset_name", "ad_id", "ad_name"],
}
FIELDS = ["account_id", "account_name", "account_currency", "campaign_id", "campaign_name"]
METRICS = ["impressions", "reach", "clicks", "inline_link_clicks", "spend", "video_play_actions",
           "video_thruplay_watched_actions", "video_avg_time_watched_actions"]  # fmt: skip
FAILURE_FIELDS = ("error_code", "error_subcode", "error_message", "error_user_title", "error_user_msg")
RUNNING = {"Job Not Started", "Job Started", "Job Running"}
FAILED = {"Job Failed", "Job Skipped"}
THROTTLE_CODES = {4, 17, 32, 613, *range(80000, 80015)}
THROTTLE_SUBCODES = {1504022, 1504039, 2446079, 1487742}
TOKEN_CODES = {102, 190}
USAGE_HEADERS = (
    "X-Business-Use-Case-Usage",
    "X-Ad-Account-Usage",
    "X-App-Usage",
    "x-fb-ads-insights-throttle",
)


class MetaRateLimitError(VendorResponseError):
    """Meta throttled the call (error codes 4/17/32/613/80000-80014): retry in a later run."""


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _regain_minutes(headers) -> int | None:
    """Largest ``estimated_time_to_regain_access`` (minutes) in X-Business-Use-Case-Usage, if any."""
    try:
        usage = json.loads(headers.get("X-Business-Use-Case-Usage") or "{}")
        entries = [e for group in usage.values() for e in (group if isinstance(group, list) else [group])]
        values = [_int(e.get("estimated_time_to_regain_access")) for e in entries if isinstance(e, dict)]
    except (ValueError, AttributeError):
        return None
    values = [v for v in values if v is not None]
    return max(values) if values else None


class _MetaResponses:
    """A requests response hook: Meta's error codes -> our errors; remembers the last usage headers.

    It runs after the adapter's retries, inside ``session.request``, so the errors it raises pass through
    ``request_json`` unchanged (it only wraps requests' own exceptions); like every error of the shared
    client, their text is redacted when they are built (the token is a declared credential).
    """

    def __init__(self) -> None:
        self.usage: dict[str, str] = {}

    def __call__(self, response, *args, **kwargs):
        self.usage = {h: response.headers[h] for h in USAGE_HEADERS if h in response.headers}
        if response.status_code < 400:
            return response
        try:
            error = response.json().get("error")
        except (ValueError, AttributeError):
            return response
        if not isinstance(error, dict):
            return response
        code, subcode = _int(error.get("code")), _int(error.get("error_subcode"))
        where = (
            f"[{SOURCE}] {response.request.method} {url_path(response.url)} returned {response.status_code}"
        )
        message = str(error.get("message") or "")[:300]
        what = message if message.startswith("(#") else f"(#{code}) {message}"
        if code in TOKEN_CODES:
            raise ConfigError(f"{where} {what}: invalid or expired access token, check {CREDENTIAL.variable}")
        if code == 10 or (code is not None and 200 <= code <= 299):
            raise ConfigError(
                f"{where} {what}: the token lacks ads_read or access to the ad account, check "
                f"{CREDENTIAL.variable} and {ACCOUNTS_VARIABLE}"
            )
        if code == 100 and subcode == 33:
            raise ConfigError(
                f"{where} {what}: unknown or inaccessible ad account, check {ACCOUNTS_VARIABLE}"
            )
        if code in THROTTLE_CODES or subcode in THROTTLE_SUBCODES:
            minutes = _regain_minutes(response.headers)
            wait = f"; Meta estimates access returns in {minutes} min" if minutes else ""
            raise MetaRateLimitError(
                f"{where} {what} (subcode {subcode}): rate limited{wait}; nothing landed, a later run "
                "fetches this window again"
            )
        return response


def _settings() -> tuple[str, str, float, float]:
    level = (setting("META_LEVEL") or "").strip() or "campaign"
    if level not in LEVEL_FIELDS:
        raise ConfigError(f"[{SOURCE}] META_LEVEL={level!r}: expected one of {sorted(LEVEL_FIELDS)}")
    breakdowns = [
        b.strip() for b in (setting("META_BREAKDOWNS") or DEFAULT_BREAKDOWNS).split(",") if b.strip()
    ]
    unknown = [b for b in breakdowns if b not in BREAKDOWNS]
    if unknown:
        raise ConfigError(f"[{SOURCE}] META_BREAKDOWNS has unsupported breakdowns {unknown}")
    if "country" in breakdowns and PLACEMENT_BREAKDOWNS & set(breakdowns):
        raise ConfigError(
            f"[{SOURCE}] META_BREAKDOWNS: Meta cannot combine country with placement/device breakdowns; "
            "use 'country' alone or publisher_platform,platform_position,device_platform"
        )
    try:
        poll = float(setting("META_POLL_SECONDS") or 10)
        max_wait = float(setting("META_MAX_WAIT_SECONDS") or 3600)
    except ValueError:
        raise ConfigError(f"[{SOURCE}] META_POLL_SECONDS / META_MAX_WAIT_SECONDS must be numbers") from None
    return level, ",".join(breakdowns), max(poll, 0.0), max(max_wait, 0.0)


def _scrub(page: dict) -> dict:
    """Drop any access_token the vendor echoes in paging URLs before the page is archived."""
    paging = page.get("paging")
    if isinstance(paging, dict):
        for name in ("next", "previous"):
            url = paging.get(name)
            if isinstance(url, str):
                parts = urlsplit(url)
                query = [
                    (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "access_token"
                ]
                paging[name] = urlunsplit(parts._replace(query=urlencode(query)))
    return page


class _Graph:
    """Calls to one Graph API version with the bearer token, through the shared client."""

    def __init__(self) -> None:
        self.base = (setting("META_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        self.token = CREDENTIAL.value(SOURCE)
        self.hook = _MetaResponses()
        self.session = build_session(allowed_methods=frozenset({"GET", "POST"}))
        self.session.hooks["response"].append(self.hook)

    def call(self, method: str, path: str, params: dict | None = None) -> dict:
        return request_json(
            self.session,
            method,
            f"{self.base}/{API_VERSION}{path}",
            source=SOURCE,
            credential=CREDENTIAL,
            headers={"Authorization": f"Bearer {self.token}"},
            params=params,
        )

    def start(self, account: str, params: dict) -> str:
        body = self.call("POST", f"/act_{account}/insights", params)
        run_id = body.get("report_run_id")
        if not run_id:
            raise VendorResponseError(f"[{SOURCE}] POST act_{account}/insights returned no report_run_id")
        return str(run_id)

    def wait(self, run_id: str, poll: float, max_wait: float) -> dict:
        deadline = time.monotonic() + max_wait
        while True:
            try:
                status = self.call("GET", f"/{run_id}")
            except MetaRateLimitError:
                status = None  # the job keeps running on Meta's side: poll again later
            if status is not None:
                state = status.get("async_status")
                percent = _int(status.get("async_percent_completion"))
                if state == "Job Completed" and (percent is None or percent >= 100):
                    return status
                if state in FAILED:
                    details = ", ".join(
                        f"{k}={str(status[k])[:300]}"
                        for k in FAILURE_FIELDS
                        if status.get(k) not in (None, "")
                    )
                    raise VendorResponseError(
                        f"[{SOURCE}] report run {run_id}: {state}" + (f" ({details})" if details else "")
                    )
                if state not in RUNNING and state != "Job Completed":
                    raise VendorResponseError(f"[{SOURCE}] report run {run_id}: unexpected status {state!r}")
            if time.monotonic() >= deadline:
                raise VendorResponseError(
                    f"[{SOURCE}] report run {run_id} did not complete within {max_wait:g} s "
                    "(META_MAX_WAIT_SECONDS); nothing landed"
                )
            time.sleep(poll)

    def pages(self, run_id: str) -> list[dict]:
        def page(cursor: str | None) -> dict:
            body = self.call(
                "GET", f"/{run_id}/insights", {"limit": PAGE_LIMIT} | ({"after": cursor} if cursor else {})
            )
            if not isinstance(body.get("data"), list):
                raise VendorResponseError(
                    f"[{SOURCE}] report run {run_id}: insights page has no 'data' array"
                )
            if self.hook.usage:
                body["_ewh_usage"] = dict(self.hook.usage)
            paging = body.get("paging") if isinstance(body.get("paging"), dict) else {}
            more = bool(paging.get("next"))
            after = (paging.get("cursors") or {}).get("after") if more else None
            return {"page": _scrub(body), "has_more": more, "next_page": after}

        return [wrapped["page"] for wrapped in paginate(page, source=SOURCE)]


def fetch(first: date, end: date) -> list[ApiExport]:
    """One async Insights report per ad account for [first, end), all fetched before anything lands."""
    level, breakdowns, poll, max_wait = _settings()
    accounts = numeric_ids(SOURCE, ACCOUNTS_VARIABLE, prefix="act_")
    graph = _Graph()
    last = end - timedelta(days=1)
    params = {
        "level": level,
        "fields": ",".join(FIELDS + LEVEL_FIELDS[level] + METRICS),
        "breakdowns": breakdowns,
        "time_increment": 1,
        "time_range": json.dumps(
            {"since": first.isoformat(), "until": last.isoformat()}, separators=(",", ":")
        ),
    }
    exports = []
    for account in accounts:
        run_id = graph.start(account, params)
        graph.wait(run_id, poll, max_wait)
        export = ApiExport.of_pages(f"insights_act_{account}", first, end, graph.pages(run_id))
        if graph.token.encode() in export.raw:
            raise VendorResponseError(
                f"[{SOURCE}] act_{account}: the response echoes the access token; not archived"
            )
        exports.append(export)
    return exports


CONNECTOR = Connector(
    source=SOURCE,
    vendor=VENDOR,
    version=VERSION,
    file_patterns=("*.json", "*.csv"),
    parse=parse,
    fetch=fetch,
    credential_variable=CREDENTIAL.variable,
    settings=(
        ACCOUNTS_VARIABLE,
        "META_LEVEL",
        "META_BREAKDOWNS",
        "META_POLL_SECONDS",
        "META_MAX_WAIT_SECONDS",
        "META_BASE_URL",
    ),
    description="Meta Marketing API Insights (async report runs) and Ads Manager table exports (CSV)",
)
