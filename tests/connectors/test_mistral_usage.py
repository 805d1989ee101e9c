"""Mistral billing usage responses -> canonical rows, checked value by value against the documented shapes."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import strategies as st

from connectors.core.schema import validate
from connectors.landing.zone import ingest_file
from connectors.mistral.usage import CONNECTOR, normalise_mistral_model, parse
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

# The captured response in vendor-formats.md section 6, verbatim.
NOTES_RESPONSE = {
    "completion": {
        "models": {
            "mistral-large-latest::mistral-large-2411": {
                "input": [
                    {
                        "usage_type": "usage",
                        "event_type": "api_tokens",
                        "billing_metric": "mistral-large-2411",
                        "billing_display_name": "mistral-large-latest",
                        "billing_group": "input",
                        "timestamp": "2025-11-14",
                        "value": 11121,
                        "value_paid": 11121,
                    }
                ],
                "output": [
                    {
                        "usage_type": "usage",
                        "event_type": "api_tokens",
                        "billing_metric": "mistral-large-2411",
                        "billing_display_name": "mistral-large-latest",
                        "billing_group": "output",
                        "timestamp": "2025-11-14",
                        "value": 1115,
                        "value_paid": 1115,
                    }
                ],
            }
        }
    },
    "ocr": {"models": {}},
    "connectors": {"models": {}},
    "libraries_api": {"pages": {"models": {}}, "tokens": {"models": {}}},
    "fine_tuning": {"training": {}, "storage": {}},
    "audio": {"models": {}},
    "vibe_usage": 0.0,
    "date": "2025-11-01T00:00:00Z",
    "previous_month": "2025-10",
    "next_month": "2025-12",
    "start_date": "2025-11-01T00:00:00Z",
    "end_date": "2025-11-30T23:59:59.999Z",
    "currency": "EUR",
    "currency_symbol": "\u20ac",
    "prices": [
        {
            "event_type": "api_tokens",
            "billing_metric": "mistral-large-2411",
            "billing_group": "input",
            "price": "0.0000017000",
        },
        {
            "event_type": "api_tokens",
            "billing_metric": "mistral-large-2411",
            "billing_group": "output",
            "price": "0.0000051000",
        },
    ],
}


def _entry(metric: str, group: str, value, day: str = "2026-09-16", **extra) -> dict:
    return {
        "usage_type": "usage",
        "event_type": "api_tokens",
        "billing_metric": metric,
        "billing_display_name": f"{metric}-latest",
        "billing_group": group,
        "timestamp": day,
        "value": value,
        "value_paid": value,
    } | extra


def _response(categories: dict, prices: list[dict], **top) -> dict:
    return (
        {"start_date": "2026-09-01T00:00:00Z", "end_date": "2026-09-30T23:59:59.999Z", "currency": "EUR"}
        | categories
        | {"prices": prices}
        | top
    )


def _price(event: str | None, metric: str, group: str, price: str, zone=None, tier=None) -> dict:
    row = {"billing_metric": metric, "billing_group": group, "price": price}
    if event is not None:
        row["event_type"] = event
    if zone is not None:
        row |= {"api_zone": zone, "service_tier": tier}
    return row


def test_documented_response_becomes_one_row_per_group_and_day():
    parsed = parse(as_json(NOTES_RESPONSE), "mistral_usage_2025-11.json")
    assert parsed.dataset == "billing_usage"
    assert parsed.raw_records == 2
    # the whole billing month is covered, so a corrected re-export empties days that lost their usage
    assert parsed.days[0] == date(2025, 11, 1) and parsed.days[-1] == date(2025, 11, 30)
    assert len(parsed.days) == 30
    rows = parsed.rows.sort("activity_type")
    assert rows.select("activity_type", "quantity", "unit", "cost_amount", "cost_currency").rows() == [
        ("llm_input_tokens", 11121.0, "tokens", Decimal("0.018905700000"), "EUR"),
        ("llm_output_tokens", 1115.0, "tokens", Decimal("0.005686500000"), "EUR"),
    ]
    first = rows.row(0, named=True)
    assert (first["vendor"], first["service"]) == ("mistral", "mistral.completion")
    assert (first["model"], first["model_raw"]) == ("mistral-large", "mistral-large-2411")
    assert first["usage_start"] == datetime(2025, 11, 14, tzinfo=UTC)
    assert first["usage_end"] == datetime(2025, 11, 15, tzinfo=UTC)
    assert first["usage_date"] == date(2025, 11, 14)
    assert (first["workspace"], first["project"], first["account"], first["region"]) == (None,) * 4
    assert first["source_row"] == "/completion/models/mistral-large-latest::mistral-large-2411/input/0"
    assert first["natural_key"] == (
        "\u2205|completion/models/mistral-large-latest::mistral-large-2411|input|api_tokens|"
        "mistral-large-2411|usage|\u2205|\u2205|2025-11-14|llm_input_tokens"
    )
    assert json.loads(first["attributes"]) == {
        "billing_display_name": "mistral-large-latest",
        "model_key": "mistral-large-latest::mistral-large-2411",
        "billing_group": "input",
        "event_type": "api_tokens",
        "usage_type": "usage",
        "service_tier": None,
        "value": 11121.0,
        "value_paid": 11121.0,
        "unit_price": "0.0000017000",
    }


def test_prices_match_event_type_zone_and_tier_never_the_audio_price_of_the_same_metric():
    """A metric is priced per zone and tier and again per audio second; E-notation prices; vibe lanes."""
    lane = {"usage_type": "vibe", "api_zone": "global", "service_tier": "standard"}
    body = _response(
        {
            "vibe_code": {
                "completion": {
                    "models": {
                        "mistral-vibe-cli-latest::mistral-medium-3-5": {
                            "input": [_entry("mistral-medium-3-5", "input", 4_375_190, **lane)],
                            "cached": [_entry("mistral-medium-3-5", "cached", 21_628_160, **lane)],
                            "output": [_entry("mistral-medium-3-5", "output", 458_774, **lane)],
                        }
                    }
                }
            }
        },
        [
            _price("api_tokens", "mistral-medium-3-5", "input", "0.0000012750", "global", "standard"),
            _price("api_tokens", "mistral-medium-3-5", "input", "0.0000023588", "eu", "priority"),
            _price("api_audio_seconds", "mistral-medium-3-5", "input", "0.0001416667", "global", "standard"),
            _price("api_tokens", "mistral-medium-3-5", "cached", "1.275E-7", "global", "standard"),
            _price("api_tokens", "mistral-medium-3-5", "output", "0.0000063750", "global", "standard"),
        ],
    )
    rows = parse(as_json(body), "usage.json").rows.sort("activity_type")
    assert rows.select("activity_type", "quantity", "cost_amount", "region", "service").rows() == [
        ("llm_cached_input_tokens", 21_628_160.0, Decimal("2.757590400000"), "global", "mistral.vibe_code"),
        ("llm_input_tokens", 4_375_190.0, Decimal("5.578367250000"), "global", "mistral.vibe_code"),
        ("llm_output_tokens", 458_774.0, Decimal("2.924684250000"), "global", "mistral.vibe_code"),
    ]
    assert set(rows.get_column("model")) == {"mistral-medium-3-5"}  # no YYMM suffix to strip
    assert rows.get_column("source_row").to_list() == [
        "/vibe_code/completion/models/mistral-vibe-cli-latest::mistral-medium-3-5/cached/0",
        "/vibe_code/completion/models/mistral-vibe-cli-latest::mistral-medium-3-5/input/0",
        "/vibe_code/completion/models/mistral-vibe-cli-latest::mistral-medium-3-5/output/0",
    ]
    assert json.loads(rows.item(0, "attributes"))["usage_type"] == "vibe"


def test_priority_eu_usage_takes_its_own_price_and_a_zone_or_tier_is_never_guessed():
    body = _response(
        {
            "chat": {
                "models": {
                    "mistral-small-latest::mistral-small-2506": {
                        "input": [
                            _entry(
                                "mistral-small-2506", "input", 1000, api_zone="eu", service_tier="priority"
                            ),
                            _entry(
                                "mistral-small-2506", "input", 1000, api_zone="us", service_tier="standard"
                            ),
                        ]
                    }
                }
            }
        },
        [
            _price("api_tokens", "mistral-small-2506", "input", "0.001", "global", "standard"),
            _price("api_tokens", "mistral-small-2506", "input", "0.003", "eu", "priority"),
        ],
    )
    rows = parse(as_json(body), "usage.json").rows.sort("region")
    assert rows.select("region", "cost_amount", "cost_currency").rows() == [
        ("eu", Decimal("3.000000000000"), "EUR"),
        ("us", None, None),  # no US price and no unqualified one: no cost rather than a wrong one
    ]


def test_legacy_untyped_entries_value_paid_later_prices_and_cost_only_ocr():
    """Older responses: no event_type, no zone; free usage has value_paid below value; OCR is money only."""
    untyped = {"billing_metric": "in", "billing_group": "g", "billing_display_name": "  Display Model  "}
    body = _response(
        {
            "completion": {
                "models": {
                    "model::suffix": {
                        "input": [
                            untyped | {"timestamp": "2025-11-24T00:00:00Z", "value": 999, "value_paid": 2}
                        ]
                    }
                }
            },
            "ocr": {
                "models": {
                    "ocr::suffix": {
                        "input": [
                            {
                                "billing_metric": "ocr",
                                "billing_group": "g",
                                "timestamp": "2025-11-24T00:00:00Z",
                                "value": 3,
                            }
                        ]
                    }
                }
            },
        },
        [_price(None, "in", "g", "5"), _price(None, "in", "g", "2"), _price(None, "ocr", "g", "10")],
        currency="eur",
        start_date="2025-11-01T00:00:00Z",
        end_date="2025-11-30T00:00:00Z",
    )
    parsed = parse(as_json(body), "usage.json")
    rows = parsed.rows.sort("service")
    assert rows.select(
        "service", "activity_type", "quantity", "unit", "cost_amount", "cost_amount_net", "cost_currency"
    ).rows() == [
        # group "g" is no token group: cost-only, priced at the later duplicate price (2); gross on every
        # unit used (999), net on the units billed (value_paid 2)
        ("mistral.completion", "spend", 1998.0, "currency", Decimal("1998"), Decimal("4"), "EUR"),
        # no value_paid: the export states no allowance, so net = gross
        ("mistral.ocr", "spend", 30.0, "currency", Decimal("30"), Decimal("30"), "EUR"),
    ]
    assert json.loads(rows.item(0, "attributes"))["value"] == 999.0
    assert rows.get_column("usage_date").to_list() == [date(2025, 11, 24)] * 2

    # a blank currency (seen in captured responses) gives no cost, so the cost-only rows quarantine
    blank = parse(as_json(body | {"currency": " "}), "usage.json").rows
    assert (
        blank.select("cost_amount", "cost_amount_net", "cost_currency", "quantity").rows()
        == [(None, None, None, None)] * 2
    )


def test_untyped_token_entries_count_as_tokens_and_value_not_value_paid_is_the_quantity():
    body = _response(
        {
            "completion": {
                "models": {
                    "codestral-latest::codestral-2508": {
                        "input": [
                            {"billing_metric": "codestral-2508", "timestamp": "2026-09-03", "value": 500}
                        ],
                        "output": [
                            {
                                "billing_metric": "codestral-2508",
                                "billing_group": "output",
                                "timestamp": "2026-09-03",
                                "value": 80,
                                "value_paid": 0,
                            }
                        ],
                    }
                }
            }
        },
        [
            _price("api_tokens", "codestral-2508", "input", "0.01"),
            _price(None, "codestral-2508", "output", "0.1"),
        ],
    )
    rows = parse(as_json(body), "usage.json").rows.sort("activity_type")
    # the group comes from the list when the entry has none; the untyped entry is api_tokens
    assert rows.select("activity_type", "quantity", "cost_amount", "cost_amount_net", "model").rows() == [
        ("llm_input_tokens", 500.0, Decimal("5"), Decimal("5"), "codestral"),
        # value_paid 0 (free allowance): 80 units at 0.1 gross, nothing billed
        ("llm_output_tokens", 80.0, Decimal("8"), Decimal("0"), "codestral"),
    ]


@pytest.mark.parametrize(
    ("category", "metric", "event", "group", "activity_type", "unit", "quantity"),
    [
        ("completion", "mistral-embed", "api_tokens", "input", "embedding_tokens", "tokens", 700.0),
        (
            "completion",
            "mistral-moderation-2411",
            "api_tokens",
            "input",
            "moderation_tokens",
            "tokens",
            700.0,
        ),
        ("audio", "voxtral-mini-2507", "api_audio_seconds", "input", "audio_seconds", "seconds", 700.0),
        ("audio", "voxtral-tts-2603", "api_audio_characters", "input", "tts_characters", "characters", 700.0),
        ("ocr", "mistral-ocr-2505", "api_pages", "input", "spend", "currency", 1.4),
        ("connectors", "web_search", "api_connectors", "calls", "spend", "currency", 1.4),
        (
            "completion",
            "mistral-large-2411",
            "deployment_tokens",
            "output",
            "llm_output_tokens",
            "tokens",
            700.0,
        ),
    ],
)
def test_event_types_map_to_their_activity(category, metric, event, group, activity_type, unit, quantity):
    body = _response(
        {category: {"models": {f"x::{metric}": {group: [_entry(metric, group, 700, event_type=event)]}}}},
        [_price(event, metric, group, "0.002")],
    )
    row = parse(as_json(body), "usage.json").rows.row(0, named=True)
    assert (row["activity_type"], row["unit"], row["quantity"]) == (activity_type, unit, quantity)
    assert row["cost_amount"] == Decimal("1.400000000000")
    assert row["service"] == f"mistral.{category}"


@pytest.mark.parametrize(
    ("raw", "model"),
    [
        ("mistral-large-2411", "mistral-large"),
        ("magistral-medium-2509", "magistral-medium"),
        ("codestral-2501", "codestral"),
        ("ministral-8b-2410", "ministral-8b"),
        (" Mistral-Small-2512 ", "mistral-small"),
        ("mistral-medium-3-5", "mistral-medium-3-5"),
        ("mistral-embed", "mistral-embed"),
        ("open-mistral-nemo", "open-mistral-nemo"),
        ("codestral-2405-1337", "codestral-2405-1337"),  # 1337 is no YYMM
    ],
)
def test_yymm_release_suffix_is_stripped(raw, model):
    assert pl.select(normalise_mistral_model(pl.lit(raw))).item() == model


def test_workspace_file_name_sets_workspace_and_its_own_dataset():
    name = "mistral_usage_2025-11_workspace-8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d.json"
    parsed = parse(as_json(NOTES_RESPONSE), name)
    assert parsed.dataset == "billing_usage_workspace_8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    assert set(parsed.rows.get_column("workspace")) == {"8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"}
    assert parsed.rows.item(0, "natural_key").startswith("8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d|")


def test_array_of_monthly_responses_gets_page_prefixed_pointers_and_both_periods():
    october = json.loads(json.dumps(NOTES_RESPONSE).replace("2025-11", "2025-10"))
    october["end_date"] = "2025-10-31T23:59:59.999Z"
    parsed = parse(as_json([october, NOTES_RESPONSE]), "usage.json")
    assert parsed.raw_records == 4
    assert len(parsed.days) == 61
    assert sorted(set(parsed.rows.get_column("source_row").str.extract(r"^(/\d+)/"))) == ["/0", "/1"]
    assert parsed.rows.get_column("natural_key").is_unique().all()


def test_empty_month_still_covers_its_days():
    body = json.loads(json.dumps(NOTES_RESPONSE))
    body["completion"] = {"models": {}}
    parsed = parse(as_json(body), "usage.json")
    assert (parsed.rows.height, parsed.raw_records, len(parsed.days)) == (0, 0, 30)


def test_bad_cells_quarantine_their_row_not_the_file():
    body = _response(
        {
            "completion": {
                "models": {
                    "m::mistral-small-2506": {
                        "input": [
                            _entry("mistral-small-2506", "input", None),
                            _entry("mistral-small-2506", "input", -5, day="2026-09-17"),
                            _entry("mistral-small-2506", "input", 7, day="not-a-date"),
                            _entry("mistral-small-2506", "input", "12k", day="2026-09-19"),
                            _entry("mistral-small-2506", "input", 9, day="2026-09-18"),
                        ]
                    }
                }
            }
        },
        [_price("api_tokens", "mistral-small-2506", "input", "0.1")],
    )
    valid, invalid = validate(parse(as_json(body), "usage.json").rows)
    assert valid.get_column("quantity").to_list() == [9.0]
    assert sorted(invalid.get_column("_reason").to_list()) == [
        "negative quantity",
        "quantity missing or not a number",
        "quantity missing or not a number",
        "usage date missing or unparseable",
    ]


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        (b"", "file is empty"),
        (b'{"completion": {"models": {', "malformed JSON"),
        (b'{"object": "page", "data": []}', "not a Mistral billing usage response"),
        (as_json({"completion": {"models": {}}}), "no 'prices' list"),
    ],
)
def test_unreadable_files_fail_naming_source_file_and_problem(payload, problem):
    assert_parse_fails(parse, payload, "broken_usage.json", "[mistral_usage] broken_usage.json", problem)


def test_corrected_re_export_replaces_the_month(paths, write_json):
    first = ingest_file(CONNECTOR, write_json("mistral_usage", "a.json", NOTES_RESPONSE), paths)
    corrected = json.loads(json.dumps(NOTES_RESPONSE))
    corrected["completion"]["models"]["mistral-large-latest::mistral-large-2411"]["output"][0]["value"] = 1200
    del corrected["completion"]["models"]["mistral-large-latest::mistral-large-2411"]["input"]
    second = ingest_file(CONNECTOR, write_json("mistral_usage", "b.json", corrected), paths)
    assert (first.rows_landed, second.rows_landed) == (2, 1)
    landed = pl.read_parquet(paths.activity / "source=mistral_usage" / "**" / "*.parquet")
    assert landed.select("activity_type", "quantity").rows() == [("llm_output_tokens", 1200.0)]


def test_every_bundled_sample_lands_without_quarantine(paths):
    files = bundled_samples(CONNECTOR)
    assert len(files) == 4
    assert_samples_land_without_quarantine(CONNECTOR, files, paths, max_bytes=150_000)
    landed = landed_rows(paths, CONNECTOR.source)
    assert landed.filter(pl.col("cost_amount").is_null()).height == 0
    assert set(landed.get_column("activity_type")) == {
        "llm_input_tokens",
        "llm_output_tokens",
        "llm_cached_input_tokens",
        "embedding_tokens",
        "audio_seconds",
        "spend",
    }
    assert landed.filter(pl.col("model").str.contains(r"-\d{4}$")).height == 0


# ---- properties: damage never ends in an exception or a vanished record ------------------------------

CORPUS_RESPONSE = CORPUS / "mistral_usage" / "console_v2_2025_11_two_models" / "mistral_usage_2025-11.json"
VIBE_RESPONSE = (
    CORPUS / "mistral_usage" / "console_v2_2026_09_vibe_zones_tiers" / "mistral_usage_2026-09.json"
)
test_damaged_billing_usage_lands_quarantines_or_is_rejected = damage_property(
    CONNECTOR,
    st.one_of(damaged_json(CORPUS_RESPONSE.read_bytes()), damaged_json(VIBE_RESPONSE.read_bytes())),
    CORPUS_RESPONSE.name,
    max_examples=40,
)


# ---- every record accounted for (issue #13 class 7), encodings (10), one bad file alone (11) ----------


def _land_one(paths, payload: bytes, name: str = "mistral_usage_2025-11.json"):
    return land_one(CONNECTOR, payload, name, paths)


def test_a_usage_list_whose_entries_lost_their_value_key_rejects_the_file_naming_it(paths):
    body = json.loads(json.dumps(NOTES_RESPONSE))
    lanes = body["completion"]["models"]["mistral-large-latest::mistral-large-2411"]
    for entry in lanes["output"]:
        entry["values"] = entry.pop("value")  # renamed in every entry of the list
    result = _land_one(paths, as_json(body))
    assert result.rejected
    assert result.error == (
        "[mistral_usage] mistral_usage_2025-11.json: usage list "
        "/completion/models/mistral-large-latest::mistral-large-2411/output is missing required column(s) "
        "'value' (found 'values': renamed?)"
    )


def test_null_entries_are_counted_and_skipped_with_a_reason(paths):
    body = json.loads(json.dumps(NOTES_RESPONSE))
    body["completion"]["models"]["mistral-large-latest::mistral-large-2411"]["input"].append(None)
    result = _land_one(paths, as_json(body))
    assert not result.rejected, result.error
    assert (result.raw_records, result.records_landed, result.records_skipped) == (3, 2, 1)
    assert dict(result.skip_reasons) == {"null entry in a usage list (no usage to land)": 1}


def test_an_entry_with_a_null_value_is_quarantined_by_its_pointer_never_dropped(paths):
    body = json.loads(json.dumps(NOTES_RESPONSE))
    body["completion"]["models"]["mistral-large-latest::mistral-large-2411"]["output"][0]["value"] = None
    result = _land_one(paths, as_json(body))
    assert (result.raw_records, result.records_landed, result.records_quarantined) == (2, 1, 1)
    held = pl.read_parquet(paths.quarantine / "source=mistral_usage" / "*.parquet")
    assert held.select("source_row", "reason").rows() == [
        (
            "/completion/models/mistral-large-latest::mistral-large-2411/output/0",
            "quantity missing or not a number",
        )
    ]


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
        lambda text: text.encode("utf-16"),  # PowerShell's Out-File: UTF-16 LE with its mark
        lambda text: text.encode("utf-16-le"),
    ],
    ids=["utf-8-bom", "utf-16-bom", "utf-16-le-no-bom"],
)
def test_a_response_saved_with_a_byte_order_mark_or_as_utf16_lands_the_same_rows(paths, encode):
    result = _land_one(paths, encode(json.dumps(NOTES_RESPONSE)))
    assert not result.rejected, result.error
    assert (result.raw_records, result.records_landed) == (2, 2)


def test_a_response_in_another_single_byte_encoding_is_rejected_by_name(paths):
    text = json.dumps(NOTES_RESPONSE, ensure_ascii=False).replace("\u20ac", "\u00e9")
    result = _land_one(paths, text.encode("latin-1"))
    assert result.rejected
    assert result.error.startswith("[mistral_usage] mistral_usage_2025-11.json: not UTF-8 JSON: byte 0xe9")


def test_a_truncated_export_is_rejected_alone_and_the_next_month_lands(paths, tmp_path):
    from connectors.landing.zone import ingest_folder

    folder = tmp_path / "mistral"
    folder.mkdir()
    good = CORPUS_RESPONSE.read_bytes()
    (folder / "mistral_usage_2025-10.json").write_bytes(good.replace(b"2025-11", b"2025-10")[:700])
    (folder / "mistral_usage_2025-11.json").write_bytes(good)
    results = {r.original_name: r for r in ingest_folder(CONNECTOR, folder, paths)}
    assert results["mistral_usage_2025-10.json"].rejected
    assert "looks truncated" in results["mistral_usage_2025-10.json"].error
    assert results["mistral_usage_2025-11.json"].rows_landed == 6
