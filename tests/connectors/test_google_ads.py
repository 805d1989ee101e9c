"""Google Ads searchStream response sets and UI report CSVs -> canonical rows; the API on a local server."""

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
from connectors.google.ads import (
    AREA_OF_INTEREST,
    CAMPAIGN_QUERY,
    CONNECTOR,
    FULLY_ATTRIBUTED,
    GEO_QUERY,
    SOURCE,
    TOTAL_REASON,
    parse,
)
from connectors.landing.ingest import Window, ingest_source
from connectors.landing.zone import ingest_file, read_manifest
from tests.support.landing import assert_parse_fails

COLUMNS = [
    "activity_type",
    "quantity",
    "unit",
    "cost_amount",
    "cost_currency",
    "usage_date",
    "account",
    "campaign_id",
    "country",
    "device",
    "ad_format",
    "placement",
    "source_row",
]


def _result(
    campaign: str, name: str, channel: str, device: str, network: str, metrics: dict, geo=None
) -> dict:
    result = {
        "customer": {"resourceName": "customers/1234567890", "id": "1234567890", "currencyCode": "EUR"},
        "campaign": {
            "resourceName": f"customers/1234567890/campaigns/{campaign}",
            "name": name,
            "id": campaign,
            "advertisingChannelType": channel,
        },
        "segments": {"date": "2026-09-01", "device": device, "adNetworkType": network},
        "metrics": metrics,
    }
    if geo:
        criterion, location_type = geo
        result["geographicView"] = {
            "resourceName": f"customers/1234567890/geographicViews/{criterion}~{location_type}",
            "countryCriterionId": criterion,
            "locationType": location_type,
        }
    return result


PRESENCE, INTEREST = "LOCATION_OF_PRESENCE", "AREA_OF_INTEREST"
SEARCH = ("111", "Brand - Search", "SEARCH", "MOBILE", "SEARCH")
VIDEO = ("222", "Demand Gen - Video", "DEMAND_GEN", "CONNECTED_TV", "YOUTUBE")
# the research notes' example, plus the geographic report of the same window
CAMPAIGN_BATCH = {
    "results": [
        _result(
            *SEARCH,
            {"clicks": "40", "impressions": "1000", "costMicros": "12500000", "videoTrueviewViews": "0"},
        ),
        _result(
            *VIDEO,
            {"clicks": "3", "impressions": "5400", "costMicros": "8030000", "videoTrueviewViews": "1320"},
        ),
    ],
    "fieldMask": "customer.id,customer.currencyCode,campaign.id,campaign.name,segments.date,segments.device,"
    "segments.adNetworkType,metrics.clicks,metrics.impressions,metrics.costMicros,metrics.videoTrueviewViews",
    "requestId": "fAkE0123456789AbCdEf",
    "queryResourceConsumption": "310",
}
GEO_BATCH = {
    "results": [
        # Germany and Austria take 900 of the search record's 1000 impressions; unset views are absent
        _result(*SEARCH, {"clicks": "30", "impressions": "700", "costMicros": "9000000"}, ("2276", PRESENCE)),
        _result(*SEARCH, {"clicks": "5", "impressions": "200", "costMicros": "2000000"}, ("2040", PRESENCE)),
        # an area-of-interest row can repeat impressions already counted by presence: ignored
        _result(*SEARCH, {"clicks": "9", "impressions": "650", "costMicros": "8000000"}, ("2250", INTEREST)),
        # the video record is attributed entirely to Germany
        _result(
            *VIDEO,
            {"clicks": "3", "impressions": "5400", "costMicros": "8030000", "videoTrueviewViews": "1320"},
            ("2276", "LOCATION_OF_PRESENCE"),
        ),
    ],
    "fieldMask": "geographicView.countryCriterionId,geographicView.locationType,...",
    "requestId": "fAkE9876543210ZyXwVu",
}  # fmt: skip
API_NAME = "campaign_performance_api_2026-09-01_2026-09-02.json"


def _raw(payload: object) -> bytes:
    return json.dumps(payload).encode()


def _rows(parsed) -> list[tuple]:
    return parsed.rows.sort("source_row").select(COLUMNS).rows()


