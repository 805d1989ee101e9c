"""TikTok integrated reports -> canonical ad rows, and the API fetch against a real local server."""

from __future__ import annotations

import json
import logging
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
from connectors.tiktok import ads as tiktok_ads
from connectors.tiktok.ads import CONNECTOR, parse
from tests.support.http import fast_backoff  # noqa: F401  (autouse: short retry backoff)
from tests.support.landing import as_json, assert_parse_fails, assert_samples_land_without_quarantine

TOKEN = "act.TEST-SECRET-tiktok-0123456789abcdef"
ADV = "7012345678901234567"
ADV2 = "7098765432109876543"
CAMPAIGN = "1680018437245954"
PATH = "/open_api/v1.3/report/integrated/get/"
NAME = f"integrated_report_api_{ADV}_2026-09-01_2026-09-02.json"


def _row(campaign: str, day: str, metrics: dict, country: str | None = None) -> dict:
    dimensions = {"campaign_id": campaign, "stat_time_day": f"{day} 00:00:00"}
    if country:
        dimensions["country_code"] = country
    return {"dimensions": dimensions, "metrics": metrics}


def _page(rows: list[dict], page: int = 1, total_page: int = 1, total: int | None = None) -> dict:
    info = {"page": page, "page_size": 1000, "total_number": len(rows) if total is None else total}
    return {
        "code": 0,
        "message": "OK",
        "request_id": f"2026090100000000000000000{page}",
        "data": {"page_info": info | {"total_page": total_page}, "list": rows},
    }


AUDIENCE = _page(
    [
        _row(CAMPAIGN, "2026-09-01", {"spend": "7.50", "impressions": "3000", "clicks": "80"}, "US"),
        _row(CAMPAIGN, "2026-09-01", {"spend": "5.00", "impressions": "1200", "clicks": "-"}, "GB"),
    ]
)
BASIC = _page(
    [
        _row(
            CAMPAIGN,
            "2026-09-01",
            {
                "currency": "USD",
                "spend": "12.50",
                "impressions": "4200",
                "clicks": "123",
                "video_play_actions": "980",
                "average_video_play": "3.50",
            },
        ),
        # delivered on a day without any AUDIENCE row: keeps its own impressions, country unknown
        _row(
            "1680018437246120",
            "2026-09-02",
            {
                "currency": "USD",
                "spend": "1.00",
                "impressions": "100",
                "clicks": "-",
                "video_play_actions": "0",
                "average_video_play": "-",
            },
        ),
    ]
)


def test_country_report_carries_impressions_and_shares_out_the_video_totals():
    parsed = parse(as_json([AUDIENCE, BASIC]), NAME)
    assert parsed.dataset == f"integrated_report_{ADV}"
    assert parsed.raw_records == 4
    assert parsed.days == [date(2026, 9, 1), date(2026, 9, 2)]
    rows = parsed.rows.sort("source_row")
    assert rows.select(
        "activity_type",
        "quantity",
        "unit",
        "country",
        "campaign_id",
        "ad_format",
        "cost_amount",
        "cost_currency",
    ).rows() == [
        ("ad_impressions", 3000.0, "impressions", "USA", CAMPAIGN, "video", Decimal("7.5"), "USD"),
        # US had 3000 of the 4200 impressions: 5/7 of the 980 plays and of the 980 x 3.5 s watched
        ("video_views", 700.0, "views", "USA", CAMPAIGN, "video", None, None),
        ("ad_view_seconds", 2450.0, "seconds", "USA", CAMPAIGN, "video", None, None),
        ("ad_impressions", 1200.0, "impressions", "GBR", CAMPAIGN, "video", Decimal("5"), "USD"),
        ("video_views", 280.0, "views", "GBR", CAMPAIGN, "video", None, None),
        ("ad_view_seconds", 980.0, "seconds", "GBR", CAMPAIGN, "video", None, None),
        ("ad_impressions", 100.0, "impressions", None, "1680018437246120", "social", Decimal("1"), "USD"),
        ("video_views", 0.0, "views", None, "1680018437246120", "social", None, None),
    ]
    assert rows.get_column("source_row").to_list() == [
        "/0/data/list/0#impressions",
        "/0/data/list/0#video_play_actions",
        "/0/data/list/0#video_watch_seconds",
        "/0/data/list/1#impressions",
        "/0/data/list/1#video_play_actions",
        "/0/data/list/1#video_watch_seconds",
        "/1/data/list/1#impressions",
        "/1/data/list/1#video_play_actions",
    ]
    us = rows.row(1, named=True)
    assert (us["vendor"], us["service"], us["account"], us["device"], us["placement"]) == (
        "tiktok",
        "tiktok.ads",
        ADV,
        None,
        None,
    )
    assert (us["usage_start"], us["usage_end"], us["usage_date"]) == (
        datetime(2026, 9, 1, tzinfo=UTC),
        datetime(2026, 9, 2, tzinfo=UTC),
        date(2026, 9, 1),
    )
    assert us["natural_key"] == f"{ADV}|{CAMPAIGN}|∅|∅|2026-09-01 00:00:00|US|video_play_actions"
    attributes = json.loads(us["attributes"])
    assert attributes["video_source_row"] == "/1/data/list/0"
    assert attributes["video_share"] == pytest.approx(5 / 7)
    assert json.loads(rows.item(3, "attributes"))["clicks"] == "-"
    assert validate(parsed.rows)[1].height == 0


