"""The factor seeds reproduce EcoLogits exactly and carry a citation on every row."""

from __future__ import annotations

import csv
import math

import pytest
from ecologits.tracers.utils import llm_impacts

from factors import build
from factors.release import factor_files, seed_path


def _rows(name: str) -> list[dict]:
    with seed_path(name.removesuffix(".csv")).open() as f:
        return list(csv.DictReader(f))


def test_committed_seeds_match_the_pinned_ecologits_package():
    assert build.main(["--check"]) == 0


@pytest.mark.parametrize(
    ("provider", "model", "tokens"),
    [
        ("openai", "gpt-4o-mini-2024-07-18", 537),
        ("openai", "gpt-4.1", 2048),
        ("anthropic", "claude-sonnet-4-5-20250929", 311),
    ],
)
def test_linear_coefficients_reproduce_llm_impacts(provider, model, tokens):
    """a*n + b times PUE is EcoLogits' own energy for one request of n output tokens (both range ends)."""
    row = next(r for r in _rows("factor_llm_models.csv") if r["model_name"] == model)
    provider_row = next(r for r in _rows("factor_providers.csv") if r["vendor"] == provider)
    expected = llm_impacts(provider, model, tokens, request_latency=math.inf).energy.value
    for end, pue in (("low", float(provider_row["pue_low"])), ("high", float(provider_row["pue_high"]))):
        ours = (
            float(row[f"it_kwh_per_output_token_{end}"]) * tokens + float(row[f"it_kwh_per_request_{end}"])
        ) * pue
        theirs = expected.min if end == "low" else expected.max
        assert ours == pytest.approx(theirs, rel=1e-5)


@pytest.mark.parametrize(
    "seed", sorted(p.name for p in factor_files() if p.name.startswith("factor_") and "pattern" not in p.name)
)
def test_every_factor_row_is_cited(seed):
    rows = _rows(seed)
    assert rows, seed
    for row in rows:
        assert row["factor_id"] and row["release"], (seed, row)
        assert row["source_url"].startswith("https://"), (seed, row["factor_id"])
        assert row["licence"], (seed, row["factor_id"])
        assert 2000 <= int(row["source_year"]) <= 2026, (seed, row["factor_id"])
        assert row["valid_from"] <= row["valid_to"], (seed, row["factor_id"])