def test_campaign_report_alone_lands_every_record_without_country():
    parsed = parse(_raw([CAMPAIGN_BATCH]), API_NAME)
    assert (parsed.dataset, parsed.raw_records) == ("campaign_performance", 2)
    assert parsed.days == [date(2026, 9, 1), date(2026, 9, 2)]  # the window in the name covers 09-02 too
    sep1 = date(2026, 9, 1)
    assert _rows(parsed) == [
        ("ad_impressions", 1000.0, "impressions", Decimal("12.5"), "EUR", sep1, "1234567890", "111", None,
         "mobile", "search", "SEARCH", "/0/results/0#impressions"),
        ("ad_impressions", 5400.0, "impressions", Decimal("8.03"), "EUR", sep1, "1234567890", "222", None,
         "tv", "ctv", "YOUTUBE", "/0/results/1#impressions"),
        ("video_views", 1320.0, "views", None, None, sep1, "1234567890", "222", None,
         "tv", "ctv", "YOUTUBE", "/0/results/1#video_views"),
    ]  # fmt: skip
    row = parsed.rows.row(0, named=True)
    assert (row["vendor"], row["service"], row["model"], row["model_raw"]) == (
        "google",
        "google.ads",
        None,
        None,
    )
    assert row["usage_start"] == datetime(2026, 9, 1, tzinfo=UTC)
    assert row["usage_end"] == datetime(2026, 9, 2, tzinfo=UTC)
    assert row["natural_key"] == "campaign|2026-09-01|1234567890|111|MOBILE|SEARCH|\u2205|impressions"
    attributes = json.loads(row["attributes"])
    assert attributes["clicks"] == 40 and attributes["campaign_name"] == "Brand - Search"
    assert attributes["advertising_channel_type"] == "SEARCH"


def test_geographic_rows_carry_the_country_and_the_campaign_report_only_the_unattributed_rest():
    parsed = parse(_raw([CAMPAIGN_BATCH, GEO_BATCH]), API_NAME)
    # every GoogleAdsRow is a record: 2 campaign + 4 geographic (issue #13 class 7: the area-of-interest
    # one and the fully attributed campaign total used to vanish uncounted; now they are declared skips)
    assert parsed.raw_records == 6
    assert sorted(parsed.skipped.rows()) == [
        ("/0/results/1", FULLY_ATTRIBUTED),
        ("/1/results/2", AREA_OF_INTEREST),
    ]
    sep1 = date(2026, 9, 1)
    assert _rows(parsed) == [
        # what the geographic report did not attribute: 1000 - 900 impressions, 12.5 - 11 EUR
        ("ad_impressions", 100.0, "impressions", Decimal("1.5"), "EUR", sep1, "1234567890", "111", None,
         "mobile", "search", "SEARCH", "/0/results/0#impressions"),
        ("ad_impressions", 700.0, "impressions", Decimal("9"), "EUR", sep1, "1234567890", "111", "DEU",
         "mobile", "search", "SEARCH", "/1/results/0#impressions"),
        ("ad_impressions", 200.0, "impressions", Decimal("2"), "EUR", sep1, "1234567890", "111", "AUT",
         "mobile", "search", "SEARCH", "/1/results/1#impressions"),
        ("ad_impressions", 5400.0, "impressions", Decimal("8.03"), "EUR", sep1, "1234567890", "222", "DEU",
         "tv", "ctv", "YOUTUBE", "/1/results/3#impressions"),
        ("video_views", 1320.0, "views", None, None, sep1, "1234567890", "222", "DEU",
         "tv", "ctv", "YOUTUBE", "/1/results/3#video_views"),
    ]  # fmt: skip
    # nothing is counted twice: the dataset adds up to the campaign report's totals
    impressions = parsed.rows.filter(pl.col("activity_type") == "ad_impressions")
    assert impressions.get_column("quantity").sum() == 6400.0
    assert impressions.get_column("cost_amount").sum() == Decimal("20.53")
    assert parsed.rows.get_column("natural_key").is_unique().all()
    rest = json.loads(parsed.rows.sort("source_row").item(0, "attributes"))
    assert (rest["report"], rest["clicks"]) == ("campaign", 5)


@pytest.mark.parametrize(
    ("channel", "network", "device", "expected"),
    [
        ("SEARCH", "SEARCH", "DESKTOP", "search"),
        ("SEARCH", "CONTENT", "MOBILE", "display"),  # a Search campaign's Display expansion
        ("DISPLAY", "CONTENT", "TABLET", "display"),
        ("VIDEO", "YOUTUBE", "MOBILE", "video"),
        ("VIDEO", "YOUTUBE", "CONNECTED_TV", "ctv"),
        ("VIDEO", "CONTENT", "MOBILE", "video"),  # video partners
        ("DEMAND_GEN", "CONTENT", "MOBILE", "social"),
        ("DEMAND_GEN", "YOUTUBE", "MOBILE", "video"),
        ("SHOPPING", "MIXED", "MOBILE", "search"),
        ("PERFORMANCE_MAX", "MIXED", "OTHER", None),
    ],
)
def test_ad_format_follows_network_then_campaign_type(channel, network, device, expected):
    metrics = {"impressions": "10", "costMicros": "0"}
    parsed = parse(_raw([{"results": [_result("9", "c", channel, device, network, metrics)]}]), "x.json")
    assert parsed.rows.select("ad_format", "placement").row(0) == (expected, network)


