"""OpenAI dashboard CSV exports -> canonical rows, checked value by value against the documented shapes."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import polars as pl
import pytest

from connectors.landing.zone import init_landing
from connectors.openai.dashboard import CONNECTOR, SOURCE, parse
from tests.support.landing import assert_parse_fails, assert_samples_land_without_quarantine, bundled_samples

COST_HEADER = (
    "start_time,end_time,start_time_iso,end_time_iso,amount_value,amount_currency,quantity,quantity_unit,"
    "line_item,user_id,api_key_id,project_id,organization_id,project_name,organization_name,user_email,"
    "api_source"
)
# The two rows of the documented export (vendor-formats.md), plus two rows grouped by line item.
DAY1 = "1790467200,1790553600,2026-09-27T00:00:00+00:00,2026-09-28T00:00:00+00:00"
DAY2 = "1790553600,1790640000,2026-09-28T00:00:00+00:00,2026-09-29T00:00:00+00:00"
DAY3 = "1790640000,1790726400,2026-09-29T00:00:00+00:00,2026-09-30T00:00:00+00:00"


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


COST_CSV = _csv(
    COST_HEADER,
    f"{DAY1},,,,,,,,,,,,,",
    f"{DAY2},0.003835980000000000000000000000,usd,,,,,,,org-fixture,,Fixture Org,someone@example.com,",
    f'{DAY2},0.127440000000000000000000000000,usd,50976.0,tokens,"evals | gpt-4o-mini-2024-07-18, input",'
    ",key_A,proj_a,org-fixture,Alpha,Fixture Org,someone@example.com,",
    f"{DAY3},0.000271000000000000000000000000,usd,,,assistants api | file search,,,proj_b,org-fixture,"
    "Beta,Fixture Org,someone@example.com,",
)

USAGE_HEADER = (
    "start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,user_id,api_key_id,"
    "model,batch,service_tier,input_tokens,output_tokens,input_cached_tokens,input_uncached_tokens,"
    "input_cache_write_tokens"
)
USAGE_CSV = _csv(
    USAGE_HEADER,
    f"{DAY1},,,,,,,,,,,,",
    f"{DAY2},proj_abc,5.0,user-1,key_1,gpt-4o-mini-2024-07-18,False,default,5000.0,1000.0,1800.0,3000.0,200.0",
    f"{DAY2},proj_abc,2.0,,,gpt-4.1-2025-04-14,True,batch,800.0,300.0,0.0,800.0,0.0",
)


def _dicts(frame: pl.DataFrame, *columns: str) -> list[dict]:
    return frame.select(columns).to_dicts()


def test_cost_export_becomes_spend_rows_and_empty_buckets_only_cover_days():
    parsed = parse(COST_CSV, "cost_2026-09-27_2026-09-29.csv")
    assert parsed.dataset == "costs"
    assert parsed.raw_records == 4  # every CSV record counts; the empty bucket is skipped with its reason
    assert parsed.skipped.get_column("_record").to_list() == ["line:2"]
    assert parsed.days == [date(2026, 9, 27), date(2026, 9, 28), date(2026, 9, 29)]
    rows = parsed.rows
    assert _dicts(
        rows,
        "activity_type",
        "unit",
        "quantity",
        "cost_amount",
        "cost_currency",
        "model",
        "model_raw",
        "project",
        "api_key_id",
        "account",
        "usage_date",
        "source_row",
    ) == [
        {
            "activity_type": "spend",
            "unit": "currency",
            "quantity": 0.00383598,
            "cost_amount": Decimal("0.003835980000"),
            "cost_currency": "USD",
            "model": None,
            "model_raw": None,
            "project": None,
            "api_key_id": None,
            "account": "org-fixture",
            "usage_date": date(2026, 9, 28),
            "source_row": "line:3#amount_value",
        },
        {  # a line with a token quantity lands as tokens (issue #13 class 2), its money as cost
            "activity_type": "llm_input_tokens",
            "unit": "tokens",
            "quantity": 50976.0,
            "cost_amount": Decimal("0.127440000000"),
            "cost_currency": "USD",
            "model": "gpt-4o-mini",
            "model_raw": "gpt-4o-mini-2024-07-18",
            "project": "proj_a",
            "api_key_id": "key_A",
            "account": "org-fixture",
            "usage_date": date(2026, 9, 28),
            "source_row": "line:4#amount_value",
        },
        {
            "activity_type": "spend",
            "unit": "currency",
            "quantity": 0.000271,
            "cost_amount": Decimal("0.000271000000"),
            "cost_currency": "USD",
            "model": None,  # a line item that names no model
            "model_raw": None,
            "project": "proj_b",
            "api_key_id": None,
            "account": "org-fixture",
            "usage_date": date(2026, 9, 29),
            "source_row": "line:5#amount_value",
        },
    ]
    second = rows.row(1, named=True)
    assert (second["vendor"], second["service"], second["dataset"]) == ("openai", "openai.costs", "costs")
    assert second["usage_start"] == datetime(2026, 9, 28, tzinfo=UTC)
    assert second["usage_end"] == datetime(2026, 9, 29, tzinfo=UTC)
    assert json.loads(second["attributes"]) == {
        "line_item": "evals | gpt-4o-mini-2024-07-18, input",
        "quantity": 50976.0,
        "quantity_unit": "tokens",
        "project_name": "Alpha",
        "organization_name": "Fixture Org",
        "user_email": "someone@example.com",
        "api_source": None,
    }
    assert second["natural_key"] == (
        "1790553600|1790640000|evals | gpt-4o-mini-2024-07-18, input|proj_a|key_A|\u2205|org-fixture"
        "|\u2205|USD|amount_value"
    )


@pytest.mark.parametrize(
    ("line_item", "model_raw", "model"),
    [
        ("gpt-4o-mini-2024-07-18, input", "gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
        ("gpt-4.1-2025-04-14, cached input", "gpt-4.1-2025-04-14", "gpt-4.1"),
        ("ft-gpt-4o-2024-08-06, output", "gpt-4o-2024-08-06", "gpt-4o"),
        ("evals | gpt-4o-mini-2024-07-18, input", "gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
        ("assistants api | file search", None, None),
        ("web search tool calls", None, None),
    ],
)
def test_cost_line_items_name_their_model(line_item, model_raw, model):
    csv = _csv(COST_HEADER, f'{DAY2},1.500000000000000000000000000000,usd,,,"{line_item}",,,proj_a,org-1,,,,')
    row = parse(csv, "cost_2026-09-28_2026-09-28.csv").rows.row(0, named=True)
    assert (row["model_raw"], row["model"], row["quantity"]) == (model_raw, model, 1.5)
    assert json.loads(row["attributes"])["line_item"] == line_item


def test_cost_key_does_not_depend_on_how_the_epoch_is_written():
    as_floats = COST_CSV.replace(b"1790553600,1790640000,", b"1790553600.0,1790640000.0,")
    assert parse(as_floats, "cost.csv").rows.get_column("natural_key").to_list() == (
        parse(COST_CSV, "cost.csv").rows.get_column("natural_key").to_list()
    )


def test_completions_export_reads_float_numbers_into_usage_api_activity_types():
    parsed = parse(USAGE_CSV, "completions_usage_2026-09-27_2026-09-28.csv")
    assert parsed.dataset == "completions"
    assert parsed.raw_records == 3  # the empty bucket is a record too, skipped with its reason
    assert parsed.days == [date(2026, 9, 27), date(2026, 9, 28)]  # the empty bucket's day is covered
    rows = parsed.rows.filter(pl.col("model_raw") == "gpt-4o-mini-2024-07-18").sort("activity_type")
    assert rows.select("activity_type", "quantity", "unit", "source_row").rows() == [
        ("llm_cache_write_tokens", 200.0, "tokens", "line:3#input_cache_write_tokens"),
        ("llm_cached_input_tokens", 1800.0, "tokens", "line:3#input_cached_tokens"),
        ("llm_input_tokens", 3000.0, "tokens", "line:3#_input_uncached"),
        ("llm_output_tokens", 1000.0, "tokens", "line:3#output_tokens"),
        ("llm_requests", 5.0, "requests", "line:3#num_model_requests"),
    ]
    first = rows.row(0, named=True)
    assert (first["vendor"], first["service"], first["model"]) == (
        "openai",
        "openai.completions",
        "gpt-4o-mini",
    )
    assert (first["project"], first["user_id"], first["api_key_id"]) == ("proj_abc", "user-1", "key_1")
    assert (first["usage_start"], first["usage_end"], first["usage_date"]) == (
        datetime(2026, 9, 28, tzinfo=UTC),
        datetime(2026, 9, 29, tzinfo=UTC),
        date(2026, 9, 28),
    )
    assert first["cost_amount"] is None
    assert json.loads(first["attributes"]) == {
        "batch": False,
        "service_tier": "default",
        "num_model_requests": 5,
    }
    assert first["natural_key"] == (
        "1790553600|1790640000|proj_abc|user-1|key_1|gpt-4o-mini-2024-07-18|false|default|input_cache_write_tokens"
    )
    batch = parsed.rows.filter(pl.col("model") == "gpt-4.1")
    assert dict(batch.select("activity_type", "quantity").rows()) == {
        "llm_input_tokens": 800.0,
        "llm_cached_input_tokens": 0.0,
        "llm_cache_write_tokens": 0.0,
        "llm_output_tokens": 300.0,
        "llm_requests": 2.0,
    }
    assert json.loads(batch.item(0, "attributes"))["batch"] is True


def test_completions_without_uncached_column_derive_it_and_columns_are_read_by_name():
    csv = _csv(
        "start_time,end_time,start_time_iso,end_time_iso,model,input_tokens,input_cached_tokens,"
        "output_tokens,num_model_requests,project_id",
        "1790553600,1790553660,2026-09-28T00:00:00+00:00,2026-09-28T00:01:00+00:00,o3-2025-04-16,"
        "1000.0,400.0,300.0,2.0,proj_x",
    )
    parsed = parse(csv, "completions_usage_2026-09-28_2026-09-28.csv")
    assert dict(parsed.rows.select("activity_type", "quantity").rows()) == {
        "llm_input_tokens": 600.0,
        "llm_cached_input_tokens": 400.0,
        "llm_output_tokens": 300.0,
        "llm_requests": 2.0,
    }
    row = parsed.rows.row(0, named=True)
    assert (row["model"], row["project"]) == ("o3", "proj_x")
    assert row["usage_end"] == datetime(2026, 9, 28, 0, 1, tzinfo=UTC)  # minute bucket


def test_export_with_only_the_time_columns_means_no_usage_but_covers_its_days():
    csv = b"""start_time,end_time,start_time_iso,end_time_iso
