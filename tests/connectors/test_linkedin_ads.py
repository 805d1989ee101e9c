"""LinkedIn adAnalytics responses -> canonical ad rows, and the API fetch against a real local server."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, date, datetime
from decimal import Decimal

import polars as pl
import pytest
from werkzeug import Request, Response

from connectors.core.config import BUNDLED_SAMPLES
from connectors.core.http import ConfigError, VendorResponseError
from connectors.core.schema import validate
from connectors.landing.ingest import Window, ingest_source
from connectors.landing.zone import read_manifest
from connectors.linkedin import ads as linkedin_ads
from connectors.linkedin.ads import CONNECTOR, parse
from tests.support.http import fast_backoff  # noqa: F401  (autouse: short retry backoff)
from tests.support.landing import as_json, assert_parse_fails, assert_samples_land_without_quarantine

TOKEN = "AQV-TEST-SECRET-linkedin-0123456789"
SEP = Window(date(2026, 9, 1), date(2026, 9, 3))


def _element(account: str | None, campaign: str, day: int, **metrics) -> dict:
    pivots = ([f"urn:li:sponsoredAccount:{account}"] if account else []) + [
        f"urn:li:sponsoredCampaign:{campaign}"
    ]
    when = {"year": 2026, "month": 9, "day": day}
    return {"dateRange": {"start": when, "end": when}, "pivotValues": pivots, **metrics}


# q=statistics, pivots=List(ACCOUNT,CAMPAIGN): one response per account, the second one empty
STATISTICS = [
    {
        "paging": {"start": 0, "count": 10, "links": []},
        "elements": [
            _element(
                "507123456",
                "612345001",
                1,
                impressions=12500,
                clicks=185,
                costInLocalCurrency="2312.50",
                costInUsd="107.5300000000000335346",
                videoViews=0,
            ),
            _element(
                "507123456",
                "612345002",
                2,
                impressions=8000,
                clicks=40,
                costInLocalCurrency="180.00",
                costInUsd="180.00",
                videoViews=2400,
                videoCompletions=610,
            ),
        ],
    },
    {"paging": {"start": 0, "count": 10, "links": []}, "elements": []},
]


def test_statistics_response_set_becomes_impression_and_view_rows():
    parsed = parse(as_json(STATISTICS), "ad_analytics_api_2026-09-01_2026-09-03.json")
    assert parsed.dataset == "ad_analytics"
    assert parsed.raw_records == 2
    # the whole window of the export name is covered, including the day without any element
    assert parsed.days == [date(2026, 9, 1), date(2026, 9, 2), date(2026, 9, 3)]
    rows = parsed.rows.sort("source_row")
    assert rows.select(
        "activity_type",
        "quantity",
        "unit",
        "account",
        "campaign_id",
        "ad_format",
        "cost_amount",
        "cost_currency",
        "usage_date",
        "source_row",
    ).rows() == [
        (
            "ad_impressions",
            12500.0,
            "impressions",
            "507123456",
            "612345001",
            "social",
            Decimal("107.530000000000"),
            "USD",
            date(2026, 9, 1),
            "/0/elements/0#impressions",
        ),
        (
            "video_views",
            0.0,
            "views",
            "507123456",
            "612345001",
            "social",
            None,
            None,
            date(2026, 9, 1),
            "/0/elements/0#videoViews",
        ),
        (
            "ad_impressions",
            8000.0,
            "impressions",
            "507123456",
            "612345002",
            "video",
            Decimal("180.000000000000"),
            "USD",
            date(2026, 9, 2),
            "/0/elements/1#impressions",
        ),
        (
            "video_views",
            2400.0,
            "views",
            "507123456",
            "612345002",
            "video",
            None,
            None,
            date(2026, 9, 2),
            "/0/elements/1#videoViews",
        ),
    ]
    first = rows.row(0, named=True)
    assert (first["vendor"], first["service"], first["model"], first["country"], first["device"]) == (
        "linkedin",
        "linkedin.ads",
        None,
        None,
        None,
    )
    assert first["usage_start"] == datetime(2026, 9, 1, tzinfo=UTC)
    assert first["usage_end"] == datetime(2026, 9, 2, tzinfo=UTC)
    assert first["natural_key"] == (
        "2026-09-01|2026-09-01|urn:li:sponsoredAccount:507123456,urn:li:sponsoredCampaign:612345001|impressions"
    )
    assert json.loads(first["attributes"]) == {
        "pivot_values": "urn:li:sponsoredAccount:507123456,urn:li:sponsoredCampaign:612345001",
        "clicks": 185,
        "costInLocalCurrency": "2312.50",
        "costInUsd": "107.5300000000000335346",
        "videoCompletions": None,
    }
    assert validate(parsed.rows)[1].height == 0


def test_analytics_finder_single_response_without_account_pivot():
    """q=analytics&pivot=CAMPAIGN saved as one object: no account URN, days from the records only."""
    response = {
        "paging": {"start": 0, "count": 10, "links": []},
        "elements": [_element(None, "612345003", 5, impressions=1500, clicks=44, costInUsd="465.10")],
    }
    parsed = parse(as_json(response), "linkedin_campaigns.json")
    assert parsed.days == [date(2026, 9, 5)]
    assert parsed.rows.select("activity_type", "quantity", "account", "campaign_id", "source_row").rows() == [
        ("ad_impressions", 1500.0, None, "612345003", "/elements/0#impressions")
    ]


def test_no_activity_still_covers_the_window_so_old_days_are_cleared():
    parsed = parse(as_json([STATISTICS[1], STATISTICS[1]]), "ad_analytics_api_2026-09-01_2026-09-02.json")
    assert (parsed.dataset, parsed.raw_records, parsed.rows.height) == ("ad_analytics", 0, 0)
    assert parsed.days == [date(2026, 9, 1), date(2026, 9, 2)]


def test_ids_are_stable_when_a_corrected_export_changes_the_numbers():
    corrected = json.loads(json.dumps(STATISTICS))
    corrected[0]["elements"][0]["impressions"] = 12600
    first = parse(as_json(STATISTICS), "a.json").rows.sort("source_row").get_column("natural_key")
    second = parse(as_json(corrected), "b.json").rows.sort("source_row").get_column("natural_key")
    assert first.to_list() == second.to_list()


def test_a_bad_count_quarantines_its_row_only():
    bad = [{"elements": [_element("1", "2", 1, impressions="lots", videoViews=3)]}]
    valid, invalid = validate(parse(as_json(bad), "x.json").rows)
    assert invalid.select("source_row", "_reason").rows() == [
        ("/0/elements/0#impressions", "quantity missing or not a number")
    ]
    assert valid.get_column("activity_type").to_list() == ["video_views"]


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        (b"", "file is empty"),
        (b'{"elements": [', "malformed JSON"),
        (b'{"data": []}', "no 'elements' array"),
        (
            as_json({"elements": [{"pivotValues": ["urn:li:sponsoredCampaign:1"], "impressions": 3}]}),
            "dateRange",
        ),
        (as_json({"elements": [{"dateRange": {}, "pivotValues": [], "clicks": 3}]}), "'impressions'"),
    ],
)
def test_unreadable_files_name_the_file_and_the_problem(payload, problem):
    assert_parse_fails(parse, payload, "ad_analytics_broken.json", "ad_analytics_broken.json", problem)


def test_every_bundled_sample_lands_without_quarantine(paths):
    files = sorted((BUNDLED_SAMPLES / "linkedin_ads").glob("*.json"))
    assert len(files) >= 2
    assert_samples_land_without_quarantine(CONNECTOR, files, paths)


# --- API -----------------------------------------------------------------------------------------------


@pytest.fixture
def linkedin_api(httpserver, monkeypatch):
    monkeypatch.setenv("LINKEDIN_BASE_URL", httpserver.url_for("/"))
    monkeypatch.setenv("LINKEDIN_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("LINKEDIN_AD_ACCOUNT_IDS", "507123456, urn:li:sponsoredAccount:509000111")
    return httpserver


def _landed(paths) -> pl.DataFrame:
    return pl.read_parquet(paths.activity / "source=linkedin_ads" / "**" / "*.parquet")


def test_fetch_calls_each_account_with_restli_query_and_headers(linkedin_api, paths):
    seen: list[Request] = []

    def handle(request: Request) -> Response:
        seen.append(request)
        body = STATISTICS[0] if "507123456" in request.query_string.decode() else STATISTICS[1]
        return Response(json.dumps(body), content_type="application/json")

    linkedin_api.expect_request("/rest/adAnalytics").respond_with_handler(handle)
    (result,) = ingest_source(CONNECTOR, paths, window=SEP)

    assert len(seen) == 2
    query = seen[0].query_string.decode()
    assert query == (
        "q=statistics&pivots=List(ACCOUNT,CAMPAIGN)&timeGranularity=DAILY"
        "&dateRange=(start:(year:2026,month:9,day:1),end:(year:2026,month:9,day:2))"
        "&accounts=List(urn%3Ali%3AsponsoredAccount%3A507123456)"
        "&fields=dateRange,pivotValues,impressions,clicks,costInLocalCurrency,costInUsd,videoViews,"
        "videoStarts,videoCompletions,landingPageClicks,totalEngagements"
    )
    assert "List(urn%3Ali%3AsponsoredAccount%3A509000111)" in seen[1].query_string.decode()
    headers = seen[0].headers
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers["X-Restli-Protocol-Version"] == "2.0.0"
    assert headers["LinkedIn-Version"] == "202606"
    assert result.original_name == "ad_analytics_api_2026-09-01_2026-09-02.json"
    assert (result.raw_records, result.rows_landed, result.rows_quarantined) == (2, 4, 0)
    assert result.days == (date(2026, 9, 1), date(2026, 9, 2))
    assert set(_landed(paths).get_column("account")) == {"507123456"}
    archived = json.loads((paths.landing / f"raw/linkedin_ads/{result.source_sha256}.json").read_text())
    assert archived == STATISTICS


def test_429_with_retry_after_then_success(linkedin_api, paths, monkeypatch):
    monkeypatch.setenv("LINKEDIN_AD_ACCOUNT_IDS", "507123456")
    attempts: list[float] = []

    def handle(request: Request) -> Response:
        attempts.append(time.monotonic())
        if len(attempts) == 1:
            body = {"status": 429, "code": "TOO_MANY_REQUESTS", "message": "Resource level throttle limit"}
            return Response(json.dumps(body), status=429, headers={"Retry-After": "1"})
        return Response(json.dumps(STATISTICS[0]), content_type="application/json")

    linkedin_api.expect_request("/rest/adAnalytics").respond_with_handler(handle)
    (result,) = ingest_source(CONNECTOR, paths, window=SEP)
    assert len(attempts) == 2 and attempts[1] - attempts[0] >= 0.95
    assert result.rows_landed == 4


def test_401_names_the_variable_never_the_token(linkedin_api, paths, caplog):
    calls = []

    def handle(request: Request) -> Response:
        calls.append(1)
        body = {
            "status": 401,
            "serviceErrorCode": 65600,
            "code": "INVALID_ACCESS_TOKEN",
            "message": "Invalid",
        }
        return Response(json.dumps(body), status=401, content_type="application/json")

    linkedin_api.expect_request("/rest/adAnalytics").respond_with_handler(handle)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ConfigError) as err:
        ingest_source(CONNECTOR, paths, window=SEP)
    assert len(calls) == 1
    assert "check LINKEDIN_ACCESS_TOKEN" in str(err.value) and "401" in str(err.value)
    assert TOKEN not in str(err.value) and TOKEN not in caplog.text
    assert read_manifest(paths).height == 0


def test_malformed_json_is_a_vendor_response_error(linkedin_api, paths):
    linkedin_api.expect_request("/rest/adAnalytics").respond_with_data(
        '{"elements": [', content_type="application/json"
    )
    with pytest.raises(VendorResponseError, match=r"/rest/adAnalytics returned malformed JSON"):
        ingest_source(CONNECTOR, paths, window=SEP)


def test_missing_account_ids_is_a_config_error(linkedin_api, paths, monkeypatch):
    monkeypatch.delenv("LINKEDIN_AD_ACCOUNT_IDS")
    with pytest.raises(ConfigError, match="LINKEDIN_AD_ACCOUNT_IDS is not set"):
        ingest_source(CONNECTOR, paths, window=SEP)


def test_account_urns_accepts_ids_and_urns(monkeypatch):
    monkeypatch.setenv("LINKEDIN_AD_ACCOUNT_IDS", " 1 ,urn:li:sponsoredAccount:22,")
    assert linkedin_ads.account_urns() == ["urn:li:sponsoredAccount:1", "urn:li:sponsoredAccount:22"]
    monkeypatch.setenv("LINKEDIN_AD_ACCOUNT_IDS", "acme")
    with pytest.raises(ConfigError, match="not numeric"):
        linkedin_ads.account_urns()