def test_unset_metrics_are_zero_and_a_bad_metric_quarantines_its_record():
    results = [
        _result(*SEARCH, {"clicks": "1"}),  # no impressions, no cost: both unset
        _result(*VIDEO, {"impressions": "12x", "costMicros": "5000000"}),
        _result(
            "333", "Display", "DISPLAY", "DESKTOP", "CONTENT", {"impressions": "50", "costMicros": "n/a"}
        ),
    ]
    parsed = parse(
        _raw({"results": results, "fieldMask": "...", "nextPageToken": "CJLr"}), "search_page.json"
    )
    assert parsed.rows.sort("source_row").select("source_row", "quantity", "cost_amount").rows() == [
        ("/results/0#impressions", 0.0, Decimal("0")),
        ("/results/1#impressions", None, Decimal("5")),
        ("/results/2#impressions", None, None),
    ]
    assert parsed.days == [date(2026, 9, 1)]  # no window in this name: the data's days


def test_empty_stream_covers_the_window_in_its_name():
    empty = [{"fieldMask": "customer.id,metrics.impressions", "requestId": "abc"}]
    parsed = parse(_raw(empty), "campaign_performance_api_2026-10-01_2026-10-03.json")
    assert parsed.rows.height == 0 and parsed.raw_records == 0
    assert parsed.days == [date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 3)]


UI_CSV = """Campaign report
"September 1, 2026 - September 3, 2026"
Day,Campaign,Campaign ID,Campaign type,Currency code,Cost,Impr.,Clicks,Conversions,Avg. CPC,Customer ID
2026-09-01,"Spring Roofs, Gutters",12345678901,Search,CAD,$12.34,"1,234",7,1.00,$1.76,123-456-7890
2026-09-02,"Spring Roofs, Gutters",12345678901,Search,CAD,"$1,020.50","10,500",0,2.50,--,123-456-7890
2026-09-02,Fall Video,12345678902,Video,CAD,--,"2,000",0,0.00,--,123-456-7890
Total: Account,--,--,--,CAD,"$1,032.84","13,734",7,3.50,$147.55,--
Total: Campaigns,--,--,--,CAD,"$1,032.84","13,734",7,3.50,$147.55,--
"""


def test_ui_csv_reads_display_numbers_and_drops_total_rows():
    parsed = parse(UI_CSV.encode(), "campaign_report.csv")
    # totals rows are records of the file, skipped with their reason (they used to vanish uncounted)
    assert (parsed.dataset, parsed.raw_records) == ("campaign_performance", 5)
    assert parsed.skipped.rows() == [("line:7", TOTAL_REASON), ("line:8", TOTAL_REASON)]
    # the quoted date range covers 09-03, a day without rows
    assert parsed.days == [date(2026, 9, 1), date(2026, 9, 2), date(2026, 9, 3)]
    sep1, sep2 = date(2026, 9, 1), date(2026, 9, 2)
    assert _rows(parsed) == [
        ("ad_impressions", 1234.0, "impressions", Decimal("12.34"), "CAD", sep1, "1234567890",
         "12345678901",
         None, None, "search", None, "line:4#impressions"),
        ("ad_impressions", 10500.0, "impressions", Decimal("1020.5"), "CAD", sep2, "1234567890",
         "12345678901",
         None, None, "search", None, "line:5#impressions"),
        ("ad_impressions", 2000.0, "impressions", None, "CAD", sep2, "1234567890", "12345678902",
         None, None, "video", None, "line:6#impressions"),
    ]  # fmt: skip
    attributes = json.loads(parsed.rows.sort("source_row").item(1, "attributes"))
    assert attributes == {
        "campaign_name": "Spring Roofs, Gutters",
        "campaign_type": "Search",
        "clicks": 0.0,
        "conversions": 2.5,
        "avg_cpc": None,
    }


