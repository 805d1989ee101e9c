"""Seat-based AI assistants (#18): each activity-to-energy rule against its cited factor, the values
worked out by hand from the cited figures (never read from the code), and their method tiers."""

from __future__ import annotations

import polars as pl
import pytest

from factors.release import seed_path

WH = 1e-3  # kWh per Wh


def _factor(activity_type: str) -> dict:
    seed = pl.read_csv(seed_path("factor_activity_energy"), infer_schema=False)
    (row,) = seed.filter(pl.col("activity_type") == activity_type).to_dicts()
    return row


def _tiers() -> dict[str, dict]:
    seed = pl.read_csv(seed_path("method_tiers"), infer_schema=False)
    return {r["method_tier"]: r for r in seed.to_dicts()}


def test_a_chatgpt_message_is_a_cited_prompt_with_a_wide_range():
    row = _factor("assistant_messages")
    # central: OpenAI's 0.34 Wh per average ChatGPT query, facility energy, / PUE 1.2 -> 0.28333 Wh IT
    assert float(row["it_kwh_per_unit"]) == pytest.approx(0.28333 * WH, rel=2e-3)
    # low: Google's median Gemini Apps prompt 0.24 Wh including PUE 1.09 -> 0.22018 Wh IT
    assert float(row["it_kwh_per_unit_low"]) == pytest.approx(0.22018 * WH, rel=2e-3)
    # high: Epoch AI's 2.5 Wh for a 10k-token input / 1.2 -> 2.0833 Wh IT
    assert float(row["it_kwh_per_unit_high"]) == pytest.approx(2.0833 * WH, rel=2e-3)
    assert (row["unit"], row["method_tier"], row["dq_score"]) == ("messages", "seat_message_assumption", "5")
    assert row["source_url"].startswith("https://") and row["source_year"] == "2025" and row["licence"]


def test_a_gemini_feature_use_is_googles_median_prompt():
    row = _factor("assistant_events")
    assert float(row["it_kwh_per_unit"]) == pytest.approx(0.24 / 1.09 * WH, rel=2e-3)  # 0.22018 Wh
    assert float(row["it_kwh_per_unit_low"]) == pytest.approx(0.10 * WH)  # active accelerators only
    assert float(row["it_kwh_per_unit_high"]) == pytest.approx(2.9 * WH)  # one generated image
    assert (
        row["source_url"] == "https://arxiv.org/abs/2508.15734"
        and row["method_tier"] == "seat_message_assumption"
    )


def test_a_copilot_active_user_day_is_assumed_prompts_times_the_message_factor():
    row = _factor("assistant_active_user_days")
    # 3, 10 and 30 prompts per active day times 0.22018, 0.28333 and 2.0833 Wh
    assert float(row["it_kwh_per_unit_low"]) == pytest.approx(0.66 * WH, rel=2e-3)
    assert float(row["it_kwh_per_unit"]) == pytest.approx(2.8333 * WH, rel=2e-3)
    assert float(row["it_kwh_per_unit_high"]) == pytest.approx(62.5 * WH, rel=2e-3)
    assert row["method_tier"] == "seat_active_user_day"


def test_the_active_user_day_tier_is_the_weakest_and_a_flagged_fallback():
    tiers = _tiers()
    day, message = tiers["seat_active_user_day"], tiers["seat_message_assumption"]
    assert day["is_fallback"] == "true" and message["is_fallback"] == "false"
    assert int(day["tier_order"]) > int(message["tier_order"])
    assert day["dq_score"] == message["dq_score"] == "5"
