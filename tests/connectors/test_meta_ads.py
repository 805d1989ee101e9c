"""Meta ads: Insights API pages and Ads Manager CSV exports -> canonical rows, and the async report flow
against a real local HTTP server (start, poll, cursor pages, throttling, bad tokens, failed jobs)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime
from decimal import Decimal

import polars as pl
import pytest
from werkzeug import Request, Response

from connectors.core.base import ExportFormatError
from connectors.core.config import BUNDLED_SAMPLES
from connectors.core.http import ConfigError, VendorResponseError
from connectors.core.schema import validate
from connectors.landing.ingest import Window, ingest_source
from connectors.landing.zone import ingest_file, read_manifest
from connectors.meta.ads import CONNECTOR, SUMMARY_ROW, MetaRateLimitError, parse
from tests.support.http import fast_backoff  # noqa: F401  (autouse: short retry backoff)
from tests.support.landing import as_json

TOKEN = "EAAGm0PX4ZCpsBAFAKETESTTOKEN0123456789abcdef"
ROW_COLUMNS = [
    "activity_type",
    "quantity",
    "unit",
    "usage_date",
    "account",
    "campaign_id",
    "country",
    "device",
    "ad_format",
    "placement",
    "cost_amount",
    "cost_currency",
    "source_row",
]


def _rows(parsed) -> list[tuple]:
    return parsed.rows.sort("source_row").select(ROW_COLUMNS).rows()


# --- API pages -------------------------------------------------------------------------------------------

# The documented example (vendor-formats.md section 8) plus account fields and the video metrics we request.
DOCUMENTED_PAGE = {
    "data": [
        {
            "account_id": "123",
            "campaign_id": "120210000000000001",
            "campaign_name": "Launch",
            "account_currency": "USD",
            "impressions": "10234",
            "reach": "8120",
            "spend": "45.67",
            "clicks": "321",
            "video_play_actions": [{"action_type": "video_view", "value": "2034"}],
            "video_thruplay_watched_actions": [{"action_type": "video_view", "value": "611"}],
            "video_avg_time_watched_actions": [{"action_type": "video_view", "value": "6.5"}],
            "publisher_platform": "instagram",
            "platform_position": "instagram_stories",
            "device_platform": "mobile_app",
            "date_start": "2026-08-01",
            "date_stop": "2026-08-01",
        },
        {
            "account_id": "123",
            "campaign_id": "120210000000000001",
            "campaign_name": "Launch",
            "account_currency": "USD",
            "impressions": "5120",
            "reach": "4400",
            "spend": "20.10",
            "clicks": "88",
            "publisher_platform": "facebook",
            "platform_position": "feed",
            "device_platform": "desktop",
            "date_start": "2026-08-01",
            "date_stop": "2026-08-01",
        },
    ],
    "paging": {
        "cursors": {"before": "MAZDZD", "after": "MQZDZD"},
        "next": "https://graph.facebook.com/v25.0/act_123/insights?level=campaign&limit=2&after=MQZDZD",
    },
}


def test_documented_api_page_becomes_impressions_views_and_watch_seconds():
    parsed = parse(as_json(DOCUMENTED_PAGE), "insights_page.json")
    assert parsed.dataset == "act_123"
    assert parsed.raw_records == 2
    assert parsed.days == [date(2026, 8, 1)]
    day = date(2026, 8, 1)
    camp = "120210000000000001"
    assert _rows(parsed) == [
        ("ad_impressions", 10234.0, "impressions", day, "123", camp, None, "mobile", "social",
         "instagram/instagram_stories", Decimal("45.67"), "USD", "/data/0#impressions"),
        ("video_views", 611.0, "views", day, "123", camp, None, "mobile", "social",
         "instagram/instagram_stories", None, None, "/data/0#video_views"),
        ("ad_view_seconds", 2034 * 6.5, "seconds", day, "123", camp, None, "mobile", "social",
         "instagram/instagram_stories", None, None, "/data/0#view_seconds"),
        # no video lists when zero: only the impressions row
        ("ad_impressions", 5120.0, "impressions", day, "123", camp, None, "desktop", "social",
         "facebook/feed", Decimal("20.10"), "USD", "/data/1#impressions"),
    ]  # fmt: skip
    first = parsed.rows.filter(pl.col("source_row") == "/data/0#impressions").row(0, named=True)
    assert first["usage_start"] == datetime(2026, 8, 1, tzinfo=UTC)
    assert first["usage_end"] == datetime(2026, 8, 2, tzinfo=UTC)
    assert (first["vendor"], first["service"], first["model"], first["model_raw"]) == (
        "meta",
        "meta.ads",
        None,
        None,
    )
    assert first["natural_key"] == (
        "2026-08-01|2026-08-01|123|120210000000000001|∅|∅|instagram|instagram_stories|mobile_app|∅|∅|impressions"
    )
    attributes = json.loads(first["attributes"])
    assert attributes["campaign_name"] == "Launch"
    assert (attributes["clicks"], attributes["reach"]) == ("321", "8120")
    assert (attributes["video_plays"], attributes["video_avg_time_watched_seconds"]) == (2034.0, 6.5)
    # the natural key does not depend on the page the record came on
    again = parse(as_json([{"data": [], "paging": {}}, DOCUMENTED_PAGE]), "insights_page.json")
    assert sorted(again.rows["natural_key"]) == sorted(parsed.rows["natural_key"])
    assert again.rows["source_row"].str.starts_with("/1/data/").all()


def test_country_report_and_ad_level_fields():
    page = {
        "data": [
            {
                "account_id": "2207715533",
                "account_currency": "eur",
                "campaign_id": "9",
                "adset_id": "91",
                "ad_id": "911",
                "ad_name": "Playbook v2 video",
                "impressions": "1200",
                "spend": "9.90",
                "video_play_actions": [{"action_type": "video_view", "value": "480"}],
                "date_start": "2026-09-14",
                "date_stop": "2026-09-14",
                "country": "DE",
            },
            {
                "account_id": "2207715533",
                "account_currency": "eur",
                "campaign_id": "9",
                "adset_id": "91",
                "ad_id": "912",
                "impressions": "70",
                "spend": "0.51",
                "date_start": "2026-09-14",
                "date_stop": "2026-09-14",
                "country": "unknown",
            },
        ]
    }
    parsed = parse(as_json(page), "insights_act_2207715533_api_2026-09-14_2026-09-15.json")
    assert parsed.dataset == "act_2207715533"
    assert parsed.days == [date(2026, 9, 14), date(2026, 9, 15)]  # the whole requested window
    day = date(2026, 9, 14)
    # plays without an average watch time give no watch seconds, and no ThruPlays no views; no placement
    # breakdown, so a record with video plays is video and one without is social
    assert _rows(parsed) == [
        ("ad_impressions", 1200.0, "impressions", day, "2207715533", "9", "DEU", None, "video", None,
         Decimal("9.90"), "EUR", "/data/0#impressions"),
        ("ad_impressions", 70.0, "impressions", day, "2207715533", "9", None, None, "social", None,
         Decimal("0.51"), "EUR", "/data/1#impressions"),
    ]  # fmt: skip
    assert parsed.rows["natural_key"][0].startswith("2026-09-14|2026-09-14|2207715533|9|91|911|")


def test_api_export_with_no_delivery_still_covers_its_window():
    parsed = parse(
        as_json([{"data": [], "paging": {"cursors": {}}}]), "insights_act_77_api_2026-10-01_2026-10-03.json"
    )
    assert (parsed.dataset, parsed.raw_records, parsed.rows.height) == ("act_77", 0, 0)
    assert parsed.days == [date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 3)]


def test_bad_api_cells_quarantine_their_row_only():
    page = {
        "data": [
            dict(DOCUMENTED_PAGE["data"][1], impressions="n/a"),
            dict(DOCUMENTED_PAGE["data"][1], platform_position="right_hand_column", date_start="2026-13-01"),
            dict(DOCUMENTED_PAGE["data"][1], platform_position="marketplace"),
        ]
    }
    valid, invalid = validate(parse(as_json(page), "p.json").rows)
    assert invalid.select("source_row", "_reason").sort("source_row").rows() == [
        ("/data/0#impressions", "quantity missing or not a number"),
        ("/data/1#impressions", "usage date missing or unparseable"),
    ]
    assert valid.get_column("source_row").to_list() == ["/data/2#impressions"]


def test_api_file_errors_name_the_file():
    with pytest.raises(ExportFormatError, match=r"broken\.json: malformed JSON"):
        parse(b'{"data": [', "broken.json")
    with pytest.raises(
        ExportFormatError, match=r"no\.json: .*missing required column\(s\) 'date_start', 'date_stop'"
    ):
        parse(as_json({"data": [{"impressions": "5"}]}), "no.json")


@pytest.mark.parametrize(
    ("platform", "position", "device", "expected"),
    [
        ("facebook", "feed", "mobile_web", ("mobile", "social", "facebook/feed")),
        ("facebook", "facebook_reels", "mobile_app", ("mobile", "video", "facebook/facebook_reels")),
        ("facebook", "instream_video", "desktop", ("desktop", "video", "facebook/instream_video")),
        ("facebook", "video_feeds", "mobile_app", ("mobile", "video", "facebook/video_feeds")),
        ("instagram", "instagram_reels", "mobile_app", ("mobile", "video", "instagram/instagram_reels")),
        ("instagram", "instagram_explore", "mobile_app", ("mobile", "social", "instagram/instagram_explore")),
        ("messenger", "messenger_inbox", "unknown", ("other", "social", "messenger/messenger_inbox")),
        ("audience_network", "an_classic", "mobile_app", ("mobile", "display", "audience_network/an_classic")),  # noqa: E501
        ("audience_network", "rewarded_video", "mobile_app", ("mobile", "video", "audience_network/rewarded_video")),  # noqa: E501
        ("threads", "threads_feed", None, (None, "social", "threads/threads_feed")),
    ],
)  # fmt: skip
def test_placement_device_and_ad_format_mapping(platform, position, device, expected):
    record = {"impressions": "1", "date_start": "2026-09-01", "date_stop": "2026-09-01"}
    record |= {"publisher_platform": platform, "platform_position": position, "device_platform": device}
    rows = parse(as_json({"data": [record]}), "p.json").rows
    assert rows.select("device", "ad_format", "placement").row(0) == expected


def test_impression_device_wins_over_device_platform():
    record = {"impressions": "1", "date_start": "2026-09-01", "date_stop": "2026-09-01"}
    for value, device in (
        ("ipad", "tablet"),
        ("android_tablet", "tablet"),
        ("iphone", "mobile"),
        ("desktop", "desktop"),
    ):
        rows = parse(
            as_json({"data": [record | {"impression_device": value, "device_platform": "mobile_app"}]}),
            "p.json",
        ).rows
        assert rows["device"].to_list() == [device]  # fmt: skip


# --- Ads Manager CSV -------------------------------------------------------------------------------------

# The documented export (vendor-formats.md section 8), with the BOM Ads Manager writes.
DOCUMENTED_CSV = (
    "\ufeffReporting starts,Reporting ends,Campaign name,Ad set name,Ad name,Impressions,Reach,Link clicks,"
    "Amount spent (USD),Results,Frequency\n"
    "2026-09-01,2026-09-01,Agentic AI Roadmap playbook,Decision makers,Playbook v1,"
    "5400,2600,61,62.10,1,2.08\n"
    "2026-09-02,2026-09-02,Agentic AI Roadmap playbook,Decision makers,Playbook v1,"
    "5100,2500,58,60.00,0,2.04\n"
)


def test_documented_ads_manager_csv():
    parsed = parse(DOCUMENTED_CSV.encode(), "Agentic-Campaigns-Sep-1-2026-Sep-2-2026.csv")
    assert parsed.dataset == "ads_manager"  # no Account ID column
    assert (parsed.raw_records, parsed.days) == (2, [date(2026, 9, 1), date(2026, 9, 2)])
    assert _rows(parsed) == [
        ("ad_impressions", 5400.0, "impressions", date(2026, 9, 1), None, None, None, None, "social", None,
         Decimal("62.10"), "USD", "line:2#impressions"),
        ("ad_impressions", 5100.0, "impressions", date(2026, 9, 2), None, None, None, None, "social", None,
         Decimal("60.00"), "USD", "line:3#impressions"),
    ]  # fmt: skip
    first = parsed.rows.row(0, named=True)
    assert first["natural_key"] == (
        "2026-09-01|2026-09-01|∅|∅|Agentic AI Roadmap playbook|∅|Decision makers|∅|Playbook v1|"
        "∅|∅|∅|∅|∅|impressions"
    )
    assert json.loads(first["attributes"]) == {
        "campaign_name": "Agentic AI Roadmap playbook",
        "adset_name": "Decision makers",
        "ad_name": "Playbook v1",
        "results": "1",
        "reach": "2600",
        "frequency": "2.08",
        "link_clicks": "61",
    }


def test_csv_quirks_summary_row_labels_video_clock_and_separators():
    csv = (
        "\ufeffReporting starts,Reporting ends,Account ID,Campaign name,Campaign ID,Platform,Placement,"
        "Device platform,Impression device,Amount spent (eur),Impressions,"
        '"CPM (cost per 1,000 impressions) (EUR)",'
        "Video plays,ThruPlays,Video average play time\n"
        '2026-10-01,2026-10-02,,,,,,,,"1,250.40","120,000",,,,\n'  # summary row: every name blank
        '2026-10-01,2026-10-01,act_314,Summit,55,Facebook,In-stream videos,Mobile app,iPad,"1,000.40",'
        '"100,000",10.004,"4,000","1,000",0:00:07\n'
        "2026-10-02,2026-10-02,act_314,Summit,55,Audience Network,"
        '"Native, banner and interstitial",Mobile web,,'
        '250.00,"20,000",12.5,,,\n'
        "2026-10-02,2026-10-02,act_314,Summit,55,Instagram,Instagram Explore tab,Desktop,,0,0,,,,\n"
    )
    parsed = parse(csv.encode(), "Lumen-Ads.csv")
    assert parsed.dataset == "act_314"
    # the summary row is a record of the file, skipped with its reason (it used to vanish uncounted)
    assert parsed.raw_records == 4
    assert parsed.skipped.rows() == [("line:2", SUMMARY_ROW)]
    assert parsed.days == [date(2026, 10, 1), date(2026, 10, 2)]
    d1, d2 = date(2026, 10, 1), date(2026, 10, 2)
    assert _rows(parsed) == [
        ("ad_impressions", 100000.0, "impressions", d1, "314", "55", None, "tablet", "video",
         "facebook/instream_video", Decimal("1000.40"), "EUR", "line:3#impressions"),
        ("video_views", 1000.0, "views", d1, "314", "55", None, "tablet", "video",
         "facebook/instream_video", None, None, "line:3#video_views"),
        ("ad_view_seconds", 28000.0, "seconds", d1, "314", "55", None, "tablet", "video",
         "facebook/instream_video", None, None, "line:3#view_seconds"),
        ("ad_impressions", 20000.0, "impressions", d2, "314", "55", None, "mobile", "display",
         "audience_network/an_classic", Decimal("250.00"), "EUR", "line:4#impressions"),
        # an unknown placement label keeps its snake-cased label
        ("ad_impressions", 0.0, "impressions", d2, "314", "55", None, "desktop", "social",
         "instagram/instagram_explore_tab", Decimal("0"), "EUR", "line:5#impressions"),
    ]  # fmt: skip


def test_csv_day_column_range_rows_and_country_names():
    csv = (
        "Reporting starts,Reporting ends,Day,Campaign name,Country,Impressions,Amount spent (GBP)\n"
        "2026-09-01,2026-09-30,2026-09-05,Vector DB trial,GB,900,4.50\n"
        "2026-09-01,2026-09-30,2026-09-06,Vector DB trial,United Kingdom,800,4.00\n"
    )
    parsed = parse(csv.encode(), "daily.csv")
    assert parsed.days == [date(2026, 9, 5), date(2026, 9, 6)]
    assert parsed.rows.select("usage_date", "country", "cost_currency").rows() == [
        (date(2026, 9, 5), "GBR", "GBP"),
        (date(2026, 9, 6), "GBR", "GBP"),
    ]
    monthly = (
        "Reporting starts,Reporting ends,Campaign name,Country,Impressions,Amount spent (EUR)\n"
        "2026-09-01,2026-09-30,Speech AI push,PL,180000,1500.00\n"
    )
    parsed = parse(monthly.encode(), "monthly.csv")
    # issue #13 class 4: a range row is spread evenly over its 30 days (it used to sit wholly on Sep 1)
    rows = parsed.rows.sort("usage_date")
    assert rows.height == 30 and len(parsed.days) == 30
    assert set(rows.get_column("quantity")) == {6000.0}  # 180000 / 30
    assert set(rows.get_column("cost_amount")) == {Decimal("50")}  # 1500.00 / 30
    first = rows.row(0, named=True)
    assert (first["usage_date"], first["usage_start"], first["usage_end"], first["country"]) == (
        date(2026, 9, 1),
        datetime(2026, 9, 1, tzinfo=UTC),
        datetime(2026, 9, 2, tzinfo=UTC),
        "POL",
    )
    assert rows.get_column("usage_date").to_list()[-1] == date(2026, 9, 30)
    assert json.loads(first["attributes"])["spread_days"] == 30
    assert rows.get_column("natural_key").n_unique() == 30


def test_csv_without_spend_column_has_no_cost_and_bad_cells_quarantine():
    csv = "Day,Campaign name,Impressions\n2026-09-01,A,10\n2026-09-02,B,ten\n"
    valid, invalid = validate(parse(csv.encode(), "x.csv").rows)
    assert valid.select("quantity", "cost_amount", "cost_currency").rows() == [(10.0, None, None)]
    assert invalid.select("source_row", "_reason").rows() == [
        ("line:3#impressions", "quantity missing or not a number")
    ]


def test_csv_file_errors_name_the_file():
    with pytest.raises(ExportFormatError, match=r"report\.csv: .*missing required column\(s\) 'Impressions'"):
        parse(
            b"Reporting starts,Reporting ends,Campaign name,Reach\n2026-09-01,2026-09-01,A,5\n", "report.csv"
        )
    # a renamed column names the near miss (require_columns)
    with pytest.raises(ExportFormatError, match=r"'Impressions' \(found 'Impression': renamed\?\)"):
        parse(b"Day,Campaign name,Impression\n2026-09-01,A,5\n", "renamed.csv")
    with pytest.raises(ExportFormatError, match=r"nodate\.csv: no 'Day' or 'Reporting starts'"):
        parse(b"Campaign name,Impressions\nA,5\n", "nodate.csv")
    # a ragged row is no longer a file error: it is quarantined with its line (tests/connectors/test_files.py)
    with pytest.raises(ExportFormatError, match=r"empty\.csv: file is empty"):
        parse(b"", "empty.csv")


def test_bundled_samples_land_without_quarantine(paths):
    files = sorted((BUNDLED_SAMPLES / "meta_ads").iterdir())
    assert {f.suffix for f in files} == {".json", ".csv"}
    datasets = set()
    for path in files:
        assert path.stat().st_size < 150_000
        result = ingest_file(CONNECTOR, path, paths)
        assert result.rows_in == result.rows_landed > 0, path.name
        assert result.rows_quarantined == 0, path.name
        datasets.add(result.dataset)
    assert datasets == {"act_1203498765", "act_2207715533", "act_3141592653", "ads_manager"}
    landed = pl.read_parquet(paths.activity / "source=meta_ads" / "**" / "*.parquet")
    assert set(landed["activity_type"]) == {"ad_impressions", "video_views", "ad_view_seconds"}
    assert set(landed["ad_format"]) == {"social", "video", "display"}
    assert {"mobile", "desktop"} <= set(landed["device"].drop_nulls())
    assert (
        landed.filter(pl.col("activity_type") != "ad_impressions")["cost_amount"].null_count()
        == landed.filter(pl.col("activity_type") != "ad_impressions").height
    )
    months = set(landed["usage_date"].dt.month())
    assert months == {9, 10}


# --- the async Insights API against a local server ---------------------------------------------------------


@pytest.fixture
def meta_api(httpserver, monkeypatch):
    monkeypatch.setenv("META_BASE_URL", httpserver.url_for(""))
    monkeypatch.setenv("META_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("META_AD_ACCOUNT_IDS", "act_1203498765")
    monkeypatch.setenv("META_POLL_SECONDS", "0")
    for name in ("META_LEVEL", "META_BREAKDOWNS", "META_MAX_WAIT_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    return httpserver


WINDOW = Window(date(2026, 9, 30), date(2026, 10, 2))
USAGE = {
    "X-Business-Use-Case-Usage": '{"1047392018":[{"type":"ads_insights","call_count":12,"total_cputime":3,'
    '"total_time":4,"estimated_time_to_regain_access":0}]}',
    "X-Ad-Account-Usage": '{"acc_id_util_pct":3.5,"reset_time_duration":0}',
}


def _record(day: str, position: str, impressions: int, account: str = "1203498765") -> dict:
    return {
        "account_id": account,
        "account_currency": "USD",
        "campaign_id": "120211400000000101",
        "campaign_name": "Copilot for Finance - Reels launch",
        "impressions": str(impressions),
        "spend": f"{impressions / 200:.2f}",
        "date_start": day,
        "date_stop": day,
        "publisher_platform": "instagram",
        "platform_position": position,
        "device_platform": "mobile_app",
    }


def _json(body: object, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(body), status=status, headers=headers or {}, content_type="application/json")


def _pages(account: str = "1203498765") -> dict[str | None, dict]:
    """Three pages; `next` points at graph.facebook.com and echoes a token, as Meta's do."""
    nxt = f"https://graph.facebook.com/v25.0/6021/insights?access_token={TOKEN}&limit=500&after="
    return {
        None: {
            "data": [_record("2026-09-30", "instagram_reels", 1000, account)],
            "paging": {"cursors": {"before": "A0", "after": "A1"}, "next": nxt + "A1"},
        },
        "A1": {
            "data": [
                _record("2026-09-30", "feed", 400, account),
                _record("2026-10-01", "feed", 300, account),
            ],
            "paging": {"cursors": {"before": "A1", "after": "A2"}, "next": nxt + "A2"},
        },
        "A2": {
            "data": [_record("2026-10-01", "instagram_stories", 200, account)],
            "paging": {"cursors": {"before": "A2", "after": "A3"}},
        },
    }


