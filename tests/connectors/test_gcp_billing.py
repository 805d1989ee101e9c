"""Cloud Billing export (Gemini API / Vertex AI lines) -> canonical rows, in CSV, JSON lines and Parquet."""

from __future__ import annotations

import gzip
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import polars as pl
import pytest

from connectors.core.config import BUNDLED_SAMPLES
from connectors.core.schema import validate
from connectors.google.cloud_billing import CONNECTOR, parse
from connectors.landing.zone import ingest_file
from tests.support.landing import assert_parse_fails

# The research notes' fixture (vendor-formats.md §3: the documented flattening query's aliases), plus a
# Compute Engine line the connector must drop.
FLATTENED_CSV = """\
usage_start_time,usage_end_time,service_description,sku_id,sku_description,project_id,region,usage_amount,usage_unit,amount_in_pricing_units,pricing_unit,cost,currency,cost_type,credits_amount,labels_json
2026-09-01 10:00:00 UTC,2026-09-01 11:00:00 UTC,Vertex AI,7EBE-3B46-F75C,Gemini 3 Flash Text Input - Predictions,my-proj,global,1983966,count,1983966,count,0.992,USD,regular,0,"[{""key"":""team"",""value"":""search""}]"
2026-09-01 10:00:00 UTC,2026-09-01 11:00:00 UTC,Gemini API,,Generate content output token count gemini 2.5 flash short input text,my-proj,global,461280,count,461280,count,1.1532,USD,regular,-0.2,[]
2026-09-02 10:00:00 UTC,2026-09-02 11:00:00 UTC,Compute Engine,CF4E-A0C7-E3BF,E2 Instance Core running in Americas,my-proj,us-central1,3600,seconds,1,hour,0.0218,USD,regular,0,[]
"""  # noqa: E501

DOTTED_HEADER = (
    "billing_account_id,service.id,service.description,sku.id,sku.description,usage_start_time,"
    "usage_end_time,project.id,location.location,location.region,location.zone,cost,currency,usage.amount,"
    "usage.unit,usage.amount_in_pricing_units,usage.pricing_unit,cost_type\n"
)

START = datetime(2026, 9, 1, 10, tzinfo=UTC)
END = datetime(2026, 9, 1, 11, tzinfo=UTC)


def _nested(**overrides) -> dict:
    """One standard-export record as BigQuery's JSON export writes it (null fields left out)."""
    record = {
        "billing_account_id": "01A2B3-C4D5E6-F7A8B9",
        "service": {"id": "C7E2-9256-1C43", "description": "Vertex AI"},
        "sku": {"id": "5D0C-7A21-33E8", "description": "Gemini 2.5 Flash GA Text Input - Predictions"},
        "usage_start_time": "2026-09-01 10:00:00 UTC",
        "usage_end_time": "2026-09-01 11:00:00 UTC",
        "project": {"id": "acme-search-prod", "number": "412385550021", "name": "R\u0026D", "labels": []},
        "labels": [{"key": "team", "value": "search"}, {"key": "env", "value": "prod"}],
        "system_labels": [],
        "location": {"location": "europe-west4", "country": "EU", "region": "europe-west4"},
        "export_time": "2026-09-01 15:02:11.204 UTC",
        "cost": 0.6,
        "currency": "USD",
        "currency_conversion_rate": 1.0,
        "usage": {
            "amount": 2000000.0,
            "unit": "count",
            "amount_in_pricing_units": 2000000.0,
            "pricing_unit": "count",
        },
        "credits": [
            {"name": "Promo", "amount": -0.1, "id": "Promotion-1", "type": "PROMOTION"},
            {"name": "Free tier", "amount": -0.05, "id": "FreeTier-1", "type": "FREE_TIER"},
        ],
        "invoice": {"month": "202609"},
        "cost_type": "regular",
    }
    return record | overrides


def _jsonl(*records: dict) -> bytes:
    text = "\n".join(json.dumps(r) for r in records) + "\n"
    return text.replace("&", "\\u0026").encode()  # BigQuery's JSON export escapes '&', '<' and '>'


def _row(parsed, i: int = 0) -> dict:
    return parsed.rows.row(i, named=True)


