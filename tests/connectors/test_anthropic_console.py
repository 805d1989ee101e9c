"""Anthropic Console CSV exports -> canonical rows, checked value by value against the documented shapes."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from connectors.anthropic.console import CONNECTOR, SOURCE, display_name_to_id, parse
from connectors.core.config import Paths
from connectors.landing.zone import init_landing
from tests.support.corpus import CORPUS
from tests.support.landing import (
    assert_parse_fails,
    assert_samples_land_without_quarantine,
    bundled_samples,
    land_one,
    landed_rows,
)
from tests.support.mutations import damage_property, damaged_csv

COST_HEADER = (
    "usage_date_utc,model,workspace,api_key,usage_type,context_window,token_type,cost_usd,list_price_usd,"
    "cost_type,inference_geo,speed,api_key_id,api_key_status"
)


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _landed(paths: Paths) -> pl.DataFrame:
    return landed_rows(paths, SOURCE)


# The documented example (vendor-formats.md): newest header, with api_key_id and api_key_status.
COST_NEW = _csv(
    COST_HEADER,
    "2026-08-04,Claude Haiku 4.5,Default,demo-key,message,\u2264 200k,input_no_cache,0.05,0.05,token,"
    "not_available,,apikey_01AAA,archived",
    "2026-08-05,Claude Sonnet 4.5,Default,demo-key,message,\u2264 200k,input_cache_read,0.10,1.00,token,"
    "not_available,,apikey_01AAA,archived",
    "2026-08-05,--,Default,demo-key,--,--,--,0.20,0.20,web_search,--,--,apikey_01AAA,archived",
)
# An older file: no list_price_usd, inference_geo, speed, nor key id columns.
COST_OLD = _csv(
    "usage_date_utc,model,workspace,api_key,usage_type,context_window,token_type,cost_usd,cost_type",
    "2026-09-30,Claude 3.5 Haiku,Brand Studio,brand-batch,message,\u2264 200k,output,1.25,token",
)

TOKENS = _csv(
    "usage_date_utc,model_version,api_key,workspace,usage_type,context_window,usage_input_tokens_no_cache,"
    "usage_input_tokens_cache_write_5m,usage_input_tokens_cache_write_1h,usage_input_tokens_cache_read,"
    "usage_output_tokens,web_search_count,inference_geo,speed",
    "2026-09-29,claude-opus-4-6,prod-support,Default,standard,\u2264 200k,1200,300,40,5000,800,3,us,fast",
    "2026-10-01,claude-haiku-4-5-20251001,brand-batch,Brand Studio,batch,\u2264 200k,900,0,0,0,150,0,global,"
    "standard",
)


def test_cost_export_newest_header_becomes_spend_rows_with_ids_from_display_names():
    parsed = parse(COST_NEW, "claude_api_cost_2026-08-04_to_2026-08-05.csv")
    assert (parsed.dataset, parsed.raw_records) == ("cost", 3)
    assert parsed.days == [date(2026, 8, 4), date(2026, 8, 5)]
    assert parsed.rows.select(
        "activity_type",
        "unit",
        "quantity",
        "cost_amount",
        "cost_currency",
        "model",
        "model_raw",
        "workspace",
        "api_key_id",
        "region",
        "country",
        "usage_date",
        "source_row",
    ).rows() == [
        (
            "spend",
            "currency",
            0.05,
            Decimal("0.050000000000"),
            "USD",
            "claude-haiku-4-5",
            "Claude Haiku 4.5",
            "Default",
            "apikey_01AAA",
            "not_available",
            None,
            date(2026, 8, 4),
            "line:2#cost_usd",
        ),
        (
            "spend",
            "currency",
            0.10,
            Decimal("0.100000000000"),
            "USD",
            "claude-sonnet-4-5",
            "Claude Sonnet 4.5",
            "Default",
            "apikey_01AAA",
            "not_available",
            None,
            date(2026, 8, 5),
            "line:3#cost_usd",
        ),
        (
            "spend",
            "currency",
            0.20,
            Decimal("0.200000000000"),
            "USD",
            None,  # "--": a web-search charge has no model
            None,
            "Default",
            "apikey_01AAA",
            None,
            None,
            date(2026, 8, 5),
            "line:4#cost_usd",
        ),
    ]
    first = parsed.rows.row(0, named=True)
    assert (first["vendor"], first["service"], first["dataset"]) == (
        "anthropic",
        "anthropic.cost_report",
        "cost",
    )
    assert (first["usage_start"], first["usage_end"]) == (
        datetime(2026, 8, 4, tzinfo=UTC),
        datetime(2026, 8, 5, tzinfo=UTC),
    )
    assert json.loads(first["attributes"]) == {
        "token_type": "input_no_cache",
        "cost_type": "token",
        "usage_type": "message",
        "context_window": "\u2264 200k",
        "list_price_usd": 0.05,
        "inference_geo": "not_available",
        "speed": None,
        "api_key": "demo-key",
        "api_key_status": "archived",
        "granularity": "1d",
    }
    assert first["natural_key"] == (
        "2026-08-04|Claude Haiku 4.5|Default|demo-key|apikey_01AAA|message|\u2264 200k|input_no_cache|token"
        "|not_available|\u2205|cost_usd"
    )
    web = json.loads(parsed.rows.row(2, named=True)["attributes"])
    assert (web["cost_type"], web["token_type"], web["context_window"]) == ("web_search", None, None)


def test_older_cost_header_uses_the_key_name_as_api_key_id():
    parsed = parse(COST_OLD, "claude_api_cost_2026-09-30.csv")
    row = parsed.rows.row(0, named=True)
    assert (row["activity_type"], row["quantity"], row["cost_amount"], row["cost_currency"]) == (
        "spend",
        1.25,
        Decimal("1.250000000000"),
        "USD",
    )
    assert (row["model"], row["model_raw"]) == ("claude-3-5-haiku", "Claude 3.5 Haiku")
    assert (row["workspace"], row["api_key_id"], row["region"]) == ("Brand Studio", "brand-batch", None)
    assert json.loads(row["attributes"])["list_price_usd"] is None
    assert parsed.days == [date(2026, 9, 30)]


def test_display_names_map_to_api_style_ids():
    names = pl.Series(
        "m",
        [
            "Claude Haiku 4.5",
            "Claude Sonnet 4.5",
            "Claude Opus 4.1",
            "Claude Sonnet 4",
            "Claude 3.5 Sonnet",
            " claude 3 haiku ",
            "claude-sonnet-4-5-20250929",
            None,
        ],
    )
    assert names.to_frame().select(display_name_to_id(pl.col("m"))).to_series().to_list() == [
        "claude-haiku-4-5",
        "claude-sonnet-4-5",
        "claude-opus-4-1",
        "claude-sonnet-4",
        "claude-3-5-sonnet",
        "claude-3-haiku",
        "claude-sonnet-4-5",
        None,
    ]


def test_token_export_gives_one_row_per_token_kind_with_two_cache_write_rows():
    parsed = parse(TOKENS, "claude_api_tokens_2026-09-28_to_2026-10-02.csv")
    assert (parsed.dataset, parsed.raw_records) == ("tokens", 2)
    # the file name's range adds the quiet days; its end day counts only when it has rows
    assert parsed.days == [date(2026, 9, 28) + timedelta(days=i) for i in range(4)]
    opus = parsed.rows.filter(pl.col("model") == "claude-opus-4-6")
    assert opus.select("activity_type", "quantity", "unit", "source_row").rows() == [
        ("llm_input_tokens", 1200.0, "tokens", "line:2#usage_input_tokens_no_cache"),
        ("llm_cache_write_tokens", 300.0, "tokens", "line:2#usage_input_tokens_cache_write_5m"),
        ("llm_cache_write_tokens", 40.0, "tokens", "line:2#usage_input_tokens_cache_write_1h"),
        ("llm_cached_input_tokens", 5000.0, "tokens", "line:2#usage_input_tokens_cache_read"),
        ("llm_output_tokens", 800.0, "tokens", "line:2#usage_output_tokens"),
        ("web_search_requests", 3.0, "requests", "line:2#web_search_count"),
    ]
    row = opus.row(0, named=True)
    assert (row["vendor"], row["service"], row["dataset"]) == ("anthropic", "anthropic.messages", "tokens")
    assert (row["model_raw"], row["workspace"], row["api_key_id"]) == (
        "claude-opus-4-6",
        "Default",
        "prod-support",
    )
    assert (row["region"], row["country"]) == ("us", "USA")
    assert (row["usage_start"], row["usage_end"], row["usage_date"]) == (
        datetime(2026, 9, 29, tzinfo=UTC),
        datetime(2026, 9, 30, tzinfo=UTC),
        date(2026, 9, 29),
    )
    assert (row["cost_amount"], row["cost_currency"]) == (None, None)
    assert json.loads(row["attributes"]) == {
        "service_tier": "standard",
        "context_window": "\u2264 200k",
        "inference_geo": "us",
        "speed": "fast",
        "api_key": "prod-support",
        "granularity": "1d",
    }
    assert row["natural_key"] == (
        "2026-09-29|prod-support|\u2205|Default|claude-opus-4-6|standard|\u2264 200k|us|fast"
        "|usage_input_tokens_no_cache"
    )
    haiku = parsed.rows.filter(pl.col("model") == "claude-haiku-4-5")
    assert (haiku.height, set(haiku.get_column("country"))) == (6, {None})  # "global" pins no country
    assert set(haiku.get_column("model_raw")) == {"claude-haiku-4-5-20251001"}


def test_token_columns_are_read_by_name_not_position():
    frame = pl.read_csv(TOKENS, infer_schema=False)
    shuffled = frame.select(list(reversed(frame.columns))).write_csv().encode()
    ours = parse(shuffled, "claude_api_tokens_x.csv").rows
    theirs = parse(TOKENS, "claude_api_tokens_x.csv").rows
    cols = ["natural_key", "activity_type", "quantity", "model", "workspace", "api_key_id", "attributes"]
    assert ours.select(cols).sort("natural_key").equals(theirs.select(cols).sort("natural_key"))


def test_a_bad_count_quarantines_its_record_whole_naming_the_value():
    # every Console row is summed to its day and key, so a count that cannot be read is never summed
    bad = TOKENS.replace(b",800,3,us", b",lots,3,us")
    rows = parse(bad, "claude_api_tokens_x.csv").rows
    line2 = rows.filter(pl.col("source_row").str.starts_with("line:2#"))
    assert line2.select("_problem").rows() == [
        (
            "'usage_output_tokens' = lots is not a non-negative number, "
            "so the record is not summed into its UTC day",
        )
    ]
    assert rows.filter(pl.col("source_row").str.starts_with("line:3#")).height == 6


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        (b"", "file is empty"),
        (
            b"usage_date_utc,model,cost_usd\n2026-09-01,Claude Haiku 4.5,1.00\n",
            "cost export is missing required column(s) 'workspace', 'api_key', 'token_type'",
        ),
        (
            b"usage_date_utc,model_version,api_key,usage_output_tokens\n2026-09-01,claude-opus-4-6,k,5\n",
            "token usage export is missing required column(s) 'workspace', 'usage_input_tokens_no_cache'",
        ),
        (b"date,spend\n2026-09-01,5\n", "neither a Console cost export"),
    ],
)
def test_unreadable_files_fail_naming_source_file_and_problem(payload, problem):
    assert_parse_fails(
        parse, payload, "claude_api_cost_broken.csv", f"[{SOURCE}] claude_api_cost_broken.csv", problem
    )


def test_every_bundled_sample_lands_without_quarantine(paths):
    files = bundled_samples(CONNECTOR)
    assert sorted(p.name.split("_2026")[0] for p in files) == ["claude_api_cost", "claude_api_tokens"]
    init_landing(paths, [SOURCE])
    assert_samples_land_without_quarantine(CONNECTOR, files, paths, months={9, 10})


# ---- issue #13 classes ----------------------------------------------------------------------------------

TOKENS_HEADER = TOKENS.split(b"\n", 1)[0].decode()


def _land(raw: bytes, name: str, home: Path):
    return land_one(CONNECTOR, raw, name, Paths(home))


@pytest.mark.parametrize(
    "stamps",
    [
        ("2026-03-31 02:00", "2026-03-31 03:00"),  # the hour view's export
        ("2026-03-31 02:10:00", "2026-03-31 02:11:00"),  # minute view
        ("2026-03-31T02:00:00Z", "2026-03-31T03:00:00+00:00"),  # ISO forms
    ],
    ids=["hour", "minute", "iso"],
)
def test_rows_with_a_time_of_day_are_summed_to_their_utc_day(stamps, tmp_path):
    # class 3: on main every row with a time part was quarantined ("usage date missing or unparseable")
    rows = [
        f"{stamps[0]},claude-haiku-4-5-20251001,super,Default,standard,\u2264 200k,1124832,0,0,0,254558,0,,",
        f"{stamps[1]},claude-haiku-4-5-20251001,super,Default,standard,\u2264 200k,506280,0,0,0,117816,1,,",
    ]
    raw = _csv(TOKENS_HEADER, *rows)
    result = _land(raw, "claude_api_tokens_2026_03_31.csv", tmp_path)
    assert (result.raw_records, result.records_landed, result.rows_landed, result.rows_quarantined) == (
        2,
        2,
        6,
        0,
    )
    landed = _landed(Paths(tmp_path))
    totals = dict(landed.group_by("activity_type").agg(pl.col("quantity").sum()).rows())
    assert totals["llm_input_tokens"] == 1124832 + 506280
    assert totals["llm_output_tokens"] == 254558 + 117816
    assert totals["web_search_requests"] == 1
    assert set(landed.get_column("usage_date")) == {date(2026, 3, 31)}
    assert set(landed.get_column("source_row").str.extract(r"^([^#]+)")) == {"line:2+line:3"}


def test_a_key_repeated_on_one_day_is_summed_not_dropped_as_a_duplicate(tmp_path):
    # real cost exports list two charges of one kind on a day; on main the second was quarantined
    header = "usage_date_utc,model,workspace,api_key,usage_type,context_window,token_type,cost_usd,cost_type"
    line = "2026-02-12,Claude Sonnet 4.5,Default,chat-key,message,\u2264 200k,input_cache_write_5m,{},token"
    result = _land(_csv(header, line.format("0.75"), line.format("1.16")), "claude_api_cost_x.csv", tmp_path)
    assert (result.raw_records, result.records_landed, result.rows_landed, result.rows_quarantined) == (
        2,
        2,
        1,
        0,
    )
    row = _landed(Paths(tmp_path)).row(0, named=True)
    assert (row["cost_amount"], row["cost_amount_net"], row["source_row"]) == (
        Decimal("1.910000000000"),
        Decimal("1.910000000000"),
        "line:2+line:3#cost_usd",
    )


def test_the_file_name_range_covers_quiet_days_with_underscore_dates():
    # the Console names files claude_api_cost_2026_02_08_to_2026_02_15.csv
    parsed = parse(COST_OLD, "claude_api_cost_2026_09_28_to_2026_10_01.csv")
    assert parsed.days == [date(2026, 9, 28), date(2026, 9, 29), date(2026, 9, 30)]


def test_a_negative_or_unreadable_amount_is_quarantined_whole(tmp_path):
    header = "usage_date_utc,model,workspace,api_key,usage_type,context_window,token_type,cost_usd,cost_type"
    rows = [
        "2026-02-12,Claude Sonnet 4.5,Default,k,message,\u2264 200k,output,-0.10,token",
        "2026-02-12,Claude Sonnet 4.5,Default,k,message,\u2264 200k,input_no_cache,n/a,token",
        "2026-02-12,Claude Sonnet 4.5,Default,k,message,\u2264 200k,input_cache_read,0.10,token",
    ]
    result = _land(_csv(header, *rows), "claude_api_cost_x.csv", tmp_path)
    assert (result.raw_records, result.records_landed, result.records_quarantined) == (3, 1, 2)


REAL_COST = (
    CORPUS / "anthropic_console" / "cost_real_export_2026_02" / "claude_api_cost_2026_02_08_to_2026_02_15.csv"
)
test_a_damaged_real_cost_export_lands_quarantines_or_is_rejected = damage_property(
    CONNECTOR, damaged_csv(REAL_COST.read_bytes()), REAL_COST.name, max_examples=40
)