def _serve_report(
    server, calls: list[Request], *, account="1203498765", run="6021", statuses=None, pages=None
):
    statuses = list(statuses or [{"async_status": "Job Completed", "async_percent_completion": 100}])
    pages = pages or _pages(account)

    def start(request: Request) -> Response:
        calls.append(request)
        return _json({"report_run_id": run})

    def status(request: Request) -> Response:
        calls.append(request)
        body = statuses.pop(0) if len(statuses) > 1 else statuses[0]
        if isinstance(body, Response):
            return body
        return _json({"id": run, "account_id": account} | body)

    def page(request: Request) -> Response:
        calls.append(request)
        return _json(pages[request.args.get("after")], headers=USAGE)

    server.expect_request(f"/v25.0/act_{account}/insights", method="POST").respond_with_handler(start)
    server.expect_request(f"/v25.0/{run}", method="GET").respond_with_handler(status)
    server.expect_request(f"/v25.0/{run}/insights", method="GET").respond_with_handler(page)


def test_async_report_start_poll_and_cursor_pages_land(meta_api, paths, caplog):
    calls: list[Request] = []
    statuses = [
        {"async_status": "Job Not Started", "async_percent_completion": 0},
        {"async_status": "Job Running", "async_percent_completion": 40},
        {"async_status": "Job Completed", "async_percent_completion": 90},  # not yet: waits for 100
        {"async_status": "Job Completed", "async_percent_completion": 100},
    ]
    _serve_report(meta_api, calls, statuses=statuses)
    caplog.set_level(logging.DEBUG)
    (result,) = ingest_source(CONNECTOR, paths, window=WINDOW)

    assert [(c.method, c.path, c.args.get("after")) for c in calls] == [
        ("POST", "/v25.0/act_1203498765/insights", None),
        *[("GET", "/v25.0/6021", None)] * 4,
        ("GET", "/v25.0/6021/insights", None),
        ("GET", "/v25.0/6021/insights", "A1"),
        ("GET", "/v25.0/6021/insights", "A2"),
    ]
    start = calls[0].args
    assert start["level"] == "campaign"
    assert start["breakdowns"] == "publisher_platform,platform_position,device_platform"
    assert start["time_increment"] == "1"
    assert json.loads(start["time_range"]) == {"since": "2026-09-30", "until": "2026-10-01"}
    fields = start["fields"].split(",")
    assert {"impressions", "spend", "account_currency", "video_play_actions", "campaign_id", "account_id",
            "video_thruplay_watched_actions", "video_avg_time_watched_actions"} <= set(fields)  # fmt: skip
    for call in calls:  # the token travels only as a bearer header
        assert call.headers["Authorization"] == f"Bearer {TOKEN}"
        assert "access_token" not in call.args and TOKEN not in call.full_path

    assert result.original_name == "insights_act_1203498765_api_2026-09-30_2026-10-01.json"
    assert (result.dataset, result.raw_records, result.rows_landed, result.rows_quarantined) == (
        "act_1203498765",
        4,
        4,
        0,
    )
    assert result.days == (date(2026, 9, 30), date(2026, 10, 1))
    landed = pl.read_parquet(paths.activity / "source=meta_ads" / "**" / "*.parquet").sort(
        "usage_date", "quantity"
    )
    assert landed.select("usage_date", "quantity", "ad_format", "placement", "cost_amount").rows() == [
        (date(2026, 9, 30), 400.0, "social", "instagram/feed", Decimal("2.00")),
        (date(2026, 9, 30), 1000.0, "video", "instagram/instagram_reels", Decimal("5.00")),
        (date(2026, 10, 1), 200.0, "social", "instagram/instagram_stories", Decimal("1.00")),
        (date(2026, 10, 1), 300.0, "social", "instagram/feed", Decimal("1.50")),
    ]
    # the archive is the pages as sent, with the usage headers kept and the echoed token removed
    raw = (paths.landing / f"raw/meta_ads/{result.source_sha256}.json").read_text()
    assert TOKEN not in raw and TOKEN not in caplog.text
    archived = json.loads(raw)
    assert [p["data"] for p in archived] == [p["data"] for p in _pages().values()]
    assert archived[0]["_ewh_usage"] == USAGE
    assert (
        archived[0]["paging"]["next"] == "https://graph.facebook.com/v25.0/6021/insights?limit=500&after=A1"
    )