def test_flattened_query_csv_from_the_research_notes():
    parsed = parse(FLATTENED_CSV.encode(), "billing.csv")
    assert parsed.dataset == "standard_usage_cost"
    # every record is counted; the Compute Engine line is not AI usage and is skipped with a reason
    assert (parsed.raw_records, parsed.skipped.height) == (3, 1)
    assert parsed.days == [date(2026, 9, 1), date(2026, 9, 2)]  # the export covers the 2nd too
    rows = parsed.rows
    assert rows.select(
        "service", "activity_type", "quantity", "unit", "model", "model_raw", "source_row"
    ).rows() == [
        (
            "google.vertex_ai",
            "llm_input_tokens",
            1983966.0,
            "tokens",
            "gemini-3-flash",
            "Gemini 3 Flash",
            "line:2",
        ),
        (
            "google.gemini_api",
            "llm_output_tokens",
            461280.0,
            "tokens",
            "gemini-2.5-flash",
            "gemini 2.5 flash",
            "line:3",
        ),
    ]
    first, second = _row(parsed, 0), _row(parsed, 1)
    assert first["vendor"] == "google"
    assert (first["usage_start"], first["usage_end"], first["usage_date"]) == (START, END, date(2026, 9, 1))
    assert (first["project"], first["account"], first["region"], first["country"]) == (
        "my-proj",
        None,
        "global",
        None,
    )
    assert (first["cost_amount"], first["cost_currency"]) == (Decimal("0.992"), "USD")
    assert (second["cost_amount"], second["cost_currency"]) == (Decimal("1.1532"), "USD")
    attributes = json.loads(second["attributes"])
    assert attributes["credits_amount"] == -0.2
    assert attributes["cost_net"] == pytest.approx(0.9532)
    assert attributes["sku_description"].startswith("Generate content output token count")
    assert (attributes["modality"], attributes["context"]) == ("text", "short")
    assert json.loads(first["attributes"])["labels"] == [{"key": "team", "value": "search"}]
    assert first["natural_key"] == (
        "∅|my-proj|∅|Vertex AI|7EBE-3B46-F75C|Gemini 3 Flash Text Input - Predictions|"
        "2026-09-01T10:00:00.000000Z|2026-09-01T11:00:00.000000Z|∅|global|∅|regular|∅|∅|team=search|∅|∅|"
        "llm_input_tokens"
    )


def test_console_csv_with_dotted_names_multiplies_out_pricing_units():
    csv = DOTTED_HEADER + (
        # per-1000 pricing unit: 1234.5 x 1000 tokens
        "01A2B3-C4D5E6-F7A8B9,AEFD-7695-64FA,Gemini API,0F6B,"
        "Generate content input token count Gemini 2.5 Flash,2026-09-01 10:00:00 UTC,"
        "2026-09-01 11:00:00 UTC,proj-a,global,global,,0.37035,usd,1234500,count,"
        "1234.5,1000 count,regular\n"
        # per-1M pricing unit, zone given: region from location.region
        "01A2B3-C4D5E6-F7A8B9,C7E2-9256-1C43,Vertex AI,8C41,Gemini 2.5 Flash GA Text Output - Predictions,"
        "2026-09-01 10:00:00 UTC,2026-09-01 11:00:00 UTC,proj-b,europe-west3,europe-west3,europe-west3-a,"
        "2.5,USD,,,1,1M tokens,regular\n"
        # legacy character-priced SKU in 1k characters: 80 x 1000 characters = 20000 tokens at 4 chars/token
        "01A2B3-C4D5E6-F7A8B9,C7E2-9256-1C43,Vertex AI,AB12,"
        "Gemini 1.0 Pro Text Input Characters - Predictions,2026-09-01 10:00:00 UTC,"
        "2026-09-01 11:00:00 UTC,proj-b,asia-northeast1,,,0.01,USD,80000,count,"
        "80,1k characters,regular\n"
        # Veo priced per minute, no pricing columns filled: usage.amount in minutes x 60
        "01A2B3-C4D5E6-F7A8B9,AEFD-7695-64FA,Gemini API,26C4,Veo 3.1 video generation,"
        "2026-09-01 10:00:00 UTC,2026-09-01 11:00:00 UTC,proj-a,global,,,4.8,USD,0.2,minute,,,regular\n"
    )
    parsed = parse(csv.encode(), "console_results.csv")
    assert parsed.rows.select(
        "activity_type",
        "quantity",
        "unit",
        "model",
        "region",
        "country",
        "account",
        "project",
        "cost_currency",
    ).rows() == [
        (
            "llm_input_tokens",
            1234500.0,
            "tokens",
            "gemini-2.5-flash",
            "global",
            None,
            "01A2B3-C4D5E6-F7A8B9",
            "proj-a",
            "USD",
        ),
        (
            "llm_output_tokens",
            1000000.0,
            "tokens",
            "gemini-2.5-flash",
            "europe-west3",
            "DEU",
            "01A2B3-C4D5E6-F7A8B9",
            "proj-b",
            "USD",
        ),
        (
            "llm_input_tokens",
            20000.0,
            "tokens",
            "gemini-1.0-pro",
            "asia-northeast1",
            "JPN",
            "01A2B3-C4D5E6-F7A8B9",
            "proj-b",
            "USD",
        ),
        (
            "video_seconds",
            12.0,
            "seconds",
            "veo-3.1",
            "global",
            None,
            "01A2B3-C4D5E6-F7A8B9",
            "proj-a",
            "USD",
        ),
    ]
    assert json.loads(_row(parsed, 2)["attributes"])["tokens_from_characters"] is True
    assert json.loads(_row(parsed, 0)["attributes"])["tokens_from_characters"] is None
    assert _row(parsed, 1)["cost_amount"] == Decimal("2.5")


