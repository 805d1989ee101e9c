"""Creative tools (#18): ElevenLabs character-stats, Jasper monthly generations, Adobe generative credits.

Expected rows are written by hand from the vendors' documented semantics (see each connector's docstring
and the corpus cases' PROVENANCE.md); pseudonyms are checked against HMAC-SHA256 computed here.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.adobe import firefly
from connectors.core.base import ExportFormatError
from connectors.core.config import Paths
from connectors.core.http import ConfigError
from connectors.core.pseudonym import KEY_VARIABLE
from connectors.core.schema import validate
from connectors.elevenlabs import usage as elevenlabs
from connectors.jasper import usage as jasper
from connectors.landing.zone import ingest_bytes, init_landing

KEY = "creative-tools-test-key-32-chars"
SEP_1 = 1788220800000  # 2026-09-01 00:00:00 UTC in Unix milliseconds
DAY_MS = 86_400_000


def reference(identifier: str) -> str:
    digest = hmac.new(KEY.encode(), identifier.strip().casefold().encode(), hashlib.sha256).hexdigest()
    return "pu_" + digest[:24]


def _all_bytes(home: Path) -> bytes:
    return b"".join(p.read_bytes() for p in home.rglob("*") if p.is_file())


def _land(home: Path, connector, raw: bytes, name: str):
    """Land one export under ``home``: its result and landed rows; no address reaches any file there."""
    paths = Paths(home)
    init_landing(paths, [connector.source])
    result = ingest_bytes(connector, raw, name, paths)
    assert b"example.com" not in _all_bytes(home)
    return result, pl.read_parquet(paths.activity / f"source={connector.source}", hive_partitioning=True)


def _doc(usage: dict, days: int = 2) -> bytes:
    return json.dumps({"time": [SEP_1 + i * DAY_MS for i in range(days)], "usage": usage}).encode()


# --- ElevenLabs ------------------------------------------------------------------------------------------


def test_elevenlabs_model_breakdown_lands_characters_per_model_and_day():
    raw = _doc({"eleven_multilingual_v2": [1200, 0], "eleven_flash_v2_5": [300, 45]})
    parsed = elevenlabs.parse(raw, "character_stats_api_model_2026-09-01_2026-09-02.json")
    rows = parsed.rows.sort("source_row")
    assert parsed.dataset == "character_stats_model" and parsed.raw_records == 4
    assert parsed.days == [date(2026, 9, 1), date(2026, 9, 2)]
    # by hand: one row per (model, day); a day's bucket ends where the next one starts
    assert rows.select("model", "quantity", "usage_date", "source_row").rows() == [
        ("eleven_flash_v2_5", 300.0, date(2026, 9, 1), "/usage/eleven_flash_v2_5/0"),
        ("eleven_flash_v2_5", 45.0, date(2026, 9, 2), "/usage/eleven_flash_v2_5/1"),
        ("eleven_multilingual_v2", 1200.0, date(2026, 9, 1), "/usage/eleven_multilingual_v2/0"),
        ("eleven_multilingual_v2", 0.0, date(2026, 9, 2), "/usage/eleven_multilingual_v2/1"),
    ]
    assert set(rows.get_column("activity_type")) == {"tts_characters"}
    assert set(rows.get_column("unit")) == {"characters"}
    assert rows.get_column("usage_end").to_list()[0] == datetime(2026, 9, 2, tzinfo=UTC)
    assert rows.get_column("usage_end").to_list()[1] == datetime(2026, 9, 3, tzinfo=UTC)


def test_elevenlabs_a_lone_bucket_lasts_a_day():
    parsed = elevenlabs.parse(_doc({"bo@x": [900]}, days=1), "character_stats_api_keys_2026-09-01.json")
    row = parsed.rows.row(0, named=True)
    assert (row["usage_start"], row["usage_end"], row["api_key_id"]) == (
        datetime(2026, 9, 1, tzinfo=UTC),
        datetime(2026, 9, 2, tzinfo=UTC),
        "bo@x",
    )


def test_elevenlabs_null_is_skipped_and_text_quarantined_nothing_lost():
    raw = _doc({"eleven_v3": [None, "lots"]})
    parsed = elevenlabs.parse(raw, "character_stats_model_2026-09.json")
    assert parsed.skipped.get_column("_record").to_list() == ["/usage/eleven_v3/0"]
    assert parsed.rows.get_column("_problem").to_list() == ["usage value is not a number"]
    assert parsed.raw_records == parsed.rows.height + parsed.skipped.height


@pytest.mark.parametrize(
    ("name", "doc", "problem"),
    [
        ("character_stats_model_x.json", b"[1, 2]", "not a character-stats response"),
        ("character_stats_model_x.json", b'{"time": [1], "usage": {"a": [1, 2]}}', "one value per"),
        ("character_stats_x.json", b'{"time": [1], "usage": {"eleven_v3": [1]}}', "no breakdown in the name"),
        ("character_stats_model_credits_x.json", b'{"time": [1], "usage": {"a": [1]}}', "'characters'"),
    ],
)
def test_elevenlabs_rejects_what_it_cannot_read_by_name(name, doc, problem):
    with pytest.raises(ExportFormatError, match=problem):
        elevenlabs.parse(doc, name)


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.text(min_size=1, max_size=12),
        st.lists(st.one_of(st.none(), st.integers(0, 10**9)), min_size=3, max_size=3),
        max_size=5,
    ),
    st.sampled_from(["model", "voice", "product_type", "api_keys"]),
)
def test_elevenlabs_every_value_lands_or_is_skipped_and_totals_are_kept(usage, breakdown):
    parsed = elevenlabs.parse(_doc(usage, days=3), f"character_stats_{breakdown}_2026-09.json")
    values = [v for series in usage.values() for v in series]
    assert parsed.raw_records == len(values)
    skipped = 0 if parsed.skipped is None else parsed.skipped.height
    assert parsed.rows.height + skipped == len(values)
    assert skipped == sum(v is None for v in values)
    assert parsed.rows.get_column("quantity").sum() == sum(v for v in values if v is not None)
    _valid, invalid = validate(parsed.rows.with_columns(pl.lit("x").alias("source_file")))
    assert invalid.is_empty()


def test_elevenlabs_user_breakdown_lands_only_pseudonyms(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv(KEY_VARIABLE, KEY)
    raw = _doc({"Ana.Lopez@example.com": [100, 20], "bo@example.com": [5, None]})
    with caplog.at_level(logging.DEBUG):
        result, landed = _land(
            tmp_path, elevenlabs.CONNECTOR, raw, "character_stats_api_user_2026-09-01_2026-09-02.json"
        )
    assert (result.rows_landed, result.rows_quarantined) == (3, 0)
    assert "example.com" not in caplog.text
    assert sorted(set(landed.get_column("user_id"))) == sorted(
        {reference("ana.lopez@example.com"), reference("bo@example.com")}
    )


def test_elevenlabs_user_breakdown_needs_the_key_impersonal_ones_do_not(monkeypatch):
    monkeypatch.delenv(KEY_VARIABLE, raising=False)
    raw = _doc({"eleven_v3": [1, 2]})
    assert elevenlabs.scrub(raw, "character_stats_model_x.json") == raw
    with pytest.raises(ConfigError, match=KEY_VARIABLE):
        elevenlabs.scrub(_doc({"ana@example.com": [1, 2]}), "character_stats_user_x.json")


def test_elevenlabs_fetch_asks_the_documented_endpoint_and_lands_its_answer(httpserver, monkeypatch):
    monkeypatch.setenv("ELEVENLABS_API_KEY", "xi-test-secret")
    monkeypatch.setenv("ELEVENLABS_BASE_URL", httpserver.url_for(""))
    answer = {"time": [SEP_1, SEP_1 + DAY_MS], "usage": {"eleven_multilingual_v2": [700, 300]}}
    httpserver.expect_request(
        "/v1/usage/character-stats",
        method="GET",
        headers={"xi-api-key": "xi-test-secret"},
        query_string={
            "start_unix": str(SEP_1),
            "end_unix": str(SEP_1 + 2 * DAY_MS - 1),  # the last millisecond of 2026-09-02
            "include_workspace_metrics": "true",
            "breakdown_type": "model",
            "aggregation_interval": "day",
            "metric": "tts_characters",
        },
    ).respond_with_json(answer)
    [export] = elevenlabs.fetch(date(2026, 9, 1), date(2026, 9, 3))
    assert export.name == "character_stats_api_model_2026-09-01_2026-09-02.json"
    assert b"xi-test-secret" not in export.raw
    parsed = elevenlabs.parse(export.raw, export.name)
    assert parsed.rows.get_column("quantity").to_list() == [700.0, 300.0]


def test_elevenlabs_fetch_401_names_the_variable_never_the_key(httpserver, monkeypatch):
    monkeypatch.setenv("ELEVENLABS_API_KEY", "xi-test-secret")
    monkeypatch.setenv("ELEVENLABS_BASE_URL", httpserver.url_for(""))
    httpserver.expect_request("/v1/usage/character-stats").respond_with_json(
        {"detail": {"status": "invalid_api_key"}}, status=401
    )
    with pytest.raises(ConfigError, match="ELEVENLABS_API_KEY") as err:
        elevenlabs.fetch(date(2026, 9, 1), date(2026, 9, 2))
    assert "xi-test-secret" not in str(err.value)


# --- Jasper ----------------------------------------------------------------------------------------------

JASPER = (
    b"User,2026-07,2026-08,2026-09,Total\n"
    b'Ana.Lopez@example.com,10,,"1,200",1210\n'
    b"bo@example.com,,,,\n"
    b"carla@example.com,3,many,0,3\n"
)


def test_jasper_lands_each_user_month_pseudonymised(tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_VARIABLE, KEY)
    result, landed = _land(tmp_path, jasper.CONNECTOR, JASPER, "jasper_generations_2026Q3.csv")
    # by hand: Ana 10 (Jul) + 1,200 (Sep); bo nothing (skipped); carla 3 (Jul), 0 (Sep), "many" (Aug) held
    assert (result.rows_landed, result.rows_quarantined) == (4, 1)
    got = landed.select("user_id", "usage_date", "quantity").sort("user_id", "usage_date").rows()
    ana, carla = reference("ana.lopez@example.com"), reference("carla@example.com")
    assert sorted(got) == sorted(
        [
            (ana, date(2026, 7, 1), 10.0),
            (ana, date(2026, 9, 1), 1200.0),
            (carla, date(2026, 7, 1), 3.0),
            (carla, date(2026, 9, 1), 0.0),
        ]
    )
    assert set(landed.get_column("activity_type")) == {"generations"}
    # a month row spans the calendar month
    sep = landed.filter(pl.col("usage_date") == date(2026, 9, 1)).row(0, named=True)
    assert (sep["usage_start"], sep["usage_end"]) == (
        datetime(2026, 9, 1, tzinfo=UTC),
        datetime(2026, 10, 1, tzinfo=UTC),
    )


def test_jasper_without_user_or_month_columns_is_rejected_by_name():
    with pytest.raises(ExportFormatError, match="'User'"):
        jasper.parse(b"Name,2026-07\nx,1\n", "j.csv")
    with pytest.raises(ExportFormatError, match="month column"):
        jasper.parse(b"User,Total\nx,1\n", "j.csv")


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.one_of(st.none(), st.integers(0, 10**6)), min_size=3, max_size=3), max_size=6))
def test_jasper_total_of_landed_generations_is_the_sum_of_the_cells(matrix):
    lines = ["User,Jul 2026,Aug 2026,Sep 2026"] + [
        f"pu_{i:024x}," + ",".join("" if v is None else str(v) for v in row) for i, row in enumerate(matrix)
    ]
    parsed = jasper.parse(("\n".join(lines) + "\n").encode(), "j.csv")
    cells = [v for row in matrix for v in row if v is not None]
    assert parsed.rows.height == len(cells)
    assert parsed.rows.get_column("quantity").sum() == sum(cells)
    empty_lines = sum(all(v is None for v in row) for row in matrix)
    assert (0 if parsed.skipped is None else parsed.skipped.height) == empty_lines


# --- Adobe -----------------------------------------------------------------------------------------------

ADOBE = (
    b"Date,User,Product,Feature,Feature Type,Generative Credits\n"
    b"2026-09-01,Ana.Lopez@example.com,Photoshop,Generative Fill,Standard,3\n"
    b'2026-09-02,bo@example.com,Firefly,Generate Video,Premium,"1,000"\n'
    b"2026-09-02,bo@example.com,Firefly,Text to Image,Standard,-2\n"
)


def test_adobe_lands_credits_per_user_feature_and_day_pseudonymised(tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_VARIABLE, KEY)
    result, landed = _land(tmp_path, firefly.CONNECTOR, ADOBE, "generative_credits_2026-09.csv")
    assert (result.rows_landed, result.rows_quarantined) == (2, 1)  # -2 credits: negative, held
    landed = landed.sort("usage_date")
    assert landed.select("service", "quantity", "unit", "user_id").rows() == [
        ("adobe.photoshop", 3.0, "credits", reference("ana.lopez@example.com")),
        ("adobe.firefly", 1000.0, "credits", reference("bo@example.com")),
    ]
    assert json.loads(landed.get_column("attributes")[1]) == {
        "product": "Firefly",
        "feature": "Generate Video",
        "feature_type": "Premium",
    }


def test_adobe_without_credits_column_is_rejected_naming_it():
    with pytest.raises(ExportFormatError, match="credits"):
        firefly.parse(b"Date,Product,Feature\n2026-09-01,Firefly,Text to Image\n", "a.csv")


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.dates(date(2020, 1, 1), date(2030, 12, 31)), st.integers(0, 10**7)), max_size=8))
def test_adobe_every_line_is_one_row_with_its_credits(lines):
    body = "Date,Product,Feature,Generative Credits\n" + "".join(
        f"{d},Firefly,Text to Image,{c}\n" for d, c in lines
    )
    parsed = firefly.parse(body.encode(), "a.csv")
    assert parsed.raw_records == parsed.rows.height == len(lines)
    assert parsed.rows.get_column("quantity").to_list() == [float(c) for _, c in lines]
    assert parsed.rows.get_column("usage_date").to_list() == [d for d, _ in lines]
