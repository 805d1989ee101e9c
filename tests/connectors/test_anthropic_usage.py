"""Anthropic usage_report/messages pages -> canonical rows: the documented example, every group-by and
bucket width, and what cannot be read (the published examples themselves are in the corpus)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from connectors.anthropic.usage import CONNECTOR, parse
from connectors.core.base import ExportFormatError
from connectors.core.config import Paths
from tests.support.corpus import CORPUS
from tests.support.landing import land_one
from tests.support.mutations import damage_property, damaged_json

DOC_PAGE = {
    "data": [
        {
            "starting_at": "2025-08-01T00:00:00Z",
            "ending_at": "2025-08-02T00:00:00Z",
            "results": [
                {
                    "uncached_input_tokens": 1500,
                    "cache_creation": {"ephemeral_1h_input_tokens": 1000, "ephemeral_5m_input_tokens": 500},
                    "cache_read_input_tokens": 200,
                    "output_tokens": 500,
                    "server_tool_use": {"web_search_requests": 10},
                    "api_key_id": "apikey_01Rj2N8SVvo6BePZj99NhmiT",
                    "workspace_id": "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ",
                    "model": "claude-sonnet-4-20250514",
                    "service_tier": "standard",
                    "context_window": "0-200k",
                    "inference_geo": "global",
                }
            ],
        }
    ],
    "has_more": True,
    "next_page": "page_MjAyNS0wNS0xNFQwMDowMDowMFo=",
}


def test_documented_example_becomes_one_row_per_token_kind():
    parsed = parse(json.dumps(DOC_PAGE).encode(), "usage_report.json")
    assert (parsed.dataset, parsed.raw_records, parsed.days) == ("messages", 1, [date(2025, 8, 1)])
    rows = parsed.rows.sort("source_row")
    assert rows.select("source_row", "activity_type", "quantity").rows() == [
        ("/data/0/results/0#cache_read_input_tokens", "llm_cached_input_tokens", 200.0),
        ("/data/0/results/0#cache_write_1h_input_tokens", "llm_cache_write_tokens", 1000.0),
        ("/data/0/results/0#cache_write_5m_input_tokens", "llm_cache_write_tokens", 500.0),
        ("/data/0/results/0#output_tokens", "llm_output_tokens", 500.0),
        ("/data/0/results/0#uncached_input_tokens", "llm_input_tokens", 1500.0),
        ("/data/0/results/0#web_search_requests", "web_search_requests", 10.0),
    ]
    row = rows.row(0, named=True)
    assert row["vendor"] == "anthropic"
    assert row["model"] == "claude-sonnet-4"
    assert row["model_raw"] == "claude-sonnet-4-20250514"
    assert row["workspace"] == "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ"
    assert row["api_key_id"] == "apikey_01Rj2N8SVvo6BePZj99NhmiT"
    assert (row["region"], row["country"]) == ("global", None)
    assert row["usage_start"] == datetime(2025, 8, 1, tzinfo=UTC)
    attributes = json.loads(row["attributes"])
    assert (attributes["service_tier"], attributes["granularity"]) == ("standard", "1d")
    # every measure of the record has its own natural key
    assert rows.get_column("natural_key").n_unique() == 6


def test_us_data_residency_pins_the_country():
    page = json.loads(json.dumps(DOC_PAGE))
    page["data"][0]["results"][0]["inference_geo"] = "us"
    rows = parse(json.dumps(page).encode(), "usage_report.json").rows
    assert set(rows.select("region", "country").rows()) == {("us", "USA")}


def test_pages_saved_as_an_array_keep_page_numbers_in_pointers():
    rows = parse(json.dumps([DOC_PAGE, DOC_PAGE | {"has_more": False}]).encode(), "usage.json").rows
    assert set(rows.get_column("source_row").str.extract(r"^(/\d+)/")) == {"/0", "/1"}


# ---- issue #13 classes ----------------------------------------------------------------------------------


def _result(uncached=100, output=10, **group) -> dict:
    return {
        "uncached_input_tokens": uncached,
        "cache_creation": {"ephemeral_1h_input_tokens": 0, "ephemeral_5m_input_tokens": 5},
        "cache_read_input_tokens": 20,
        "output_tokens": output,
        "server_tool_use": {"web_search_requests": 1},
        **group,
    }


def _bucket(start: str, end: str, *results) -> dict:
    return {"starting_at": start, "ending_at": end, "results": list(results)}


def _page(*buckets) -> bytes:
    return json.dumps({"data": list(buckets), "has_more": False, "next_page": None}).encode()


def _land(raw: bytes, home: Path, name: str = "usage_report.json"):
    return land_one(CONNECTOR, raw, name, Paths(home))


NULL_GROUPS = dict.fromkeys(
    [
        "api_key_id",
        "workspace_id",
        "model",
        "service_tier",
        "context_window",
        "inference_geo",
        "speed",
        "account_id",
        "service_account_id",
    ]
)


def test_an_ungrouped_report_lands_with_every_key_unattributed():
    # class 1: a query without group_by[] returns every group field null (main raised InvalidOperationError)
    rows = parse(
        _page(_bucket("2025-08-01T00:00:00Z", "2025-08-02T00:00:00Z", _result(**NULL_GROUPS))), "u.json"
    ).rows
    assert rows.height == 6
    assert rows.select(
        "model", "model_raw", "workspace", "api_key_id", "account", "region"
    ).unique().rows() == [(None, None, None, None, None, None)]
    assert set(rows.get_column("activity_type")) == {
        "llm_input_tokens",
        "llm_cached_input_tokens",
        "llm_cache_write_tokens",
        "llm_output_tokens",
        "web_search_requests",
    }


def test_the_newer_group_fields_are_landed():
    result = _result(
        model="claude-opus-4-6",
        account_id="user_01A",
        service_account_id="svac_01B",
        inference_geo="us",
        speed="fast",
        context_window="200k-1M",
    )
    rows = parse(_page(_bucket("2025-08-01T00:00:00Z", "2025-08-02T00:00:00Z", result)), "u.json").rows
    row = rows.row(0, named=True)
    assert (row["account"], row["region"], row["country"]) == ("user_01A", "us", "USA")
    attributes = json.loads(row["attributes"])
    assert (attributes["speed"], attributes["service_account_id"], attributes["context_window"]) == (
        "fast",
        "svac_01B",
        "200k-1M",
    )


def test_web_searches_land_as_their_own_activity_not_an_attribute():
    # class 6: server_tool_use.web_search_requests was only an attribute on main
    rows = parse(json.dumps(DOC_PAGE).encode(), "u.json").rows
    searches = rows.filter(pl.col("activity_type") == "web_search_requests")
    assert searches.select("quantity", "unit", "model").rows() == [(10.0, "requests", "claude-sonnet-4")]
    assert "web_search_requests" not in json.loads(searches.item(0, "attributes"))


def test_hourly_buckets_are_summed_to_the_utc_day():
    # class 3: 1h buckets were landed as 24 rows a day, each on its hour
    page = _page(
        _bucket("2025-08-01T14:00:00Z", "2025-08-01T15:00:00Z", _result(100, 10, model="m")),
        _bucket("2025-08-01T15:00:00Z", "2025-08-01T16:00:00Z", _result(50, 4, model="m")),
        _bucket("2025-08-01T16:00:00Z", "2025-08-01T17:00:00Z"),  # an hour without usage
        _bucket("2025-08-02T00:00:00Z", "2025-08-02T01:00:00Z", _result(7, 1, model="m")),
    )
    parsed = parse(page, "usage_1h.json")
    assert (parsed.raw_records, parsed.days) == (3, [date(2025, 8, 1), date(2025, 8, 2)])
    inputs = parsed.rows.filter(pl.col("activity_type") == "llm_input_tokens").sort("usage_start")
    assert inputs.select("usage_start", "usage_end", "quantity", "source_row").rows() == [
        (
            datetime(2025, 8, 1, tzinfo=UTC),
            datetime(2025, 8, 2, tzinfo=UTC),
            150.0,
            "/data/0/results/0+/data/1/results/0#uncached_input_tokens",
        ),
        (
            datetime(2025, 8, 2, tzinfo=UTC),
            datetime(2025, 8, 3, tzinfo=UTC),
            7.0,
            "/data/3/results/0#uncached_input_tokens",
        ),
    ]
    assert json.loads(inputs.item(0, "attributes"))["granularity"] == "1h"


def test_minute_buckets_are_summed_and_every_record_is_accounted_for(tmp_path):
    minutes = [
        _bucket(f"2025-08-01T10:0{i}:00Z", f"2025-08-01T10:0{i + 1}:00Z", _result(i + 1, 1, model="m"))
        for i in range(3)
    ]
    result = _land(_page(*minutes), tmp_path)
    assert (result.raw_records, result.records_landed, result.rows_landed) == (3, 3, 6)


def test_a_sub_day_record_missing_a_count_is_quarantined_whole_and_never_summed(tmp_path):
    broken = _result(30, None, model="m")
    page = _page(
        _bucket("2025-08-01T14:00:00Z", "2025-08-01T15:00:00Z", _result(100, 10, model="m")),
        _bucket("2025-08-01T15:00:00Z", "2025-08-01T16:00:00Z", broken),
    )
    result = _land(page, tmp_path)
    assert (result.raw_records, result.records_landed, result.records_quarantined) == (2, 1, 1)
    held = pl.read_parquet(Paths(tmp_path).quarantine / "source=anthropic_usage" / "*.parquet")
    assert held.select("source_row", "reason").rows() == [
        (
            "/data/1/results/0#uncached_input_tokens",
            "'output_tokens' is missing, so the record is not summed into its UTC day",
        )
    ]


def test_a_bucket_longer_than_a_day_is_quarantined_not_put_on_its_first_day(tmp_path):
    page = _page(_bucket("2025-08-01T00:00:00Z", "2025-08-08T00:00:00Z", _result(model="m")))
    result = _land(page, tmp_path)
    assert (result.records_landed, result.records_quarantined) == (0, 1)


def test_a_file_whose_results_lack_a_required_count_is_rejected_naming_it():
    # class 7: on main a result without output_tokens landed its other measures and lost the output
    result = _result(model="m")
    del result["output_tokens"]
    with pytest.raises(ExportFormatError, match="missing required column\\(s\\) 'output_tokens'"):
        parse(_page(_bucket("2025-08-01T00:00:00Z", "2025-08-02T00:00:00Z", result)), "u.json")


def test_a_result_missing_its_count_is_quarantined_and_the_rest_lands(tmp_path):
    page = _page(
        _bucket(
            "2025-08-01T00:00:00Z",
            "2025-08-02T00:00:00Z",
            _result(model="a"),
            _result(output=None, model="b"),
        )
    )
    result = _land(page, tmp_path)
    assert (result.raw_records, result.rows_landed, result.rows_quarantined) == (2, 11, 1)


DOC_EXAMPLE = (
    CORPUS / "anthropic_usage" / "docs_current_account_geo" / "usage_report_messages_docs_current.json"
)
test_a_damaged_usage_report_lands_quarantines_or_is_rejected = damage_property(
    CONNECTOR, damaged_json(DOC_EXAMPLE.read_bytes()), DOC_EXAMPLE.name, max_examples=40
)