def test_jsonl_export_nested_records_credits_labels_and_late_rows():
    late = _nested(
        export_time="2026-09-02 09:10:00 UTC",
        cost=0.03,
        usage={
            "amount": 100000.0,
            "unit": "count",
            "amount_in_pricing_units": 100000.0,
            "pricing_unit": "count",
        },
        credits=[],
    )
    raw = _jsonl(_nested(), late)
    assert b"\\u0026" in raw  # BigQuery's JSON export escapes '&'
    parsed = parse(raw, "export.jsonl")
    assert parsed.raw_records == 2
    assert parsed.rows.select(
        "activity_type", "quantity", "model", "region", "country", "source_row"
    ).rows() == [
        ("llm_input_tokens", 2000000.0, "gemini-2.5-flash", "europe-west4", "NLD", "line:1"),
        ("llm_input_tokens", 100000.0, "gemini-2.5-flash", "europe-west4", "NLD", "line:2"),
    ]
    first = _row(parsed)
    assert (first["account"], first["project"], first["cost_amount"]) == (
        "01A2B3-C4D5E6-F7A8B9",
        "acme-search-prod",
        Decimal("0.6"),
    )
    attributes = json.loads(first["attributes"])
    assert attributes["credits_amount"] == pytest.approx(-0.15)
    assert attributes["cost_net"] == pytest.approx(0.45)
    assert attributes["project_name"] == "R&D"
    assert attributes["export_time"] == "2026-09-01T15:02:11.204000Z"
    assert attributes["invoice_month"] == "202609"
    assert [c["type"] for c in attributes["credits"]] == ["PROMOTION", "FREE_TIER"]
    # the later increment of the same SKU-hour is a different record (its export_time differs)
    keys = parsed.rows.get_column("natural_key").to_list()
    assert keys[0] != keys[1] and "env=prod;team=search" in keys[0]


def test_the_same_record_gets_the_same_key_in_csv_jsonl_and_parquet():
    record = _nested(labels=[], credits=[], project={"id": "acme-search-prod"}, export_time=None)
    record = {k: v for k, v in record.items() if v is not None}
    csv = DOTTED_HEADER + (
        "01A2B3-C4D5E6-F7A8B9,C7E2-9256-1C43,Vertex AI,5D0C-7A21-33E8,Gemini 2.5 Flash GA Text Input - "
        "Predictions,2026-09-01 10:00:00 UTC,2026-09-01 11:00:00 UTC,acme-search-prod,europe-west4,"
        "europe-west4,,0.6,USD,2000000,count,2000000,count,regular\n"
    )
    frame = pl.DataFrame([record]).with_columns(
        pl.col("usage_start_time", "usage_end_time").str.to_datetime("%Y-%m-%d %H:%M:%S UTC", time_zone="UTC")
    )
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    from_parquet = parse(buffer.getvalue(), "export.parquet")
    from_jsonl = parse(_jsonl(record), "export.jsonl")
    from_csv = parse(csv.encode(), "export.csv")
    assert _row(from_parquet)["source_row"] == "row:0"
    compared = [
        "natural_key",
        "activity_type",
        "quantity",
        "usage_start",
        "usage_end",
        "region",
        "country",
        "account",
        "project",
        "cost_amount",
        "model",
    ]
    parquet, jsonl, csv_row = (_row(p) for p in (from_parquet, from_jsonl, from_csv))
    assert (
        {k: parquet[k] for k in compared}
        == {k: jsonl[k] for k in compared}
        == {k: csv_row[k] for k in compared}
    )


