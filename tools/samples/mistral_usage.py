"""Write the bundled Mistral billing usage samples in ``data/samples/mistral_usage/`` (deterministic).

Shape: the Admin API / console billing usage response (vendor-formats.md section 6), with the quirks
public clients observed: ``<display>::<billing_metric>`` model keys, per-day entries, string prices per
single unit (one in ``E`` notation), ``api_zone``/``service_tier`` on entries and prices, one metric
priced per zone and tier and again per audio second, an unqualified legacy price, ``value_paid`` below
``value`` on free usage, ``usage_type`` ``vibe``, empty categories and ``vibe_usage``. One workspace
exports September on its own too (overlapping the organisation-wide month, as a user who pulls both
would have it).

    python -m tools.samples.mistral_usage [SAMPLES_DIR]   # default: data/samples
"""

from __future__ import annotations

import calendar
import json
import random
from datetime import date, timedelta
from pathlib import Path

SOURCES = ("mistral_usage",)

# (category path, display, billing_metric, event_type, usage_type, {group: daily scale}, zone, tier)
SEPTEMBER = [
    ("completion", "mistral-large-latest", "mistral-large-2411", "api_tokens", "usage",
     {"input": 2_400_000, "output": 380_000}, "global", "standard"),
    ("completion", "mistral-medium-latest", "mistral-medium-2508", "api_tokens", "usage",
     {"input": 5_200_000, "output": 900_000, "cached": 1_600_000}, "global", "standard"),
    ("completion", "mistral-small-latest", "mistral-small-2506", "api_tokens", "usage",
     {"input": 9_000_000, "output": 1_300_000}, "global", "standard"),
    ("completion", "mistral-small-latest", "mistral-small-2506", "api_tokens", "usage",
     {"input": 1_100_000, "output": 140_000}, "eu", "priority"),
    ("completion", "codestral-latest", "codestral-2508", "api_tokens", "usage",
     {"input": 3_100_000, "output": 260_000}, "global", "standard"),
    ("completion", "mistral-embed", "mistral-embed", "api_tokens", "usage",
     {"input": 14_000_000}, "global", "standard"),
    ("ocr", "mistral-ocr-latest", "mistral-ocr-2505", "api_pages", "usage",
     {"input": 1_800}, "global", "standard"),
    ("audio", "voxtral-mini-latest", "voxtral-mini-2507", "api_audio_seconds", "usage",
     {"input": 14_000}, "global", "standard"),
    ("vibe_code/completion", "mistral-vibe-cli-latest", "mistral-medium-3-5", "api_tokens", "vibe",
     {"input": 4_300_000, "cached": 21_000_000, "output": 450_000}, "global", "standard"),
]  # fmt: skip
OCTOBER = {
    "2f0c8d7e-5b1a-4c3e-9d2f-6a7b8c9d0e1f": [  # support assistant workspace
        ("chat", "mistral-medium-latest", "mistral-medium-2508", "api_tokens", "usage",
         {"input": 6_100_000, "output": 1_000_000, "cached": 2_200_000}, "eu", "standard"),
        ("chat", "magistral-medium-latest", "magistral-medium-2509", "api_tokens", "usage",
         {"input": 700_000, "output": 1_400_000}, "eu", "standard"),
        ("ocr", "mistral-ocr-latest", "mistral-ocr-2505", "api_pages", "usage",
         {"input": 2_500}, "eu", "standard"),
    ],
    "8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d": [  # engineering workspace
        ("completion", "codestral-latest", "codestral-2508", "api_tokens", "usage",
         {"input": 4_000_000, "output": 330_000}, "global", "standard"),
        ("chat", "mistral-small-latest", "mistral-small-2506", "api_tokens", "usage",
         {"input": 2_000_000, "output": 310_000}, "global", "standard"),
        ("vibe_code/completion", "mistral-vibe-cli-latest", "mistral-medium-3-5", "api_tokens", "vibe",
         {"input": 5_000_000, "cached": 24_000_000, "output": 520_000}, "global", "standard"),
    ],
}  # fmt: skip
# (event_type, billing_metric, billing_group, api_zone, service_tier, price per unit as Mistral writes it)
PRICES = [
    ("api_tokens", "mistral-large-2411", "input", "global", "standard", "0.0000017000"),
    ("api_tokens", "mistral-large-2411", "output", "global", "standard", "0.0000051000"),
    ("api_tokens", "mistral-medium-2508", "input", "global", "standard", "0.0000003400"),
    ("api_tokens", "mistral-medium-2508", "output", "global", "standard", "0.0000017000"),
    ("api_tokens", "mistral-medium-2508", "cached", "global", "standard", "3.4E-8"),
    ("api_tokens", "mistral-medium-2508", "input", "eu", "standard", "0.0000003740"),
    ("api_tokens", "mistral-medium-2508", "output", "eu", "standard", "0.0000018700"),
    ("api_tokens", "mistral-medium-2508", "cached", "eu", "standard", "3.74E-8"),
    ("api_tokens", "magistral-medium-2509", "input", "eu", "standard", "0.0000018700"),
    ("api_tokens", "magistral-medium-2509", "output", "eu", "standard", "0.0000046750"),
    ("api_tokens", "mistral-small-2506", "input", "global", "standard", "0.0000000850"),
    ("api_tokens", "mistral-small-2506", "output", "global", "standard", "0.0000002550"),
    ("api_tokens", "mistral-small-2506", "input", "eu", "priority", "0.0000001570"),
    ("api_tokens", "mistral-small-2506", "output", "eu", "priority", "0.0000004720"),
    ("api_tokens", "codestral-2508", "input", "global", "standard", "0.0000002550"),
    ("api_tokens", "codestral-2508", "output", "global", "standard", "0.0000007650"),
    ("api_tokens", "mistral-embed", "input", None, None, "0.0000000850"),  # unqualified legacy price
    ("api_pages", "mistral-ocr-2505", "input", "global", "standard", "0.0008500000"),
    ("api_pages", "mistral-ocr-2505", "input", "eu", "standard", "0.0009350000"),
    ("api_audio_seconds", "voxtral-mini-2507", "input", "global", "standard", "0.0000141667"),
    ("api_tokens", "mistral-medium-3-5", "input", "global", "standard", "0.0000012750"),
    ("api_tokens", "mistral-medium-3-5", "input", "eu", "priority", "0.0000023588"),
    ("api_audio_seconds", "mistral-medium-3-5", "input", "global", "standard", "0.0001416667"),
    ("api_tokens", "mistral-medium-3-5", "cached", "global", "standard", "1.275E-7"),
    ("api_tokens", "mistral-medium-3-5", "output", "global", "standard", "0.0000063750"),
]