GERMAN_CSV = """Kampagnenbericht
"1. Oktober 2026 - 2. Oktober 2026"
Tag,Kampagne,Kampagnen-ID,Kampagnentyp,Gerät,Währungscode,Kosten,Impr.,Klicks,Kunden-ID
2026-10-01,Marke - Suche,17001234511,Suche,Mobiltelefone,EUR,"1.020,50 €",10.500,88,123-456-7890
01.10.2026,YouTube - Reichweite,17001234544,Video,TV-Bildschirme,EUR,"12,34 €",1.234,0,123-456-7890
Gesamt: Konto,--,--,--,--,EUR,"1.032,84 €",11.734,88,--
"""


def test_german_export_labels_and_decimal_comma():
    parsed = parse(GERMAN_CSV.encode(), "kampagnenbericht.csv")
    oct1 = date(2026, 10, 1)
    assert parsed.days == [oct1, date(2026, 10, 2)]
    assert _rows(parsed) == [
        ("ad_impressions", 10500.0, "impressions", Decimal("1020.5"), "EUR", oct1, "1234567890",
         "17001234511",
         None, "mobile", "search", None, "line:4#impressions"),
        ("ad_impressions", 1234.0, "impressions", Decimal("12.34"), "EUR", oct1, "1234567890", "17001234544",
         None, "tv", "ctv", None, "line:5#impressions"),
    ]  # fmt: skip


def test_excel_download_utf16_tab_separated_with_country_network_and_views():
    text = (
        "Geographic report\r\n"
        '"October 12, 2026 - October 12, 2026"\r\n'
        "Day\tCampaign ID\tCampaign type\tCountry/Territory (User location)\tDevice\t"
        "Network (with search partners)\tCurrency code\tCost\tImpr.\tTrueView views\r\n"
        "2026-10-12\t21400000222\tVideo\tUnited States\tTV screens\tYouTube\tUSD\t1,204.10\t12,000\t3,100\r\n"
        "2026-10-12\t21400000111\tSearch\tCanada\tComputers\tSearch partners\tUSD\t3.50\t400\t--\r\n"
        "Total: Account\t--\t--\t--\t--\t--\tUSD\t1,207.60\t12,400\t3,100\r\n"
    )
    parsed = parse("\ufeff".encode("utf-16-le") + text.encode("utf-16-le"), "report.csv")
    oct12 = date(2026, 10, 12)
    assert _rows(parsed) == [
        ("ad_impressions", 12000.0, "impressions", Decimal("1204.1"), "USD", oct12, None, "21400000222",
         "USA", "tv", "ctv", "YouTube", "line:4#impressions"),
        ("video_views", 3100.0, "views", None, None, oct12, None, "21400000222",
         "USA", "tv", "ctv", "YouTube", "line:4#video_views"),
        ("ad_impressions", 400.0, "impressions", Decimal("3.5"), "USD", oct12, None, "21400000111",
         "CAN", "desktop", "search", "Search partners", "line:5#impressions"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "name", "problem"),
    [
        (b"", "empty.csv", "file is empty"),
        (b'[{"results": [', "broken.json", "malformed JSON"),
        (b'{"error": {"code": 401, "message": "bad"}}', "error.json", "API error response"),
        (b'[{"data": []}]', "other.json", "not a Google Ads search(Stream) response"),
        (b"Campaign report\nfoo,bar\n1,2\n", "report.csv", "no report header"),
        (
            b"Day,Campaign,Cost,Clicks\n2026-09-01,A,1.00,2\n",
            "noimpr.csv",
            "the report is missing required column(s) 'Impr.'",
        ),
    ],
)
def test_unreadable_files_fail_naming_the_file(raw, name, problem):
    assert_parse_fails(parse, raw, name, name, problem)


def test_every_bundled_sample_lands_without_quarantine(paths):
    files = CONNECTOR.find_files(BUNDLED_SAMPLES / SOURCE)
    assert len(files) == 4
    for path in files:
        result = ingest_file(CONNECTOR, path, paths)
        assert result.rows_in == result.rows_landed > 0, path.name
        assert result.rows_quarantined == 0, path.name
    landed = pl.read_parquet(paths.activity / f"source={SOURCE}" / "**" / "*.parquet")
    assert set(landed.get_column("ad_format").drop_nulls()) == {"search", "display", "video", "ctv", "social"}
    assert {"DEU", "AUT", "USA", "CAN"} <= set(landed.get_column("country").drop_nulls())
    assert set(landed.get_column("device").drop_nulls()) == {"mobile", "desktop", "tablet", "tv"}
    # the API sample: impression rows (geographic + unattributed rest) add up to the campaign report
    api = next(p for p in files if p.suffix == ".json")
    batches = json.loads(api.read_bytes())
    campaign_total = sum(
        int(r["metrics"]["impressions"]) for b in batches for r in b["results"] if "geographicView" not in r
    )
    parsed = parse(api.read_bytes(), api.name)
    assert parsed.rows.filter(pl.col("activity_type") == "ad_impressions").get_column("quantity").sum() == (
        campaign_total
    )


