"""Write the bundled TikTok integrated-report samples in ``data/samples/tiktok_ads/`` (deterministic).

Shape: what ``connectors.tiktok.ads.fetch`` saves per advertiser: a JSON array of raw
``GET /open_api/v1.3/report/integrated/get/`` responses, first every page of the AUDIENCE report
(``campaign_id, country_code, stat_time_day``: spend, impressions, clicks), then every page of the BASIC
report (``campaign_id, stat_time_day``: currency, spend, impressions, clicks, reach, video metrics).
Quirks reproduced: metric values are strings, ``"-"`` for unavailable metrics (clicks and average play
time on zero-delivery days), ``stat_time_day`` as ``"YYYY-MM-DD 00:00:00"``, several pages with
``page_info.total_page``, an EUR advertiser, and a paused campaign-day that is in the BASIC report with
zero impressions but has no AUDIENCE row. The country rows add up to the BASIC totals.

    python -m tools.samples.tiktok_ads [SAMPLES_DIR]   # default: data/samples
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

from tools.samples._common import write_files

SOURCES = ("tiktok_ads",)
WINDOWS = [(date(2026, 9, 1), date(2026, 9, 14)), (date(2026, 10, 1), date(2026, 10, 7))]
AUDIENCE_PAGE_SIZE = 100
BASIC_PAGE_SIZE = 20
# advertiser -> (currency, {campaign_id: (daily impressions, CPM, play rate, seconds per play, countries)})
ADVERTISERS = {
    "7012345678901234567": (
        "USD",
        {
            "1680018437245954": (42000, 6.5, 0.22, 4.8, {"US": 0.62, "CA": 0.14, "GB": 0.16, "AU": 0.08}),
            "1680018437246120": (18000, 9.0, 0.31, 7.2, {"US": 0.8, "MX": 0.2}),
            "1680018437246377": (9000, 4.0, 0.12, 3.1, {"US": 0.5, "BR": 0.3, "MX": 0.2}),
        },
    ),
    "7098765432109876543": (
        "EUR",
        {
            "1690022145870011": (26000, 5.2, 0.27, 5.5, {"DE": 0.45, "FR": 0.3, "NL": 0.15, "AT": 0.1}),
            "1690022145870045": (11000, 7.8, 0.19, 6.0, {"FR": 0.7, "BE": 0.3}),
        },
    ),
}
PAUSED = {("1680018437246377", date(2026, 9, 6)), ("1690022145870045", date(2026, 10, 4))}


def _response(rows: list[dict], page: int, page_size: int, total: int, rng: random.Random) -> dict:
    return {
        "code": 0,
        "message": "OK",
        "request_id": f"20260{rng.randrange(10**9, 10**10)}{rng.randrange(16**8):08X}",
        "data": {
            "page_info": {
                "page": page,
                "page_size": page_size,
                "total_number": total,
                "total_page": max(1, -(-total // page_size)),
            },
            "list": rows,
        },
    }


def _pages(rows: list[dict], page_size: int, rng: random.Random) -> list[dict]:
    chunks = [rows[i : i + page_size] for i in range(0, len(rows), page_size)] or [[]]
    return [_response(chunk, n + 1, page_size, len(rows), rng) for n, chunk in enumerate(chunks)]


def report(advertiser: str, first: date, last: date) -> list[dict]:
    rng = random.Random(f"tiktok-{advertiser}-{first}")
    currency, campaigns = ADVERTISERS[advertiser]
    audience, basic = [], []
    day = first
    while day <= last:
        stamp = f"{day} 00:00:00"
        for campaign, (base, cpm, play_rate, seconds, countries) in campaigns.items():
            paused = (campaign, day) in PAUSED
            total_imp = total_clicks = 0
            total_spend = 0.0
            for country, share in countries.items():
                if paused:
                    break
                impressions = int(base * share * rng.uniform(0.75, 1.25))
                spend = round(impressions * cpm / 1000 * rng.uniform(0.9, 1.1), 2)
                clicks = int(impressions * rng.uniform(0.005, 0.015))
                total_imp, total_clicks, total_spend = (
                    total_imp + impressions,
                    total_clicks + clicks,
                    total_spend + spend,
                )
                audience.append(
                    {
                        "dimensions": {
                            "campaign_id": campaign,
                            "country_code": country,
                            "stat_time_day": stamp,
                        },
                        "metrics": {
                            "spend": f"{spend:.2f}",
                            "impressions": str(impressions),
                            "clicks": str(clicks),
                        },
                    }
                )
            plays = int(total_imp * play_rate * rng.uniform(0.9, 1.1))
            basic.append(
                {
                    "dimensions": {"campaign_id": campaign, "stat_time_day": stamp},
                    "metrics": {
                        "currency": currency,
                        "spend": f"{total_spend:.2f}",
                        "impressions": str(total_imp),
                        "clicks": str(total_clicks) if total_imp else "-",
                        "reach": str(int(total_imp * 0.71)),
                        "video_play_actions": str(plays),
                        "video_watched_2s": str(int(plays * 0.55)),
                        "video_watched_6s": str(int(plays * 0.24)),
                        "video_views_p100": str(int(plays * 0.08)),
                        "average_video_play": f"{seconds * rng.uniform(0.9, 1.1):.2f}" if plays else "-",
                    },
                }
            )
        day += timedelta(days=1)
    return _pages(audience, AUDIENCE_PAGE_SIZE, rng) + _pages(basic, BASIC_PAGE_SIZE, rng)


def write(root: Path) -> list[Path]:
    files = {
        f"integrated_report_api_{advertiser}_{first}_{last}.json": json.dumps(
            report(advertiser, first, last), separators=(",", ":")
        )
        + "\n"
        for advertiser in ADVERTISERS
        for first, last in WINDOWS
    }
    return write_files(root / "tiktok_ads", files)


if __name__ == "__main__":
    from tools.samples._cli import run

    run(write)
