"""TikTok API for Business synchronous report ``GET /open_api/v1.3/report/integrated/get/``, saved to a file.

A saved export is a JSON array of raw responses (or one response): ``{"code": 0, "message": "OK",
"request_id": ..., "data": {"page_info": {"page", "page_size", "total_number", "total_page"}, "list":
[{"dimensions": {...}, "metrics": {...}}]}}``. Metric values are strings (sometimes JSON numbers) and may be
``"-"`` (not available: read as null); ``stat_time_day`` is ``"YYYY-MM-DD 00:00:00"`` in the advertiser's
time zone. Granularity: ``stat_time_hour`` records are summed to their day (additive metrics summed,
``average_video_play`` play-weighted, ``reach`` dropped; the row names every hour it sums and gets the same
id as the daily report of that day); records with neither (``query_lifetime`` totals) cover days nobody
can tell and are quarantined with the reason. Ids (``campaign_id``, ``adgroup_id``) are read from the
dimensions, else from the metrics (ad-level reports), ``advertiser_id`` also from beside them. A report
without ``impressions`` (a GMV Max report, say) is rejected naming it.

``fetch`` saves, per advertiser, two campaign-level reports in one response set, because TikTok breaks
results down by country only in its AUDIENCE report, and that report has no video metrics:

- ``report_type=AUDIENCE``, dimensions ``campaign_id, country_code, stat_time_day``: impressions and spend
  by country -> ``ad_impressions`` rows with ``country`` (ISO alpha-2 -> alpha-3) and the cost;
- ``report_type=BASIC``, dimensions ``campaign_id, stat_time_day``: ``video_play_actions`` ->
  ``video_views`` and ``video_play_actions x average_video_play`` (seconds per play) -> ``ad_view_seconds``.
  These campaign-day totals are shared out over that campaign-day's country records in proportion to
  their impressions (attributes ``video_share`` and ``video_source_row`` say so), so each country record
  carries its impressions and its (estimated) video measures and nothing is counted twice. The BASIC
  record's own impressions and spend stay in ``attributes``; a BASIC record without any country record
  keeps its impressions and video with a null country; a BASIC record with country records and no video
metrics is a record skipped with its reason (its impressions and spend land by country).

A file without any country-level record (a BASIC report saved on its own) gives every measure from its
BASIC records, with a null country. Impressions of ``"-"`` or not a number quarantine the row; missing
video metrics produce no video rows.

Cost: ``spend`` in the advertiser's currency, from the ``currency`` metric (requested in the BASIC report;
AUDIENCE rows use their campaign-day's or the file's single currency); without any, the cost lands with a
null currency and ``cost_currency_unknown`` in ``attributes``. ``cost_amount_net`` = ``cost_amount``.
``ad_format``: ``video`` when the campaign-day has video plays (TikTok in-feed ads are video), else
``social``. ``device`` and ``placement`` stay null (not broken down in these reports). ``account`` is the
advertiser id from the export's name (``integrated_report_api_<advertiser_id>_<first>_<last>.json``) or an
``advertiser_id`` dimension/metric; each advertiser is its own dataset (``integrated_report_<id>``) since
landing replaces whole days per dataset.

Dates are the advertiser-time-zone days TikTok reports: ``usage_start`` = that date 00:00 UTC,
``usage_end`` = the next day 00:00 UTC, so a day is shifted by the account's UTC offset.
"""

from __future__ import annotations

import json
import re
import time
from datetime import date, timedelta

import polars as pl

from connectors.core.ads import ad_measures, delivery_columns
from connectors.core.base import ApiExport, Connector, ExportFormatError, ParsedExport, window_days
from connectors.core.countries import alpha2_to_alpha3
from connectors.core.frames import (
    Measure,
    aggregate_to_day,
    json_attributes,
    natural_key,
    require_columns,
    unpivot_measures,
)
from connectors.core.http import (
    ConfigError,
    Credential,
    VendorResponseError,
    build_session,
    numeric_ids,
    request_json,
)
from connectors.core.json_pages import explode_pages, read_pages
from connectors.core.schema import MONEY, PARSED_SCHEMA, conform
from connectors.core.settings import setting

