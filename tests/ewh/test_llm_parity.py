"""``ewh estimate`` equals EcoLogits for every model in every EcoLogits registry, old snapshots and cloud ids.

One estimate (the command's own function: activity rows landed, ``dbt build`` of the warehouse models)
holds an option per (provider, model) of the installed EcoLogits registry, all providers and the Hugging
Face registry included, plus cloud ids of open models, a retired snapshot on two dates, sizes written in
names and an unknown model. Every reference figure is computed with EcoLogits' own ``llm_impacts`` /
``compute_llm_impacts`` and its registry objects (tests/support/ecologits_reference.py); nothing is read back
from our seeds.
"""

from __future__ import annotations

import contextlib
import io
import json
from datetime import date

import polars as pl
import pytest
from ecologits.model_repository import models

from ewh import estimate as est
from ewh.cli import main
from tests.support.ecologits_reference import MISTRAL_LARGE_2411, it_energy, registry_energy

DAY = date(2026, 11, 1)  # after EcoLogits 0.11.3 (2026-10-14): today's registry applies
TOKENS = 400
# EcoLogits provider -> the vendor whose usage we estimate it under (open weights and Cohere via Bedrock)
VENDORS = {
    "openai": "openai",
    "anthropic": "anthropic",
    "google_genai": "google",
    "mistralai": "mistral",
    "cohere": "aws",
    "huggingface_hub": "aws",
}
# Providers whose EcoLogits PUE is one number that our vendor default repeats: facility energy compares as is.
# Where the PUE is a range (Anthropic 1.09-1.14), EcoLogits' midpoint pairs low PUE with the low model end
# and high with high; ours multiplies the midpoints (independent factors), so only IT energy compares.
SAME_PUE = {"openai", "google_genai", "mistralai"}
REGISTRY = sorted((m.provider.value, m.name) for m in models.list_models())


# label -> (vendor, model id as the vendor's export or the user writes it, usage day)
EXTRA = {
    "bedrock_llama_8b": ("aws", "meta.llama3-1-8b-instruct-v1:0", DAY),
    "bedrock_llama_70b_profile": ("aws", "us.meta.llama3-1-70b-instruct-v1:0", DAY),
    "bedrock_mixtral": ("aws", "mistral.mixtral-8x7b-instruct-v0:1", DAY),
    "vertex_llama_405b": ("google", "llama-3.1-405b-instruct-maas", DAY),
    "azure_llama_8b": ("azure", "Meta-Llama-3.1-8B-Instruct", DAY),
    "large_2411_in_2025": ("mistral", "mistral-large-2411", date(2025, 3, 1)),
    "large_2411_today": ("mistral", "mistral-large-2411", DAY),
    "large_latest_in_2025": ("mistral", "mistral-large-latest", date(2025, 3, 1)),
    "large_latest_today": ("mistral", "mistral-large-latest", DAY),
    "named_dense": ("aws", "qwen.qwen3-32b-v1:0", DAY),
    "named_moe": ("azure", "Qwen3-235B-A22B", DAY),
    "named_experts": ("aws", "acme-8x22b-chat", DAY),
    "unknown": ("aws", "amazon.nova-pro-v1:0", DAY),
    "price_class": ("anthropic", "claude-haiku-9", DAY),
}


@pytest.fixture(scope="module")
def estimated(tmp_path_factory) -> dict[str, dict]:
    """Per option label: summed IT and facility energy with ranges, factor ids, method tiers and dq."""
    options = [
        est.Usage(label=f"r{i}", vendor=VENDORS[p], model=n, output_tokens=TOKENS, requests=1, usage_date=DAY)
        for i, (p, n) in enumerate(REGISTRY)
    ] + [
        est.Usage(label=label, vendor=v, model=m, output_tokens=TOKENS, requests=1, usage_date=d)
        for label, (v, m, d) in EXTRA.items()
    ]
    result = est.estimate(options, workdir=tmp_path_factory.mktemp("parity"))
    sums = result.rows.group_by("project").agg(
        *(pl.col(c).sum() for c in ("it_energy_kwh_low", "it_energy_kwh", "it_energy_kwh_high")),
        *(pl.col(c).sum() for c in ("energy_kwh_low", "energy_kwh", "energy_kwh_high")),
        pl.col("model_factor_id").unique().sort().alias("factors"),
        pl.col("method_tier").unique().sort().alias("tiers"),
        pl.col("dq_score").max().alias("dq"),
        pl.len().alias("rows"),
    )
    return {r["project"]: r for r in sums.to_dicts()}


@pytest.mark.parametrize(("provider", "name"), REGISTRY, ids=[f"{p}:{n}" for p, n in REGISTRY])
def test_every_registry_model_equals_ecologits(estimated, provider, name):
    ours = estimated[f"r{REGISTRY.index((provider, name))}"]
    theirs = registry_energy(provider, name, TOKENS)
    assert ours["rows"] == 2 and ours["tiers"] == ["model_specific"] and ours["dq"] == 3
    assert ours["it_energy_kwh"] == pytest.approx(theirs["it"], rel=0.005)
    if provider in SAME_PUE:
        assert ours["energy_kwh"] == pytest.approx(theirs["energy"], rel=0.005)
    # the structural range holds EcoLogits' own parameter range, and is wider than it
    assert ours["it_energy_kwh_low"] < theirs["it_low"] and ours["it_energy_kwh_high"] > theirs["it_high"]