def test_every_account_is_fetched_before_anything_lands(meta_api, paths, monkeypatch):
    monkeypatch.setenv("META_AD_ACCOUNT_IDS", "1203498765, act_2207715533")
    calls: list[Request] = []
    _serve_report(meta_api, calls)
    meta_api.expect_request("/v25.0/act_2207715533/insights", method="POST").respond_with_json(
        {"report_run_id": "7777"}
    )
    meta_api.expect_request("/v25.0/7777").respond_with_json(
        {"id": "7777", "async_status": "Job Failed", "async_percent_completion": 0, "error_code": 2642,
         "error_message": "Async job failed", "error_user_msg": "Too much data: reduce the date range"}
    )  # fmt: skip
    with pytest.raises(VendorResponseError) as err:
        ingest_source(CONNECTOR, paths, window=WINDOW)
    message = str(err.value)
    assert "report run 7777: Job Failed" in message
    assert "error_code=2642" in message and "reduce the date range" in message
    assert read_manifest(paths).height == 0  # the first account's complete report did not land either


def test_two_accounts_become_two_datasets(meta_api, paths, monkeypatch):
    monkeypatch.setenv("META_AD_ACCOUNT_IDS", "1203498765,2207715533")
    _serve_report(meta_api, [])
    _serve_report(meta_api, [], account="2207715533", run="7777")
    results = ingest_source(CONNECTOR, paths, window=WINDOW)
    assert [(r.dataset, r.rows_landed) for r in results] == [("act_1203498765", 4), ("act_2207715533", 4)]