def test_basic_report_alone_gives_every_measure_without_country():
    """The documented example (vendor-formats.md §9) saved as one response: metric strings, '-' clicks."""
    page = {
        "code": 0,
        "message": "OK",
        "request_id": "20251114113337267C3017B572313C5F0A",
        "data": {
            "page_info": {"page": 1, "page_size": 1000, "total_number": 2, "total_page": 1},
            "list": [
                _row(
                    CAMPAIGN,
                    "2026-08-01",
                    {"spend": "12.50", "impressions": "4200", "clicks": "123", "video_play_actions": "980"},
                ),
                _row(
                    CAMPAIGN,
                    "2026-08-02",
                    {"spend": "0.00", "impressions": "0", "clicks": "-", "video_play_actions": "0"},
                ),
            ],
        },
    }
    parsed = parse(as_json(page), "tiktok_report.json")
    assert parsed.dataset == "integrated_report"
    assert parsed.days == [date(2026, 8, 1), date(2026, 8, 2)]
    rows = parsed.rows.sort("source_row")
    # no currency metric: the spend lands as cost with a null currency and says why (issue #13, class 5:
    # it used to be dropped); no average_video_play: no view seconds
    assert rows.select(
        "activity_type",
        "quantity",
        "country",
        "account",
        "ad_format",
        "cost_amount",
        "cost_currency",
        "source_row",
    ).rows() == [
        ("ad_impressions", 4200.0, None, None, "video", Decimal("12.5"), None, "/data/list/0#impressions"),
        ("video_views", 980.0, None, None, "video", None, None, "/data/list/0#video_play_actions"),
        ("ad_impressions", 0.0, None, None, "social", Decimal("0"), None, "/data/list/1#impressions"),
        ("video_views", 0.0, None, None, "social", None, None, "/data/list/1#video_play_actions"),
    ]
    attributes = json.loads(rows.item(0, "attributes"))
    assert attributes["spend"] == "12.50"
    assert "does not state" in attributes["cost_currency_unknown"]


def test_dash_impressions_quarantine_the_row_and_keep_the_video_unshared():
    audience = _page(
        [_row(CAMPAIGN, "2026-09-01", {"spend": "1.00", "impressions": "-", "clicks": "-"}, "DE")]
    )
    parsed = parse(as_json([audience, BASIC]), NAME)
    valid, invalid = validate(parsed.rows)
    assert invalid.select("source_row", "_reason").rows() == [
        ("/0/data/list/0#impressions", "quantity missing or not a number")
    ]
    # the campaign-day's plays cannot be shared over unknown impressions: they stay whole, without country
    video = valid.filter(pl.col("campaign_id") == CAMPAIGN).sort("activity_type")
    assert video.select("activity_type", "quantity", "country", "source_row").rows() == [
        ("ad_view_seconds", 3430.0, None, "/1/data/list/0#video_watch_seconds"),
        ("video_views", 980.0, None, "/1/data/list/0#video_play_actions"),
    ]


def test_empty_report_still_covers_its_window():
    parsed = parse(as_json([_page([]), _page([])]), NAME)
    assert (parsed.raw_records, parsed.rows.height) == (0, 0)
    assert parsed.days == [date(2026, 9, 1), date(2026, 9, 2)]
    assert parsed.dataset == f"integrated_report_{ADV}"


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        (b"  ", "file is empty"),
        (b'[{"code": 0, "data": ', "malformed JSON"),
        (as_json({"code": 0, "message": "OK"}), "no 'data' object"),
        (as_json({"code": 0, "data": {"page_info": {}}}), "no 'list' array"),
        (
            as_json([AUDIENCE, {"code": 40100, "message": "Too many requests", "data": {"list": []}}]),
            "code 40100",
        ),
        (as_json(_page([{"metrics": {"impressions": "1"}}])), "no 'dimensions'"),
        # a report without impressions (a GMV Max report, say) cannot land ad rows: named, not emptied
        (
            as_json(_page([{"dimensions": {"campaign_id": "1"}, "metrics": {"spend": "1"}}])),
            "missing required column(s) 'impressions'",
        ),
    ],
)
def test_unreadable_files_name_the_file_and_the_problem(payload, problem):
    assert_parse_fails(parse, payload, "tiktok_broken.json", "tiktok_broken.json", problem)