# --- the API against a real local HTTP server --------------------------------------------------------

TOKEN = "ya29.TEST-SECRET-ACCESS-TOKEN-0123456789"
DEV_TOKEN = "TEST-SECRET-DEVTOKEN-abcdef"
WINDOW = Window(date(2026, 9, 1), date(2026, 9, 3))


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch):
    monkeypatch.setenv("EWH_HTTP_BACKOFF_FACTOR", "0.01")


@pytest.fixture
def google_api(httpserver, monkeypatch):
    monkeypatch.setenv("GOOGLE_ADS_BASE_URL", httpserver.url_for("/"))
    monkeypatch.setenv("GOOGLE_ADS_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("GOOGLE_ADS_DEVELOPER_TOKEN", DEV_TOKEN)
    monkeypatch.setenv("GOOGLE_ADS_CUSTOMER_IDS", "123-456-7890, 9876543210")
    monkeypatch.setenv("GOOGLE_ADS_LOGIN_CUSTOMER_ID", "111-222-3333")
    return httpserver


def _stream(batches: list[dict]) -> Response:
    return Response(json.dumps(batches), content_type="application/json")


def test_fetch_streams_both_reports_for_every_customer_into_one_export(google_api, paths):
    calls: list[tuple[str, str, dict]] = []

    def handle(request: Request) -> Response:
        query = request.get_json()["query"]
        calls.append((request.path, query, dict(request.headers)))
        if "9876543210" in request.path:
            return _stream([{"fieldMask": "customer.id", "requestId": "empty"}])  # no rows for this one
        # the stream answers in several batches
        if "FROM geographic_view" in query:
            return _stream(
                [
                    {**GEO_BATCH, "results": GEO_BATCH["results"][:2]},
                    {**GEO_BATCH, "results": GEO_BATCH["results"][2:]},
                ]
            )
        return _stream([CAMPAIGN_BATCH])

    for customer in ("1234567890", "9876543210"):
        google_api.expect_request(
            f"/v26/customers/{customer}/googleAds:searchStream", method="POST"
        ).respond_with_handler(handle)
    (result,) = ingest_source(CONNECTOR, paths, window=WINDOW)

    assert [(path.split("/")[3], "geographic_view" in query) for path, query, _ in calls] == [
        ("1234567890", False),
        ("1234567890", True),
        ("9876543210", False),
        ("9876543210", True),
    ]  # fmt: skip
    _, query, headers = calls[1]
    assert query == GEO_QUERY.format(first="2026-09-01", last="2026-09-02")
    assert "BETWEEN '2026-09-01' AND '2026-09-02'" in calls[0][1] and calls[0][1] == CAMPAIGN_QUERY.format(
        first="2026-09-01", last="2026-09-02"
    )
    assert "metrics.video_trueview_views" in query and "geographic_view.country_criterion_id" in query
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers["Developer-Token"] == DEV_TOKEN
    assert headers["Login-Customer-Id"] == "1112223333"
    assert result.original_name == "campaign_performance_api_2026-09-01_2026-09-02.json"
    # 6 GoogleAdsRows: 4 land (5 rows), 2 are skipped with their reasons (the area-of-interest row and the
    # campaign total the geographic rows attribute entirely)
    assert (result.dataset, result.raw_records, result.rows_landed, result.rows_quarantined) == (
        "campaign_performance",
        6,
        5,
        0,
    )
    assert (result.records_landed, result.records_skipped) == (4, 2)
    assert result.days == (date(2026, 9, 1), date(2026, 9, 2))
    archived = json.loads((paths.landing / f"raw/google_ads/{result.source_sha256}.json").read_text())
    assert len(archived) == 5  # 1 + 2 batches of the first customer, 1 + 1 of the second, as sent
    assert TOKEN not in json.dumps(archived) and DEV_TOKEN not in json.dumps(archived)


def test_429_resource_exhausted_then_success(google_api, paths):
    attempts = []
    exhausted = {
        "error": {
            "code": 429,
            "message": "Resource has been exhausted (e.g. check quota).",
            "status": "RESOURCE_EXHAUSTED",
            "details": [
                {
                    "@type": "type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure",
                    "errors": [
                        {
                            "errorCode": {"quotaError": "RESOURCE_TEMPORARILY_EXHAUSTED"},
                            "message": "Too many requests. Retry in 30 seconds.",
                            "details": {"quotaErrorDetails": {"rateScope": "ACCOUNT", "retryDelay": "1s"}},
                        }
                    ],
                }
            ],
        }
    }

    def handle(request: Request) -> Response:
        attempts.append(1)
        if len(attempts) == 1:
            return Response(json.dumps(exhausted), status=429, content_type="application/json")
        query = request.get_json()["query"]
        return _stream(
            [CAMPAIGN_BATCH] if "FROM campaign" in query else [{"fieldMask": "", "requestId": "x"}]
        )

    google_api.expect_request("/v26/customers/1234567890/googleAds:searchStream").respond_with_handler(handle)
    google_api.expect_request("/v26/customers/9876543210/googleAds:searchStream").respond_with_handler(
        lambda request: _stream([])
    )
    (result,) = ingest_source(CONNECTOR, paths, window=WINDOW)
    assert len(attempts) == 3  # the throttled campaign query again, then the geographic one
    assert result.rows_landed == 3


def test_401_is_a_config_error_naming_the_variables_never_the_tokens(google_api, paths, caplog):
    attempts = []

    def handle(request: Request) -> Response:
        attempts.append(1)
        body = {"error": {"code": 401, "message": "Request had invalid authentication credentials.",
                          "status": "UNAUTHENTICATED"}}  # fmt: skip
        return Response(json.dumps(body), status=401, content_type="application/json")

    google_api.expect_request("/v26/customers/1234567890/googleAds:searchStream").respond_with_handler(handle)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ConfigError) as err:
        ingest_source(CONNECTOR, paths, window=WINDOW)
    message = str(err.value)
    assert len(attempts) == 1
    assert (
        "401" in message and "GOOGLE_ADS_ACCESS_TOKEN" in message and "GOOGLE_ADS_DEVELOPER_TOKEN" in message
    )
    assert "UNAUTHENTICATED" in message
    for secret in (TOKEN, DEV_TOKEN):
        assert secret not in message and secret not in caplog.text
    assert read_manifest(paths).height == 0


