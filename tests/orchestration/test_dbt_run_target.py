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
