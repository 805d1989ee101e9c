"""Write realistic vendor-format exports at scale, laid out like ``data/samples/`` (one folder per source).

    python benchmarks/generate.py --rows 1000000 --out /tmp/exports [--seed 7]
    python benchmarks/generate.py --rows 1000000 --out /tmp/exports --day 2026-10-01   # one extra day

``--rows`` is the number of *canonical activity rows after landing* for the whole year
(2025-10-01 .. 2026-09-30). Each vendor record lands as a known number of canonical rows, so the
generator sizes every source to its share of the target:

| source            | format (as the vendor/console writes it)            | record -> rows | share |
|-------------------|-----------------------------------------------------|----------------|-------|
| openai_usage      | Usage API pages, completions (weekly JSON)          | 5              | 42 %  |
| openai_usage      | Usage API pages, embeddings (weekly JSON)           | 2              | 5 %   |
| openai_usage      | Usage API pages, images (weekly JSON)               | 2              | 3 %   |
| anthropic_usage   | usage_report/messages pages (weekly JSON)           | 6              | 30 %  |
| gcp_billing       | flattened Cloud Billing query export (weekly CSV)   | 1 (AI lines)   | 10 %  |
| tiktok_ads        | integrated report AUDIENCE+BASIC (weekly JSON/adv.) | 3              | 10 %  |

Volumes follow a weekday/weekend cycle and a growth trend over the year (usage roughly doubles);
projects, API keys, models and countries have skewed (Zipf-like) popularity. Generation is
vectorised (NumPy + Polars) one file at a time, so memory stays flat whatever ``--rows`` is.
Every other known source gets an empty folder so ``ewh run --samples OUT`` sees the same layout as
``data/samples``. ``OUT/_generated.json`` records the expected landed rows per source.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tools.samples import gcp_billing as gcp_samples  # noqa: E402  (the bundled-sample generator's SKU tables)

FIRST_DAY = date(2025, 10, 1)
DAYS = 365  # .. 2026-09-30
WEEK = 7

# stream -> (source, canonical rows per vendor record, share of all canonical rows)
STREAMS: dict[str, tuple[str, int, float]] = {
    "openai_completions": ("openai_usage", 5, 0.42),
    "openai_embeddings": ("openai_usage", 2, 0.05),  # tokens + embedding_requests (issue #13 class 6)
    "openai_images": ("openai_usage", 2, 0.03),  # images + image_requests
    "anthropic_messages": ("anthropic_usage", 6, 0.30),  # 5 token kinds + web_search_requests
    "gcp_billing": ("gcp_billing", 1, 0.10),
    "tiktok": ("tiktok_ads", 3, 0.10),
}
ALL_SOURCES = [
    "openai_usage", "openai_costs", "openai_dashboard", "anthropic_usage", "anthropic_costs",
    "anthropic_console", "gcp_billing", "azure_cost", "aws_cur", "mistral_usage", "runway_usage",
    "google_ads", "meta_ads", "linkedin_ads", "tiktok_ads", "gcp_carbon", "aws_carbon", "azure_carbon",
]  # fmt: skip

# (raw model, relative popularity, output tokens per record scale); some are not in the registry
OPENAI_MODELS = [
    ("gpt-4o-mini-2024-07-18", 10, 400_000),
    ("gpt-4.1-mini-2025-04-14", 8, 300_000),
    ("gpt-5-mini-2025-08-07", 7, 350_000),
    ("gpt-4.1-2025-04-14", 5, 150_000),
    ("gpt-5-2025-08-07", 4, 120_000),
    ("gpt-4.1-nano-2025-04-14", 4, 600_000),
    ("gpt-4o-2024-08-06", 3, 100_000),
    ("o4-mini-2025-04-16", 2, 80_000),
    ("o3-2025-04-16", 1, 40_000),  # not in the EcoLogits registry: fallback tier
    ("gpt-5-nano-2025-08-07", 2, 500_000),
]
EMBEDDING_MODELS = [
    ("text-embedding-3-small", 5),
    ("text-embedding-3-large", 2),
    ("text-embedding-ada-002", 1),
]
IMAGE_MODELS = [
    ("gpt-image-1", "1024x1024", 5),
    ("gpt-image-1", "1024x1536", 2),
    ("dall-e-3", "1024x1024", 2),
    ("dall-e-3", "1792x1024", 1),
    ("gpt-image-1-mini", "1024x1024", 3),
]
ANTHROPIC_MODELS = [
    ("claude-sonnet-4-5-20250929", 8, 250_000),
    ("claude-haiku-4-5-20251001", 9, 500_000),
    ("claude-opus-4-5-20251101", 2, 60_000),
    ("claude-sonnet-4-20250514", 3, 120_000),  # not in the registry
    ("claude-3-5-haiku-20241022", 2, 300_000),
    ("claude-opus-4-1-20250805", 1, 30_000),
]
TIERS_OPENAI = ["default", "flex", "priority"]
TIERS_ANTHROPIC = ["standard", "batch", "priority"]
GCP_REGIONS = [("us-central1", 6), ("europe-west4", 3), ("global", 4), ("us-east4", 2), ("europe-west1", 2),
               ("asia-northeast1", 1), ("europe-west3", 1), ("australia-southeast1", 1)]  # fmt: skip
TIKTOK_COUNTRIES = [("US", 20), ("GB", 6), ("DE", 6), ("FR", 5), ("BR", 5), ("MX", 4), ("CA", 4), ("JP", 4),
                    ("ID", 4), ("AU", 3), ("ES", 3), ("IT", 3), ("NL", 2), ("PL", 2), ("SE", 1), ("IN", 3),
                    ("KR", 2), ("TR", 2), ("SA", 1), ("ZA", 1)]  # fmt: skip


def _epoch(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def _ids(prefix: str, idx: np.ndarray, width: int = 5) -> pl.Series:
    """Vectorised ``f"{prefix}{i:0{width}d}"``."""
    digits = pl.Series(np.asarray(idx, dtype=np.int64)).cast(pl.String).str.zfill(width)
    return pl.select(pl.lit(prefix) + digits).to_series()


def _zipf(n: int, s: float = 1.1) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1) ** s
    return w / w.sum()


def _rng(seed: int, *parts: object) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32("|".join(map(str, parts)).encode())])


def day_weights() -> np.ndarray:
    """Relative volume per day of the year: growth (x2 over the year), weekends at 45 %, noise."""
    days = np.arange(DAYS)
    trend = 1.0 + days / (DAYS - 1)
    weekday = np.array([(FIRST_DAY + timedelta(int(d))).weekday() for d in days])
    cycle = np.where(weekday >= 5, 0.45, 1.0)
    noise = np.random.default_rng(99).lognormal(0.0, 0.08, DAYS)
    w = trend * cycle * noise
    return w / w.sum()


def records_per_day(rows: int, stream: str, seed: int) -> np.ndarray:
    """How many vendor records each day of the year gets for one stream (sums to the stream's total)."""
    _, per_record, share = STREAMS[stream]
    total = round(rows * share / per_record)
    return _rng(seed, "days", stream).multinomial(total, day_weights())


def extra_day_records(rows: int, stream: str) -> int:
    """A nightly day after the year: a weekday at the year's end-of-trend volume."""
    _, per_record, share = STREAMS[stream]
    total = rows * share / per_record
    return max(1, round(total * 2.0 / (DAYS * 1.5) / (5 / 7 + 2 / 7 * 0.45)))


def top_k(rng: np.random.Generator, log_p: np.ndarray, k: int) -> np.ndarray:
    """k distinct indices drawn with probabilities exp(log_p) (Gumbel top-k), vectorised."""
    k = min(k, log_p.size)
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    keys = log_p + rng.gumbel(size=log_p.size)
    return np.argpartition(-keys, k - 1)[:k]


@dataclass(frozen=True)
class Space:
    """A product of categorical dimensions with skewed popularity; index -> one value per dimension."""

    sizes: tuple[int, ...]
    log_p: np.ndarray

    @classmethod
    def of(cls, *weights: np.ndarray) -> Space:
        log_p = np.zeros(1)
        for w in weights:
            log_p = (log_p[:, None] + np.log(w)[None, :]).ravel()
        return cls(tuple(len(w) for w in weights), log_p)

    def decode(self, idx: np.ndarray) -> list[np.ndarray]:
        return list(np.unravel_index(idx, self.sizes))


def _scale_dim(rows: int, stream: str, other: int, floor: int, cap: int) -> int:
    """Size a dimension so the key space is ~6x the busiest day's records (keys stay distinct per day)."""
    _, per_record, share = STREAMS[stream]
    busiest = rows * share / per_record / DAYS * 2.2
    return int(min(cap, max(floor, math.ceil(6 * busiest / other))))


# ------------------------------------------------------------------------------------------ OpenAI
def _week_chunks(day_indices: list[int]) -> list[list[int]]:
    return [day_indices[i : i + WEEK] for i in range(0, len(day_indices), WEEK)]


def _write_pages(path: Path, buckets: pl.DataFrame, per_page: int, page_object: str | None) -> None:
    """buckets (one row per bucket, in order) -> a JSON array of API pages with next_page cursors."""
    n = buckets.height
    pages = (
        buckets.with_columns((pl.int_range(pl.len()) // per_page).alias("_page"))
        .group_by("_page", maintain_order=True)
        .agg(pl.struct(pl.exclude("_page")).alias("data"))
        .with_columns(
            (pl.col("_page") < pl.col("_page").max()).alias("has_more"),
            pl.when(pl.col("_page") < pl.col("_page").max())
            .then(pl.format("page_{}", ((pl.col("_page") + 1) * per_page).cast(pl.String)))
            .otherwise(None)
            .alias("next_page"),
        )
    )
    cols = (["object"] if page_object else []) + ["data", "has_more", "next_page"]
    if page_object:
        pages = pages.with_columns(pl.lit(page_object).alias("object"))
    if n:
        pages.select(cols).write_json(path)


def openai_week(rows: int, seed: int, days: list[date], counts: dict[str, list[int]], out: Path) -> int:
    folder = out / "openai_usage"
    written = 0
    first, last = days[0], days[-1]
    # completions: project x api key x model x batch x tier
    n_keys, n_models, n_tiers = 3, len(OPENAI_MODELS), len(TIERS_OPENAI)
    n_proj = _scale_dim(rows, "openai_completions", n_keys * n_models * 2 * n_tiers, 6, 5000)
    space = Space.of(
        _zipf(n_proj),
        _zipf(n_keys, 0.8),
        np.array([m[1] for m in OPENAI_MODELS], float) / sum(m[1] for m in OPENAI_MODELS),
        np.array([0.75, 0.25]),
        np.array([0.85, 0.1, 0.05]),
    )
    scales = np.array([m[2] for m in OPENAI_MODELS], float)
    frames = []
    for day, k in zip(days, counts["openai_completions"], strict=True):
        rng = _rng(seed, "oc", day)
        p, key, m, batch, tier = space.decode(top_k(rng, space.log_p, k))
        out_tok = np.maximum(1, scales[m] * rng.lognormal(-1.5, 1.2, m.size) * (1 + 2 / (1 + p))).astype(
            np.int64
        )
        requests = np.maximum(1, out_tok // rng.integers(150, 600, m.size))
        cached = (out_tok * rng.uniform(0.3, 3.0, m.size)).astype(np.int64)
        write = (cached * rng.uniform(0.0, 0.1, m.size)).astype(np.int64)
        uncached = (out_tok * rng.uniform(1.5, 8.0, m.size)).astype(np.int64)
        frames.append(
            _openai_results(
                day,
                "organization.usage.completions.result",
                {
                    "input_tokens": uncached + cached + write,
                    "output_tokens": out_tok,
                    "input_cached_tokens": cached,
                    "input_uncached_tokens": uncached,
                    "input_cache_write_tokens": write,
                    "num_model_requests": requests,
                },
                p,
                OPENAI_MODELS,
                m,
                api_key_id=_ids("key_", p * 10 + key, 6),
                batch=batch.astype(bool),
                service_tier=np.array(TIERS_OPENAI)[tier],
            )
        )
    written += _openai_file(
        folder / f"completions_usage_{first}_{last}.json",
        days,
        frames,
        "organization.usage.completions.result",
    )

    # embeddings: project x model
    def embeddings(rng: np.random.Generator, m: np.ndarray) -> dict:
        tokens = np.maximum(1, 2_000_000 * rng.lognormal(-1.0, 1.3, m.size)).astype(np.int64)
        return {"input_tokens": tokens, "num_model_requests": np.maximum(1, tokens // 2500)}

    # images: project x (model, size)
    def images(rng: np.random.Generator, m: np.ndarray) -> dict:
        n = np.maximum(1, rng.lognormal(2.5, 1.0, m.size)).astype(np.int64)
        return {
            "images": n,
            "num_model_requests": n,
            "size": np.array([x[1] for x in IMAGE_MODELS])[m],
            "source": "image.generation",
        }

    for stream, tag, name, models, weights, floor, usage in (
        (
            "openai_embeddings",
            "oe",
            "embeddings",
            EMBEDDING_MODELS,
            [m[1] / 8 for m in EMBEDDING_MODELS],
            4,
            embeddings,
        ),
        ("openai_images", "oi", "images", IMAGE_MODELS, [m[2] / 13 for m in IMAGE_MODELS], 3, images),
    ):
        obj = f"organization.usage.{name}.result"
        space = Space.of(_zipf(_scale_dim(rows, stream, len(models), floor, 20000)), np.array(weights))
        frames = []
        for day, k in zip(days, counts[stream], strict=True):
            rng = _rng(seed, tag, day)
            p, m = space.decode(top_k(rng, space.log_p, k))
            frames.append(_openai_results(day, obj, usage(rng, m), p, models, m))
        written += _openai_file(folder / f"{name}_usage_{first}_{last}.json", days, frames, obj)
    return written


def _openai_results(
    day: date, obj: str, usage: dict, p: np.ndarray, models, m: np.ndarray, api_key_id=None, **after
) -> pl.DataFrame:
    """One day's results of an OpenAI usage bucket, in the API's field order: the object, the bucket's usage
    fields, then the grouping keys (project, user: never grouped, API key: null unless grouped, model) and
    the bucket's further keys (``after``)."""
    nulls = pl.Series([None] * m.size, dtype=pl.String)
    return pl.DataFrame(
        {
            "_day": np.full(m.size, (day - FIRST_DAY).days, np.int32),
            "object": obj,
            **usage,
            "project_id": _ids("proj_", p),
            "user_id": nulls,
            "api_key_id": nulls if api_key_id is None else api_key_id,
            "model": np.array([x[0] for x in models])[m],
            **after,
        }
    )


def _openai_file(path: Path, days: list[date], frames: list[pl.DataFrame], obj: str) -> int:
    frames = [f for f in frames if f.height]
    if not frames:
        return 0
    results = pl.concat(frames, how="vertical_relaxed")
    per_day = results.group_by("_day", maintain_order=True).agg(
        pl.struct(pl.exclude("_day")).alias("results")
    )
    all_days = pl.DataFrame({"_day": [(d - FIRST_DAY).days for d in days]}, schema={"_day": pl.Int32})
    buckets = all_days.join(per_day, on="_day", how="left", maintain_order="left").with_columns(
        pl.lit("bucket").alias("object"),
        (pl.lit(_epoch(FIRST_DAY)) + pl.col("_day").cast(pl.Int64) * 86400).alias("start_time"),
        (pl.lit(_epoch(FIRST_DAY)) + (pl.col("_day").cast(pl.Int64) + 1) * 86400).alias("end_time"),
        pl.col("results").fill_null([]),
    )
    _write_pages(path, buckets.select("object", "start_time", "end_time", "results"), 3, "page")
    return results.height


# --------------------------------------------------------------------------------------- Anthropic
def anthropic_week(rows: int, seed: int, days: list[date], counts: list[int], out: Path) -> int:
    n_keys, n_models = 4, len(ANTHROPIC_MODELS)
    n_ws = _scale_dim(rows, "anthropic_messages", n_keys * n_models * 3 * 2, 3, 5000)
    space = Space.of(
        _zipf(n_ws),
        _zipf(n_keys, 0.7),
        np.array([m[1] for m in ANTHROPIC_MODELS], float) / sum(m[1] for m in ANTHROPIC_MODELS),
        np.array([0.8, 0.15, 0.05]),
        np.array([0.3, 0.7]),  # inference_geo us / global
    )
    scales = np.array([m[2] for m in ANTHROPIC_MODELS], float)
    frames = []
    for day, k in zip(days, counts, strict=True):
        rng = _rng(seed, "an", day)
        w, key, m, tier, geo = space.decode(top_k(rng, space.log_p, k))
        out_tok = np.maximum(1, scales[m] * rng.lognormal(-1.5, 1.2, m.size)).astype(np.int64)
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        frames.append(
            pl.DataFrame(
                {
                    "_day": np.full(m.size, (day - FIRST_DAY).days, np.int32),
                    "uncached_input_tokens": (out_tok * rng.uniform(1.5, 4.0, m.size)).astype(np.int64),
                    "_1h": (out_tok * rng.uniform(0.0, 0.2, m.size)).astype(np.int64),
                    "_5m": (out_tok * rng.uniform(0.05, 0.5, m.size)).astype(np.int64),
                    "cache_read_input_tokens": (out_tok * rng.uniform(0.5, 3.0, m.size)).astype(np.int64),
                    "output_tokens": out_tok,
                    "_searches": rng.poisson(3, m.size),
                    "api_key_id": _ids("apikey_01", w * 10 + key, 6),
                    "workspace_id": _ids("wrkspc_01", w),
                    "model": np.array([x[0] for x in ANTHROPIC_MODELS])[m],
                    "service_tier": np.array(TIERS_ANTHROPIC)[tier],
                    "context_window": "0-200k",
                    "inference_geo": np.array(["us", "global"])[geo],
                }
            ).with_columns(pl.lit(start.strftime("%Y-%m-%dT%H:%M:%SZ")).alias("_s"))
        )
    frames = [f for f in frames if f.height]
    if not frames:
        return 0
    results = pl.concat(frames, how="vertical_relaxed").select(
        "_day",
        pl.struct(
            "uncached_input_tokens",
            pl.struct(
                pl.col("_1h").alias("ephemeral_1h_input_tokens"),
                pl.col("_5m").alias("ephemeral_5m_input_tokens"),
            ).alias("cache_creation"),
            "cache_read_input_tokens",
            "output_tokens",
            pl.struct(pl.col("_searches").alias("web_search_requests")).alias("server_tool_use"),
            "api_key_id",
            "workspace_id",
            "model",
            "service_tier",
            "context_window",
            "inference_geo",
        ).alias("r"),
    )
    per_day = results.group_by("_day", maintain_order=True).agg(pl.col("r").alias("results"))
    all_days = pl.DataFrame({"_day": [(d - FIRST_DAY).days for d in days]}, schema={"_day": pl.Int32})
    start = pl.lit(datetime(FIRST_DAY.year, FIRST_DAY.month, FIRST_DAY.day)) + pl.duration(
        days=pl.col("_day")
    )
    buckets = all_days.join(per_day, on="_day", how="left", maintain_order="left").select(
        start.dt.strftime("%Y-%m-%dT%H:%M:%SZ").alias("starting_at"),
        (start + pl.duration(days=1)).dt.strftime("%Y-%m-%dT%H:%M:%SZ").alias("ending_at"),
        pl.col("results").fill_null([]),
    )
    path = out / "anthropic_usage" / f"usage_report_messages_{days[0]}_{days[-1]}.json"
    _write_pages(path, buckets, 2, None)
    return results.height


# ----------------------------------------------------------------------------------- GCP billing CSV
def _gcp_skus() -> list[tuple]:
    skus = gcp_samples.VERTEX_SKUS + gcp_samples.VERTEX_GLOBAL_SKUS + gcp_samples.GEMINI_API_SKUS
    return [s for s in skus if s[3] in ("count", "seconds") and s[3] == s[4]]


def gcp_week(rows: int, seed: int, days: list[date], counts: list[int], out: Path) -> int:
    """One CSV per week (a console query result over the billing table), hourly SKU lines."""
    frames = [_gcp_day(rows, seed, day, k) for day, k in zip(days, counts, strict=True) if k > 0]
    if not frames:
        return 0
    ai_rows = sum(n for _, n in frames)
    frame = pl.concat([f for f, _ in frames])
    frame.write_csv(out / "gcp_billing" / f"gemini_vertex_flattened_{days[0]}_{days[-1]}.csv")
    return ai_rows


def _gcp_day(rows: int, seed: int, day: date, k: int) -> tuple[pl.DataFrame, int]:
    rng = _rng(seed, "gcp", day)
    skus = _gcp_skus()
    n_proj = _scale_dim(rows, "gcp_billing", len(skus) * 24, 4, 400)
    p = rng.choice(n_proj, k, p=_zipf(n_proj))
    s = rng.choice(len(skus), k, p=_zipf(len(skus), 0.6))
    hour = rng.integers(0, 24, k)
    regions = np.array([r[0] for r in GCP_REGIONS])
    region = rng.choice(len(regions), k, p=np.array([r[1] for r in GCP_REGIONS], float) / 20)
    scale = np.array([x[5] for x in skus], float)[s] / 6
    amount = np.maximum(1, scale * rng.lognormal(-0.5, 1.0, k)).round()
    price = np.array([x[6] for x in skus], float)[s]
    is_count = np.array([x[3] == "count" for x in skus])[s]
    service = np.array([x[0][1] for x in skus])[s]
    region_txt = np.where(service == "Gemini API", "global", regions[region])
    start = datetime(day.year, day.month, day.day)
    # ~8 % non-AI lines (Compute Engine, Cloud Storage, BigQuery) the connector drops
    n_other = max(1, k // 12)
    other = gcp_samples.NON_AI
    o = rng.integers(0, len(other), n_other)
    ai = pl.DataFrame(
        {
            "_h": hour,
            "service_description": service,
            "sku_id": np.array([x[1] for x in skus])[s],
            "sku_description": np.array([x[2] for x in skus])[s],
            "project_id": _ids("acme-proj-", p, 3),
            "region": region_txt,
            "usage_amount": amount,
            "usage_unit": np.array([x[3] for x in skus])[s],
            "amount_in_pricing_units": np.where(is_count, amount / 1000, amount),
            "pricing_unit": np.where(is_count, "1000 count", np.array([x[4] for x in skus])[s]),
            "cost": (amount * price).round(6),
        }
    )
    non_ai = pl.DataFrame(
        {
            "_h": rng.integers(0, 24, n_other),
            "service_description": np.array([x[0][1] for x in other])[o],
            "sku_id": np.array([x[1] for x in other])[o],
            "sku_description": np.array([x[2] for x in other])[o],
            "project_id": _ids("acme-proj-", rng.integers(0, n_proj, n_other), 3),
            "region": "us-central1",
            "usage_amount": rng.uniform(1, 1e6, n_other).round(),
            "usage_unit": np.array([x[3] for x in other])[o],
            "amount_in_pricing_units": rng.uniform(0.1, 10, n_other).round(6),
            "pricing_unit": np.array([x[4] for x in other])[o],
            "cost": rng.uniform(0.01, 5, n_other).round(6),
        }
    )
    base = pl.lit(start)
    frame = (
        pl.concat([ai, non_ai])
        .sort("_h", maintain_order=True)
        .select(
            (base + pl.duration(hours=pl.col("_h")))
            .dt.strftime("%Y-%m-%d %H:%M:%S UTC")
            .alias("usage_start_time"),
            (base + pl.duration(hours=pl.col("_h") + 1))
            .dt.strftime("%Y-%m-%d %H:%M:%S UTC")
            .alias("usage_end_time"),
            pl.exclude("_h"),
            pl.lit("USD").alias("currency"),
            pl.lit("regular").alias("cost_type"),
            pl.lit(0).alias("credits_amount"),
            pl.format('[{{"key":"team","value":"{}"}}]', pl.col("project_id").str.slice(-3)).alias(
                "labels_json"
            ),
        )
    )
    return frame, ai.height


# ---------------------------------------------------------------------------------------- TikTok
@dataclass(frozen=True)
class TikTokPlan:
    advertisers: list[str]
    campaign_adv: np.ndarray  # advertiser index per campaign
    campaign_ids: list[str]
    campaign_countries: list[np.ndarray]  # country indices per campaign
    base: np.ndarray  # daily impressions per campaign
    activity: float  # share of campaign-days with delivery, so country records match the target


def tiktok_plan(rows: int, seed: int) -> TikTokPlan:
    rng = _rng(seed, "tiktok-plan")
    per_day = rows * STREAMS["tiktok"][2] / STREAMS["tiktok"][1] / DAYS
    avg_countries, active = 3.0, 0.85
    n_campaigns = max(1, math.ceil(per_day / (avg_countries * active)))
    n_adv = int(min(40, max(1, math.ceil(n_campaigns / 12))))
    weights = np.array([c[1] for c in TIKTOK_COUNTRIES], float)
    weights /= weights.sum()
    countries = []
    for _ in range(n_campaigns):  # per campaign (hundreds at most), not per row
        n = int(np.clip(rng.poisson(avg_countries - 1) + 1, 1, len(TIKTOK_COUNTRIES)))
        countries.append(np.sort(rng.choice(len(TIKTOK_COUNTRIES), n, replace=False, p=weights)))
    return TikTokPlan(
        advertisers=[f"70{rng.integers(10**16, 10**17):017d}" for _ in range(n_adv)],
        campaign_adv=rng.integers(0, n_adv, n_campaigns),
        campaign_ids=[f"16{rng.integers(10**13, 10**14):014d}" for _ in range(n_campaigns)],
        campaign_countries=countries,
        base=rng.lognormal(9.5, 1.0, n_campaigns),
        activity=float(min(1.0, per_day / sum(len(c) for c in countries))),
    )


def tiktok_week(plan: TikTokPlan, seed: int, days: list[date], out: Path, activity: float) -> int:
    """One file per advertiser: AUDIENCE (campaign x country x day) pages, then BASIC (campaign x day)."""
    rng = _rng(seed, "tiktok", days[0], len(days))
    n_camp = len(plan.campaign_ids)
    day_idx = np.repeat(np.arange(len(days)), n_camp)
    camp = np.tile(np.arange(n_camp), len(days))
    keep = rng.random(day_idx.size) < activity
    day_idx, camp = day_idx[keep], camp[keep]
    lens = np.array([len(plan.campaign_countries[c]) for c in range(n_camp)])
    flat_countries = np.concatenate(plan.campaign_countries)
    offsets = np.concatenate([[0], np.cumsum(lens)[:-1]])
    reps = lens[camp]
    rec_day = np.repeat(day_idx, reps)
    rec_camp = np.repeat(camp, reps)
    within = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
    rec_country = flat_countries[offsets[rec_camp] + within]
    impressions = np.maximum(1, plan.base[rec_camp] / lens[rec_camp] * rng.lognormal(0, 0.3, rec_camp.size))
    impressions = impressions.astype(np.int64)
    stamps = np.array([f"{d} 00:00:00" for d in days])
    codes = np.array([c[0] for c in TIKTOK_COUNTRIES])
    audience = pl.DataFrame(
        {
            "_adv": plan.campaign_adv[rec_camp],
            "_day": rec_day,
            "campaign_id": np.array(plan.campaign_ids)[rec_camp],
            "country_code": codes[rec_country],
            "stat_time_day": stamps[rec_day],
            "impressions": impressions,
            "spend": (impressions * rng.uniform(3, 10, rec_camp.size) / 1000).round(2),
            "clicks": (impressions * rng.uniform(0.005, 0.015, rec_camp.size)).astype(np.int64),
        }
    )
    basic = (
        audience.group_by("_adv", "_day", "campaign_id", "stat_time_day", maintain_order=True)
        .agg(pl.col("impressions").sum(), pl.col("spend").sum().round(2), pl.col("clicks").sum())
        .with_columns(
            (pl.col("impressions") * pl.lit(rng.uniform(0.1, 0.35))).cast(pl.Int64).clip(1).alias("plays"),
        )
    )
    written = 0
    for a, adv in enumerate(plan.advertisers):
        aud = audience.filter(pl.col("_adv") == a)
        bas = basic.filter(pl.col("_adv") == a)
        if aud.height == 0:
            continue
        aud_rows = aud.select(
            pl.struct("campaign_id", "country_code", "stat_time_day").alias("dimensions"),
            pl.struct(
                pl.format("{}", pl.col("spend").round(2)).alias("spend"),
                pl.col("impressions").cast(pl.String),
                pl.col("clicks").cast(pl.String),
            ).alias("metrics"),
        )
        bas_rows = bas.select(
            pl.struct("campaign_id", "stat_time_day").alias("dimensions"),
            pl.struct(
                pl.lit("USD").alias("currency"),
                pl.format("{}", pl.col("spend")).alias("spend"),
                pl.col("impressions").cast(pl.String),
                pl.col("clicks").cast(pl.String),
                (pl.col("impressions") * 0.71).cast(pl.Int64).cast(pl.String).alias("reach"),
                pl.col("plays").cast(pl.String).alias("video_play_actions"),
                (pl.col("plays") * 0.55).cast(pl.Int64).cast(pl.String).alias("video_watched_2s"),
                (pl.col("plays") * 0.24).cast(pl.Int64).cast(pl.String).alias("video_watched_6s"),
                (pl.col("plays") * 0.08).cast(pl.Int64).cast(pl.String).alias("video_views_p100"),
                pl.lit(f"{rng.uniform(3, 8):.2f}").alias("average_video_play"),
            ).alias("metrics"),
        )
        path = out / "tiktok_ads" / f"integrated_report_api_{adv}_{days[0]}_{days[-1]}.json"
        parts = [_tiktok_pages(aud_rows, 1000, rng), _tiktok_pages(bas_rows, 1000, rng)]
        path.write_text("[" + ",".join(p for p in parts if p) + "]\n")
        written += aud.height
    return written


def _tiktok_pages(records: pl.DataFrame, page_size: int, rng: np.random.Generator) -> str:
    total = records.height
    total_page = max(1, -(-total // page_size))
    pages = (
        records.with_columns((pl.int_range(pl.len()) // page_size).alias("_p"))
        .group_by("_p", maintain_order=True)
        .agg(pl.struct(pl.exclude("_p")).alias("list"))
        .select(
            pl.lit(0).alias("code"),
            pl.lit("OK").alias("message"),
            pl.format("2026{}", pl.col("_p") + int(rng.integers(10**9, 10**10))).alias("request_id"),
            pl.struct(
                pl.struct(
                    (pl.col("_p") + 1).alias("page"),
                    pl.lit(page_size).alias("page_size"),
                    pl.lit(total).alias("total_number"),
                    pl.lit(total_page).alias("total_page"),
                ).alias("page_info"),
                "list",
            ).alias("data"),
        )
    )
    text = pages.write_json()
    return text[1:-1]  # the pages without the enclosing [ ], to join two reports in one array


# ------------------------------------------------------------------------------------------- driver
def generate(rows: int, out: Path, seed: int = 7, only_day: date | None = None) -> dict:
    """Write the exports; returns what was written (expected landed rows per source, files, seconds)."""
    t0 = time.perf_counter()
    for source in ALL_SOURCES:
        (out / source).mkdir(parents=True, exist_ok=True)
    if only_day is None:
        day_list = [FIRST_DAY + timedelta(days=i) for i in range(DAYS)]
        per_day = {s: records_per_day(rows, s, seed) for s in STREAMS}
    else:
        day_list = [only_day]
        per_day = {s: np.array([extra_day_records(rows, s)]) for s in STREAMS}
    expected = dict.fromkeys(sorted({v[0] for v in STREAMS.values()}), 0)
    plan = tiktok_plan(rows, seed)
    indices = list(range(len(day_list)))
    for chunk in _week_chunks(indices):
        days = [day_list[i] for i in chunk]
        counts = {s: [int(per_day[s][i]) for i in chunk] for s in STREAMS}
        n = openai_week(rows, seed, days, counts, out)
        expected["openai_usage"] += sum(
            STREAMS[s][1] * sum(counts[s])
            for s in ("openai_completions", "openai_embeddings", "openai_images")
        )
        assert n == sum(counts["openai_completions"]) + sum(counts["openai_embeddings"]) + sum(
            counts["openai_images"]
        ), "key space too small for the requested volume"
        expected["anthropic_usage"] += 6 * anthropic_week(rows, seed, days, counts["anthropic_messages"], out)
        expected["gcp_billing"] += gcp_week(rows, seed, days, counts["gcp_billing"], out)
        expected["tiktok_ads"] += 3 * tiktok_week(
            plan, seed, days, out, min(1.0, plan.activity * (1.3 if only_day else 1.0))
        )
    files = sum(1 for p in out.rglob("*") if p.is_file() and not p.name.startswith("_"))
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    info = {
        "rows_requested": rows,
        "rows_expected": sum(expected.values()),
        "by_source": expected,
        "seed": seed,
        "only_day": only_day.isoformat() if only_day else None,
        "files_total": files,
        "bytes_total": size,
        "seconds": round(time.perf_counter() - t0, 2),
    }
    name = f"_generated_{only_day}.json" if only_day else "_generated.json"
    (out / name).write_text(json.dumps(info, indent=1) + "\n")
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, required=True, help="canonical activity rows for the year")
    parser.add_argument("--out", type=Path, required=True, help="exports folder (one sub-folder per source)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--day", type=date.fromisoformat, help="write only this one (nightly) day")
    args = parser.parse_args(argv)
    info = generate(args.rows, args.out, args.seed, args.day)
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
