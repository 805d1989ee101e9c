"""`ewh factors`: the active release, its hash, and every factor with its source and licence."""

from __future__ import annotations

import csv
import io
import json

import polars as pl

from ewh.cli import main
from ewh.trust.common import factor_rows
from factors.release import factor_files, release_info


def test_factors_lists_release_hash_and_every_cited_factor(capsys):
    assert main(["factors"]) == 0
    out = capsys.readouterr().out
    info = release_info()
    assert f"Factor release: {info['factor_release']}" in out
    assert f"Content sha256: {info['factor_release_sha256']}" in out
    expected = 0
    for path in factor_files():
        with path.open() as f:
            rows = list(csv.DictReader(f))
        if rows and "factor_id" in rows[0]:
            expected += len(rows)
    table = factor_rows()
    assert table.height == expected
    assert table.filter(table["source_url"].is_null() | table["licence"].is_null()).height == 0
    assert "grid.ember.DEU.2024" in out and "CC-BY-4.0 (Ember)" in out


def test_factors_as_csv_and_json_hold_every_row_with_its_source(capsys):
    expected = sum(
        len(rows)
        for path in factor_files()
        if (rows := list(csv.DictReader(path.open()))) and "factor_id" in rows[0]
    )
    assert main(["factors", "--format", "csv", "--table", "grid"]) == 0
    grid = pl.read_csv(io.StringIO(capsys.readouterr().out), infer_schema=False)
    assert grid.height > 0 and all("grid" in t for t in grid["table"])
    assert "grid.ember.DEU.2024" in grid["factor_id"].to_list()
    assert grid["source_url"].null_count() == 0
    assert main(["factors", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["factor_release_sha256"] == release_info()["factor_release_sha256"]
    assert len(payload["factors"]) == expected
    assert all(f["source_url"] and f["licence"] for f in payload["factors"])