def _prices() -> list[dict]:
    out = []
    for event, metric, group, zone, tier, price in PRICES:
        row = {"event_type": event, "billing_metric": metric, "billing_group": group}
        if zone is not None:
            row |= {"api_zone": zone, "service_tier": tier}
        out.append(row | {"price": price})
    return out


def _empty_categories() -> dict:
    return {
        "completion": {"models": {}},
        "chat": {"models": {}},
        "ocr": {"models": {}},
        "connectors": {"models": {}},
        "libraries_api": {"pages": {"models": {}}, "tokens": {"models": {}}},
        "fine_tuning": {"training": {}, "storage": {}},
        "audio": {"models": {}},
        "vibe_code": {"completion": {"models": {}}},
    }


def response(rng: random.Random, year: int, month: int, last_usage_day: int, series: list) -> dict:
    body = _empty_categories()
    for path, display, metric, event, usage_type, groups, zone, tier in series:
        node = body
        for part in path.split("/"):
            node = node[part]
        lanes = node["models"].setdefault(f"{display}::{metric}", {})
        for day_number in range(1, last_usage_day + 1):
            day = date(year, month, day_number)
            if day.weekday() >= 5 or rng.random() < 0.2:
                continue
            activity = rng.uniform(0.35, 1.0)
            for group, scale in groups.items():
                value = int(scale * activity * rng.uniform(0.85, 1.15))
                # the first working day of September ran on a free trial allowance
                paid = 0 if (month == 9 and day_number == 1 and metric == "codestral-2508") else value
                entry = {
                    "usage_type": usage_type,
                    "event_type": event,
                    "billing_metric": metric,
                    "billing_display_name": display,
                    "billing_group": group,
                    "timestamp": day.isoformat(),
                    "value": value,
                    "value_paid": paid,
                    "api_zone": zone,
                    "service_tier": tier,
                }
                lanes.setdefault(group, []).append(entry)
    first = date(year, month, 1)
    last = calendar.monthrange(year, month)[1]
    previous = first - timedelta(days=1)
    following = first + timedelta(days=last)
    return body | {
        "vibe_usage": 0.0,
        "date": f"{first.isoformat()}T00:00:00Z",
        "previous_month": previous.strftime("%Y-%m"),
        "next_month": following.strftime("%Y-%m"),
        "start_date": f"{first.isoformat()}T00:00:00Z",
        "end_date": f"{date(year, month, last).isoformat()}T23:59:59.999Z",
        "currency": "EUR",
        "currency_symbol": "\u20ac",
        "prices": _prices(),
    }


def write(root: Path) -> list[Path]:
    out = root / "mistral_usage"
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(2609)
    files = {"mistral_usage_2026-09.json": response(rng, 2026, 9, 30, SEPTEMBER)}
    for workspace, series in OCTOBER.items():
        # month-to-date pull on 15 October: the period is still the whole month
        files[f"mistral_usage_2026-10_workspace-{workspace}.json"] = response(rng, 2026, 10, 14, series)
    # the engineering workspace's own export of September, also covered by the organisation-wide file:
    # both land; dbt counts the organisation-wide one (source_report_families precedence)
    september_rng = random.Random(2610)
    workspace = "8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    files[f"mistral_usage_2026-09_workspace-{workspace}.json"] = response(
        september_rng, 2026, 9, 30, SEPTEMBER[4:6]
    )
    for name, body in files.items():
        (out / name).write_text(json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n")
    return [out / name for name in files]


if __name__ == "__main__":
    from tools.samples._cli import run

    run(write)
