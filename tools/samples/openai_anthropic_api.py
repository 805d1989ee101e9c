"""Write the bundled sample exports in ``data/samples/`` (deterministic: same seed, same bytes).

Shapes follow the vendors' documented responses (see docs/sources.md): OpenAI Usage API pages with
unix-second buckets, empty buckets on quiet days and ``next_page`` cursors; Anthropic usage_report
pages with RFC 3339 buckets, nested cache-creation counts and ``inference_geo``.

    python -m tools.samples.openai_anthropic_api [SAMPLES_DIR]   # default: data/samples
"""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

OPENAI_PROJECTS = ["proj_Mk7aQ2marketingCopy", "proj_Hn3sP9supportBot", "proj_Zr4tL1searchRank"]
OPENAI_MODELS = [  # (model, daily output-token scale, share batch)
    ("gpt-4o-mini-2024-07-18", 900_000, 0.4),
    ("gpt-4.1-2025-04-14", 250_000, 0.0),
    ("gpt-5-mini-2025-08-07", 400_000, 0.2),
    ("o3-2025-04-16", 60_000, 0.0),  # not in the EcoLogits registry: exercises the fallback tier
]
ANTHROPIC_WORKSPACES = ["wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ", "wrkspc_01Kp9BrandStudio4Xc2", None]
ANTHROPIC_MODELS = [
    ("claude-sonnet-4-5-20250929", 500_000),
    ("claude-haiku-4-5-20251001", 1_200_000),
    ("claude-sonnet-4-20250514", 80_000),  # not in the EcoLogits registry
]


def _days(first: date, count: int) -> list[date]:
    return [first + timedelta(days=i) for i in range(count)]


