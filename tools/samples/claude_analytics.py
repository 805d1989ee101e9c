"""Write the bundled Claude Enterprise Analytics sample in ``data/samples/claude_analytics/`` (deterministic).

Shape: one page of ``GET /v1/organizations/analytics/usage_report`` grouped by product, model, context
window, inference region and speed, with the fields of the official SDK's types (anthropic-sdk-typescript,
``src/resources/beta/organization/analytics``, ``BetaAnalyticsUsageBucketedResult``; corpus case
``tests/connectors/corpus/claude_analytics/sdk_types_grouped_by_product_model_geo``): ``1d`` buckets with
``results``, the group fields not grouped by as null, the nested ``cache_creation`` and
``server_tool_use`` objects written on one line. Two days, the second with no use. The token counts are
invented.

    python -m tools.samples.claude_analytics [SAMPLES_DIR]   # default: data/samples
"""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

from tools.samples._common import write_files

SOURCES = ("claude_analytics",)
DAYS = ("2026-09-01", "2026-09-02", "2026-09-03")  # bucket bounds: two days
# (product, model, inference region, uncached input, 5m and 1h cache writes, cache reads, output, requests,
# web searches); requests null where the report has none
USE = (
    ("chat", "claude-sonnet-4-5", "us", 12000, 0, 0, 3000, 4500, 40, 2),
    ("claude_code", "claude-opus-4-6", "global", 50000, 10000, 0, 200000, 20000, None, 0),
)


def result(product, model, geo, uncached, write_5m, write_1h, read, output, requests, searches) -> dict:
    return {
        "product": product,
        "model": model,
        "context_window": "0-200k",
        "inference_geo": geo,
        "speed": "standard",
        "rbac_group_id": None,
        "claude_tag_category": None,
        "claude_tag_user_id": None,
        "slack_channel_id": None,
        "uncached_input_tokens": uncached,
        "cache_creation": {"ephemeral_1h_input_tokens": write_1h, "ephemeral_5m_input_tokens": write_5m},
        "cache_read_input_tokens": read,
        "output_tokens": output,
        "requests": requests,
        "server_tool_use": {"web_search_requests": searches},
    }


def page() -> str:
    buckets = [
        {
            "starting_at": f"{start}T00:00:00Z",
            "ending_at": f"{end}T00:00:00Z",
            "results": [result(*u) for u in USE] if i == 0 else [],
        }
        for i, (start, end) in enumerate(pairwise(DAYS))
    ]
    # the nested objects of a result on one line, as the saved page has them
    inline: list[str] = []
    for bucket in buckets:
        for row in bucket["results"]:
            for name in ("cache_creation", "server_tool_use"):
                inline.append(json.dumps(row[name]))
                row[name] = f"@@{len(inline) - 1}@@"
    text = json.dumps({"data": buckets, "has_more": False, "next_page": None}, indent=2)
    for i, value in enumerate(inline):
        text = text.replace(f'"@@{i}@@"', value, 1)
    return text + "\n"


def write(root: Path) -> list[Path]:
    return write_files(root / "claude_analytics", {f"usage_report_api_{DAYS[0]}_{DAYS[-2]}.json": page()})


if __name__ == "__main__":
    from tools.samples._cli import run

    run(write)
