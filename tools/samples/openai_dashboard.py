"""Write the bundled OpenAI dashboard CSV samples (deterministic: same seed, same bytes).

Shapes follow vendor-formats.md "Dashboard CSV exports": the Cost view's exact 17-column header with
empty daily buckets as rows with a blank amount and amounts written with 30 decimals (currency ``usd``);
the Activity view's completions export with the four time columns first and numbers written as floats.

    python -m tools.samples.openai_dashboard [SAMPLES_DIR]   # default: data/samples
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from tools.samples._common import csv_text, write_files

FIRST, DAYS = date(2026, 9, 27), 10  # 2026-09-27 .. 2026-10-06
QUIET_DAY = date(2026, 10, 4)  # no usage at all: an empty bucket in both exports
ORG_ID, ORG_NAME = "org-Qm3xT8emissionsDemo", "Emissions Demo Inc"
EXPORTED_BY = "finops@example.com"
PROJECTS = {
    "proj_Mk7aQ2marketingCopy": "Marketing copy",
    "proj_Hn3sP9supportBot": "Support bot",
    "proj_Zr4tL1searchRank": "Search ranking",
}
MODELS = {  # model -> (input, cached input, output) dollars per 1M tokens, daily output scale
    "gpt-4o-mini-2024-07-18": ((0.15, 0.075, 0.60), 700_000),
    "gpt-4.1-2025-04-14": ((2.00, 0.50, 8.00), 180_000),
    "gpt-5-mini-2025-08-07": ((0.25, 0.025, 2.00), 300_000),
    "o3-2025-04-16": ((2.00, 0.50, 8.00), 40_000),
}
# the documented 17-column cost export: its header line as the export writes it, not the connector's
# constant, so the sample stays an independent fixture of the format
COST_HEADER_LINE = (
    "start_time,end_time,start_time_iso,end_time_iso,amount_value,amount_currency,quantity,"
    "quantity_unit,line_item,user_id,api_key_id,project_id,organization_id,project_name,"
    "organization_name,user_email,api_source"
)
COST_HEADER = COST_HEADER_LINE.split(",")
USAGE_HEADER = [
    "start_time",
    "end_time",
    "start_time_iso",
    "end_time_iso",
    "project_id",
    "num_model_requests",
    "user_id",
    "api_key_id",
    "model",
    "batch",
    "service_tier",
    "input_tokens",
    "output_tokens",
    "input_cached_tokens",
    "input_uncached_tokens",
    "input_audio_tokens",
    "output_audio_tokens",
]


def _bucket(day: date) -> list[str]:
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    end = start + timedelta(days=1)
    return [str(int(start.timestamp())), str(int(end.timestamp())), start.isoformat(), end.isoformat()]


def _float(value: int) -> str:
    return f"{value}.0"


def _amount(dollars: float) -> str:
    """Dollars as the dashboard writes them: 30 decimals, the float's digits padded with zeros."""
    return f"{dollars:.9f}" + "0" * 21


def _cost_row(bucket: list[str], usd: float, line: list[str], project: str, name: str) -> list[str]:
    """A cost export row: the bucket, the amount in USD, the line item (quantity, unit, name), the project."""
    return [
        *bucket,
        _amount(usd),
        "usd",
        *line,
        "",
        "",
        project,
        ORG_ID,
        name,
        ORG_NAME,
        EXPORTED_BY,
        "",
    ]


def build() -> dict[str, str]:
    rng = random.Random(20260927)
    usage_rows: list[list[str]] = []
    cost_rows: list[list[str]] = []
    for offset in range(DAYS):
        day = FIRST + timedelta(days=offset)
        bucket = _bucket(day)
        if day == QUIET_DAY:
            usage_rows.append(bucket + [""] * (len(USAGE_HEADER) - 4))
            cost_rows.append(bucket + [""] * (len(COST_HEADER) - 4))
            continue
        for project, project_name in PROJECTS.items():
            file_search_calls = 0
            for model, ((p_in, p_cached, p_out), scale) in MODELS.items():
                if rng.random() < 0.25:
                    continue  # not every project uses every model every day
                batches = [False, True] if model.startswith("gpt-4o-mini") else [False]
                totals = {"input": 0, "cached input": 0, "output": 0}
                for batch in batches:
                    output = int(scale * rng.uniform(0.3, 1.0) * (0.5 if batch else 1.0))
                    inputs = int(output * rng.uniform(2.5, 6.0))
                    cached = int(inputs * rng.uniform(0.0, 0.4)) if not batch else 0
                    requests = max(1, output // rng.randint(250, 900))
                    usage_rows.append(
                        [
                            *bucket,
                            project,
                            _float(requests),
                            "",
                            "",
                            model,
                            str(batch),
                            "batch" if batch else "default",
                            _float(inputs),
                            _float(output),
                            _float(cached),
                            _float(inputs - cached),
                            _float(0),
                            _float(0),
                        ]
                    )
                    totals["input"] += inputs - cached
                    totals["cached input"] += cached
                    totals["output"] += output
                    file_search_calls += requests // 40
                prices = {"input": p_in, "cached input": p_cached, "output": p_out}
                for kind, tokens in totals.items():
                    if not tokens:
                        continue
                    dollars = tokens * prices[kind] / 1_000_000
                    line = [_float(tokens), "tokens", f"{model}, {kind}"]
                    cost_rows.append(_cost_row(bucket, dollars, line, project, project_name))
            if file_search_calls:  # a priced line item that names no model
                line = ["", "", "assistants api | file search"]
                usd = file_search_calls * 2.5 / 1000
                cost_rows.append(_cost_row(bucket, usd, line, project, project_name))
    last = FIRST + timedelta(days=DAYS - 1)
    span = f"{FIRST.isoformat()}_{last.isoformat()}"
    return {
        f"cost_{span}.csv": csv_text(COST_HEADER, cost_rows),
        f"completions_usage_{span}.csv": csv_text(USAGE_HEADER, usage_rows),
    }


SOURCES = ("openai_dashboard",)


def write(root: Path) -> list[Path]:
    return write_files(root / "openai_dashboard", build())


if __name__ == "__main__":
    from tools.samples._cli import run

    run(write)