def _epoch(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def _day_bucket(day: date, results: list[dict]) -> dict:
    """An OpenAI usage or costs bucket of one UTC day."""
    return {
        "object": "bucket",
        "start_time": _epoch(day),
        "end_time": _epoch(day + timedelta(1)),
        "results": results,
    }


def _weekend(day: date) -> bool:
    return day.weekday() >= 5


def _page(buckets: list[dict], next_page: str | None) -> dict:
    return {"object": "page", "data": buckets, "has_more": next_page is not None, "next_page": next_page}


def openai_completions(rng: random.Random, days: list[date], *, old_shape: bool = False) -> list[dict]:
    buckets = []
    for day in days:
        results = []
        if not (_weekend(day) and day.weekday() == 6):  # Sundays are empty buckets, as the API returns them
            for model, scale, batch_share in OPENAI_MODELS:
                for project in OPENAI_PROJECTS:
                    if rng.random() < 0.25:
                        continue
                    for batch in (False, True) if batch_share else (False,):
                        share = batch_share if batch else 1 - batch_share
                        output = int(scale * share * rng.uniform(0.3, 1.0) / len(OPENAI_PROJECTS))
                        if output == 0:
                            continue
                        requests = max(1, output // rng.randint(180, 420))
                        cached = int(output * rng.uniform(0.5, 2.5))
                        write = int(cached * rng.uniform(0.02, 0.1))
                        uncached = int(output * rng.uniform(2.0, 6.0))
                        result = {
                            "object": "organization.usage.completions.result",
                            "input_tokens": uncached + cached + (0 if old_shape else write),
                            "output_tokens": output,
                            "input_cached_tokens": cached,
                            "num_model_requests": requests,
                        }
                        if not old_shape:
                            result |= {
                                "input_uncached_tokens": uncached,
                                "input_cache_write_tokens": write,
                                "input_text_tokens": uncached,
                                "output_text_tokens": output,
                                "input_cached_text_tokens": cached,
                                "input_audio_tokens": 0,
                                "input_cached_audio_tokens": 0,
                                "output_audio_tokens": 0,
                                "input_image_tokens": 0,
                                "input_cached_image_tokens": 0,
                                "output_image_tokens": 0,
                            }
                        else:
                            result |= {"input_audio_tokens": 0, "output_audio_tokens": 0}
                        result |= {
                            "project_id": project,
                            "user_id": None,
                            "api_key_id": None,
                            "model": model,
                            "batch": batch,
                            "service_tier": "flex" if batch and not old_shape else "default",
                        }
                        results.append(result)
        buckets.append(_day_bucket(day, results))
    return buckets


def openai_simple(rng: random.Random, days: list[date], obj: str, make: callable) -> list[dict]:
    buckets = []
    for day in days:
        results = [] if day.weekday() == 6 else make(rng)
        for r in results:
            r["object"] = obj
        buckets.append(_day_bucket(day, results))
    return buckets


def _embeddings(rng: random.Random) -> list[dict]:
    return [
        {
            "input_tokens": rng.randint(2_000_000, 9_000_000),
            "num_model_requests": rng.randint(800, 4000),
            "project_id": "proj_Zr4tL1searchRank",
            "user_id": None,
            "api_key_id": None,
            "model": "text-embedding-3-small",
        }
    ]


def _images(rng: random.Random) -> list[dict]:
    out = []
    for size, model in (
        ("1024x1024", "gpt-image-1"),
        ("1024x1792", "gpt-image-1"),
        ("1024x1024", "dall-e-3"),
    ):
        n = rng.randint(0, 60)
        if n:
            out.append(
                {
                    "images": n,
                    "num_model_requests": n,
                    "size": size,
                    "source": "image.generation",
                    "project_id": "proj_Mk7aQ2marketingCopy",
                    "user_id": None,
                    "api_key_id": None,
                    "model": model,
                }
            )
    return out


def anthropic_buckets(rng: random.Random, days: list[date]) -> list[dict]:
    buckets = []
    for day in days:
        results = []
        for model, scale in ANTHROPIC_MODELS:
            for workspace in ANTHROPIC_WORKSPACES:
                if rng.random() < 0.3:
                    continue
                tier = "batch" if (model.startswith("claude-haiku") and workspace is None) else "standard"
                geo = "us" if workspace == "wrkspc_01Kp9BrandStudio4Xc2" else "global"
                output = int(scale * rng.uniform(0.2, 1.0) / len(ANTHROPIC_WORKSPACES))
                results.append(
                    {
                        "uncached_input_tokens": int(output * rng.uniform(1.5, 4.0)),
                        "cache_creation": {
                            "ephemeral_1h_input_tokens": int(output * rng.uniform(0.0, 0.2)),
                            "ephemeral_5m_input_tokens": int(output * rng.uniform(0.1, 0.5)),
                        },
                        "cache_read_input_tokens": int(output * rng.uniform(0.5, 3.0)),
                        "output_tokens": output,
                        "server_tool_use": {"web_search_requests": rng.randint(0, 40)},
                        "api_key_id": None,
                        "workspace_id": workspace,
                        "model": model,
                        "service_tier": tier,
                        "context_window": "0-200k",
                        "inference_geo": geo,
                    }
                )
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        buckets.append(
            {
                "starting_at": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "ending_at": (start + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "results": results,
            }
        )
    return buckets


def _paged(buckets: list[dict], per_page: int, cursor_prefix: str) -> list[dict]:
    pages = []
    for i in range(0, len(buckets), per_page):
        more = i + per_page < len(buckets)
        pages.append(
            _page(buckets[i : i + per_page], f"page_{cursor_prefix}{i + per_page:04d}=" if more else None)
        )
    return pages


def _anthropic_paged(buckets: list[dict], per_page: int) -> list[dict]:
    pages = []
    for i in range(0, len(buckets), per_page):
        more = i + per_page < len(buckets)
        pages.append(
            {
                "data": buckets[i : i + per_page],
                "has_more": more,
                "next_page": f"page_MjAyNi0{i + per_page:04d}" if more else None,
            }
        )
    return pages


# list prices in USD per million tokens (input, output), for plausible cost reports
OPENAI_PRICES = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4.1": (2.0, 8.0),
    "gpt-5-mini": (0.25, 2.0),
    "o3": (2.0, 8.0),
}
ANTHROPIC_PRICES = {
    "claude-sonnet-4-5": (3.0, 15.0),
    "claude-haiku-4-5": (1.0, 5.0),
    "claude-sonnet-4": (3.0, 15.0),
}


def openai_costs(completion_buckets: list[dict]) -> list[dict]:
    """Costs API buckets priced from the completions usage: one line item per model x direction x project."""
    buckets = []
    for bucket in completion_buckets:
        totals: dict[tuple[str, str, str], float] = {}
        for r in bucket["results"]:
            model = r["model"].rsplit("-20", 1)[0]
            price_in, price_out = OPENAI_PRICES[model]
            discount = 0.5 if r["batch"] else 1.0
            for direction, tokens, price in (
                ("input", r["input_tokens"], price_in),
                ("output", r["output_tokens"], price_out),
            ):
                key = (r["model"], direction, r["project_id"])
                totals[key] = totals.get(key, 0.0) + tokens * price * discount / 1e6
        results = [
            {
                "object": "organization.costs.result",
                "amount": {"value": round(v, 10), "currency": "usd"},
                "line_item": f"{m}, {d}",
                "project_id": p,
                "api_key_id": None,
                "quantity": None,
                "quantity_unit": None,
                "organization_id": "org-Fx7sampleOrg",
            }
            for (m, d, p), v in sorted(totals.items())
        ]
        buckets.append(
            {
                "object": "bucket",
                "start_time": bucket["start_time"],
                "end_time": bucket["end_time"],
                "results": results,
            }
        )
    return buckets


def anthropic_costs(usage_buckets: list[dict]) -> list[dict]:
    """cost_report buckets (amounts in cents as decimal strings) priced from the usage report."""
    buckets = []
    for bucket in usage_buckets:
        results = []
        searches: dict[tuple, int] = {}
        for r in bucket["results"]:
            model = r["model"].rsplit("-20", 1)[0]
            price_in, price_out = ANTHROPIC_PRICES[model]
            discount = 0.5 if r["service_tier"] == "batch" else 1.0
            name = (
                " ".join(w.capitalize() for w in model.split("-")[:2]) + " " + ".".join(model.split("-")[2:])
            )
            for token_type, tokens, price in (
                ("uncached_input_tokens", r["uncached_input_tokens"], price_in),
                ("cache_read_input_tokens", r["cache_read_input_tokens"], price_in * 0.1),
                (
                    "cache_creation.ephemeral_5m_input_tokens",
                    r["cache_creation"]["ephemeral_5m_input_tokens"],
                    price_in * 1.25,
                ),
                (
                    "cache_creation.ephemeral_1h_input_tokens",
                    r["cache_creation"]["ephemeral_1h_input_tokens"],
                    price_in * 2.0,
                ),
                ("output_tokens", r["output_tokens"], price_out),
            ):
                cents = tokens * price * discount / 1e6 * 100
                results.append(
                    {
                        "currency": "USD",
                        "amount": f"{cents:.5f}",
                        "workspace_id": r["workspace_id"],
                        "description": f"{name} Usage - {token_type}",
                        "cost_type": "tokens",
                        "context_window": r["context_window"],
                        "model": r["model"],
                        "service_tier": r["service_tier"],
                        "token_type": token_type,
                        "inference_geo": r["inference_geo"],
                    }
                )
            key = (r["workspace_id"], r["inference_geo"])
            searches[key] = searches.get(key, 0) + r["server_tool_use"]["web_search_requests"]
        # web search is billed per workspace and day ($10 per 1,000 searches = 1 cent each)
        for (workspace, geo), count in sorted(searches.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
            if count:
                results.append(
                    {
                        "currency": "USD",
                        "amount": f"{count * 1.0:.5f}",
                        "workspace_id": workspace,
                        "description": "Web Search",
                        "cost_type": "web_search",
                        "context_window": None,
                        "model": None,
                        "service_tier": None,
                        "token_type": None,
                        "inference_geo": geo,
                    }
                )
        buckets.append(
            {"starting_at": bucket["starting_at"], "ending_at": bucket["ending_at"], "results": results}
        )
    return buckets


SOURCES = ("openai_usage", "anthropic_usage", "openai_costs", "anthropic_costs")


def write(out: Path) -> list[Path]:
    """Write the four API sources' folders under ``out`` and return the files written."""
    written: list[Path] = []
    rng = random.Random(20260901)
    oa, an = out / "openai_usage", out / "anthropic_usage"
    oa.mkdir(parents=True, exist_ok=True)
    an.mkdir(parents=True, exist_ok=True)

    def dump(path: Path, payload: object) -> None:
        path.write_text(json.dumps(payload, indent=1) + "\n")
        written.append(path)

    sep = _days(date(2026, 9, 1), 14)
    octo = _days(date(2026, 10, 1), 7)
    jul = _days(date(2026, 7, 6), 7)
    jul_completions = openai_completions(rng, jul, old_shape=True)  # rng order fixes the sample bytes
    sep_completions = openai_completions(rng, sep)
    dump(
        oa / "completions_usage_2026-07-06_2026-07-12.json",
        _page(jul_completions, None),
    )
    dump(oa / "completions_usage_2026-09-01_2026-09-14.json", _paged(sep_completions, 7, "AAAAAGdGxdEi"))
    dump(oa / "completions_usage_2026-10-01_2026-10-07.json", _page(openai_completions(rng, octo), None))
    dump(
        oa / "embeddings_usage_2026-09-01_2026-09-14.json",
        _page(openai_simple(rng, sep, "organization.usage.embeddings.result", _embeddings), None),
    )
    dump(
        oa / "images_usage_2026-09-01_2026-09-14.json",
        _page(openai_simple(rng, sep, "organization.usage.images.result", _images), None),
    )
    sep_messages = anthropic_buckets(rng, sep)
    dump(an / "usage_report_messages_2026-09-01_2026-09-14.json", _anthropic_paged(sep_messages, 7))
    dump(
        an / "usage_report_messages_2026-10-01_2026-10-07.json",
        _anthropic_paged(anthropic_buckets(rng, octo), 7)[0],
    )
    oc, ac = out / "openai_costs", out / "anthropic_costs"
    oc.mkdir(parents=True, exist_ok=True)
    ac.mkdir(parents=True, exist_ok=True)
    dump(oc / "costs_2026-09-01_2026-09-14.json", _paged(openai_costs(sep_completions), 7, "AAAAAGcostsA"))
    dump(ac / "cost_report_2026-09-01_2026-09-14.json", _anthropic_paged(anthropic_costs(sep_messages), 7))
    return written


if __name__ == "__main__":
    from tools.samples._cli import run

    run(write)
