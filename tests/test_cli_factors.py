"""`ewh factors`: the active release, its hash, and every factor with its source and licence."""

from __future__ import annotations

import csv

from factors.release import SEEDS, release_info
from orchestration.cli import factor_table, main


def test_factors_lists_release_hash_and_every_cited_factor(capsys):
    assert main(["factors"]) == 0
    out = capsys.readouterr().out
    info = release_info()
    assert f"Factor release: {info['factor_release']}" in out
    assert f"Content sha256: {info['factor_release_sha256']}" in out
    expected = 0
    for path in SEEDS.glob("*.csv"):
        with path.open() as f:
            rows = list(csv.DictReader(f))
        if rows and "factor_id" in rows[0]:
            expected += len(rows)
    table = factor_table()
    assert table.height == expected
    assert table.filter(table["source_url"].is_null() | table["licence"].is_null()).height == 0
    assert "grid.ember.DEU.2024" in out and "CC-BY-4.0 (Ember)" in out
