"""Write the bundled Meta ads samples in ``data/samples/meta_ads/`` (deterministic).

- ``insights_act_<id>_api_<first>_<last>.json``: Insights report-run pages as ``meta_ads.fetch`` saves
  them (string values, action lists left out when zero, ``paging.cursors``/``next`` without a token, and
  the rate-limit usage headers under ``_ewh_usage``). One account uses the default placement x device
  breakdowns at campaign level (a quiet last day with no rows), the other the country breakdown at ad level.
- ``*.csv``: Ads Manager "Export table data" files: UTF-8 BOM, UI labels, currency only in the
  ``Amount spent (EUR)`` header, a quoted ``CPM (cost per 1,000 impressions) (EUR)`` header, a summary
  row, ``0:00:07``-style average play time; and a non-daily September export by country without an
  account column (the whole month in Reporting starts/ends).

    python -m tools.samples.meta_ads [SAMPLES_DIR]   # default: data/samples
"""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import date, timedelta
from pathlib import Path

from tools.samples._common import write_files

SOURCES = ("meta_ads",)
GRAPH = "https://graph.facebook.com/v25.0"

# campaign id, name, placements (publisher_platform, platform_position), devices, daily impressions
PLACEMENT_CAMPAIGNS = [
    (
        "120211400000000101",
        "Copilot for Finance - Reels launch",
        [("instagram", "instagram_reels"), ("facebook", "facebook_reels"), ("facebook", "instream_video")],
        ["mobile_app", "desktop"],
        9000,
    ),
    (
        "120211400000000102",
        "Enterprise AI webinar - lead gen",
        [("facebook", "feed"), ("instagram", "feed"), ("instagram", "instagram_stories")],
        ["mobile_app", "mobile_web", "desktop"],
        6000,
    ),
    (
        "120211400000000103",
        "Retargeting - Audience Network",
        [("audience_network", "an_classic"), ("audience_network", "rewarded_video")],
        ["mobile_app"],
        4000,
    ),
]
VIDEO_POSITIONS = {"instagram_reels", "facebook_reels", "instream_video", "rewarded_video"}


def _actions(value: float | int) -> list[dict]:
    return [{"action_type": "video_view", "value": str(value)}]


def _usage(rng: random.Random, calls: int) -> dict:
    return {
        "X-Business-Use-Case-Usage": json.dumps(
            {
                "1047392018": [
                    {
                        "type": "ads_insights",
                        "call_count": calls,
                        "total_cputime": calls // 2,
                        "total_time": calls // 2 + 1,
                        "estimated_time_to_regain_access": 0,
                    }
                ]
            },
            separators=(",", ":"),
        ),
        "X-Ad-Account-Usage": json.dumps(
            {"acc_id_util_pct": round(rng.uniform(0.5, 9.0), 2), "reset_time_duration": 0},
            separators=(",", ":"),
        ),
    }


def _paged(rng: random.Random, account: str, records: list[dict], per_page: int) -> list[dict]:
    pages = []
    chunks = [records[i : i + per_page] for i in range(0, len(records), per_page)]
    for n, chunk in enumerate(chunks):
        before, after = f"MAZDZD{n:02d}", f"MQZDZD{n + 1:02d}"
        paging: dict = {"cursors": {"before": before, "after": after}}
        if n + 1 < len(chunks):
            paging["next"] = f"{GRAPH}/6021000000{account[-4:]}/insights?limit={per_page}&after={after}"
        if n:
            paging["previous"] = f"{GRAPH}/6021000000{account[-4:]}/insights?limit={per_page}&before={before}"
        pages.append({"data": chunk, "paging": paging, "_ewh_usage": _usage(rng, 4 + 3 * n)})
    return pages