def test_job_skipped_is_an_error(meta_api, paths):
    _serve_report(meta_api, [], statuses=[{"async_status": "Job Skipped", "async_percent_completion": 0}])
    with pytest.raises(VendorResponseError, match="report run 6021: Job Skipped"):
        ingest_source(CONNECTOR, paths, window=WINDOW)


def test_a_job_that_never_completes_stops_at_the_max_wait(meta_api, paths, monkeypatch):
    monkeypatch.setenv("META_POLL_SECONDS", "0.01")
    monkeypatch.setenv("META_MAX_WAIT_SECONDS", "0.1")
    _serve_report(meta_api, [], statuses=[{"async_status": "Job Running", "async_percent_completion": 10}])
    with pytest.raises(VendorResponseError, match=r"did not complete within 0.1 s \(META_MAX_WAIT_SECONDS\)"):
        ingest_source(CONNECTOR, paths, window=WINDOW)


def test_429_with_retry_after_then_success(meta_api, paths):
    attempts: list[int] = []
    pages = _pages()

    def page(request: Request) -> Response:
        attempts.append(1)
        if len(attempts) == 1:
            return _json({"error": {"message": "Too many calls", "code": 80000}}, 429, {"Retry-After": "0"})
        return _json(pages[request.args.get("after")])

    meta_api.expect_request("/v25.0/act_1203498765/insights", method="POST").respond_with_json(
        {"report_run_id": "6021"}
    )
    meta_api.expect_request("/v25.0/6021").respond_with_json({"async_status": "Job Completed"})
    meta_api.expect_request("/v25.0/6021/insights").respond_with_handler(page)
    (result,) = ingest_source(CONNECTOR, paths, window=WINDOW)
    assert len(attempts) == 4  # one retried, then three pages
    assert result.rows_landed == 4


