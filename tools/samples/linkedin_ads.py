"""Write the bundled LinkedIn adAnalytics samples in ``data/samples/linkedin_ads/`` (deterministic).

Shape: what ``connectors.linkedin.ads.fetch`` saves: a JSON array with one raw ``GET /rest/adAnalytics?
q=statistics&pivots=List(ACCOUNT,CAMPAIGN)&timeGranularity=DAILY`` response per ad account, each
``{"paging": {...}, "elements": [...]}``. Quirks reproduced: costs are decimal strings (some with long
binary-float tails such as ``"107.5300000000000335346"``), counts are integers, a campaign with no
delivery on a day has no element (weekends for the B2B campaigns), an account with no activity returns an
empty ``elements``, the EUR account's ``costInLocalCurrency`` differs from ``costInUsd``, Message Ads count
sends as impressions, and non-video campaigns report ``videoViews: 0``.

    python -m tools.samples.linkedin_ads [SAMPLES_DIR]   # default: data/samples
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

from tools.samples._common import write_files

SOURCES = ("linkedin_ads",)
WINDOWS = [(date(2026, 9, 1), date(2026, 9, 14)), (date(2026, 10, 1), date(2026, 10, 7))]
# account -> (local currency per USD, campaigns: id -> (kind, daily impressions, CPM in USD, weekends))
ACCOUNTS: dict[str, tuple[float, dict[str, tuple[str, int, float, bool]]]] = {
    "507123456": (
        1.0,
        {
            "612345001": ("image", 12000, 38.0, False),
            "612345002": ("video", 9000, 29.0, True),
            "612345003": ("message", 1500, 310.0, False),
        },
    ),
    "508765432": (
        0.92,
        {
            "613400101": ("document", 6000, 42.0, False),
            "613400102": ("video", 15000, 24.0, True),
        },
    ),
    "509000111": (1.0, {}),  # no active campaigns: an empty response
}


def _money(rng: random.Random, value: float) -> str:
    """LinkedIn's decimal strings: usually short, sometimes with a float tail."""
    if rng.random() < 0.2:
        return f"{value:.19f}".rstrip("0") or "0"
    return f"{value:.2f}"


def _element(rng: random.Random, account: str, campaign: str, spec, fx: float, day: date) -> dict:
    kind, base, cpm, _ = spec
    impressions = int(base * rng.uniform(0.7, 1.3))
    cost = impressions * cpm / 1000 * rng.uniform(0.9, 1.1)
    video_views = int(impressions * rng.uniform(0.18, 0.32)) if kind == "video" else 0
    clicks = int(impressions * rng.uniform(0.004, 0.012)) if kind != "message" else int(impressions * 0.03)
    return {
        "pivotValues": [f"urn:li:sponsoredAccount:{account}", f"urn:li:sponsoredCampaign:{campaign}"],
        "dateRange": {
            "start": {"year": day.year, "month": day.month, "day": day.day},
            "end": {"year": day.year, "month": day.month, "day": day.day},
        },
        "impressions": impressions,
        "clicks": clicks,
        "costInLocalCurrency": _money(rng, cost * fx),
        "costInUsd": _money(rng, cost),
        "videoViews": video_views,
        "videoStarts": int(video_views * 1.4),
        "videoCompletions": int(video_views * 0.35),
        "landingPageClicks": int(clicks * 0.8),
        "totalEngagements": clicks + int(impressions * 0.002),
    }


def responses(first: date, last: date) -> list[dict]:
    rng = random.Random(f"linkedin-{first}")
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    pages = []
    for account, (fx, campaigns) in ACCOUNTS.items():
        elements = [
            _element(rng, account, campaign, spec, fx, day)
            for day in days
            for campaign, spec in campaigns.items()
            if spec[3] or day.weekday() < 5
        ]
        pages.append({"paging": {"start": 0, "count": 10, "links": []}, "elements": elements})
    return pages


def write(root: Path) -> list[Path]:
    files = {
        f"ad_analytics_api_{first}_{last}.json": json.dumps(responses(first, last), indent=1) + "\n"
        for first, last in WINDOWS
    }
    return write_files(root / "linkedin_ads", files)


if __name__ == "__main__":
    from tools.samples._cli import run

    run(write)
