"""Anthropic cost_report pages -> spend rows: cents as exact dollars, gross and net, every cost type and
group-by, and what cannot be read (the reference example itself is in the corpus)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from connectors.anthropic.costs import CONNECTOR, parse
from connectors.core.base import ExportFormatError
from connectors.core.config import Paths
from tests.support.corpus import CORPUS
from tests.support.landing import land_one
from tests.support.mutations import damage_property, damaged_json

DAY = ("2025-08-01T00:00:00Z", "2025-08-02T00:00:00Z")


def _page(*results, bucket=DAY) -> bytes:
    data = [{"starting_at": bucket[0], "ending_at": bucket[1], "results": list(results)}]
    return json.dumps({"data": data, "has_more": False, "next_page": None}).encode()


def _land(raw: bytes, home: Path):
    return land_one(CONNECTOR, raw, "cost_report.json", Paths(home))


def _item(amount: str, cost_type: str | None, **fields) -> dict:
    """A result as the reference documents it when grouped by description: non-token costs have a null
    model, token type, service tier and context window."""
    base = dict.fromkeys(
        ["workspace_id", "description", "context_window", "model", "service_tier", "token_type"]
    )
    return base | {"currency": "USD", "amount": amount, "cost_type": cost_type} | fields


def test_web_search_and_code_execution_costs_land_as_spend_without_a_model():
    # class 6: the documented cost types beyond tokens (cost_type enum: tokens, web_search, code_execution)
    page = _page(
        _item("1500", "web_search", description="Web Search"),
        _item("250.5", "code_execution", description="Code Execution"),
        _item("123.78912", "tokens", model="claude-sonnet-4-20250514", token_type="output_tokens"),
    )
    rows = parse(page, "cost_report.json").rows.sort("quantity")
    assert rows.select("activity_type", "quantity", "cost_amount", "cost_amount_net", "model").rows() == [
        ("spend", 1.2378912, Decimal("1.237891200000"), Decimal("1.237891200000"), "claude-sonnet-4"),
        ("spend", 2.505, Decimal("2.505000000000"), Decimal("2.505000000000"), None),
        ("spend", 15.0, Decimal("15.000000000000"), Decimal("15.000000000000"), None),
    ]
    assert [json.loads(a)["cost_type"] for a in rows.get_column("attributes")] == [
        "tokens",
        "code_execution",
        "web_search",
    ]


def test_an_ungrouped_report_lands_one_unattributed_row_a_day():
    # class 1: without group_by[] every group field is null
    rows = parse(_page(_item("8375.74", None)), "cost_report.json").rows
    assert rows.select("quantity", "cost_amount", "cost_currency", "workspace", "model").rows() == [
        (83.7574, Decimal("83.757400000000"), "USD", None, None)
    ]


def test_cents_are_divided_exactly_and_net_equals_gross():
    rows = parse(_page(_item("0.000001", "tokens"), _item("99999999999.99", "tokens")), "c.json").rows
    assert sorted(rows.get_column("cost_amount").to_list()) == [Decimal("1E-8"), Decimal("999999999.9999")]
    assert rows.get_column("cost_amount").to_list() == rows.get_column("cost_amount_net").to_list()


def test_a_file_whose_results_lack_amount_is_rejected_naming_it():
    item = _item("1", "tokens")
    del item["amount"]
    with pytest.raises(ExportFormatError, match="missing required column\\(s\\) 'amount'"):
        parse(_page(item), "cost_report.json")


def test_an_amount_without_its_currency_is_quarantined_and_the_rest_lands(tmp_path):
    result = _land(
        _page(_item("100", "tokens"), _item("200", "tokens", currency=None, description="x")), tmp_path
    )
    assert (result.raw_records, result.records_landed, result.records_quarantined) == (2, 1, 1)
    held = pl.read_parquet(Paths(tmp_path).quarantine / "source=anthropic_costs" / "*.parquet")
    assert held.get_column("reason").to_list() == [
        "'currency' is missing: an amount without its currency is not landed"
    ]


def test_a_bucket_that_is_not_one_utc_day_is_quarantined(tmp_path):
    week = ("2025-08-01T00:00:00Z", "2025-08-08T00:00:00Z")
    result = _land(_page(_item("700", "tokens"), bucket=week), tmp_path)
    assert (result.records_landed, result.records_quarantined) == (0, 1)


DOC_EXAMPLE = CORPUS / "anthropic_costs" / "docs_2025_grouped_by_description" / "cost_report_docs_2025.json"
test_a_damaged_cost_report_lands_quarantines_or_is_rejected = damage_property(
    CONNECTOR, damaged_json(DOC_EXAMPLE.read_bytes()), DOC_EXAMPLE.name, max_examples=40
)
