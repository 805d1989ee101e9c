"""LinkedIn Marketing API ``GET /rest/adAnalytics`` responses (daily ad analytics), saved to a file.

One saved export is a JSON array of raw responses (or one response object): ``{"paging": {...},
"elements": [{"dateRange": {"start": {"year", "month", "day"}, "end": {...}}, "pivotValues": [URN...],
"impressions": 12500, "clicks": 185, "costInLocalCurrency": "2312.50", "costInUsd": "2312.50",
"videoViews": 0, ...}]}``. Costs are decimal strings (sometimes with long fractions), counts integers.
``adAnalytics`` is not paginated (LinkedIn documents this); an empty ``elements`` means no activity.

Both finders are read: ``q=analytics`` (one ``pivot``, e.g. ``CAMPAIGN``) and ``q=statistics`` (up to
three ``pivots``); ``fetch`` uses ``pivots=List(ACCOUNT,CAMPAIGN)`` so every element names its own ad
account. Pivot values are read by URN type, not by position: ``urn:li:sponsoredAccount:<id>`` ->
``account``, ``urn:li:sponsoredCampaign:<id>`` -> ``campaign_id``; the full list stays in ``attributes``.

Mapping: ``impressions`` -> ``ad_impressions`` (required: a response without the field is rejected naming
it; a bad value quarantines the row) carrying ``costInUsd`` as ``cost_amount`` in ``USD``. The response does
not carry the account's currency code, so ``costInLocalCurrency`` goes to ``attributes``, and is the cost
only when ``costInUsd`` was not asked for: then ``cost_currency`` is null and ``cost_currency_unknown`` says
why. ``cost_amount_net`` = ``cost_amount`` (adAnalytics states no credits). ``videoViews`` ->
``video_views``. ``pivotValues`` is optional (an element without it has no account or campaign).
LinkedIn reports no video watch time (``averageDwellTime`` is on-screen dwell, not watch time), so there
are no ``ad_view_seconds`` rows. ``ad_format`` is ``video`` when the record has ``videoViews > 0`` (only
video creatives report views), else ``social`` (Sponsored Content / Messaging in the LinkedIn feed).

Country stays null: the ``MEMBER_COUNTRY_V2`` pivot returns ``urn:li:geo:<id>`` values that need a
separate geo lookup (which returns names, not ISO codes), and LinkedIn approximates professional
demographic pivots for privacy (and does not adjust their cost for over-delivery), so country rows would
not add up to the campaign totals. ``device`` and ``placement`` are null (not broken down).

Dates: LinkedIn reports days in UTC [3P-OBSERVED]. ``timeGranularity=DAILY`` elements cover one day;
``MONTHLY``, ``YEARLY`` or ``ALL`` elements cover their ``dateRange`` and are spread evenly over its days
(``spread_days`` in ``attributes``), never put on the first day. A ``dateRange`` that is not a date (or ends
before it starts) quarantines its element with the reason. The days an API export covers come from its name
(``ad_analytics_api_<first>_<last>.json``) so a day that became empty replaces its old rows.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from connectors.core.ads import ad_measures, delivery_columns
from connectors.core.base import ApiExport, Connector, ExportFormatError, ParsedExport, window_days
from connectors.core.frames import (
    ensure_columns,
    json_attributes,
    natural_key,
    require_columns,
    spread_over_days,
    unpivot_measures,
)
from connectors.core.http import Credential, build_session, numeric_ids, request_json
from connectors.core.json_pages import explode_pages, read_pages
from connectors.core.schema import MONEY, PARSED_SCHEMA, conform
from connectors.core.settings import setting

SOURCE = "linkedin_ads"
VERSION = "1.0.0"
DATASET = "ad_analytics"
VENDOR = "linkedin"
SERVICE = "linkedin.ads"

ACCOUNT_URN = "urn:li:sponsoredAccount:"
CAMPAIGN_URN = "urn:li:sponsoredCampaign:"
MEASURES = ad_measures(impressions="impressions", video_views="videoViews")
METRICS = [
    "impressions",
    "clicks",
    "costInLocalCurrency",
    "costInUsd",
    "videoViews",
    "videoStarts",
    "videoCompletions",
    "landingPageClicks",
    "totalEngagements",
]
ATTRIBUTES = [
    "pivot_values",
    "clicks",
    "costInLocalCurrency",
    "costInUsd",
    "videoStarts",
    "videoCompletions",
    "landingPageClicks",
    "totalEngagements",
]
CURRENCY_UNKNOWN = (
    "costInLocalCurrency is in the ad account's currency, which adAnalytics does not state; ask for costInUsd"
)


def _read_elements(raw: bytes, file: str) -> pl.DataFrame:
    """One row per ``elements[]`` item with ``_pointer`` = ``_record`` (``[/<response>]/elements/<i>``)."""
    responses = read_pages(SOURCE, file, raw)
    if "elements" not in responses.columns:
        raise ExportFormatError(SOURCE, file, "no 'elements' array: not an adAnalytics response")
    if not isinstance(responses.schema["elements"], pl.List):
        raise ExportFormatError(SOURCE, file, "'elements' is not an array")
    exploded = explode_pages(responses, pl.col("elements"), "elements", "elements").filter(
        pl.col("elements").is_not_null()
    )
    if exploded.is_empty():
        return pl.DataFrame()
    if not isinstance(exploded.schema["elements"], pl.Struct):
        raise ExportFormatError(SOURCE, file, "'elements' holds values that are not objects")
    return exploded.drop("_page").with_columns(pl.col("_pointer").alias("_record")).unnest("elements")


def _day(frame: pl.DataFrame, part: str) -> pl.Expr:
    """``dateRange.<part>`` (``{"year", "month", "day"}``) as a date; null when absent or not a date."""
    dtype = frame.schema["dateRange"]
    fields = {f.name: f.dtype for f in dtype.fields} if isinstance(dtype, pl.Struct) else {}
    inner = fields.get(part)
    if not isinstance(inner, pl.Struct) or not {n for n, _ in DATE_PARTS} <= {f.name for f in inner.fields}:
        return pl.lit(None, dtype=pl.Date)
    field = pl.col("dateRange").struct.field(part)
    types = {f.name: f.dtype for f in inner.fields}
    if any(types[name].is_nested() for name, _ in DATE_PARTS):
        return pl.lit(None, dtype=pl.Date)  # a list or object where a number belongs: the record is held
    parts = [field.struct.field(name).cast(pl.String).str.zfill(w) for name, w in DATE_PARTS]
    return pl.format("{}-{}-{}", *parts).str.to_date("%Y-%m-%d", strict=False)


DATE_PARTS = (("year", 4), ("month", 2), ("day", 2))


def _urn_id(prefix: str) -> pl.Expr:
    """The id of the first pivot value of one URN type (``urn:li:sponsoredCampaign:612345001`` -> id)."""
    return (
        pl.col("pivotValues")
        .list.eval(pl.element().filter(pl.element().str.starts_with(prefix)))
        .list.first()
        .str.strip_prefix(prefix)
    )


def _text(frame: pl.DataFrame, column: str) -> pl.Expr:
    if column not in frame.columns or frame.schema[column].is_nested():
        return pl.lit(None, dtype=pl.String)
    return pl.col(column).cast(pl.String).str.strip_chars()


def parse(raw: bytes, file: str) -> ParsedExport:
    elements = _read_elements(raw, file)
    covered = window_days(SOURCE, file)
    count = elements.height  # records as read, before anything is filtered
    if count == 0:
        return ParsedExport(DATASET, conform(pl.DataFrame(), PARSED_SCHEMA), covered, 0)
    require_columns(SOURCE, file, elements.columns, ["dateRange", "impressions"], "the adAnalytics response")
    if not isinstance(elements.schema["dateRange"], pl.Struct):
        raise ExportFormatError(SOURCE, file, "'dateRange' is not an object with start and end")
    if "pivotValues" in elements.columns and not isinstance(elements.schema["pivotValues"], pl.List):
        raise ExportFormatError(SOURCE, file, "'pivotValues' is not an array")
    elements = ensure_columns(elements, {"pivotValues": pl.List(pl.String)})

    usd, local = _text(elements, "costInUsd"), _text(elements, "costInLocalCurrency")
    records = elements.with_columns(
        _day(elements, "start").alias("_start_day"),
        _day(elements, "end").alias("_end_day"),
        pl.col("pivotValues").cast(pl.List(pl.String)).list.join(",").alias("pivot_values"),
        _urn_id(ACCOUNT_URN).alias("account"),
        _urn_id(CAMPAIGN_URN).alias("campaign_id"),
        # costInUsd states its currency; costInLocalCurrency is in the ad account's currency, which the
        # response does not carry: it is the cost only when costInUsd was not asked for (currency unknown)
        pl.coalesce(usd, local).cast(MONEY, strict=False).alias("_cost"),
        pl.when(usd.is_not_null()).then(pl.lit("USD")).alias("_currency"),
        pl.when(usd.is_null() & local.is_not_null())
        .then(pl.lit(CURRENCY_UNKNOWN))
        .alias("cost_currency_unknown"),
    )
    records = records.with_columns(
        pl.when(pl.col("_start_day").is_null())
        .then(pl.lit("dateRange has no readable start day"))
        .when(pl.col("_end_day").is_null())
        .then(pl.lit("dateRange has no readable end day"))
        .when(pl.col("_end_day") < pl.col("_start_day"))
        .then(pl.lit("dateRange ends before it starts"))
        .alias("_problem"),
    )
    video = _numeric(records, "videoViews").fill_null(0) > 0
    records = records.with_columns(
        pl.when(video).then(pl.lit("video")).otherwise(pl.lit("social")).alias("ad_format"),
        natural_key(["_start_day", "_end_day", "pivot_values"]).alias("_key"),
        _numeric(records, "impressions").alias("impressions"),
        _numeric(records, "videoViews").alias("videoViews"),
    )
    # MONTHLY / ALL granularity (or a hand-made range): each record is spread evenly over its days
    ok = pl.col("_problem").is_null()
    spread = spread_over_days(
        records.with_columns(
            pl.when(ok).then(pl.col("_start_day")).alias("_first"),
            pl.when(ok).then(pl.col("_end_day")).alias("_last"),
        ),
        "_first",
        "_last",
        ["impressions", "videoViews"],
        money=["_cost"],
    ).with_columns(
        pl.when(pl.col("_spread_days") > 1).then(pl.col("_spread_days")).alias("spread_days"),
        pl.coalesce("_spread_day", "_start_day").alias("_day"),
    )
    # method flags go into attributes only when some record needs them
    flags = [c for c in ("spread_days", "cost_currency_unknown") if spread.get_column(c).is_not_null().any()]
    spread = spread.with_columns(json_attributes(ATTRIBUTES + flags, spread).alias("attributes"))
    long = unpivot_measures(spread, MEASURES)
    # LinkedIn states no credits or discounts in adAnalytics: net is the cost it reports
    rows = long.with_columns(
        delivery_columns(
            "_day",
            pl.col("_cost"),
            pl.col("_currency"),
            vendor=VENDOR,
            service=SERVICE,
            dataset=DATASET,
            spread=True,
        )
    )
    days = sorted(set(covered) | set(spread.get_column("_day").drop_nulls().unique().to_list()))
    return ParsedExport(DATASET, conform(rows, PARSED_SCHEMA), days, count)


def _numeric(frame: pl.DataFrame, column: str) -> pl.Expr:
    if column not in frame.columns or frame.schema[column].is_nested():
        return pl.lit(None, dtype=pl.Float64)
    return pl.col(column).cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)


# --- HTTP: GET {LINKEDIN_BASE_URL}/rest/adAnalytics?q=statistics with a member OAuth token --------------

CREDENTIAL = Credential("LINKEDIN_ACCESS_TOKEN")
ACCOUNTS_VARIABLE = "LINKEDIN_AD_ACCOUNT_IDS"
DEFAULT_BASE_URL = "https://api.linkedin.com"
DEFAULT_API_VERSION = "202606"  # LinkedIn-Version (YYYYMM); versions sunset after about a year
FIELDS = ["dateRange", "pivotValues", *METRICS]


def account_urns() -> list[str]:
    """Ad account ids from ``LINKEDIN_AD_ACCOUNT_IDS``: comma separated, bare ids or account URNs."""
    return [f"{ACCOUNT_URN}{i}" for i in numeric_ids(SOURCE, ACCOUNTS_VARIABLE, prefix=ACCOUNT_URN)]


def _restli_date(day: date) -> str:
    return f"(year:{day.year},month:{day.month},day:{day.day})"


def analytics_query(account_urn: str, first: date, last: date) -> str:
    """The Rest.li 2.0 query: URNs percent-encoded inside ``List(...)``, parentheses left as they are."""
    encoded = account_urn.replace(":", "%3A")
    return "&".join(
        [
            "q=statistics",
            "pivots=List(ACCOUNT,CAMPAIGN)",
            "timeGranularity=DAILY",
            f"dateRange=(start:{_restli_date(first)},end:{_restli_date(last)})",
            f"accounts=List({encoded})",
            f"fields={','.join(FIELDS)}",
        ]
    )


def fetch(first: date, end: date) -> list[ApiExport]:
    """One ``adAnalytics`` call per ad account for [first, end) (not paginated), all before landing."""
    base = (setting("LINKEDIN_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
    version = (setting("LINKEDIN_API_VERSION") or DEFAULT_API_VERSION).strip()
    last = end - timedelta(days=1)
    urns = account_urns()
    session = build_session()
    headers = {
        "Authorization": f"Bearer {CREDENTIAL.value(SOURCE)}",
        "LinkedIn-Version": version,
        "X-Restli-Protocol-Version": "2.0.0",
    }
    responses = [
        request_json(
            session,
            "GET",
            f"{base}/rest/adAnalytics",
            source=SOURCE,
            credential=CREDENTIAL,
            headers=headers,
            params=analytics_query(urn, first, last),
        )
        for urn in urns
    ]
    return [ApiExport.of_pages(DATASET, first, end, responses)]


CONNECTOR = Connector(
    source=SOURCE,
    vendor=VENDOR,
    version=VERSION,
    file_patterns=("*.json",),
    parse=parse,
    fetch=fetch,
    credential_variable=CREDENTIAL.variable,
    settings=(ACCOUNTS_VARIABLE, "LINKEDIN_BASE_URL", "LINKEDIN_API_VERSION"),
    description="LinkedIn Marketing API adAnalytics (daily, by ad account and campaign) saved as JSON",
)
