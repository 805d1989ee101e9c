"""User identifiers land only as keyed pseudonyms: in the raw copy, the rows, the quarantine and errors.

The reference for each pseudonym is the standard library's HMAC-SHA256 computed here, not the module.
"""

from __future__ import annotations

import hashlib
import hmac
import io
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors.core.base import Connector, ParsedExport
from connectors.core.config import Paths
from connectors.core.http import ConfigError
from connectors.core.pseudonym import KEY_VARIABLE, pseudonym, scrub_csv, scrub_json
from connectors.core.schema import PARSED_SCHEMA, conform
from connectors.landing.zone import ingest_bytes, init_landing, read_manifest

KEY = "a-test-key-of-32-characters-long"
EXPORT = (
    b"date,user_email,messages\n"
    b"2026-10-01,Ana.Lopez@example.com,12\n"
    b"2026-10-01,bo@example.com,-3\n"  # negative: quarantined, with its record
    b"2026-10-02, ana.lopez@example.com ,5\n"
)
EMAILS = (b"Ana.Lopez@example.com", b"ana.lopez@example.com", b"bo@example.com", b"example.com")


def reference(identifier: str) -> str:
    return (
        "pu_"
        + hmac.new(KEY.encode(), identifier.strip().casefold().encode(), hashlib.sha256).hexdigest()[:24]
    )


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv(KEY_VARIABLE, KEY)


def _parse(raw: bytes, name: str) -> ParsedExport:
    """A seat-like export: one spend row per CSV record, the user as ``account``."""
    frame = pl.read_csv(io.BytesIO(raw), infer_schema=False).with_row_index("_n")
    day = pl.col("date").str.to_date()
    start = day.cast(pl.Datetime("us", "UTC"))
    rows = frame.select(
        pl.lit("openai").alias("vendor"),
        pl.lit("seats").alias("dataset"),
        pl.lit("spend").alias("activity_type"),
        pl.lit("currency").alias("unit"),
        pl.col("messages").cast(pl.Float64).alias("quantity"),
        start.alias("usage_start"),
        (start + pl.duration(days=1)).alias("usage_end"),
        day.alias("usage_date"),
        pl.col("user_email").alias("account"),
        pl.concat_str(pl.col("date"), pl.col("user_email")).alias("natural_key"),
        pl.format("line {}", pl.col("_n") + 2).alias("source_row"),
        pl.format("line {}", pl.col("_n") + 2).alias("_record"),
    )
    days = rows.get_column("usage_date").unique().sort().to_list()
    return ParsedExport("seats", conform(rows, PARSED_SCHEMA), days, frame.height)


CONNECTOR = Connector(
    source="openai_usage",  # a registered source name, so landing accepts it; the parse is the test's
    vendor="openai",
    version="test",
    file_patterns=("*.csv",),
    parse=_parse,
    description="seat-like test export",
    scrub=lambda raw, name: scrub_csv(raw, ["user_email"]),
)


def test_pseudonym_is_the_keyed_hash_of_the_trimmed_case_folded_identifier():
    key = KEY.encode()
    assert pseudonym("Ana.Lopez@example.com", key) == reference("ana.lopez@example.com")
    assert pseudonym(" ana.lopez@example.com ", key) == pseudonym("ANA.LOPEZ@EXAMPLE.COM", key)
    assert pseudonym("bo@example.com", key) != pseudonym("bo@example.com", b"another-key-of-enough-length")
    assert pseudonym(None, key) is None


@given(st.text(min_size=1))
def test_pseudonymising_is_idempotent(identifier):
    once = pseudonym(identifier, KEY.encode())
    assert pseudonym(once, KEY.encode()) == once


def test_missing_or_short_key_is_a_configuration_error(monkeypatch):
    monkeypatch.delenv(KEY_VARIABLE)
    with pytest.raises(ConfigError, match=KEY_VARIABLE):
        scrub_csv(EXPORT, ["user_email"])
    monkeypatch.setenv(KEY_VARIABLE, "short")
    with pytest.raises(ConfigError):
        scrub_json(b'{"email": "x@example.com"}', ["email"])


def test_scrub_json_reaches_nested_keys_and_json_lines():
    doc = b'{"data": [{"email": "Ana.Lopez@example.com", "n": 1}, {"user": {"email": "bo@example.com"}}]}'
    out = scrub_json(doc, ["email"])
    assert not any(e in out for e in EMAILS)
    assert reference("ana.lopez@example.com").encode() in out and reference("bo@example.com").encode() in out
    lines = b'{"email": "bo@example.com"}\n{"email": null}\n'
    assert scrub_json(lines, ["email"]).splitlines() == [
        f'{{"email": "{reference("bo@example.com")}"}}'.encode(),
        b'{"email": null}',
    ]


def _all_bytes(home: Path) -> bytes:
    return b"".join(p.read_bytes() for p in home.rglob("*") if p.is_file())


def test_landing_keeps_no_identifier_anywhere(tmp_path):
    paths = Paths(tmp_path)
    init_landing(paths, ["openai_usage"])
    result = ingest_bytes(
        CONNECTOR, EXPORT, "seats_2026-10.csv", paths, now=datetime(2026, 10, 3, tzinfo=UTC)
    )
    assert (result.rows_landed, result.rows_quarantined) == (2, 1)
    stored = _all_bytes(tmp_path)
    assert not any(e in stored for e in EMAILS)
    landed = pl.read_parquet(paths.activity / "source=openai_usage", hive_partitioning=True)
    assert sorted(landed.get_column("account").to_list()) == [reference("ana.lopez@example.com")] * 2
    # the same export again is recognised (the scrubbed bytes hash the same): nothing duplicated
    again = ingest_bytes(CONNECTOR, EXPORT, "seats_2026-10.csv", paths)
    assert again.skipped


def test_an_export_that_cannot_be_pseudonymised_is_rejected_without_a_copy(tmp_path):
    paths = Paths(tmp_path)
    init_landing(paths, ["openai_usage"])
    ragged = EXPORT + b"2026-10-03,carla@example.com,1,extra,cells\n"
    result = ingest_bytes(CONNECTOR, ragged, "ragged.csv", paths)
    assert result.rejected and "pseudonymise" in result.error
    assert b"carla@example.com" not in _all_bytes(tmp_path)
    manifest = read_manifest(paths)
    assert manifest.get_column("status").to_list() == ["rejected"]
    assert manifest.get_column("source_file").to_list() == [None]


def test_a_connector_without_scrub_lands_bytes_unchanged(tmp_path):
    paths = Paths(tmp_path)
    init_landing(paths, ["openai_usage"])
    ingest_bytes(replace(CONNECTOR, scrub=None), EXPORT, "plain.csv", paths)
    assert b"bo@example.com" in _all_bytes(tmp_path)  # the control: the scrub is what removes them