def test_meta_throttle_code_fails_clearly_and_lands_nothing(meta_api, paths):
    throttled = {
        "error": {
            "message": "(#17) User request limit reached",
            "type": "OAuthException",
            "code": 17,
            "error_subcode": 2446079,
            "is_transient": True,
            "fbtrace_id": "AbCdEf",
        }
    }
    usage = {
        "X-Business-Use-Case-Usage": '{"1047392018":[{"type":"ads_insights","call_count":100,'
        '"total_cputime":40,"total_time":60,"estimated_time_to_regain_access":12}]}'
    }
    meta_api.expect_request("/v25.0/act_1203498765/insights", method="POST").respond_with_response(
        _json(throttled, 400, usage)
    )
    with pytest.raises(MetaRateLimitError) as err:
        ingest_source(CONNECTOR, paths, window=WINDOW)
    message = str(err.value)
    assert "returned 400 (#17) User request limit reached (subcode 2446079): rate limited" in message
    assert "access returns in 12 min" in message and "/v25.0/act_1203498765/insights" in message
    assert read_manifest(paths).height == 0


def test_a_throttled_status_poll_keeps_polling(meta_api, paths):
    throttled = _json({"error": {"message": "(#4) Application request limit reached", "code": 4}}, 400)
    calls: list[Request] = []
    _serve_report(
        meta_api,
        calls,
        statuses=[throttled, {"async_status": "Job Completed", "async_percent_completion": 100}],
    )
    (result,) = ingest_source(CONNECTOR, paths, window=WINDOW)
    assert [c.path for c in calls].count("/v25.0/6021") == 2
    assert result.rows_landed == 4