def test_missing_configuration_is_a_config_error(google_api, paths, monkeypatch):
    monkeypatch.delenv("GOOGLE_ADS_CUSTOMER_IDS")
    with pytest.raises(ConfigError, match="GOOGLE_ADS_CUSTOMER_IDS is not set"):
        ingest_source(CONNECTOR, paths, window=WINDOW)
    monkeypatch.setenv("GOOGLE_ADS_CUSTOMER_IDS", "1234567890")
    monkeypatch.delenv("GOOGLE_ADS_DEVELOPER_TOKEN")
    with pytest.raises(ConfigError, match="GOOGLE_ADS_DEVELOPER_TOKEN is not set"):
        ingest_source(CONNECTOR, paths, window=WINDOW)
    monkeypatch.setenv("GOOGLE_ADS_DEVELOPER_TOKEN", DEV_TOKEN)
    monkeypatch.setenv("GOOGLE_ADS_LOGIN_CUSTOMER_ID", "mcc-acme")
    with pytest.raises(ConfigError, match="GOOGLE_ADS_LOGIN_CUSTOMER_ID must hold"):
        ingest_source(CONNECTOR, paths, window=WINDOW)


def test_malformed_json_is_a_vendor_response_error(google_api, paths):
    google_api.expect_request("/v26/customers/1234567890/googleAds:searchStream").respond_with_data(
        '[{"results": [', content_type="application/json"
    )
    with pytest.raises(VendorResponseError, match=r"googleAds:searchStream returned malformed JSON"):
        ingest_source(CONNECTOR, paths, window=WINDOW)
    assert read_manifest(paths).height == 0


def test_a_stream_that_fails_part_way_lands_nothing(google_api, paths):
    broken = [
        CAMPAIGN_BATCH,
        {"error": {"code": 500, "message": "Internal error encountered.", "status": "INTERNAL"}},
    ]
    google_api.expect_request("/v26/customers/1234567890/googleAds:searchStream").respond_with_json(broken)
    with pytest.raises(
        VendorResponseError, match=r"failed part-way \(INTERNAL Internal error encountered.\)"
    ):
        ingest_source(CONNECTOR, paths, window=WINDOW)
    assert read_manifest(paths).height == 0