def test_the_sample_spans_every_registry_and_provider():
    assert {p for p, _ in REGISTRY} == set(VENDORS) and len(REGISTRY) > 300


@pytest.mark.parametrize(
    ("label", "provider", "name"),
    [
        ("bedrock_llama_8b", "huggingface_hub", "meta-llama/Meta-Llama-3.1-8B-Instruct"),
        ("bedrock_llama_70b_profile", "huggingface_hub", "meta-llama/Meta-Llama-3.1-70B-Instruct"),
        ("bedrock_mixtral", "huggingface_hub", "mistralai/Mixtral-8x7B-Instruct-v0.1"),
        ("vertex_llama_405b", "huggingface_hub", "meta-llama/Meta-Llama-3.1-405B-Instruct"),
        ("azure_llama_8b", "huggingface_hub", "meta-llama/Meta-Llama-3.1-8B-Instruct"),
        ("large_latest_today", "mistralai", "mistral-large-latest"),
    ],
)
def test_a_cloud_id_of_an_open_model_equals_ecologits_registry_entry(estimated, label, provider, name):
    ours = estimated[label]
    assert ours["tiers"] == ["model_specific"] and ours["dq"] == 3
    assert ours["it_energy_kwh"] == pytest.approx(registry_energy(provider, name, TOKENS)["it"], rel=0.005)


@pytest.mark.parametrize("label", ["large_2411_in_2025", "large_2411_today", "large_latest_in_2025"])
def test_a_dated_snapshot_keeps_the_architecture_that_served_it(estimated, label):
    """mistral-large-2411 (and -latest while it pointed there) is Large 2, 123B dense: EcoLogits 0.10.1."""
    reference = it_energy(123, 123, TOKENS, **MISTRAL_LARGE_2411["deployment"])
    assert estimated[label]["it_energy_kwh"] == pytest.approx(reference, rel=0.005)
    today = estimated["large_latest_today"]["it_energy_kwh"]
    assert abs(today / reference - 1) > 0.5  # today's alias is another model (Large 3): never joined to it


@pytest.mark.parametrize(
    ("label", "active", "total"),
    [("named_dense", 32, 32), ("named_moe", 22, 235), ("named_experts", 44, 176)],
)
def test_a_size_in_the_name_gets_ecologits_at_that_size(estimated, label, active, total):
    ours = estimated[label]
    assert ours["tiers"] == ["name_size"] and ours["dq"] == 4
    assert ours["factors"][0].startswith("llm_size.gpu")
    assert ours["it_energy_kwh"] == pytest.approx(it_energy(active, total, TOKENS), rel=0.005)
    assert ours["it_energy_kwh_low"] < ours["it_energy_kwh"] < ours["it_energy_kwh_high"]


def test_an_unknown_model_gets_a_small_to_frontier_range_of_its_own(estimated):
    ours = estimated["unknown"]
    assert ours["factors"] == ["llm_tier.unknown"] and ours["tiers"] == ["unknown_model"] and ours["dq"] == 5
    small, frontier = it_energy(8, 8, TOKENS), it_energy(600, 2000, TOKENS)
    assert ours["it_energy_kwh_low"] <= small and ours["it_energy_kwh_high"] >= frontier
    assert small < ours["it_energy_kwh"] < frontier


def test_a_price_class_still_picks_its_tier(estimated):
    ours = estimated["price_class"]
    assert ours["factors"] == ["llm_tier.small"] and ours["tiers"] == ["size_tier"] and ours["dq"] == 4


def test_the_command_line_gives_the_same_figure(tmp_path):
    """``ewh estimate --json``: Llama 3.1 8B through its Bedrock id is EcoLogits' figure (a tier gave 33x)."""
    out, err = io.StringIO(), io.StringIO()
    argv = ["estimate", "--vendor", "aws", "--model", "meta.llama3-1-8b-instruct-v1:0"]
    argv += ["--output-tokens", "400", "--requests", "1", "--date", DAY.isoformat()]
    argv += ["--workdir", str(tmp_path), "--json"]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert main(argv) == 0, err.getvalue()
    option = json.loads(out.getvalue())["options"][0]
    reference = registry_energy("huggingface_hub", "meta-llama/Meta-Llama-3.1-8B-Instruct", TOKENS)["it"]
    aws_pue = 1.15  # AWS's published fleet PUE, the vendor default for Bedrock rows
    assert option["figures"]["energy_kwh"]["central"] == pytest.approx(reference * aws_pue, rel=0.005)
    assert option["method_tiers"] == ["model_specific"] and option["dq_score"] == 3
