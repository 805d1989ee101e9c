"""Write the bundled Anthropic Console CSV samples (deterministic: same seed, same bytes).

Shapes follow vendor-formats.md "Console CSV exports": the token usage export (API model ids, one row
per day x model x key x workspace x tier x window x geo x speed) and the cost export derived from it
(display names such as "Claude Haiku 4.5", dollars rounded to cents, the ``≤ 200k`` literal, ``--`` for
fields that do not apply on web-search rows, and the newest header with ``api_key_id, api_key_status``).

    python -m tools.samples.anthropic_console [SAMPLES_DIR]   # default: data/samples
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from tools.samples._common import csv_text, write_files

FIRST, LAST = date(2026, 9, 24), date(2026, 10, 5)
WINDOW = "\u2264 200k"
KEYS = [  # (workspace, api key name, api key id, status)
    ("Default", "prod-support", "apikey_01HZx8JqS7mN2vR4pLkT9wYc", "active"),
    ("Brand Studio", "brand-batch", "apikey_01J0a3KdF6tB8nQ1sXzV5eMu", "active"),
    ("Support Bot", "eval-runner", "apikey_01J2c7PwH4yL9gD3rNbA6kEs", "archived"),
]
MODELS = {  # API id -> (display name, $/1M input, output, daily output scale, geo, speed)
    "claude-sonnet-4-5-20250929": ("Claude Sonnet 4.5", 3.00, 15.00, 400_000, "not_available", "standard"),
    "claude-haiku-4-5-20251001": ("Claude Haiku 4.5", 1.00, 5.00, 900_000, "global", "standard"),
    "claude-opus-4-6": ("Claude Opus 4.6", 5.00, 25.00, 90_000, "us", "fast"),
    "claude-sonnet-4-20250514": ("Claude Sonnet 4", 3.00, 15.00, 60_000, "not_available", "standard"),
}
# token type -> multiplier of the input price (cache reads 0.1x, 5m writes 1.25x, 1h writes 2x)
INPUT_KINDS = {
    "input_no_cache": ("usage_input_tokens_no_cache", 1.0),
    "input_cache_write_5m": ("usage_input_tokens_cache_write_5m", 1.25),
    "input_cache_write_1h": ("usage_input_tokens_cache_write_1h", 2.0),
    "input_cache_read": ("usage_input_tokens_cache_read", 0.1),
}
TOKEN_HEADER = [
    "usage_date_utc",
    "model_version",
    "api_key",
    "workspace",
    "usage_type",
    "context_window",
    "usage_input_tokens_no_cache",
    "usage_input_tokens_cache_write_5m",
    "usage_input_tokens_cache_write_1h",
    "usage_input_tokens_cache_read",
    "usage_output_tokens",
    "web_search_count",
    "inference_geo",
    "speed",
]
# the newest cost export header (vendor-formats.md): its header line as the export writes it, not the
# connector's constant, so the sample stays an independent fixture of the format
COST_HEADER_LINE = (
    "usage_date_utc,model,workspace,api_key,usage_type,context_window,token_type,cost_usd,"
    "list_price_usd,cost_type,inference_geo,speed,api_key_id,api_key_status"
)
COST_HEADER = COST_HEADER_LINE.split(",")


def build() -> dict[str, str]:
    rng = random.Random(20260924)
    token_rows: list[list[str]] = []
    # (day, model, key, kind) -> [cost, list price]; the cost export does not split by service tier
    costs: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0.0])
    searches: dict[tuple, int] = defaultdict(int)
    day = FIRST
    while day <= LAST:
        for key in KEYS:
            workspace, key_name = key[0], key[1]
            for model, (_, p_in, p_out, scale, geo, speed) in MODELS.items():
                if rng.random() < 0.3:
                    continue
                tiers = ["standard", "batch"] if workspace == "Brand Studio" else ["standard"]
                for tier in tiers:
                    discount = 0.5 if tier == "batch" else 1.0
                    output = int(scale * rng.uniform(0.2, 1.0) * discount)
                    counts = {
                        "input_no_cache": int(output * rng.uniform(1.0, 3.0)),
                        "input_cache_write_5m": int(output * rng.uniform(0.0, 0.8)),
                        "input_cache_write_1h": int(output * rng.uniform(0.0, 0.3))
                        if workspace == "Default"
                        else 0,
                        "input_cache_read": int(output * rng.uniform(2.0, 8.0)) if tier == "standard" else 0,
                    }
                    web_searches = (
                        rng.randint(0, 30) if workspace == "Support Bot" and tier == "standard" else 0
                    )
                    token_rows.append(
                        [
                            day.isoformat(),
                            model,
                            key_name,
                            workspace,
                            tier,
                            WINDOW,
                            *[str(counts[kind]) for kind in INPUT_KINDS],
                            str(output),
                            str(web_searches),
                            geo,
                            speed,
                        ]
                    )
                    speed_factor = 6.0 if speed == "fast" else 1.0
                    for kind, (_, factor) in INPUT_KINDS.items():
                        cell = costs[(day, model, key, kind)]
                        cell[0] += counts[kind] * p_in * factor * discount * speed_factor / 1e6
                        cell[1] += counts[kind] * p_in * speed_factor / 1e6
                    cell = costs[(day, model, key, "output")]
                    cell[0] += output * p_out * discount * speed_factor / 1e6
                    cell[1] += output * p_out * speed_factor / 1e6
                    searches[(day, key)] += web_searches
        day += timedelta(days=1)

    cost_rows: list[list[str]] = []
    for (day, model, key, kind), (cost, list_price) in costs.items():
        if round(cost, 2) == 0:
            continue  # the export lists charged lines only
        display, _, _, _, geo, speed = MODELS[model]
        workspace, key_name, key_id, status = key
        cost_rows.append(
            [
                day.isoformat(),
                display,
                workspace,
                key_name,
                "message",
                WINDOW,
                kind,
                f"{cost:.2f}",
                f"{list_price:.2f}",
                "token",
                geo,
                speed,
                key_id,
                status,
            ]
        )
    for (day, key), count in searches.items():
        if count:
            workspace, key_name, key_id, status = key
            cost_rows.append(
                [
                    day.isoformat(),
                    "--",
                    workspace,
                    key_name,
                    "--",
                    "--",
                    "--",
                    f"{count * 0.01:.2f}",
                    f"{count * 0.01:.2f}",
                    "web_search",
                    "--",
                    "--",
                    key_id,
                    status,
                ]
            )
    cost_rows.sort(key=lambda r: (r[0], r[2], r[3], r[1], r[6]))
    span = f"{FIRST.isoformat()}_to_{LAST.isoformat()}"
    return {
        f"claude_api_cost_{span}.csv": csv_text(COST_HEADER, cost_rows),
        f"claude_api_tokens_{span}.csv": csv_text(TOKEN_HEADER, token_rows),
    }


SOURCES = ("anthropic_console",)


def write(root: Path) -> list[Path]:
    return write_files(root / "anthropic_console", build())


if __name__ == "__main__":
    from tools.samples._cli import run

    run(write)