def test_json_array_and_gzip_exports_are_read():
    array = json.dumps([_nested(), _nested(project={"id": "other"})]).encode()
    parsed = parse(array, "results.json")
    assert parsed.rows.get_column("source_row").to_list() == ["/0", "/1"]
    assert parse(gzip.compress(_jsonl(_nested())), "export.jsonl.gz").rows.height == 1


@pytest.mark.parametrize(
    ("sku", "activity_type", "model"),
    [
        (
            "Generate content input token count Gemini 2.5 Pro long input text",
            "llm_input_tokens",
            "gemini-2.5-pro",
        ),
        (
            "Generate content cached input token count gemini 2.5 flash input image",
            "llm_cached_input_tokens",
            "gemini-2.5-flash",
        ),
        (
            "Generate content input token count gemini 2.5 flash input audio",
            "llm_input_tokens",
            "gemini-2.5-flash",
        ),
        (
            "EmbedContent input token count for gemini-embedding-2 text",
            "embedding_tokens",
            "gemini-embedding-2",
        ),
        ("Gemini 3.1 Flash Image output image count", "images", "gemini-3.1-flash-image"),
        ("Veo 3.1 video generation", "video_seconds", "veo-3.1"),
        ("Gemini 2.5 Flash GA Thinking Text Output - Predictions", "llm_output_tokens", "gemini-2.5-flash"),
        ("Gemini 2.5 Flash GA Input Text Caching", "llm_cached_input_tokens", "gemini-2.5-flash"),
        ("Gemini 3 Flash Text Input Caching Storage", "spend", "gemini-3-flash"),
        ("Gemini 2.0 Flash Text Input (Long) - Predictions", "llm_input_tokens", "gemini-2.0-flash"),
        ("Gemini 2.5 Pro Text Output - Batch Predictions", "llm_output_tokens", "gemini-2.5-pro"),
        ("Gemini 3.7 Flash Global Text Input - Predictions", "llm_input_tokens", "gemini-3.7-flash"),
        (
            "Gemini 2.5 Flash-Lite Text Input - Priority - Predictions",
            "llm_input_tokens",
            "gemini-2.5-flash-lite",
        ),
        ("Gemini 3 Pro Image Preview output image count", "images", "gemini-3-pro-image-preview"),
        ("Online Prediction N1 Predefined Instance Core running in Americas", "spend", None),
        ("Free tier credit", "spend", None),
    ],
)
def test_sku_descriptions_map_to_activity_and_model(sku, activity_type, model):
    parsed = parse(_jsonl(_nested(sku={"id": "X", "description": sku})), "export.jsonl")
    row = _row(parsed)
    assert (row["activity_type"], row["model"]) == (activity_type, model)
    expected_quantity = 0.6 if activity_type == "spend" else 2000000.0  # spend: the cost
    assert row["quantity"] == expected_quantity


def test_sku_details_become_attributes():
    sku = "Gemini 3.7 Flash Global Thinking Text Output - Batch Predictions"
    attributes = json.loads(
        _row(parse(_jsonl(_nested(sku={"id": "X", "description": sku})), "e.jsonl"))["attributes"]
    )
    assert {k: attributes[k] for k in ("modality", "context", "mode", "thinking", "global_endpoint")} == {
        "modality": "text",
        "context": None,
        "mode": "batch",
        "thinking": True,
        "global_endpoint": True,
    }


@pytest.mark.parametrize(
    ("location", "country"),
    [
        ({"location": "us-central1", "region": "us-central1"}, "USA"),
        ({"location": "europe-west1", "region": "europe-west1"}, "BEL"),
        ({"location": "europe-west4", "region": "europe-west4"}, "NLD"),
        ({"location": "europe-west3", "region": "europe-west3"}, "DEU"),
        ({"location": "europe-west9", "region": "europe-west9"}, "FRA"),
        ({"location": "asia-northeast1", "region": "asia-northeast1"}, "JPN"),
        ({"location": "global"}, None),
        ({"location": "us", "country": "US"}, "USA"),  # the US multi-region sits on one national grid
        ({"location": "us-east1-b", "zone": "us-east1-b"}, "USA"),
    ],
)
def test_region_pins_country_but_multi_regions_do_not(location, country):
    row = _row(parse(_jsonl(_nested(location=location)), "export.jsonl"))
    assert row["country"] == country


