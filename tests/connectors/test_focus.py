"""FOCUS reader: the spec's own AI examples, version differences, and properties of any FOCUS file.

Fixture values are the spec appendix's (FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec, CC BY 4.0), copied
in tests/connectors/corpus/focus/*/ with their provenance; expected figures are written by hand from the
appendix text.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.core.base import ExportFormatError
from connectors.focus.cost_and_usage import parse
from connectors.focus.spec import MANDATORY, detect_version
from tests.support.focus import focus_row, rows_csv

CORPUS = Path(__file__).parent / "corpus" / "focus"


def _case(name: str) -> tuple[bytes, str]:
    path = next(p for p in (CORPUS / name).iterdir() if p.suffix in (".csv", ".parquet"))
    return path.read_bytes(), path.name


def _row(version: str = "1.4", **values) -> dict:
    providers = ("ServiceProviderName", "HostProviderName", "ProviderName")
    defaults = {p: "Microsoft" for p in providers if p in MANDATORY[version]} | {
        "BillingAccountId": "ba-1",
        "BillingCurrency": "USD",
        "BillingPeriodStart": "2026-09-01T00:00:00Z",
        "BillingPeriodEnd": "2026-10-01T00:00:00Z",
        "ChargePeriodStart": "2026-09-03T00:00:00Z",
        "ChargePeriodEnd": "2026-09-04T00:00:00Z",
        "ChargeCategory": "Usage",
        "InvoiceIssuerName": "Microsoft",
        "ServiceCategory": "AI and Machine Learning",
        "ServiceName": "Azure AI Foundry",
    }
    return focus_row(version, cost="1.00", **(defaults | values))


# --------------------------------------------------------------------------- the spec's own examples
def test_spec_per_token_example_reads_tokens_kinds_and_model_before_quarantining_the_unknown_provider():
    """Appendix "Per-Token Foundation Model API": 8,400,000 input and 2,100,000 output tokens of Solora
    Saturn, $42.00 and $52.50 (5 and 25 dollars per 1,000,000 tokens)."""
    parsed = parse(*_case("spec_1_4_per_token_api_unknown_provider"))
    rows = parsed.rows.sort("source_row")
    assert rows.select("activity_type", "quantity", "model").rows() == [
        ("llm_input_tokens", 8_400_000.0, "solora-saturn-4.8"),
        ("llm_output_tokens", 2_100_000.0, "solora-saturn-4.8"),
    ]
    assert [float(c) for c in rows["cost_amount"]] == [42.0, 52.5]
    assert rows["usage_date"].cast(pl.String).to_list() == ["2025-05-01", "2025-05-01"]
    assert all("'Solora AI' is not a vendor" in p for p in rows["_problem"])  # quarantined by name
    assert json.loads(rows["attributes"][0])["focus_version"] == "1.4"


def test_spec_prompt_caching_example_reads_token_direction_and_cache_action():
    """Appendix "AI prompt caching" (SkuPriceDetails TokenDirection / TokenCacheAction)."""
    rows = parse(*_case("spec_prompt_caching_unknown_provider")).rows.sort("source_row")
    assert rows.select("activity_type", "quantity").rows() == [
        ("llm_input_tokens", 500_000.0),  # Uncached
        ("llm_cache_write_tokens", 2_000_000.0),  # Write
        ("llm_cached_input_tokens", 8_000_000.0),  # Read
        ("llm_output_tokens", 1_500_000.0),
    ]
    assert set(rows["model"]) == {"solora-reasoning-pro"}


def test_spec_example_without_a_mandatory_column_is_rejected_by_name():
    with pytest.raises(ExportFormatError, match="ChargeClass"):
        parse(*_case("spec_multi_model_usage_without_chargeclass"))


# ----------------------------------------------------------------------------- versions and columns
@pytest.mark.parametrize(
    ("extra", "dropped", "version"),
    [
        ((), (), "1.0"),
        (("SkuMeter",), (), "1.1"),
        (("SkuMeter", "InvoiceId"), (), "1.2"),
        (("ServiceProviderName", "HostProviderName"), (), "1.3"),
        (("ServiceProviderName", "HostProviderName"), ("ProviderName", "PublisherName"), "1.4"),
    ],
)
def test_version_is_read_from_the_header(extra, dropped, version):
    columns = [c for c in (*MANDATORY["1.0"], *extra) if c not in dropped]
    assert detect_version(columns) == version


def test_1_4_removes_provider_and_publisher_and_requires_service_and_host_provider():
    assert "ProviderName" not in MANDATORY["1.4"] and "PublisherName" not in MANDATORY["1.4"]
    assert {"ServiceProviderName", "HostProviderName"} <= set(MANDATORY["1.4"])
    assert {"ProviderName", "PublisherName", "ServiceProviderName"} <= set(MANDATORY["1.3"])
    row = _row("1.3")
    del row["HostProviderName"]  # a 1.3 header (ServiceProviderName beside ProviderName) without its host
    with pytest.raises(ExportFormatError, match="HostProviderName"):
        parse(rows_csv([row]), "f.csv")


def test_vendor_is_the_host_provider_in_1_4_and_the_provider_before_1_3():
    marketplace = _row(
        "1.4",
        ServiceProviderName="Anthropic",
        HostProviderName="Microsoft",
        ConsumedQuantity="1000",
        ConsumedUnit="Tokens",
        SkuMeter="Output Tokens",
        SkuPriceDetails=json.dumps({"ModelId": "claude-sonnet-4-5", "TokenDirection": "Output"}),
    )
    rows = parse(rows_csv([marketplace]), "f.csv").rows
    assert rows.select("vendor", "activity_type", "quantity", "model").row(0) == (
        "azure",
        "llm_output_tokens",
        1000.0,
        "claude-sonnet-4-5",
    )
    old = _row("1.0", ProviderName="Google Cloud", PublisherName="Google Cloud", InvoiceIssuerName="Google")
    assert parse(rows_csv([old]), "f.csv").rows["vendor"].to_list() == ["google"]


def test_x_columns_tags_and_sku_fields_pass_through_as_attributes():
    row = _row(
        ConsumedQuantity="2",
        ConsumedUnit="1000 Tokens",
        SkuMeter="Input Tokens",
        SkuId="sku-1",
        Tags='{"team":"search"}',
        x_Custom="kept",
    )
    parsed = parse(rows_csv([row]), "f.csv").rows
    attributes = json.loads(parsed["attributes"][0])
    assert parsed["quantity"].to_list() == [2000.0]  # "1000 Tokens": the block multiplied out
    assert attributes["x_Custom"] == "kept" and attributes["SkuId"] == "sku-1"
    assert json.loads(attributes["Tags"]) == {"team": "search"}


def test_other_ai_rows_fall_back_to_spend_and_non_ai_rows_are_skipped_with_a_reason():
    rows = [
        _row(ConsumedQuantity="10", ConsumedUnit="Requests", BilledCost="3.00"),  # no per-token measure
        _row(ConsumedQuantity="24", ConsumedUnit="Hours", BilledCost="48.00", SkuMeter="PTU"),
        _row(ServiceCategory="Compute", ConsumedQuantity="1", ConsumedUnit="Hours"),
        _row(ChargeCategory="Tax", BilledCost="0.5"),
    ]
    parsed = parse(rows_csv(rows), "f.csv")
    assert parsed.rows.select("activity_type", "quantity").rows() == [("spend", 3.0), ("spend", 48.0)]
    assert parsed.raw_records == 4 and parsed.skipped.height == 2
    assert "ServiceCategory 'Compute'" in parsed.skipped["reason"][0]


def test_credit_counts_against_its_usage_row_and_a_correction_is_money_only():
    usage = _row(
        ConsumedQuantity="1000", ConsumedUnit="Tokens", SkuMeter="Input Tokens", SkuId="s", BilledCost="4"
    )
    credit = _row(ChargeCategory="Credit", SkuMeter="Input Tokens", SkuId="s", BilledCost="-1")
    unmatched = _row(ChargeCategory="Adjustment", SkuId="other", BilledCost="-2")
    correction = _row(
        ChargeClass="Correction",
        ConsumedQuantity="-500",
        ConsumedUnit="Tokens",
        SkuMeter="Input Tokens",
        BilledCost="-2",
    )
    rows = parse(rows_csv([usage, credit, unmatched, correction]), "f.csv").rows.sort("source_row")
    assert rows.select(
        "activity_type",
        "quantity",
        pl.col("cost_amount").cast(pl.Float64),
        pl.col("cost_amount_net").cast(pl.Float64),
    ).rows() == [
        ("llm_input_tokens", 1000.0, 4.0, 3.0),  # 4 - 1
        ("spend", 0.0, 0.0, -2.0),  # the adjustment no usage row matches
        ("spend", 0.0, 0.0, -2.0),  # the correction: never negative activity
    ]


def test_a_token_row_without_direction_is_quarantined_not_spend():
    rows = parse(
        rows_csv([_row(ConsumedQuantity="5", ConsumedUnit="Tokens", SkuMeter="Tokens")]), "f.csv"
    ).rows
    assert "names no direction" in rows["_problem"][0]


def test_parquet_with_typed_columns_reads_like_csv():
    row = _row(ConsumedQuantity="7", ConsumedUnit="Tokens", SkuMeter="Output Tokens")
    frame = pl.read_csv(io.BytesIO(rows_csv([row])), infer_schema=False).with_columns(
        pl.col("BilledCost", "ConsumedQuantity").cast(pl.Float64),
        pl.col("ChargePeriodStart", "ChargePeriodEnd").str.to_datetime(time_zone="UTC"),
    )
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    rows = parse(buffer.getvalue(), "f.parquet").rows
    assert rows.select("activity_type", "quantity").row(0) == ("llm_output_tokens", 7.0)
    assert rows["source_row"].to_list() == ["row:0"]


# ------------------------------------------------------------------------------------------- properties
units = st.sampled_from([("Tokens", 1.0), ("1000 Tokens", 1e3), ("1K Tokens", 1e3), ("1M Tokens", 1e6)])
kinds = st.sampled_from(
    ["Input Tokens", "Output Tokens", "Cache Read Input Tokens", "Cache Write Input Tokens"]
)
categories = st.sampled_from(["Usage", "Usage", "Credit", "Tax", "Purchase", "Adjustment"])
services = st.sampled_from(["AI and Machine Learning", "AI and Machine Learning", "Compute", "Storage"])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            units,
            kinds,
            st.integers(0, 10**9),
            st.integers(-(10**6), 10**6),
            categories,
            services,
            st.booleans(),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_every_row_is_accounted_for_and_token_quantities_are_consumed_times_block(lines):
    rows = [
        _row(
            ConsumedQuantity=str(amount),
            ConsumedUnit=unit,
            SkuMeter=kind,
            SkuId=f"sku-{i % 3}",
            BilledCost=f"{cents / 100:.2f}",
            ChargeCategory=category,
            ServiceCategory=service,
            ChargeClass="Correction" if corrected else "",
        )
        for i, ((unit, _), kind, amount, cents, category, service, corrected) in enumerate(lines)
    ]
    parsed = parse(rows_csv(rows), "f.csv")
    landed = parsed.rows
    records = (
        set(landed.explode("_records")["_records"].drop_nulls()) if "_records" in landed.columns else set()
    )
    records |= set(landed["_record"].drop_nulls()) if "_record" in landed.columns else set()
    records |= set(parsed.skipped["_record"])
    assert records == {f"line:{n}" for n in range(2, len(rows) + 2)}  # nothing dropped without a word
    for (_, block), _, amount, _, category, service, corrected in lines:
        if category == "Usage" and service.startswith("AI") and not corrected:
            assert amount * block in set(landed.filter(pl.col("activity_type") != "spend")["quantity"])
    if landed.height:
        assert (landed.filter(pl.col("_problem").is_null())["quantity"] >= 0).all()


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_are_rejected_by_name_or_read(raw):
    try:
        parse(raw, "junk.csv")
    except ExportFormatError as exc:
        assert "junk.csv" in str(exc)


def test_parquet_map_tags_and_nested_x_columns_become_json():
    """AWS and Azure write Tags as a Parquet map: it lands as a JSON object (the project tag is read)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    row = _row(
        ServiceProviderName="AWS",
        HostProviderName="AWS",
        ConsumedQuantity="5",
        ConsumedUnit="Tokens",
        SkuMeter="Input Tokens",
    )
    table = pl.read_csv(io.BytesIO(rows_csv([row])), infer_schema=False).to_arrow()
    table = table.append_column(
        "Tags",
        pa.array([[("user:project", "search"), ('te"am', "x")]], type=pa.map_(pa.string(), pa.string())),
    )
    table = table.append_column("x_Discounts", pa.array([["a", "b"]], type=pa.list_(pa.string())))
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    rows = parse(buffer.getvalue(), "f.parquet").rows
    attributes = json.loads(rows["attributes"][0])
    assert rows["project"].to_list() == ["search"]
    assert json.loads(attributes["Tags"]) == {"user:project": "search", 'te"am': "x"}
    assert json.loads(attributes["x_Discounts"]) == ["a", "b"]
