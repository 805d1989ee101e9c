"""dbt's per-run target folders live in the home and are pruned, so nightly runs do not fill the disk."""

from __future__ import annotations

import os

from orchestration.defs.warehouse.dbt_assets import run_target


def test_run_target_keeps_the_newest_folders_and_returns_a_fresh_one(tmp_path):
    runs = tmp_path / "dbt" / "runs"
    for i in range(12):
        folder = runs / f"run-{i:02d}"
        folder.mkdir(parents=True)
        (folder / "run_results.json").write_text("{}")
        os.utime(folder, (1_000_000 + i, 1_000_000 + i))
    target = run_target(runs, "run-new", keep=5)
    assert target == runs / "run-new"
    assert not target.exists()  # dbt creates it
    assert sorted(p.name for p in runs.iterdir()) == ["run-08", "run-09", "run-10", "run-11"]


def test_a_new_run_starts_from_the_newest_earlier_runs_partial_parse(tmp_path):
    """dbt then re-parses only the files changed since that build (same home, same paths)."""
    runs = tmp_path / "dbt" / "runs"
    for i, content in enumerate([b"oldest", b"newest", None]):  # the newest run has no parse file
        folder = runs / f"run-{i}"
        folder.mkdir(parents=True)
        if content is not None:
            (folder / "partial_parse.msgpack").write_bytes(content)
        os.utime(folder, (1_000_000 + i, 1_000_000 + i))
    target = run_target(runs, "run-new", keep=5)
    assert (target / "partial_parse.msgpack").read_bytes() == b"newest"


def test_the_first_run_of_a_home_has_no_partial_parse_to_start_from(tmp_path):
    target = run_target(tmp_path / "runs", "run-1")
    assert not target.exists()  # dagster-dbt then copies the prepared project's, and dbt parses