1790467200,1790553600,2026-09-27T00:00:00+00:00,2026-09-28T00:00:00+00:00
1790553600,1790640000,2026-09-28T00:00:00+00:00,2026-09-29T00:00:00+00:00
"""
    parsed = parse(csv, "completions_usage_2026-09-27_2026-09-28.csv")
    assert (parsed.dataset, parsed.rows.height, parsed.raw_records) == ("completions", 0, 2)
    assert parsed.skipped.height == 2  # each empty bucket is accounted for as skipped
    assert parsed.days == [date(2026, 9, 27), date(2026, 9, 28)]


def test_a_bad_cell_leaves_a_null_quantity_for_quarantine_instead_of_failing_the_file():
    bad = USAGE_CSV.replace(b"1000.0,1800.0", b"n/a,1800.0")
    rows = parse(bad, "completions_usage.csv").rows
    output = rows.filter(pl.col("source_row") == "line:3#output_tokens")
    assert output.height == 1 and output.item(0, "quantity") is None


@pytest.mark.parametrize(
    ("payload", "name", "problem"),
    [
        (b"", "cost_2026-09-01_2026-09-02.csv", "file is empty"),
        (
            f"{COST_HEADER.removesuffix(',api_source')}\n1,2,a,b,0.5,usd,,,,,,,,,,\n".encode(),
            "cost_2026-09-01_2026-09-02.csv",
            "missing column(s) ['api_source']",
        ),
        (
            b"day,tokens\n2026-09-01,5\n",
            "completions_usage_x.csv",
            "missing column(s) ['start_time', 'end_time']",
        ),
        (
            b"start_time,end_time,start_time_iso,end_time_iso,amount\n1,2,a,b,3\n",
            "cost_2026-09-01_2026-09-02.csv",
            "cost export is missing",
        ),
        (b"start_time,end_time,foo\n1,2,3\n", "export.csv", "cannot tell the export"),
    ],
)
def test_unreadable_files_fail_naming_source_file_and_problem(payload, name, problem):
    assert_parse_fails(parse, payload, name, f"[{SOURCE}] {name}", problem)


def test_every_bundled_sample_lands_without_quarantine(paths):
    files = bundled_samples(CONNECTOR)
    assert sorted(p.name.split("_2026")[0] for p in files) == ["completions_usage", "cost"]
    init_landing(paths, [SOURCE])
    results = assert_samples_land_without_quarantine(CONNECTOR, files, paths, months={9, 10})
    for path, result in zip(files, results, strict=True):
        assert date(2026, 10, 4) in result.days, path.name  # the quiet day's empty bucket is covered