def placement_report(rng: random.Random, account: str, first: date, last: date, quiet: date) -> list[dict]:
    records = []
    day = first
    while day <= last:
        if day != quiet:
            for campaign_id, name, placements, devices, base in PLACEMENT_CAMPAIGNS:
                for platform, position in placements:
                    for device in devices:
                        impressions = int(base * rng.uniform(0.15, 0.6) * (0.4 if device == "desktop" else 1))
                        cpm = (
                            rng.uniform(3.5, 9.0) if platform != "audience_network" else rng.uniform(1.2, 2.5)
                        )
                        record = {
                            "account_id": account,
                            "account_name": "Nordwind Analytics Inc.",
                            "account_currency": "USD",
                            "campaign_id": campaign_id,
                            "campaign_name": name,
                            "impressions": str(impressions),
                            "reach": str(int(impressions * rng.uniform(0.6, 0.85))),
                            "clicks": str(int(impressions * rng.uniform(0.004, 0.02))),
                            "inline_link_clicks": str(int(impressions * rng.uniform(0.002, 0.01))),
                            "spend": f"{impressions * cpm / 1000:.2f}",
                        }
                        if position in VIDEO_POSITIONS or position == "instagram_stories":
                            plays = int(impressions * rng.uniform(0.3, 0.7))
                            record["video_play_actions"] = _actions(plays)
                            record["video_thruplay_watched_actions"] = _actions(
                                int(plays * rng.uniform(0.2, 0.5))
                            )
                            record["video_avg_time_watched_actions"] = _actions(rng.randint(3, 14))
                        record |= {
                            "date_start": day.isoformat(),
                            "date_stop": day.isoformat(),
                            "publisher_platform": platform,
                            "platform_position": position,
                            "device_platform": device,
                        }
                        records.append(record)
        day += timedelta(days=1)
    return _paged(rng, account, records, per_page=40)


COUNTRY_ADS = [
    ("120215500000000201", "Agentic AI Roadmap playbook", "120215500000000301", "Decision makers",
     "120215500000000401", "Playbook v1"),
    ("120215500000000201", "Agentic AI Roadmap playbook", "120215500000000301", "Decision makers",
     "120215500000000402", "Playbook v2 video"),
    ("120215500000000202", "GPU cloud credits - Q4", "120215500000000302", "ML engineers",
     "120215500000000403", "Credits carousel"),
]  # fmt: skip
COUNTRIES = ["DE", "FR", "NL", "AT", "CH"]


def country_report(rng: random.Random, account: str, first: date, last: date) -> list[dict]:
    records = []
    day = first
    while day <= last:
        for campaign_id, campaign, adset_id, adset, ad_id, ad in COUNTRY_ADS:
            for country in COUNTRIES:
                if rng.random() < 0.15:
                    continue  # no delivery in that country that day: Meta returns no row
                impressions = rng.randint(300, 4200)
                record = {
                    "account_id": account,
                    "account_name": "Helix Data GmbH",
                    "account_currency": "EUR",
                    "campaign_id": campaign_id,
                    "campaign_name": campaign,
                    "adset_id": adset_id,
                    "adset_name": adset,
                    "ad_id": ad_id,
                    "ad_name": ad,
                    "impressions": str(impressions),
                    "clicks": str(int(impressions * rng.uniform(0.005, 0.02))),
                    "spend": f"{impressions * rng.uniform(6.0, 14.0) / 1000:.2f}",
                }
                if "video" in ad:
                    plays = int(impressions * rng.uniform(0.35, 0.6))
                    record["video_play_actions"] = _actions(plays)
                    record["video_thruplay_watched_actions"] = _actions(int(plays * rng.uniform(0.25, 0.45)))
                    record["video_avg_time_watched_actions"] = _actions(rng.randint(4, 11))
                record |= {"date_start": day.isoformat(), "date_stop": day.isoformat(), "country": country}
                records.append(record)
        day += timedelta(days=1)
    return _paged(rng, account, records, per_page=50)


CSV_HEADER = [
    "Reporting starts", "Reporting ends", "Account ID", "Campaign name", "Campaign ID", "Ad set name",
    "Ad name", "Platform", "Placement", "Device platform", "Campaign delivery", "Attribution setting",
    "Results", "Result indicator", "Reach", "Frequency", "Cost per results", "Amount spent (EUR)",
    "Impressions", "CPM (cost per 1,000 impressions) (EUR)", "Link clicks", "Clicks (all)",
    "Video plays", "ThruPlays", "Video average play time",
]  # fmt: skip
CSV_ROWS = [
    ("Lakehouse AI summit - video", "120219900000000501", "Data leaders", "Teaser 15s",
     [("Facebook", "Facebook Reels"), ("Instagram", "Instagram Reels"), ("Facebook", "In-stream videos")]),
    ("Lakehouse AI summit - registrations", "120219900000000502", "Data leaders", "Speaker card",
     [("Facebook", "Feed"), ("Instagram", "Feed"), ("Instagram", "Instagram Stories"),
      ("Messenger", "Messenger Inbox")]),
    ("Lakehouse AI summit - registrations", "120219900000000502", "Lookalike 1%", "Speaker card",
     [("Audience Network", "Native, banner and interstitial"), ("Facebook", "Right column")]),
]  # fmt: skip