def test_every_bundled_sample_lands_without_quarantine(paths):
    files = sorted((BUNDLED_SAMPLES / "tiktok_ads").glob("*.json"))
    assert len(files) >= 4
    assert_samples_land_without_quarantine(CONNECTOR, files, paths)
    landed = pl.read_parquet(paths.activity / "source=tiktok_ads" / "**" / "*.parquet")
    assert {"USA", "GBR", "DEU", "FRA"} <= set(landed.get_column("country").drop_nulls())
    assert set(landed.get_column("cost_currency").drop_nulls()) == {"USD", "EUR"}


# --- API -----------------------------------------------------------------------------------------------


@pytest.fixture
def tiktok_api(httpserver, monkeypatch):
    monkeypatch.setenv("TIKTOK_BASE_URL", httpserver.url_for("/"))
    monkeypatch.setenv("TIKTOK_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("TIKTOK_ADVERTISER_IDS", ADV)
    return httpserver


WINDOW = Window(date(2026, 9, 1), date(2026, 9, 3))


def _reports(calls: list[Request]):
    """AUDIENCE in two pages, BASIC in one, for whichever advertiser asks."""
    audience_pages = {
        "1": _page(AUDIENCE["data"]["list"][:1], page=1, total_page=2, total=2),
        "2": _page(AUDIENCE["data"]["list"][1:], page=2, total_page=2, total=2),
    }

    def handle(request: Request) -> Response:
        calls.append(request)
        assert request.headers["Access-Token"] == TOKEN
        audience = request.args["report_type"] == "AUDIENCE"
        body = audience_pages[request.args["page"]] if audience else BASIC
        # TikTok gives every response its own request_id, so two advertisers never send identical bytes
        body = body | {"request_id": f"{request.args['advertiser_id']}{len(calls):04d}"}
        return Response(json.dumps(body), content_type="application/json")

    return handle


def test_fetch_pages_through_both_reports_per_advertiser(tiktok_api, paths, monkeypatch):
    monkeypatch.setenv("TIKTOK_ADVERTISER_IDS", f"{ADV},{ADV2}")
    calls: list[Request] = []
    tiktok_api.expect_request(PATH).respond_with_handler(_reports(calls))
    results = ingest_source(CONNECTOR, paths, window=WINDOW)

    assert [(c.args["advertiser_id"], c.args["report_type"], c.args["page"]) for c in calls] == [
        (ADV, "AUDIENCE", "1"),
        (ADV, "AUDIENCE", "2"),
        (ADV, "BASIC", "1"),
        (ADV2, "AUDIENCE", "1"),
        (ADV2, "AUDIENCE", "2"),
        (ADV2, "BASIC", "1"),
    ]
    first = calls[0].args
    assert json.loads(first["dimensions"]) == ["campaign_id", "country_code", "stat_time_day"]
    assert json.loads(first["metrics"]) == ["spend", "impressions", "clicks"]
    assert (first["data_level"], first["service_type"], first["page_size"]) == (
        "AUCTION_CAMPAIGN",
        "AUCTION",
        "1000",
    )
    assert (first["start_date"], first["end_date"]) == ("2026-09-01", "2026-09-02")
    assert json.loads(calls[2].args["dimensions"]) == ["campaign_id", "stat_time_day"]
    assert "average_video_play" in json.loads(calls[2].args["metrics"])

    assert [r.original_name for r in results] == [
        f"integrated_report_api_{ADV}_2026-09-01_2026-09-02.json",
        f"integrated_report_api_{ADV2}_2026-09-01_2026-09-02.json",
    ]
    assert [(r.dataset, r.raw_records, r.rows_landed, r.rows_quarantined) for r in results] == [
        (f"integrated_report_{ADV}", 4, 8, 0),
        (f"integrated_report_{ADV2}", 4, 8, 0),
    ]
    landed = pl.read_parquet(paths.activity / "source=tiktok_ads" / "**" / "*.parquet")
    assert sorted(set(landed.get_column("account"))) == [ADV, ADV2]  # neither replaced the other
    archived = json.loads((paths.landing / f"raw/tiktok_ads/{results[0].source_sha256}.json").read_text())
    assert [p["data"]["page_info"]["page"] for p in archived] == [1, 2, 1]
    assert archived[0]["request_id"] == f"{ADV}0001"


def test_long_windows_are_split_into_30_day_requests(tiktok_api, paths):
    calls: list[Request] = []
    tiktok_api.expect_request(PATH).respond_with_handler(
        lambda r: calls.append(r) or Response(json.dumps(_page([])), content_type="application/json")
    )
    ingest_source(CONNECTOR, paths, window=Window(date(2026, 9, 1), date(2026, 10, 6)))
    ranges = [(c.args["report_type"], c.args["start_date"], c.args["end_date"]) for c in calls]
    assert ranges == [
        ("AUDIENCE", "2026-09-01", "2026-09-30"),
        ("AUDIENCE", "2026-10-01", "2026-10-05"),
        ("BASIC", "2026-09-01", "2026-09-30"),
        ("BASIC", "2026-10-01", "2026-10-05"),
    ]


def test_rate_limit_code_in_a_200_body_is_retried_then_succeeds(tiktok_api, paths):
    calls: list[Request] = []
    inner = _reports(calls)
    limited = []

    def handle(request: Request) -> Response:
        if not limited:
            limited.append(1)
            body = {"code": 40100, "message": "Requests made too frequently.", "request_id": "r", "data": {}}
            return Response(json.dumps(body), content_type="application/json")
        return inner(request)

    tiktok_api.expect_request(PATH).respond_with_handler(handle)
    (result,) = ingest_source(CONNECTOR, paths, window=WINDOW)
    assert len(limited) == 1 and len(calls) == 3
    assert result.rows_landed == 8


def test_rate_limit_code_retries_are_bounded(tiktok_api, paths):
    calls = []

    def handle(request: Request) -> Response:
        calls.append(1)
        body = {"code": 40100, "message": "Requests made too frequently.", "request_id": "r", "data": {}}
        return Response(json.dumps(body), content_type="application/json")

    tiktok_api.expect_request(PATH).respond_with_handler(handle)
    with pytest.raises(VendorResponseError, match="still rate limited"):
        ingest_source(CONNECTOR, paths, window=WINDOW)
    assert len(calls) == tiktok_ads.RATE_LIMIT_ATTEMPTS
    assert read_manifest(paths).height == 0


def test_http_429_then_success_goes_through_the_shared_retry(tiktok_api, paths):
    calls: list[Request] = []
    inner = _reports(calls)
    throttled = []

    def handle(request: Request) -> Response:
        if not throttled:
            throttled.append(1)
            return Response("slow down", status=429, headers={"Retry-After": "0"})
        return inner(request)

    tiktok_api.expect_request(PATH).respond_with_handler(handle)
    (result,) = ingest_source(CONNECTOR, paths, window=WINDOW)
    assert result.rows_landed == 8 and len(throttled) == 1


@pytest.mark.parametrize("status", [200, 401])
def test_rejected_token_names_the_variable_never_the_token(tiktok_api, paths, caplog, status):
    calls = []

    def handle(request: Request) -> Response:
        calls.append(1)
        body = {"code": 40105, "message": "Access token is incorrect or has been revoked.", "data": {}}
        return Response(json.dumps(body), status=status, content_type="application/json")

    tiktok_api.expect_request(PATH).respond_with_handler(handle)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ConfigError) as err:
        ingest_source(CONNECTOR, paths, window=WINDOW)
    assert len(calls) == 1
    assert "check TIKTOK_ACCESS_TOKEN" in str(err.value)
    assert TOKEN not in str(err.value) and TOKEN not in caplog.text
    assert read_manifest(paths).height == 0


