"""Compare every mart of two warehouses built from the same landed data: same figures before and after.

For a restructuring of the dbt project (issue #16 item 4) the marts must not move. Build the samples
with the old code and with the new, then compare:

    python -m tools.compare_marts OLD/warehouse.duckdb NEW/warehouse.duckdb

or let the script build both (the old code from a git ref, exported with ``git archive``):

    python -m tools.compare_marts --base 953ec68 --workdir /tmp/compare

Every table of the old warehouse named ``fct_*``, ``mart_*`` or a build-metadata table (renamed in
#16: ``dim_factor_release`` -> ``meta_factor_release``, ``ewh_run_log`` -> ``meta_build_log``) must exist
in the new one with the same columns and the same rows as a multiset. Floating-point figures may differ
only by summation order (relative 1e-12); everything else exactly. Columns that record when or by
which invocation a build ran (``built_at``, ``dbt_invocation_id``, ``ingested_at``) are left out. A
mart only in the new warehouse is listed, not failed. Exit 0 when equal, 1 with the differences.

DuckDB's parallel sums can differ in the last bit between two runs of the same code; a figure that is
the difference of two such sums (``mart_savings_opportunities.kgco2e_saved_if_all_moved``) can then
differ by more than 1e-12 relative. When only such a column differs, compare its inputs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import duckdb
import polars as pl

RENAMED = {"dim_factor_release": "meta_factor_release", "ewh_run_log": "meta_build_log"}
VOLATILE = {"built_at", "dbt_invocation_id", "ingested_at"}
REL_TOL = 1e-12
REPO = Path(__file__).resolve().parents[1]


def marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    names = [r[0] for r in con.sql("select table_name from information_schema.tables").fetchall()]
    keep = ("fct_", "mart_", "meta_")
    return sorted(n for n in names if n.startswith(keep) or n in RENAMED)


def _frame(con: duckdb.DuckDBPyConnection, table: str) -> pl.DataFrame:
    frame = con.sql(f'select * from "{table}"').pl()
    return frame.drop([c for c in frame.columns if c in VOLATILE])


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    floats = [c for c, t in frame.schema.items() if t.is_float()]
    keys = [c for c in frame.columns if c not in floats]
    order = [c for c in keys if frame.schema[c].is_nested() is False] + floats
    return frame.sort(order, nulls_last=True) if order else frame


def compare_frames(old: pl.DataFrame, new: pl.DataFrame) -> list[str]:
    """Differences between two versions of one mart (empty when equal)."""
    if old.columns != new.columns:
        return [f"columns differ: {old.columns} != {new.columns}"]
    if old.height != new.height:
        return [f"{old.height} rows before, {new.height} after"]
    problems = []
    if old.schema != new.schema:
        changed = {c: (old.schema[c], new.schema[c]) for c in old.columns if old.schema[c] != new.schema[c]}
        problems.append(f"column types differ: {changed}")
    old, new = _sorted(old), _sorted(new)
    for column in old.columns:
        a, b = old.get_column(column), new.get_column(column)
        if a.dtype.is_float() and b.dtype.is_float():
            both = pl.DataFrame({"a": a, "b": b})
            scale = pl.max_horizontal(pl.col("a").abs(), pl.col("b").abs())
            bad = both.filter(
                (pl.col("a").is_null() != pl.col("b").is_null())
                | ((pl.col("a") - pl.col("b")).abs() > REL_TOL * scale)
            )
            if bad.height:
                problems.append(f"{column}: {bad.height} values differ, first {bad.row(0)}")
        elif not a.cast(pl.String).equals(b.cast(pl.String), check_names=False):
            mismatch = (a.cast(pl.String) != b.cast(pl.String)) | (a.is_null() != b.is_null())
            first = int(mismatch.arg_true()[0]) if mismatch.any() else 0
            problems.append(f"{column}: values differ, first at row {first}: {a[first]!r} != {b[first]!r}")
    return problems


def compare(old_warehouse: Path, new_warehouse: Path) -> tuple[dict[str, list[str]], list[str]]:
    """Per old mart, its differences; and the marts only the new warehouse has."""
    old_con = duckdb.connect(str(old_warehouse), read_only=True)
    new_con = duckdb.connect(str(new_warehouse), read_only=True)
    try:
        old_names, new_names = marts(old_con), marts(new_con)
        results = {}
        for name in old_names:
            renamed = RENAMED.get(name, name)
            if renamed not in new_names:
                results[name] = [f"missing from the new warehouse (as {renamed})"]
                continue
            results[name] = compare_frames(_frame(old_con, name), _frame(new_con, renamed))
        mapped = {RENAMED.get(n, n) for n in old_names}
        return results, [n for n in new_names if n not in mapped]
    finally:
        old_con.close()
        new_con.close()


def build(code: Path, home: Path) -> Path:
    """`ewh run` on the bundled samples with the code in ``code``, into a fresh ``home``."""
    shutil.rmtree(home, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(code), "EWH_HOME": str(home)}
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    # the seat samples land only as keyed pseudonyms: one key for both builds, so their rows compare
    env.setdefault("EWH_PSEUDONYM_KEY", "compare-marts-pseudonym-key")
    env.pop("EWH_WAREHOUSE_PATH", None)
    env.pop("DAGSTER_HOME", None)
    subprocess.run([sys.executable, "-m", "ewh.cli", "run"], cwd=code, env=env, check=True)
    return home / "warehouse.duckdb"


def export_ref(ref: str, folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    archive = folder.with_suffix(".tar")
    subprocess.run(["git", "-C", str(REPO), "archive", "-o", str(archive), ref], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    archive.unlink()
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouses", nargs="*", type=Path, help="OLD and NEW warehouse.duckdb")
    parser.add_argument("--base", help="git ref of the old code: build it and this checkout on the samples")
    parser.add_argument("--workdir", type=Path, help="where --base builds (default: a temporary folder)")
    args = parser.parse_args(argv)
    if args.base:
        work = args.workdir or Path(tempfile.mkdtemp(prefix="compare-marts-"))
        old = build(export_ref(args.base, work / "base"), work / "home-base")
        new = build(REPO, work / "home-new")
    elif len(args.warehouses) == 2:
        old, new = args.warehouses
    else:
        parser.error("give OLD and NEW warehouses, or --base REF")
    results, added = compare(old, new)
    failed = False
    for name, problems in results.items():
        label = f"{name} -> {RENAMED[name]}" if name in RENAMED else name
        if problems:
            failed = True
            print(f"DIFFERS  {label}")
            for problem in problems:
                print(f"         {problem}")
        else:
            print(f"same     {label}")
    for name in added:
        print(f"new      {name}")
    print(f"{sum(not p for p in results.values())} of {len(results)} marts identical")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
