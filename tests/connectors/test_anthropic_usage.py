"""Anthropic usage_report/messages pages -> canonical rows, from the documented example."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from connectors.anthropic_usage import parse

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
    assert attributes["web_search_requests"] == 10
    assert attributes["service_tier"] == "standard"
    # every token kind of the record has its own natural key
    assert rows.get_column("natural_key").n_unique() == 5


def test_us_data_residency_pins_the_country():
    page = json.loads(json.dumps(DOC_PAGE))
    page["data"][0]["results"][0]["inference_geo"] = "us"
    rows = parse(json.dumps(page).encode(), "usage_report.json").rows
    assert set(rows.select("region", "country").rows()) == {("us", "USA")}


def test_pages_saved_as_an_array_keep_page_numbers_in_pointers():
    rows = parse(json.dumps([DOC_PAGE, DOC_PAGE | {"has_more": False}]).encode(), "usage.json").rows
    assert set(rows.get_column("source_row").str.extract(r"^(/\d+)/")) == {"/0", "/1"}