def test_other_error_codes_and_malformed_json_are_vendor_errors(tiktok_api, paths):
    tiktok_api.expect_request(PATH).respond_with_json(
        {"code": 40002, "message": "Invalid metrics", "data": {}}
    )
    with pytest.raises(VendorResponseError, match=r"returned code 40002: Invalid metrics"):
        ingest_source(CONNECTOR, paths, window=WINDOW)
    tiktok_api.clear()
    tiktok_api.expect_request(PATH).respond_with_data(
        '{"code": 0, "data": {', content_type="application/json"
    )
    with pytest.raises(VendorResponseError, match=r"report/integrated/get/ returned malformed JSON"):
        ingest_source(CONNECTOR, paths, window=WINDOW)


def test_missing_configuration_is_a_config_error(tiktok_api, paths, monkeypatch):
    monkeypatch.delenv("TIKTOK_ADVERTISER_IDS")
    with pytest.raises(ConfigError, match="TIKTOK_ADVERTISER_IDS is not set"):
        ingest_source(CONNECTOR, paths, window=WINDOW)
    monkeypatch.setenv("TIKTOK_ADVERTISER_IDS", ADV)
    monkeypatch.delenv("TIKTOK_ACCESS_TOKEN")
    with pytest.raises(ConfigError, match="TIKTOK_ACCESS_TOKEN is not set"):
        ingest_source(CONNECTOR, paths, window=WINDOW)