def test_tax_and_adjustment_lines_are_spend_and_negative_money_is_quarantined():
    tax = _nested(cost_type="tax", cost=0.12)
    adjustment = _nested(
        cost_type="adjustment", cost=-0.3, adjustment_info={"id": "adj-1", "type": "GOODWILL"}
    )
    parsed = parse(_jsonl(tax, adjustment), "export.jsonl")
    assert parsed.rows.select("activity_type", "quantity", "unit", "cost_amount").rows() == [
        ("spend", 0.12, "currency", Decimal("0.12")),
        ("spend", -0.3, "currency", Decimal("-0.3")),
    ]
    valid, invalid = validate(parsed.rows)
    assert valid.height == 1
    assert invalid.select("source_row", "_reason").rows() == [("line:2", "negative quantity")]


def test_identical_lines_are_numbered_not_lost():
    lines = FLATTENED_CSV.splitlines()
    csv = "\n".join([lines[0], lines[1], lines[1], lines[1]]) + "\n"
    keys = parse(csv.encode(), "dupes.csv").rows.get_column("natural_key").to_list()
    assert len(set(keys)) == 3
    assert keys[1] == f"{keys[0]}#1" and keys[2] == f"{keys[0]}#2"


def test_bad_cells_quarantine_their_row_only():
    bad = FLATTENED_CSV.replace("1983966,count,1983966", "n/a,count,").replace(
        "2026-09-01 10:00:00 UTC,2026-09-01 11:00:00 UTC,Gemini API",
        "yesterday,2026-09-01 11:00:00 UTC,Gemini API",
    )
    parsed = parse(bad.encode(), "bad.csv")
    valid, invalid = validate(parsed.rows)
    assert valid.height == 0
    assert invalid.select("source_row", "_field", "_reason").rows() == [
        ("line:2", "quantity", "quantity missing or not a number"),
        ("line:3", "usage_start", "usage date missing or unparseable"),
    ]


def test_an_export_with_no_ai_lines_has_no_rows_but_covers_its_days():
    csv = "\n".join(FLATTENED_CSV.splitlines()[::3]) + "\n"  # header + the Compute Engine line
    parsed = parse(csv.encode(), "compute_only.csv")
    assert (parsed.rows.height, parsed.raw_records, parsed.days) == (0, 1, [date(2026, 9, 2)])


def test_detailed_export_is_its_own_dataset():
    parsed = parse(
        _jsonl(_nested(resource={"name": "endpoints/chat", "global_name": "//x/endpoints/chat"})), "d.jsonl"
    )
    assert parsed.dataset == "detailed_usage_cost"
    assert "endpoints/chat" in _row(parsed)["natural_key"]


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        (b"", "file is empty"),
        (
            b"usage_start_time,cost\n2026-09-01 10:00:00 UTC,1\n",
            "missing required column(s) 'usage_end_time' (found 'usage_start_time': renamed?), "
            "'service_description'",
        ),
        (b'{"usage_start_time": "2026-09-01 10:00:00 UTC"\n', "malformed JSON lines"),
        (b"PAR1 not really parquet", "unreadable Parquet"),
        (b'{"billing_account_id": "X", "cost": 1}\n', "usage.amount or usage.amount_in_pricing_units"),
    ],
)
def test_unreadable_files_fail_naming_source_file_and_problem(payload, problem):
    assert_parse_fails(parse, payload, "broken_billing.csv", "[gcp_billing] broken_billing.csv", problem)


def test_every_bundled_sample_lands_without_quarantine(paths):
    files = CONNECTOR.find_files(BUNDLED_SAMPLES / "gcp_billing")
    assert {p.suffix for p in files} == {".csv", ".jsonl", ".parquet"}
    for path in files:
        result = ingest_file(CONNECTOR, path, paths)
        assert result.rows_in > 0, path.name
        assert result.rows_in == result.rows_landed, path.name
        assert result.rows_quarantined == 0, path.name
        # one canonical row per AI line; every other line is skipped with a reason
        assert result.records_landed == result.rows_in, path.name
        assert result.raw_records == result.rows_in + result.records_skipped, path.name
    landed = pl.read_parquet(paths.activity / "source=gcp_billing" / "**" / "*.parquet")
    assert set(landed.get_column("vendor")) == {"google"}
    assert set(landed.get_column("dataset")) == {"standard_usage_cost", "detailed_usage_cost"}
    assert {
        "llm_input_tokens",
        "llm_output_tokens",
        "llm_cached_input_tokens",
        "embedding_tokens",
        "images",
        "video_seconds",
        "spend",
    } == set(landed.get_column("activity_type"))
    assert landed.get_column("usage_date").dt.month().unique().sort().to_list() == [9, 10]