SOURCE = "tiktok_ads"
VERSION = "1.0.0"
DATASET = "integrated_report"
VENDOR = "tiktok"
SERVICE = "tiktok.ads"

DIMENSIONS = ["advertiser_id", "campaign_id", "adgroup_id", "ad_id", "stat_time_day", "country_code"]
# the metrics the BASIC report is asked for (the AUDIENCE report asks for a subset, by country)
BASIC_METRICS = [
    "currency",
    "spend",
    "impressions",
    "clicks",
    "reach",
    "video_play_actions",
    "video_watched_2s",
    "video_watched_6s",
    "video_views_p100",
    "average_video_play",
]
METRIC_FIELDS = ["advertiser_id", "campaign_name", *BASIC_METRICS]
KEY = ["account", "campaign_id", "adgroup_id", "ad_id", "stat_time_day", "country_code"]
GROUP = ["account", "campaign_id", "adgroup_id", "ad_id", "usage_date"]
IMPRESSIONS = ad_measures(impressions="impressions")
VIDEO = ad_measures(video_views="video_play_actions", view_seconds="video_watch_seconds")
ATTRIBUTES = [
    "country_code",
    "campaign_name",
    "spend",
    "impressions",
    "clicks",
    "reach",
    "video_watched_2s",
    "video_watched_6s",
    "video_views_p100",
    "average_video_play",
]
# metrics that add up over hours (reach does not: it is dropped for summed days)
ADDITIVE = ["spend", "impressions", "clicks", "video_play_actions", "video_watched_2s", "video_watched_6s",
            "video_views_p100"]  # fmt: skip
# method flags, in attributes only when a record has them
FLAGS = ["aggregated_hours", "cost_currency_unknown"]
LIFETIME = (
    "lifetime total without stat_time_day or stat_time_hour: the days it covers are unknown "
    "(request a daily report with the stat_time_day dimension)"
)
BASIC_TOTAL = (
    "BASIC campaign-day total: its impressions and spend are landed by country from the AUDIENCE "
    "records, and it has no video metrics to share out"
)
CURRENCY_UNKNOWN = "spend is in the advertiser's currency, which the report does not state (ask for currency)"
_ADVERTISER = re.compile(r"_api_(\d+)_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.json$")


def _read_records(raw: bytes, file: str) -> pl.DataFrame:
    """One row per ``data.list[]`` item: its dimensions and metrics as text, ``_pointer`` = ``_record``
    (``[/<response>]/data/list/<i>``). Metrics may be strings, numbers or ``"-"`` (not available)."""
    pages = read_pages(SOURCE, file, raw)
    if "data" not in pages.columns or not isinstance(pages.schema["data"], pl.Struct):
        raise ExportFormatError(SOURCE, file, "no 'data' object: not a report/integrated/get response")
    if "code" in pages.columns and pages.schema["code"].is_nested():
        raise ExportFormatError(SOURCE, file, "'code' is not a number: not a report/integrated/get response")
    if "code" in pages.columns:
        failed = pages.filter(pl.col("code").cast(pl.Int64, strict=False).fill_null(-1) != 0)
        if failed.height:
            raise ExportFormatError(
                SOURCE, file, f"holds {failed.height} error response(s) (code {failed.item(0, 'code')})"
            )
    fields = {f.name: f.dtype for f in pages.schema["data"].fields}
    if "list" not in fields or not isinstance(fields["list"], pl.List):
        raise ExportFormatError(SOURCE, file, "'data' has no 'list' array of report rows")
    records = explode_pages(pages, pl.col("data").struct.field("list"), "record", "data/list").filter(
        pl.col("record").is_not_null()
    )
    if records.is_empty():
        return pl.DataFrame()
    if not isinstance(records.schema["record"], pl.Struct):
        raise ExportFormatError(SOURCE, file, "'data.list' holds values that are not report rows")
    parts = {f.name: f.dtype for f in records.schema["record"].fields}
    if not isinstance(parts.get("dimensions"), pl.Struct):
        raise ExportFormatError(SOURCE, file, "report rows have no 'dimensions' object")
    if not isinstance(parts.get("metrics"), pl.Struct):
        raise ExportFormatError(SOURCE, file, "report rows have no 'metrics' object")
    # fields holding a list or an object (not a value) are left out: they read as absent (null)
    dims = {f.name for f in parts["dimensions"].fields if not f.dtype.is_nested()}
    metrics = {f.name for f in parts["metrics"].fields if not f.dtype.is_nested()}
    require_columns(SOURCE, file, sorted(metrics), ["impressions"], "the report's metrics")

    def pick(part: str, name: str, present: set[str]) -> pl.Expr:
        if name not in present:
            return pl.lit(None, dtype=pl.String)
        return pl.col("record").struct.field(part).struct.field(name).cast(pl.String)

    top = (
        pl.col("record").struct.field("advertiser_id").cast(pl.String)
        if "advertiser_id" in parts and not parts["advertiser_id"].is_nested()
        else None
    )
    return records.select(
        pl.col("_pointer"),
        pl.col("_pointer").alias("_record"),
        # ids are dimensions, but a lower-level report names its parents among the metrics
        *[
            pl.coalesce(pick("dimensions", d, dims), pick("metrics", d, metrics)).alias(d)
            for d in DIMENSIONS
            if d != "advertiser_id"
        ],
        pick("dimensions", "stat_time_hour", dims).alias("stat_time_hour"),
        pl.coalesce(
            pick("dimensions", "advertiser_id", dims),
            pick("metrics", "advertiser_id", metrics),
            top if top is not None else pl.lit(None, dtype=pl.String),
        ).alias("_advertiser"),
        *[pick("metrics", m, metrics).alias(m) for m in METRIC_FIELDS if m != "advertiser_id"],
    )