def daily_csv(rng: random.Random, account: str, first: date, last: date) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    rows, totals = [], [0, 0.0]
    day = first
    while day <= last:
        for campaign, campaign_id, adset, ad, placements in CSV_ROWS:
            for platform, placement in placements:
                devices = (
                    ["Desktop"] if placement == "Right column" else ["Mobile app", "Mobile web", "Desktop"]
                )
                for device in devices:
                    if device != "Mobile app" and rng.random() < 0.4:
                        continue
                    impressions = rng.randint(200, 5200) // (3 if device == "Desktop" else 1)
                    spend = round(impressions * rng.uniform(4.0, 11.0) / 1000, 2)
                    reach = int(impressions * rng.uniform(0.6, 0.9))
                    results = rng.randint(0, 6)
                    video = "video" in campaign or placement == "Instagram Stories"
                    plays = int(impressions * rng.uniform(0.3, 0.6)) if video else None
                    thru = int(plays * rng.uniform(0.2, 0.5)) if video else None
                    avg = f"0:00:{rng.randint(3, 15):02d}" if video else ""
                    rows.append([
                        day.isoformat(), day.isoformat(), account, campaign, campaign_id, adset, ad, platform,
                        placement, device, "Active", "7-day click or 1-day view", results or "",
                        "actions:offsite_conversion.fb_pixel_complete_registration",
                        reach, f"{impressions / max(reach, 1):.6f}",
                        f"{spend / results:.6f}" if results else "", f"{spend:.2f}", impressions,
                        f"{spend * 1000 / max(impressions, 1):.6f}", rng.randint(0, 40), rng.randint(5, 80),
                        plays if plays is not None else "", thru if thru is not None else "", avg,
                    ])  # fmt: skip
                    totals[0] += impressions
                    totals[1] += spend
        day += timedelta(days=1)
    # the summary row Ads Manager adds on top: every name column blank
    writer.writerow(
        [first.isoformat(), last.isoformat()] + [""] * 15 + [f"{totals[1]:.2f}", totals[0]] + [""] * 6
    )
    writer.writerows(rows)
    return "\ufeff" + out.getvalue()


def range_csv(rng: random.Random, first: date, last: date) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Reporting starts", "Reporting ends", "Campaign name", "Country", "Impressions", "Reach",
                     "Link clicks", "Amount spent (EUR)", "Results", "Frequency"])  # fmt: skip
    for campaign in ("Vector DB trial - EMEA", "Speech AI API - developer push"):
        for country in ("GB", "IE", "SE", "PL", "IT"):
            impressions = rng.randint(20_000, 180_000)
            reach = int(impressions / rng.uniform(1.6, 3.2))
            writer.writerow([first.isoformat(), last.isoformat(), campaign, country, impressions, reach,
                             rng.randint(100, 1500), f"{impressions * rng.uniform(5, 12) / 1000:.2f}",
                             rng.randint(0, 60), f"{impressions / reach:.2f}"])  # fmt: skip
    return "\ufeff" + out.getvalue()


def write(root: Path) -> list[Path]:
    rng = random.Random(20260928)
    files = {
        "insights_act_1203498765_api_2026-09-28_2026-10-04.json": json.dumps(
            placement_report(
                rng, "1203498765", date(2026, 9, 28), date(2026, 10, 4), quiet=date(2026, 10, 4)
            ),
            separators=(",", ":"),
        ),
        "insights_act_2207715533_api_2026-09-14_2026-09-20.json": json.dumps(
            country_report(rng, "2207715533", date(2026, 9, 14), date(2026, 9, 20)), separators=(",", ":")
        ),
        "Lumen-Labs-SE-Ads-Oct-1-2026-Oct-9-2026.csv": daily_csv(
            rng, "3141592653", date(2026, 10, 1), date(2026, 10, 9)
        ),
        "Lumen-Labs-SE-Campaigns-Sep-1-2026-Sep-30-2026.csv": range_csv(
            rng, date(2026, 9, 1), date(2026, 9, 30)
        ),
    }
    return write_files(root / "meta_ads", files)


if __name__ == "__main__":
    from tools.samples._cli import run

    run(write)
