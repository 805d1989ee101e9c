"""mart_vendor_disclosure_comparison: each first-party per-prompt figure beside our estimate for its prompt.

Figures and boundaries: shared/research/field-2026-12.md section 5 and factors.md 1.2 (Google Aug 2025,
OpenAI Jun 2025, Mistral Jul 2025, Microsoft Jun 2026). The reference for our estimate is EcoLogits'
``llm_impacts`` computed here, plus the documented prefill weight (0.2 of an output token).
"""

from __future__ import annotations

import csv
import math

import duckdb
import pytest
from ecologits.tracers.utils import llm_impacts

from connectors.core.config import Paths
from factors.release import seed_path

pytestmark = pytest.mark.slow
INPUT_WEIGHT = 0.2  # docs/methodology.md: an uncached input token costs 0.2 of an output token (central)


def _mart(home) -> dict[str, dict]:
    con = duckdb.connect(str(Paths(home).warehouse), read_only=True)
    try:
        rel = con.sql("select * from mart_vendor_disclosure_comparison")
        return {r[0]: dict(zip(rel.columns, r, strict=True)) for r in rel.fetchall()}
    finally:
        con.close()


def test_every_disclosed_figure_is_inside_our_range_or_says_why_not(pipeline_home):
    with seed_path("vendor_disclosure_figures").open() as f:
        figures = {r["figure_id"] for r in csv.DictReader(f)}
    rows = _mart(pipeline_home)
    assert set(rows) == figures
    assert {r["vendor"] for r in rows.values()} == {"google", "openai", "mistral", "microsoft"}
    for row in rows.values():
        if row["verdict"] in ("inside", "overlaps"):
            assert row["why_not_inside"] is None, row["figure_id"]
        else:
            assert row["why_not_inside"], row["figure_id"]
        assert row["boundary"] and row["source_url"].startswith("https://")


def test_the_headline_energy_figures_sit_inside_our_range(pipeline_home):
    """Google 0.24 Wh, OpenAI 0.34 Wh and Microsoft's 0.31 Wh median fall inside low-high (issue 14)."""
    rows = _mart(pipeline_home)
    for figure, value in [
        ("google.2025-08.energy", 0.24),
        ("openai.2025-06.energy", 0.34),
        ("microsoft.2026-06.energy", 0.31),
    ]:
        row = rows[figure]
        assert row["vendor_value"] == value and row["verdict"] == "inside", row
        assert row["our_low"] <= value <= row["our_high"]
    # Microsoft's interquartile range lies inside ours too
    ms = rows["microsoft.2026-06.energy"]
    assert ms["our_low"] <= ms["vendor_value_low"] and ms["vendor_value_high"] <= ms["our_high"]


def test_our_central_is_ecologits_for_the_comparable_prompt(pipeline_home):
    """Google's comparable prompt: Gemini 2.5 Flash, 500 input and 300 output tokens, Google's PUE 1.09."""
    row = _mart(pipeline_home)["google.2025-08.energy"]

    def mean_wh(tokens: int) -> float:
        value = llm_impacts("google_genai", "gemini-2.5-flash", tokens, math.inf).energy.value
        return (value.min + value.max) / 2 * 1000

    per_token = (mean_wh(1000) - mean_wh(0)) / 1000
    expected = mean_wh(300) + 500 * INPUT_WEIGHT * per_token
    assert row["our_central"] == pytest.approx(expected, rel=0.005)
    assert row["model_factor_id"] == "llm.google.gemini-2.5-flash"


def test_a_figure_outside_our_boundary_is_flagged_with_the_reason(pipeline_home):
    rows = _mart(pipeline_home)
    mistral = rows["mistral.2025-07.co2e"]
    assert mistral["verdict"] == "above_range" and "life cycle" in mistral["why_not_inside"].lower()
    assert rows["mistral.2025-07.adpe"]["verdict"] == "not_comparable"
    assert rows["google.2025-08.co2e"]["basis"] == "market"


def test_the_comparable_prompts_stay_out_of_the_facts(pipeline_home):
    con = duckdb.connect(str(Paths(pipeline_home).warehouse), read_only=True)
    try:
        sql = "select count(*) from fct_activity_impacts where dataset = 'reference_prompt'"
        ((n,),) = con.sql(sql).fetchall()
    finally:
        con.close()
    assert n == 0