@pytest.mark.parametrize("status", [401, 400])
def test_invalid_token_is_a_config_error_naming_the_variable(meta_api, paths, caplog, status):
    attempts: list[int] = []

    def handle(request: Request) -> Response:
        attempts.append(1)
        return _json(
            {"error": {"message": "Invalid OAuth access token - Cannot parse access token",
                       "type": "OAuthException", "code": 190, "fbtrace_id": "AxYz"}},
            status,
        )  # fmt: skip

    meta_api.expect_request("/v25.0/act_1203498765/insights", method="POST").respond_with_handler(handle)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ConfigError) as err:
        ingest_source(CONNECTOR, paths, window=WINDOW)
    assert len(attempts) == 1
    assert "check META_ACCESS_TOKEN" in str(err.value) and f"returned {status}" in str(err.value)
    assert TOKEN not in str(err.value) and TOKEN not in caplog.text
    assert read_manifest(paths).height == 0


def test_unknown_ad_account_names_the_account_variable(meta_api, paths):
    meta_api.expect_request("/v25.0/act_1203498765/insights", method="POST").respond_with_response(
        _json(
            {"error": {"message": "Unsupported post request. Object with ID 'act_1203498765' does not exist",
                       "code": 100, "error_subcode": 33}},
            400,
        )
    )  # fmt: skip
    with pytest.raises(ConfigError, match="check META_AD_ACCOUNT_IDS"):
        ingest_source(CONNECTOR, paths, window=WINDOW)


