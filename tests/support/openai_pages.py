"""OpenAI usage pages shared by the connector and landing tests: the documented completions example and
small builders of result pages (one home, so no test module imports another)."""

from __future__ import annotations

import json

from werkzeug import Request, Response

# The documented completions example (vendor-formats.md §1), plus an empty bucket the API returns.
COMPLETIONS_PAGE = {
    "object": "page",
    "data": [
        {
            "object": "bucket",
            "start_time": 1756684800,
            "end_time": 1756771200,
            "results": [
                {
                    "object": "organization.usage.completions.result",
                    "input_tokens": 5000,
                    "input_cached_tokens": 1800,
                    "input_cache_write_tokens": 200,
                    "input_uncached_tokens": 3000,
                    "output_tokens": 1000,
                    "input_text_tokens": 2500,
                    "output_text_tokens": 800,
                    "input_cached_text_tokens": 1500,
                    "input_audio_tokens": 300,
                    "input_cached_audio_tokens": 100,
                    "output_audio_tokens": 100,
                    "input_image_tokens": 200,
                    "input_cached_image_tokens": 200,
                    "output_image_tokens": 100,
                    "num_model_requests": 5,
                    "project_id": "proj_abc",
                    "user_id": None,
                    "api_key_id": None,
                    "model": "gpt-4o-mini-2024-07-18",
                    "batch": False,
                    "service_tier": "default",
                }
            ],
        },
        {"object": "bucket", "start_time": 1756771200, "end_time": 1756857600, "results": []},
    ],
    "has_more": True,
    "next_page": "page_AAAAAGdGxdEiJdKOAAAAAGcqsYA=",
}

DAY1, DAY2, DAY3 = 1756684800, 1756771200, 1756857600  # 2025-09-01, -02, -03 UTC


def usage_result(model: str, output: int, **extra) -> dict:
    return {
        "object": "organization.usage.completions.result",
        "input_tokens": 100,
        "input_cached_tokens": 0,
        "output_tokens": output,
        "num_model_requests": 1,
        "project_id": "proj_a",
        "user_id": None,
        "api_key_id": None,
        "model": model,
        "batch": False,
        "service_tier": "default",
    } | extra


def usage_page(*buckets: tuple[int, list[dict]]) -> dict:
    return {
        "object": "page",
        "has_more": False,
        "next_page": None,
        "data": [
            {
                "object": "bucket",
                "start_time": start,
                "end_time": None if start is None else start + 86400,
                "results": results,
            }
            for start, results in buckets
        ],
    }


_DAY = 86400


def costs_day_pages(request: Request) -> Response:
    """A local Costs API: one page with a 1.50 USD gpt-4o-mini input line per day of the requested range."""
    start, end = int(request.args["start_time"]), int(request.args["end_time"])
    data = [
        {
            "object": "bucket",
            "start_time": s,
            "end_time": s + _DAY,
            "results": [
                {
                    "object": "organization.costs.result",
                    "amount": {"value": 1.5, "currency": "usd"},
                    "line_item": "gpt-4o-mini-2024-07-18, input",
                    "project_id": "proj_a",
                    "api_key_id": None,
                    "quantity": None,
                    "quantity_unit": None,
                    "organization_id": "org-x",
                }
            ],
        }
        for s in range(start, end, _DAY)
    ]
    return Response(
        json.dumps({"object": "page", "data": data, "has_more": False, "next_page": None}),
        content_type="application/json",
    )
