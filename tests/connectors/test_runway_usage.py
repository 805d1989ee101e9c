"""Runway organization credit usage -> canonical rows: credits become seconds, images and characters."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import polars as pl
import pytest

from connectors.core.schema import ACTIVITY_UNITS, validate
from connectors.runway.usage import CONNECTOR, RATES, parse
from tests.support.corpus import CORPUS
from tests.support.landing import (
    as_json,
    assert_parse_fails,
    assert_samples_land_without_quarantine,
    bundled_samples,
    land_one,
    landed_rows,
)
from tests.support.mutations import damage_property, damaged_json

# The documented response (vendor-formats.md section 6, official SDK types).
DOCUMENTED = {
    "models": ["gen4_turbo"],
    "results": [{"date": "2026-08-01", "usedCredits": [{"model": "gen4_turbo", "amount": 50}]}],
}


def _one_day(model: str, amount, day: str = "2026-09-14") -> dict:
    return {
        "models": [model],
        "results": [{"date": day, "usedCredits": [{"model": model, "amount": amount}]}],
    }


def test_documented_response_becomes_video_seconds_at_the_model_rate():
    parsed = parse(as_json(DOCUMENTED), "organization_usage.json")
    assert (parsed.dataset, parsed.raw_records, parsed.days) == ("organization_usage", 1, [date(2026, 8, 1)])
    row = parsed.rows.row(0, named=True)
    assert (row["activity_type"], row["quantity"], row["unit"]) == ("video_seconds", 10.0, "seconds")
    assert (row["vendor"], row["service"], row["model"], row["model_raw"]) == (
        "runway",
        "runway.video",
        "gen4_turbo",
        "gen4_turbo",
    )
    assert (row["cost_amount"], row["cost_currency"]) == (Decimal("0.500000000000"), "USD")
    assert row["usage_start"] == datetime(2026, 8, 1, tzinfo=UTC)
    assert row["usage_end"] == datetime(2026, 8, 2, tzinfo=UTC)
    assert row["usage_date"] == date(2026, 8, 1)
    assert (row["account"], row["workspace"], row["api_key_id"], row["region"]) == (None,) * 4
    assert row["source_row"] == "/results/0/usedCredits/0"
    assert row["natural_key"] == "2026-08-01|gen4_turbo|video_seconds"
    assert json.loads(row["attributes"]) == {
        "credits": 50.0,
        "credit_rate": 5.0,
        "credit_rate_max": None,
        "quantity_basis": "rate",
        "cost_basis": "list_price",
    }


@pytest.mark.parametrize(
    ("model", "credits", "activity_type", "quantity", "basis", "service"),
    [
        ("gen4.5", 120, "video_seconds", 10.0, "rate", "runway.video"),
        ("gen3a_turbo", 50, "video_seconds", 10.0, "rate", "runway.video"),
        ("gen4_aleph", 75, "video_seconds", 5.0, "rate", "runway.video"),
        ("act_two", 150, "video_seconds", 30.0, "rate", "runway.video"),
        ("upscale_v1", 20, "video_seconds", 10.0, "rate", "runway.video"),
        ("veo3", 320, "video_seconds", 8.0, "rate", "runway.video"),
        ("veo3.1", 320, "video_seconds", 16.0, "upper_bound", "runway.video"),  # 8 s with audio = 16 s max
        ("veo3.1_fast", 120, "video_seconds", 12.0, "upper_bound", "runway.video"),
        ("gen4_image", 13, "images", 2.6, "upper_bound", "runway.image"),  # one 720p + one 1080p image
        ("gen4_image_turbo", 8, "images", 4.0, "rate", "runway.image"),
        ("gemini_2.5_flash", 10, "images", 2.0, "rate", "runway.image"),
        ("eleven_multilingual_v2", 7, "tts_characters", 350.0, "rate", "runway.audio"),
        ("eleven_voice_isolation", 7, "audio_seconds", 42.0, "rate", "runway.audio"),
        ("eleven_voice_dubbing", 7, "audio_seconds", 14.0, "rate", "runway.audio"),
        ("eleven_multilingual_sts_v2", 7, "audio_seconds", 21.0, "rate", "runway.audio"),
    ],
)
def test_each_model_converts_credits_with_its_documented_rate(
    model, credits, activity_type, quantity, basis, service
):
    row = parse(as_json(_one_day(model, credits)), "usage.json").rows.row(0, named=True)
    assert (row["activity_type"], row["unit"]) == (activity_type, ACTIVITY_UNITS[activity_type])
    assert row["quantity"] == pytest.approx(quantity)
    assert row["service"] == service
    assert row["cost_amount"] == Decimal(credits) / 100
    assert json.loads(row["attributes"])["quantity_basis"] == basis


def test_every_rate_has_a_canonical_activity_and_unit():
    for model, (_, activity_type, unit, credits, per_units, credits_max) in RATES.items():
        assert ACTIVITY_UNITS[activity_type] == unit, model
        assert credits > 0 and per_units > 0, model
        assert credits_max is None or credits_max > credits, model


def test_net_refund_day_keeps_the_negative_money_but_no_negative_activity():
    row = parse(as_json(_one_day("gen4_turbo", -25)), "usage.json").rows.row(0, named=True)
    assert (row["activity_type"], row["quantity"]) == ("video_seconds", 0.0)
    assert row["cost_amount"] == Decimal("-0.250000000000")
    assert json.loads(row["attributes"])["credits"] == -25.0


def test_models_without_a_per_unit_rate_land_as_spend_never_as_guessed_activity():
    """No published rate: the credits are still money spent (a spend row, spend-based estimate), never a
    guessed number of seconds or images; an unreadable amount quarantines its record."""
    body = {
        "models": ["eleven_text_to_sound_v2", "gen5_hyper", "gen4_turbo"],
        "results": [
            {
                "date": "2026-09-14",
                "usedCredits": [
                    {"model": "eleven_text_to_sound_v2", "amount": 2},
                    {"model": "gen5_hyper", "amount": 400},
                    {"model": "gen4_turbo", "amount": "fifty"},
                    {"model": "gen4_turbo", "amount": 25},
                ],
            }
        ],
    }
    parsed = parse(as_json(body), "usage.json")
    valid, invalid = validate(parsed.rows)
    assert valid.select("model", "activity_type", "quantity", "unit").sort("model").rows() == [
        ("eleven_text_to_sound_v2", "spend", 0.02, "currency"),  # 2 credits at USD 0.01
        ("gen4_turbo", "video_seconds", 5.0, "seconds"),
        ("gen5_hyper", "spend", 4.0, "currency"),
    ]
    assert invalid.select("model", "_reason").rows() == [("gen4_turbo", "quantity missing or not a number")]
    unknown = valid.filter(pl.col("model") == "gen5_hyper").row(0, named=True)
    assert unknown["service"] == "runway.unknown"
    assert json.loads(unknown["attributes"])["credits"] == 400.0
    assert json.loads(unknown["attributes"])["quantity_basis"] == "no_credit_rate"
    assert unknown["cost_amount"] == Decimal("4.000000000000")


def test_empty_days_are_covered_and_arrays_of_responses_get_page_prefixed_pointers():
    first = {
        "models": ["gen4_image_turbo"],
        "results": [
            {"date": "2026-09-12", "usedCredits": []},
            {"date": "2026-09-13", "usedCredits": [{"model": "gen4_image_turbo", "amount": 4}]},
        ],
    }
    second = {"models": [], "results": [{"date": "2026-09-14", "usedCredits": []}]}
    parsed = parse(as_json([first, second]), "usage.json")
    assert parsed.days == [date(2026, 9, 12), date(2026, 9, 13), date(2026, 9, 14)]
    assert parsed.raw_records == 1
    assert parsed.rows.select("source_row", "quantity").rows() == [("/0/results/1/usedCredits/0", 2.0)]


def test_response_with_no_usage_at_all():
    parsed = parse(as_json({"models": [], "results": []}), "usage.json")
    assert (parsed.rows.height, parsed.days, parsed.raw_records) == (0, [], 0)


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        (b"", "file is empty"),
        (b'{"models": ["gen4_turbo"], "results": [', "malformed JSON"),
        (as_json({"creditBalance": 1200, "tier": {}}), "no 'results' array"),
        (as_json({"models": [], "results": {"date": "2026-09-01"}}), "'results' is not an array of days"),
        (
            as_json({"results": [{"day": "2026-09-01", "credits": 5}]}),
            "'results' is missing required column(s) 'date', 'usedCredits'",
        ),
    ],
)
def test_unreadable_files_fail_naming_source_file_and_problem(payload, problem):
    assert_parse_fails(parse, payload, "broken_usage.json", "[runway_usage] broken_usage.json", problem)


def test_every_bundled_sample_lands_without_quarantine(paths):
    files = bundled_samples(CONNECTOR)
    assert len(files) == 2
    assert_samples_land_without_quarantine(CONNECTOR, files, paths, max_bytes=150_000)
    landed = landed_rows(paths, CONNECTOR.source)
    assert set(landed.get_column("activity_type")) == {"video_seconds", "images", "tts_characters"}
    refund = landed.filter(pl.col("usage_date") == date(2026, 9, 13))
    assert refund.select("quantity", "cost_amount").rows() == [(0.0, Decimal("-0.500000000000"))]


# ---- properties: damage never ends in an exception or a vanished record ------------------------------

FULL_SHAPE = (
    CORPUS
    / "runway_usage"
    / "sdk_shape_with_api_key_breakdown"
    / "organization_usage_2026-03-01_2026-03-03.json"
)
test_damaged_organization_usage_lands_quarantines_or_is_rejected = damage_property(
    CONNECTOR, damaged_json(FULL_SHAPE.read_bytes()), FULL_SHAPE.name, max_examples=40
)


# ---- every record accounted for (issue #13 class 7) ----------------------------------------------------


def _land_one(paths, payload: bytes, name: str = "organization_usage.json"):
    return land_one(CONNECTOR, payload, name, paths)


def test_the_per_api_key_breakdown_is_counted_and_skipped_never_landed_twice(paths):
    result = _land_one(paths, FULL_SHAPE.read_bytes())
    assert not result.rejected, result.error
    # 4 per-model records land; the 3 per-key records of the same credits are skipped with a reason
    assert (result.raw_records, result.records_landed, result.records_skipped) == (7, 4, 3)
    assert dict(result.skip_reasons) == {
        "per-API-key breakdown of the per-model credits (resultsByApiKey): not landed": 3
    }


def test_credits_without_a_model_key_reject_the_file_naming_it(paths):
    body = json.loads(FULL_SHAPE.read_text())
    for day in body["results"]:
        for item in day["usedCredits"]:
            item["modelName"] = item.pop("model")
    result = _land_one(paths, json.dumps(body).encode())
    assert result.rejected
    assert "'usedCredits' is missing required column(s) 'model' (found 'modelName': renamed?)" in result.error


def test_a_null_credit_entry_is_counted_and_skipped(paths):
    body = json.loads(FULL_SHAPE.read_text())
    del body["resultsByApiKey"]
    body["results"][0]["usedCredits"].append(None)
    result = _land_one(paths, json.dumps(body).encode())
    assert (result.raw_records, result.records_landed, result.records_skipped) == (5, 4, 1)