def test_malformed_json_is_a_vendor_response_error(meta_api, paths):
    meta_api.expect_request("/v25.0/act_1203498765/insights", method="POST").respond_with_json(
        {"report_run_id": "6021"}
    )
    meta_api.expect_request("/v25.0/6021").respond_with_json({"async_status": "Job Completed"})
    meta_api.expect_request("/v25.0/6021/insights").respond_with_data(
        '{"data": [', content_type="application/json"
    )
    with pytest.raises(VendorResponseError, match=r"/v25.0/6021/insights returned malformed JSON"):
        ingest_source(CONNECTOR, paths, window=WINDOW)
    assert read_manifest(paths).height == 0


def test_configuration_errors(meta_api, paths, monkeypatch):
    monkeypatch.setenv("META_BREAKDOWNS", "country,publisher_platform")
    with pytest.raises(ConfigError, match="cannot combine country with placement"):
        ingest_source(CONNECTOR, paths, window=WINDOW)
    monkeypatch.delenv("META_BREAKDOWNS")
    monkeypatch.setenv("META_AD_ACCOUNT_IDS", "")
    with pytest.raises(ConfigError, match="META_AD_ACCOUNT_IDS is not set"):
        ingest_source(CONNECTOR, paths, window=WINDOW)
    monkeypatch.setenv("META_AD_ACCOUNT_IDS", "act_12x")
    with pytest.raises(ConfigError, match="must be numbers"):
        ingest_source(CONNECTOR, paths, window=WINDOW)
    monkeypatch.setenv("META_AD_ACCOUNT_IDS", "12")
    monkeypatch.delenv("META_ACCESS_TOKEN")
    with pytest.raises(ConfigError, match="META_ACCESS_TOKEN is not set"):
        ingest_source(CONNECTOR, paths, window=WINDOW)
    assert len(meta_api.log) == 0


def test_country_breakdown_request(meta_api, paths, monkeypatch):
    monkeypatch.setenv("META_BREAKDOWNS", "country")
    monkeypatch.setenv("META_LEVEL", "ad")
    calls: list[Request] = []
    _serve_report(meta_api, calls)
    ingest_source(CONNECTOR, paths, window=WINDOW)
    assert calls[0].args["breakdowns"] == "country"
    assert calls[0].args["level"] == "ad"
    assert {"adset_id", "ad_id", "ad_name"} <= set(calls[0].args["fields"].split(","))