def _daily(records: pl.DataFrame) -> pl.DataFrame:
    """Hourly records (``stat_time_hour``) summed to their day, daily ones as they are; every record
    ends with ``usage_date`` and ``_records`` (the report rows it stands for).

    Sums are taken for the additive metrics; ``average_video_play`` becomes the play-weighted mean;
    ``reach`` is not additive over hours and is dropped for summed days. A record with neither
    ``stat_time_day`` nor ``stat_time_hour`` (a lifetime total) covers days nobody can tell: it keeps a
    ``_problem`` and is quarantined, never put on a day.
    """
    day = pl.col("stat_time_day").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    hour = pl.col("stat_time_hour").str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False)
    hourly = pl.col("stat_time_day").is_null() & pl.col("stat_time_hour").is_not_null()
    lifetime = pl.col("stat_time_day").is_null() & pl.col("stat_time_hour").is_null()
    daily = records.filter(~hourly).with_columns(
        day.alias("usage_date"),
        pl.concat_list("_record").alias("_records"),
        pl.when(lifetime).then(pl.lit(LIFETIME)).alias("_problem"),
    )
    by_hour = records.filter(hourly)
    if by_hour.is_empty():
        return daily
    by_hour = by_hour.with_columns(
        hour.alias("_hour"),
        (_number("video_play_actions") * _number("average_video_play")).alias("_watch"),
        *[_number(m).alias(m) for m in ADDITIVE],
    )
    summed = aggregate_to_day(
        by_hour,
        "_hour",
        ["_advertiser", "campaign_id", "adgroup_id", "ad_id", "country_code"],
        [*ADDITIVE, "_watch"],
        first=["campaign_name", "currency"],
    ).with_columns(
        pl.col("_hour").dt.date().alias("usage_date"),
        pl.format("{} 00:00:00", pl.col("_hour").dt.date()).alias("stat_time_day"),
        (pl.col("_watch") / pl.col("video_play_actions")).alias("average_video_play"),
        pl.col("_records").list.len().alias("aggregated_hours"),
        pl.when(pl.col("_hour").is_null()).then(pl.lit("stat_time_hour is not a time")).alias("_problem"),
    )
    summed = summed.with_columns([pl.col(m).cast(pl.String) for m in [*ADDITIVE, "average_video_play"]]).drop(
        "_hour", "_day", "_day_end", "_watch"
    )
    return pl.concat([daily, summed], how="diagonal_relaxed")


def _number(column: str) -> pl.Expr:
    """A metric as a number; ``"-"`` (TikTok's "not available") and anything unreadable are null."""
    return pl.col(column).cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)


def _plays() -> pl.Expr:
    return _number("video_play_actions")


