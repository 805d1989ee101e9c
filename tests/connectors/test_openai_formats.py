"""Issue #13 on the OpenAI sources (openai_usage, openai_costs, openai_dashboard): ungrouped results, token
lines of cost reports, measures that used to be dropped, every record accounted for, implausible values,
re-exports, encodings, one bad file rejected alone, and damaged exports that end landed, quarantined or
rejected by name.

Each test names the issue's class it covers; expected values are written from OpenAI's documented
semantics (tests/connectors/corpus/openai_*/*/PROVENANCE.md), never read back from the parser.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import example, given

from connectors.core.config import BUNDLED_SAMPLES, Paths
from connectors.openai import costs as openai_costs
from connectors.openai import dashboard as openai_dashboard
from connectors.openai import usage as openai_usage
from tests.support.landing import assert_rejected_alone, copy_samples, land_one, landed_rows, quarantined_rows
from tests.support.mutations import (
    damage_properties,
    damage_settings,
    damaged_csv,
    damaged_json,
    head,
    parse_and_land_check,
)

CORPUS = Path(__file__).parent / "corpus"
CONNECTORS = {
    "openai_usage": openai_usage.CONNECTOR,
    "openai_costs": openai_costs.CONNECTOR,
    "openai_dashboard": openai_dashboard.CONNECTOR,
}
COMPLETIONS_DOCS = (
    CORPUS / "openai_usage" / "docs_completions_ungrouped_2026" / "completions_usage_docs_2026.json"
)
COSTS_DOCS = CORPUS / "openai_costs" / "docs_costs_ungrouped_2026" / "costs_2026.json"
COST_HEADER = (
    "start_time,end_time,start_time_iso,end_time_iso,amount_value,amount_currency,quantity,quantity_unit,"
    "line_item,user_id,api_key_id,project_id,organization_id,project_name,organization_name,user_email,"
    "api_source"
)
DAY = "1790553600,1790640000,2026-09-28T00:00:00+00:00,2026-09-29T00:00:00+00:00"  # 2026-09-28 UTC


def _cost_csv(*rows: str) -> bytes:
    return "\n".join([COST_HEADER, *rows]).encode() + b"\n"


def _page(*results: dict, start: int = 1790553600) -> bytes:
    bucket = {"object": "bucket", "start_time": start, "end_time": start + 86400, "results": list(results)}
    return json.dumps({"object": "page", "data": [bucket], "has_more": False, "next_page": None}).encode()


def _completion(**fields) -> dict:
    return {
        "object": "organization.usage.completions.result",
        "input_tokens": 1000,
        "output_tokens": 500,
        "num_model_requests": 5,
        "model": "gpt-4o-mini-2024-07-18",
    } | fields


# ---- class 1: ungrouped results (every group field null) land unattributed ----


@pytest.mark.parametrize(
    ("connector", "example"),
    [(openai_usage.CONNECTOR, COMPLETIONS_DOCS), (openai_costs.CONNECTOR, COSTS_DOCS)],
    ids=["usage", "costs"],
)
def test_class1_ungrouped_reference_example_lands_with_keys_unattributed(connector, example, paths):
    result = land_one(connector, example.read_bytes(), example.name, paths)
    assert not result.rejected, result.error
    rows = landed_rows(paths, connector.source)
    assert rows.height == result.rows_landed > 0
    for key in ("model", "model_raw", "project", "api_key_id", "user_id"):
        assert rows.get_column(key).is_null().all(), key


def test_class1_a_group_field_null_in_every_result_never_breaks_the_key():
    page = _page(_completion(model=None, project_id=None, batch=None, service_tier=None, user_id=None))
    rows = openai_usage.parse(page, "completions.json").rows
    assert rows.get_column("natural_key").str.contains("\u2205").all()  # null kept distinct in the key
    assert rows.get_column("natural_key").n_unique() == rows.height


# ---- class 2: cost lines that state a token quantity land as tokens, the money as their cost ----


@pytest.mark.parametrize(
    ("quantity", "unit", "line_item", "activity", "tokens"),
    [
        ("1000", "tokens", "gpt-5-nano, input_tokens", "llm_input_tokens", 1000.0),
        ("50.976", "1000_tokens", "gpt-4o-mini-2024-07-18, input", "llm_input_tokens", 50976.0),
        ("2", "1M tokens", "gpt-4o-mini-2024-07-18, cached input", "llm_cached_input_tokens", 2e6),
        ("3", "1K Tokens", "o3-2025-04-16, output", "llm_output_tokens", 3000.0),
        ("7", "1000_tokens", "text-embedding-3-small, input", "embedding_tokens", 7000.0),
    ],
)
def test_class2_dashboard_token_line_lands_as_tokens_with_the_unit_multiplied_out(
    quantity, unit, line_item, activity, tokens
):
    csv = _cost_csv(f'{DAY},0.5,usd,{quantity},{unit},"{line_item}",,key_1,proj_a,org-1,,,,')
    row = openai_dashboard.parse(csv, "cost_2026-09-28_2026-09-28.csv").rows.row(0, named=True)
    assert (row["activity_type"], row["unit"], row["quantity"]) == (activity, "tokens", tokens)
    assert (row["cost_amount"], row["cost_currency"]) == (Decimal("0.5"), "USD")


@pytest.mark.parametrize(
    ("quantity", "unit", "line_item"),
    [
        ("", "", "gpt-4o-mini-2024-07-18, input"),  # no quantity: only the money is known
        ("3", "gibibyte_hours", "assistants api | file search"),  # not a token unit
        ("12", "images", "gpt-image-1, output"),  # a unit that is not tokens stays spend
        ("5", "tokens", "web search tool calls"),  # no direction: nothing says which tokens
    ],
)
def test_class2_a_line_without_a_token_quantity_stays_spend(quantity, unit, line_item):
    csv = _cost_csv(f'{DAY},0.25,usd,{quantity},{unit},"{line_item}",,,proj_a,org-1,,,,')
    row = openai_dashboard.parse(csv, "cost_2026-09-28_2026-09-28.csv").rows.row(0, named=True)
    assert (row["activity_type"], row["unit"], row["quantity"]) == ("spend", "currency", 0.25)


def test_class2_costs_api_token_line_lands_as_tokens_too():
    result = {
        "object": "organization.costs.result",
        "amount": {"value": 0.12744, "currency": "usd"},
        "line_item": "ft-gpt-4o-2024-08-06, input",
        "project_id": "proj_a",
        "quantity": 50.976,
        "quantity_unit": "1000_tokens",
    }
    row = openai_costs.parse(_page(result), "costs.json").rows.row(0, named=True)
    assert (row["activity_type"], row["unit"], row["quantity"]) == ("llm_input_tokens", "tokens", 50976.0)
    assert (float(row["cost_amount"]), row["model"]) == (0.12744, "gpt-4o")


# ---- class 6: audio tokens and every endpoint's request count land as their own activities ----


def test_class6_audio_tokens_are_their_own_activities_and_never_counted_twice():
    page = _page(
        _completion(
            input_tokens=1000,
            input_uncached_tokens=500,
            input_cached_tokens=400,
            input_cache_write_tokens=100,
            input_audio_tokens=50,
            output_tokens=500,
            output_audio_tokens=50,
        )
    )
    quantities = dict(
        openai_usage.parse(page, "completions.json").rows.select("activity_type", "quantity").rows()
    )
    assert quantities == {
        "llm_input_tokens": 450.0,
        "llm_input_audio_tokens": 50.0,
        "llm_cached_input_tokens": 400.0,
        "llm_cache_write_tokens": 100.0,
        "llm_output_tokens": 450.0,
        "llm_output_audio_tokens": 50.0,
        "llm_requests": 5.0,
    }
    tokens = sum(v for k, v in quantities.items() if k.endswith("_tokens"))
    assert tokens == 1000 + 500  # every input and output token exactly once


@pytest.mark.parametrize(
    ("endpoint", "result", "requests"),
    [
        ("embeddings", {"input_tokens": 16}, "embedding_requests"),
        ("moderations", {"input_tokens": 16}, "moderation_requests"),
        ("images", {"images": 2}, "image_requests"),
        ("audio_speeches", {"characters": 45}, "tts_requests"),
        ("audio_transcriptions", {"seconds": 20}, "transcription_requests"),
    ],
)
def test_class6_request_counts_of_every_endpoint_land_as_request_rows(endpoint, result, requests):
    record = {"object": f"organization.usage.{endpoint}.result", "num_model_requests": 2} | result
    rows = openai_usage.parse(_page(record), f"{endpoint}.json").rows
    assert rows.filter(pl.col("activity_type") == requests).select("quantity", "unit").rows() == [
        (2.0, "requests")
    ]


def test_class6_dashboard_activity_export_lands_audio_tokens():
    csv = (
        b"start_time,end_time,start_time_iso,end_time_iso,model,input_tokens,input_uncached_tokens,"
        b"input_cached_tokens,output_tokens,input_audio_tokens,output_audio_tokens,num_model_requests\n"
        + DAY.encode()
        + b",gpt-4o-audio-preview,1000.0,800.0,200.0,300.0,100.0,60.0,4.0\n"
    )
    rows = openai_dashboard.parse(csv, "completions_usage_2026-09-28_2026-09-28.csv").rows
    assert dict(rows.select("activity_type", "quantity").rows()) == {
        "llm_input_tokens": 700.0,
        "llm_input_audio_tokens": 100.0,
        "llm_cached_input_tokens": 200.0,
        "llm_output_tokens": 240.0,
        "llm_output_audio_tokens": 60.0,
        "llm_requests": 4.0,
    }


# ---- class 7: a missing or renamed required key rejects the file by name; short rows are quarantined ----


@pytest.mark.parametrize("key", ["output_tokens", "input_tokens", "num_model_requests"])
def test_class7_usage_results_without_a_required_key_reject_the_file_naming_it(key, paths):
    renamed = {k if k != key else f"{k}_v2": v for k, v in _completion().items()}
    result = land_one(openai_usage.CONNECTOR, _page(renamed), "completions_x.json", paths)
    assert result.rejected
    assert result.error.startswith("[openai_usage] completions_x.json: ")
    assert f"'{key}' (found '{key}_v2': renamed?)" in result.error


def test_class7_dashboard_activity_export_without_output_tokens_is_rejected_by_name(paths):
    sample = BUNDLED_SAMPLES / "openai_dashboard" / "completions_usage_2026-09-27_2026-10-06.csv"
    header, body = sample.read_bytes().split(b"\n", 1)
    renamed = header.replace(b"output_tokens", b"completion_tokens", 1) + b"\n" + body
    result = land_one(openai_dashboard.CONNECTOR, renamed, sample.name, paths)
    assert result.rejected
    assert f"[openai_dashboard] {sample.name}: " in result.error and "'output_tokens'" in result.error


def test_class7_short_dashboard_rows_are_quarantined_with_their_line(paths):
    csv = _cost_csv(
        f'{DAY},0.5,usd,,,"gpt-4o, input",,,proj_a,org-1,,,,',
        f"{DAY},0.25,usd",  # 6 of 17 fields
        f"{DAY},,,,,,,,,,,,,",  # an empty bucket: counted, skipped with its reason
    )
    result = land_one(openai_dashboard.CONNECTOR, csv, "cost_2026-09-28_2026-09-28.csv", paths)
    assert (result.raw_records, result.records_landed, result.records_quarantined) == (3, 1, 1)
    assert result.records_skipped == 1
    held = quarantined_rows(paths, "openai_dashboard")
    assert held.select("source_row", "reason").rows() == [
        ("line:3#amount_value", "row has 6 fields, the header has 17")
    ]


def test_class7_records_are_counted_before_parsing_so_nothing_vanishes(paths):
    sample = BUNDLED_SAMPLES / "openai_dashboard" / "cost_2026-09-27_2026-10-06.csv"
    result = land_one(openai_dashboard.CONNECTOR, sample.read_bytes(), sample.name, paths)
    lines = sample.read_bytes().rstrip(b"\n").count(b"\n")  # records: every line under the header
    assert result.raw_records == lines
    assert result.records_landed + result.records_quarantined + result.records_skipped == lines


# ---- class 8: implausible values are quarantined with the bound that caught them ----


def test_class8_implausible_token_count_is_quarantined_not_landed(paths):
    page = _page(_completion(output_tokens=1e300))
    result = land_one(openai_usage.CONNECTOR, page, "completions.json", paths)
    assert result.rows_quarantined == 1
    held = quarantined_rows(paths, "openai_usage")
    assert held.get_column("source_row").to_list() == ["/data/0/results/0#output_tokens"]
    assert "plausib" in held.item(0, "reason") or "exceeds" in held.item(0, "reason")
    assert 1e300 not in landed_rows(paths, "openai_usage").get_column("quantity").to_list()


# ---- class 9: a re-export that shrinks a landed day is reported with the day ----


def test_class9_a_shrinking_costs_re_export_reports_the_day(paths):
    line = {"object": "organization.costs.result", "amount": {"value": 1.0, "currency": "usd"}}
    full = _page(*[line | {"line_item": f"gpt-4o, input {i}", "project_id": "p"} for i in range(4)])
    land_one(openai_costs.CONNECTOR, full, "costs_a.json", paths)
    result = land_one(openai_costs.CONNECTOR, _page(line), "costs_b.json", paths)
    assert result.revised_days == (("costs", date(2026, 9, 28), 4, 1),)
    assert result.shrunk_days(0.5) == [("costs", date(2026, 9, 28), 4, 1)]


# ---- class 10: encodings ----


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "utf-16-le"])
def test_class10_dashboard_csv_in_other_unicode_encodings_lands_the_same(encoding, paths):
    sample = BUNDLED_SAMPLES / "openai_dashboard" / "cost_2026-09-27_2026-10-06.csv"
    as_utf8 = land_one(openai_dashboard.CONNECTOR, sample.read_bytes(), sample.name, paths)
    home = Paths(paths.home.parent / f"other_{encoding}")
    other = land_one(openai_dashboard.CONNECTOR, sample.read_text().encode(encoding), sample.name, home)
    assert not other.rejected, other.error
    assert (other.rows_landed, other.rows_quarantined) == (as_utf8.rows_landed, as_utf8.rows_quarantined)


def test_class10_usage_json_saved_as_utf16_lands(paths):
    raw = COMPLETIONS_DOCS.read_text().encode("utf-16")
    result = land_one(openai_usage.CONNECTOR, raw, COMPLETIONS_DOCS.name, paths)
    assert not result.rejected and result.rows_landed == 7


def test_class10_undocumented_encoding_is_a_named_rejection(paths):
    csv = _cost_csv(f'{DAY},0.5,usd,,,"gpt-4o, input",,,proj_a,org-1,Caf\u00e9 Proj,,,').decode()
    result = land_one(openai_dashboard.CONNECTOR, csv.encode("cp1252"), "cost_2026-09-28.csv", paths)
    assert result.rejected and result.error.startswith("[openai_dashboard] cost_2026-09-28.csv: not readable")


# ---- class 11: one unreadable file is rejected alone; every other file of the source lands ----


@pytest.mark.parametrize("source", sorted(CONNECTORS))
def test_class11_one_truncated_export_is_rejected_alone_and_every_other_file_lands(source, paths, tmp_path):
    folder = tmp_path / source
    samples = copy_samples(source, folder)
    first = samples[0]
    broken = folder / f"{first.stem[:4]}0_broken{first.suffix}"  # matches the patterns and sorts early
    if source == "openai_dashboard":
        broken = folder / "cost_0_broken.csv"
        broken.write_bytes(b"\xff\xfe\x00")  # not text at all
    else:
        broken.write_bytes(first.read_bytes()[: len(first.read_bytes()) // 2])

    assert_rejected_alone(CONNECTORS[source], folder, samples, broken, paths, f"[{source}] {broken.name}: ")


# ---- properties: damaged real exports land, quarantine or are rejected by name, never lose a record ----

PROPERTY = damage_settings(30)
GROUPED = CORPUS / "openai_usage" / "docs_completions_object_grouped" / "completions_usage_docs_grouped.json"
COOKBOOK = (
    CORPUS / "openai_usage" / "cookbook_live_capture_2025_ungrouped" / "completions_usage_cookbook_2025.json"
)
IMAGES = CORPUS / "openai_usage" / "docs_images_ungrouped_2026" / "images_usage_docs_2026.json"
COSTS_GROUPED = CORPUS / "openai_costs" / "cookbook_grouped_line_items_2025" / "costs_cookbook_2025.json"
DASHBOARD_COST = BUNDLED_SAMPLES / "openai_dashboard" / "cost_2026-09-27_2026-10-06.csv"
DASHBOARD_USAGE = BUNDLED_SAMPLES / "openai_dashboard" / "completions_usage_2026-09-27_2026-10-06.csv"


# (connector, damage to a real export, its file name): each one a property of its own
DAMAGED = {
    "ungrouped_usage_page": (
        openai_usage.CONNECTOR,
        damaged_json(COMPLETIONS_DOCS.read_bytes()),
        COMPLETIONS_DOCS.name,
    ),
    "grouped_usage_page": (openai_usage.CONNECTOR, damaged_json(GROUPED.read_bytes()), GROUPED.name),
    "older_shape_usage_capture": (openai_usage.CONNECTOR, damaged_json(COOKBOOK.read_bytes()), COOKBOOK.name),
    "images_usage_page": (openai_usage.CONNECTOR, damaged_json(IMAGES.read_bytes()), IMAGES.name),
    "dashboard_cost_csv": (
        openai_dashboard.CONNECTOR,
        damaged_csv(head(DASHBOARD_COST, 12)),
        DASHBOARD_COST.name,
    ),
    "dashboard_activity_csv": (
        openai_dashboard.CONNECTOR,
        damaged_csv(head(DASHBOARD_USAGE, 12)),
        DASHBOARD_USAGE.name,
    ),
}


test_damaged_export_lands_quarantines_or_is_rejected = damage_properties(DAMAGED, max_examples=30)


def _huge_amount() -> bytes:
    """The cookbook page with one amount of 1e30 dollars: more digits than the cost column's decimal."""
    page = json.loads(COSTS_GROUPED.read_bytes())
    page["data"][0]["results"][0]["amount"]["value"] = 10**30
    return json.dumps(page).encode()


@PROPERTY
@given(raw=damaged_json(COSTS_GROUPED.read_bytes()))
@example(raw=_huge_amount())  # Hypothesis found it: Polars raised on the decimal overflow
def test_damaged_costs_page_lands_quarantines_or_is_rejected(raw):
    parse_and_land_check(openai_costs.CONNECTOR, raw, COSTS_GROUPED.name)
