"""The LLM factor seeds against EcoLogits' own formula and registries (no dbt: see test_llm_parity)."""

from __future__ import annotations

import csv
import itertools
import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factors import build, llm_registry
from factors.release import seed_path
from tests.support.ecologits_reference import MISTRAL_LARGE_2411, it_energy


def _rows(name: str) -> list[dict]:
    with seed_path(name.removesuffix(".csv")).open() as f:
        return list(csv.DictReader(f))


@settings(max_examples=200, deadline=None)
@given(
    total=st.floats(min_value=0.1, max_value=4000, allow_nan=False),
    share=st.floats(min_value=0.01, max_value=1.0),
    tokens=st.integers(min_value=1, max_value=20_000),
)
def test_a_size_class_reproduces_ecologits_for_any_size(total, share, tokens):
    """Sizes read from names: the class holding ``total`` gives EcoLogits' energy at (total, active)."""
    active = total * share
    row = next(
        r
        for r in _rows("factor_llm_size_classes.csv")
        if float(r["total_params_b_above"]) < total <= float(r["total_params_b_max"])
    )
    per_token = float(row["it_kwh_per_output_token_intercept"]) + active * float(
        row["it_kwh_per_output_token_per_active_b"]
    )
    assert per_token * tokens == pytest.approx(it_energy(active, total, tokens), rel=1e-6)


def test_the_unknown_tier_spans_a_small_model_to_a_frontier_model():
    """Low end = EcoLogits for an 8B dense model; high end = a 2T MoE with 600B active; central between."""
    unknown = next(r for r in _rows("factor_llm_tiers.csv") if r["model_name"] == "unknown")
    low, central, high = (float(unknown[f"it_kwh_per_output_token{e}"]) for e in ("_low", "", "_high"))
    assert low == pytest.approx(it_energy(8, 8, 1000) / 1000, rel=1e-5)
    assert high == pytest.approx(it_energy(600, 2000, 1000) / 1000, rel=1e-5)
    assert low < central < high and high / low > 100


def test_no_pattern_sends_everything_or_every_pro_model_to_a_tier():
    patterns = {r["name_pattern"] for r in _rows("factor_llm_tier_patterns.csv")}
    assert "%" not in patterns and not any("pro" in p for p in patterns)


def test_every_registry_model_of_every_provider_is_priced():
    """All EcoLogits providers, Hugging Face included, and every (provider, name) its registry holds."""
    from ecologits.model_repository import models

    priced = {(r["model_catalog"], r["model_name"]) for r in _rows("factor_llm_models.csv")}
    missing = [
        (m.provider.value, m.name)
        for m in models.list_models()
        if (build.CATALOGUES[m.provider.value], m.name) not in priced
    ]
    assert not missing
    providers = {build.CATALOGUES[m.provider.value] for m in models.list_models()}
    assert providers == set(build.CATALOGUES.values())


def test_the_history_keeps_a_retired_snapshot_as_its_last_release_published_it():
    history = json.loads(llm_registry.HISTORY.read_text())
    entries = [m for m in history["models"] if m["name"] == "mistral-large-2411"]
    last = max(entries, key=lambda m: [int(p) for p in m["releases"][-1].split(".")])
    assert last["architecture"]["type"] == "dense"
    assert float(last["architecture"]["parameters"]) == 123
    assert last["deployment"] == MISTRAL_LARGE_2411["deployment"]
    assert "0.10.1" in last["releases"] and "0.10.2" not in last["releases"]


def test_a_retired_snapshot_is_priced_with_ecologits_formula_on_its_own_architecture():
    rows = _rows("factor_llm_models.csv")
    row = next(r for r in rows if r["factor_id"] == "llm.mistral.mistral-large-2411")
    assert row["registry_status"] == "retired"
    assert (row["valid_from"], row["valid_to"]) == ("2020-01-01", "9999-12-31")
    deployment = MISTRAL_LARGE_2411["deployment"]
    reference = it_energy(123, 123, 400, **deployment)
    ours = float(row["it_kwh_per_output_token"]) * 400 + float(row["it_kwh_per_request"])
    assert ours == pytest.approx(reference, rel=1e-5)


def test_the_latest_alias_has_one_period_per_snapshot_it_served():
    """``mistral-large-latest``: Large 2 (123B dense) until Large 3 (2512, 675B MoE) took over in Dec 2025."""
    rows = sorted(
        (r for r in _rows("factor_llm_models.csv") if r["model_name"] == "mistral-large-latest"),
        key=lambda r: r["valid_from"],
    )
    spans = [(r["valid_from"], r["valid_to"], r["resolves_to"], r["architecture"]) for r in rows]
    assert spans[0][0] == "2020-01-01" and spans[-1][1] == "9999-12-31"
    for earlier, later in itertools.pairwise(spans):
        assert date.fromisoformat(earlier[1]).toordinal() + 1 == date.fromisoformat(later[0]).toordinal()
    assert ("2024-11-01", "2025-11-30", "mistral-large-2411", "dense") in spans
    assert spans[-1][2:] == ("mistral-large-2512", "moe")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("mistral-large-2411", date(2024, 11, 1)),
        ("gpt-4o-2024-08-06", date(2024, 8, 6)),
        ("claude-sonnet-4-20250514", date(2025, 5, 14)),
        ("command-r-08-2024", date(2024, 8, 1)),
        ("gpt-4-0613", None),
        ("mistral-medium-3-5", None),
        ("mistral-large-latest", None),
    ],
)
def test_snapshot_dates_are_read_from_the_id(name, expected):
    assert llm_registry.snapshot_date(name) == expected


def test_the_history_file_records_where_each_release_came_from():
    history = json.loads(llm_registry.HISTORY.read_text())
    versions = [r["version"] for r in history["releases"]]
    assert versions[0] == "0.1.0" and build.ECOLOGITS_VERSION in versions
    assert all(r["source"].startswith("https://") for r in history["releases"])
    assert all("sha256:" in r["source"] for r in history["releases"] if "pypi.org" in r["source"])