def _watch_seconds() -> pl.Expr:
    return _plays() * _number("average_video_play")


def _format(plays: pl.Expr) -> pl.Expr:
    return pl.when(plays.fill_null(0) > 0).then(pl.lit("video")).otherwise(pl.lit("social"))


def _long(frame: pl.DataFrame, measures: list[Measure], attributes: list[str]) -> pl.DataFrame:
    present = attributes + [
        c for c in FLAGS if c in frame.columns and frame.get_column(c).is_not_null().any()
    ]
    keyed = frame.with_columns(
        json_attributes(present, frame).alias("attributes"), natural_key(KEY).alias("_key")
    )
    return unpivot_measures(keyed, measures)


def _country_and_video(records: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Country records get the impressions; BASIC video totals are shared out by impression share.

    Returns the long rows and the BASIC records deliberately not landed (their impressions are the
    country records', and they have no video to share).
    """
    by_country = pl.col("country_code").is_not_null()
    country = records.filter(by_country)
    basic = records.filter(~by_country)
    video = basic.select(
        *GROUP,
        _plays().alias("_plays"),
        _watch_seconds().alias("_watch"),
        pl.col("_pointer").alias("video_source_row"),
        pl.col("_records").alias("_basic_records"),
        pl.col("_currency").alias("_basic_currency"),
    )
    impressions = _number("impressions")
    share = impressions / impressions.sum().over(GROUP, mapping_strategy="group_to_rows")
    joined = (
        country.with_columns(share.alias("video_share"))
        .join(video, on=GROUP, how="left", nulls_equal=True)
        .with_columns(pl.col("video_share").is_finite().fill_null(False).alias("_allocated"))
    )
    allocated = pl.col("_allocated") & pl.col("_plays").is_not_null()
    joined = joined.with_columns(
        pl.when(allocated).then(pl.col("_plays") * pl.col("video_share")).alias("video_play_actions"),
        pl.when(allocated).then(pl.col("_watch") * pl.col("video_share")).alias("video_watch_seconds"),
        pl.coalesce("_currency", "_basic_currency").alias("_currency"),
        _format(pl.col("_plays")).alias("ad_format"),
        # a shared-out video row stands for its country record and the BASIC record it shares
        pl.when(allocated)
        .then(pl.concat_list("_records", "_basic_records"))
        .otherwise(pl.col("_records"))
        .alias("_video_records"),
    ).with_columns(
        pl.when(allocated).then(pl.col("video_source_row")).alias("video_source_row"),
        pl.when(allocated).then(pl.col("video_share")).alias("video_share"),
    )
    # BASIC records with no country record at all keep their own impressions (nothing to double count);
    # those whose country records cannot share them out (zero or unknown impressions) keep the video.
    shared = joined.filter(allocated).select(GROUP).unique()
    in_country = country.select(GROUP).unique()
    leftover = basic.join(shared, on=GROUP, how="anti", nulls_equal=True).with_columns(
        _plays().alias("video_play_actions"),
        _watch_seconds().alias("video_watch_seconds"),
        _format(_plays()).alias("ad_format"),
    )
    orphans = leftover.join(in_country, on=GROUP, how="anti", nulls_equal=True)
    unshared = leftover.join(in_country, on=GROUP, how="semi", nulls_equal=True)
    no_video = pl.col("video_play_actions").is_null() & pl.col("video_watch_seconds").is_null()
    skipped = (
        unshared.filter(no_video & pl.col("_problem").is_null())
        .select(pl.col("_records").alias("_record"), pl.lit(BASIC_TOTAL).alias("reason"))
        .explode("_record")
    )
    long = pl.concat(
        [
            _long(joined, IMPRESSIONS, ATTRIBUTES),
            _long(
                joined.with_columns(pl.col("_video_records").alias("_records")),
                VIDEO,
                [*ATTRIBUTES, "video_share", "video_source_row"],
            ),
            _long(orphans, IMPRESSIONS + VIDEO, ATTRIBUTES),
            _long(unshared.filter(~no_video | pl.col("_problem").is_not_null()), VIDEO, ATTRIBUTES),
        ],
        how="diagonal_relaxed",
    )
    return long, skipped


def _basic_only(records: pl.DataFrame) -> pl.DataFrame:
    """A BASIC report on its own: every record carries its impressions and its video measures."""
    wide = records.with_columns(
        _plays().alias("video_play_actions"),
        _watch_seconds().alias("video_watch_seconds"),
        _format(_plays()).alias("ad_format"),
    )
    return _long(wide, IMPRESSIONS + VIDEO, ATTRIBUTES)


def parse(raw: bytes, file: str) -> ParsedExport:
    records = _read_records(raw, file)
    count = records.height  # report rows as read, before anything is filtered
    covered = window_days(SOURCE, file)
    match = _ADVERTISER.search(file)
    named = match.group(1) if match else None
    # one dataset per advertiser: landing replaces whole days per dataset, and each advertiser is fetched
    # (and may be re-exported) on its own
    dataset = f"{DATASET}_{named}" if named else DATASET
    if count == 0:
        return ParsedExport(dataset, conform(pl.DataFrame(), PARSED_SCHEMA), covered, 0)
    currencies = records.get_column("currency").drop_nulls().str.to_uppercase().unique()
    file_currency = currencies.item() if currencies.len() == 1 else None
    records = _daily(records).with_columns(
        pl.coalesce(pl.col("_advertiser"), pl.lit(named, dtype=pl.String)).alias("account"),
        pl.coalesce(pl.col("currency").str.to_uppercase(), pl.lit(file_currency, dtype=pl.String)).alias(
            "_currency"
        ),
    )
    # spend without a stated currency still lands (currency null) and says why
    records = records.with_columns(
        pl.when(pl.col("_currency").is_null() & _number("spend").is_not_null())
        .then(pl.lit(CURRENCY_UNKNOWN))
        .alias("cost_currency_unknown")
    )
    has_country = records.get_column("country_code").is_not_null().any()
    if has_country:
        long, skipped = _country_and_video(records)
    else:
        long, skipped = _basic_only(records), None
    spend = pl.col("spend").cast(pl.String).str.strip_chars().cast(MONEY, strict=False)
    # the integrated report states no credits or discounts: net is the spend it reports
    rows = long.with_columns(
        *delivery_columns(
            "usage_date", spend, pl.col("_currency"), vendor=VENDOR, service=SERVICE, dataset=dataset
        ),
        alpha2_to_alpha3(pl.col("country_code")).alias("country"),
    )
    days = sorted(set(covered) | set(records.get_column("usage_date").drop_nulls().unique().to_list()))
    return ParsedExport(dataset, conform(rows, PARSED_SCHEMA), days, count, skipped=skipped)


# --- HTTP: GET {TIKTOK_BASE_URL}/open_api/v1.3/report/integrated/get/ with an Access-Token -------------

CREDENTIAL = Credential("TIKTOK_ACCESS_TOKEN")
ADVERTISERS_VARIABLE = "TIKTOK_ADVERTISER_IDS"
DEFAULT_BASE_URL = "https://business-api.tiktok.com"
PATH = "/open_api/v1.3/report/integrated/get/"
PAGE_SIZE = 1000  # the documented maximum
MAX_DAYS = 30  # TikTok rejects longer stat_time_day ranges
MAX_PAGES = 1000
# TikTok answers HTTP 200 with a non-zero body code on errors, which urllib3's Retry cannot see.
RATE_LIMIT_CODES = frozenset({40100})  # "requests too frequent" (QPS/QPM/QPD) [3P-OBSERVED]
TOKEN_CODES = frozenset({40102, 40104, 40105})  # token expired / empty / invalid or revoked [UNCONFIRMED]
RATE_LIMIT_ATTEMPTS = 4  # 1 call + 3 retries, waiting 10 s, 20 s, 40 s (x EWH_HTTP_BACKOFF_FACTOR)
AUDIENCE_METRICS = ["spend", "impressions", "clicks"]
# (report_type, dimensions, metrics): the country report first, then the video metrics
REPORTS = [
    ("AUDIENCE", ["campaign_id", "country_code", "stat_time_day"], AUDIENCE_METRICS),
    ("BASIC", ["campaign_id", "stat_time_day"], BASIC_METRICS),
]


def _call(session, url: str, params: dict, headers: dict) -> dict:
    """One report page; body-level rate limits get a bounded retry, a rejected token is a ConfigError.

    HTTP 429/5xx are retried by the shared urllib3 policy; this loop only handles TikTok's HTTP-200
    error bodies, at most ``RATE_LIMIT_ATTEMPTS`` calls and about 70 s of waiting by default.
    """
    factor = float(setting("EWH_HTTP_BACKOFF_FACTOR") or 1.0)
    where = f"GET {PATH}"
    for attempt in range(RATE_LIMIT_ATTEMPTS):
        body = request_json(
            session, "GET", url, source=SOURCE, credential=CREDENTIAL, headers=headers, params=params
        )
        code = body.get("code")
        message = str(body.get("message", ""))[:200]
        if code == 0:
            return body
        if code in TOKEN_CODES:
            raise ConfigError(
                f"[{SOURCE}] {where} returned code {code} ({message}): check {CREDENTIAL.variable}"
            )
        if code not in RATE_LIMIT_CODES:
            raise VendorResponseError(f"[{SOURCE}] {where} returned code {code!r}: {message}")
        if attempt + 1 < RATE_LIMIT_ATTEMPTS:
            time.sleep(min(60.0, 10.0 * factor * 2**attempt))
    raise VendorResponseError(
        f"[{SOURCE}] {where} still rate limited (code {code}) after {RATE_LIMIT_ATTEMPTS} attempts"
    )


def report_pages(session, base: str, headers: dict, params: dict) -> list[dict]:
    """Every page of one report (``page`` = 1..``page_info.total_page``)."""
    pages: list[dict] = []
    page, total = 1, 1
    while page <= total:
        if page > MAX_PAGES:
            raise VendorResponseError(f"[{SOURCE}] more than {MAX_PAGES} pages: stopping")
        body = _call(session, f"{base}{PATH}", params | {"page": page, "page_size": PAGE_SIZE}, headers)
        info = (body.get("data") or {}).get("page_info") if isinstance(body.get("data"), dict) else None
        if not isinstance(info, dict) or not isinstance(info.get("total_page"), int):
            raise VendorResponseError(f"[{SOURCE}] GET {PATH} page {page} has no data.page_info.total_page")
        pages.append(body)
        total = info["total_page"]
        page += 1
    return pages


def _chunks(first: date, end: date) -> list[tuple[date, date]]:
    """[first, end) as inclusive (start, last) ranges of at most MAX_DAYS days."""
    starts = pl.date_range(first, end - timedelta(days=1), f"{MAX_DAYS}d", eager=True).to_list()
    return [(s, min(s + timedelta(days=MAX_DAYS - 1), end - timedelta(days=1))) for s in starts]


def fetch(first: date, end: date) -> list[ApiExport]:
    """Per advertiser: every page of the AUDIENCE-by-country and BASIC reports for [first, end)."""
    base = (setting("TIKTOK_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
    advertisers = numeric_ids(SOURCE, ADVERTISERS_VARIABLE)
    headers = {"Access-Token": CREDENTIAL.value(SOURCE)}
    session = build_session()
    exports = []
    for advertiser in advertisers:
        pages: list[dict] = []
        for report_type, dimensions, metrics in REPORTS:
            for start, stop in _chunks(first, end):
                params = {
                    "advertiser_id": advertiser,
                    "service_type": "AUCTION",
                    "report_type": report_type,
                    "data_level": "AUCTION_CAMPAIGN",
                    "dimensions": json.dumps(dimensions),
                    "metrics": json.dumps(metrics),
                    "start_date": start.isoformat(),
                    "end_date": stop.isoformat(),
                }
                pages.extend(report_pages(session, base, headers, params))
        exports.append(ApiExport.of_pages(DATASET, first, end, pages, key=advertiser))
    return exports


CONNECTOR = Connector(
    source=SOURCE,
    vendor=VENDOR,
    version=VERSION,
    file_patterns=("*.json",),
    parse=parse,
    fetch=fetch,
    credential_variable=CREDENTIAL.variable,
    settings=(ADVERTISERS_VARIABLE, "TIKTOK_BASE_URL"),
    description="TikTok API for Business integrated reports (campaign x day, by country, video) as JSON",
)
