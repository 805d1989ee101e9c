"""Compare one dbt relation as built by DuckDB and by Spark, value by value.

Engines disagree on physical types (DECIMAL vs DOUBLE, BIGINT vs INT, TIMESTAMPTZ vs TIMESTAMP), not on
values; every frame is normalised first: numbers to Float64, timestamps to naive UTC microseconds.
Rows are compared after sorting on every non-float column (then the floats), since neither engine
promises an order.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl

from connectors.core.config import REPO_ROOT, Paths

REL_TOL = 1e-9
ABS_TOL = 1e-12  # for figures that are 0 on one side and 1e-18 on the other


def read_spark_table(folder: Path) -> pl.DataFrame | None:
    """A Spark-written Parquet table (partition folders included), or None when Spark wrote no file.

    Spark writes no file at all for an empty partitioned table, so the caller decides what empty means.
    """
    files = [p for p in folder.rglob("*.parquet") if not p.name.startswith(("_", "."))]
    if not files:
        return None
    partitioned = any(p.parent != folder for p in files)
    con = duckdb.connect()
    try:
        return con.sql(
            f"select * from read_parquet('{folder}/**/*.parquet', union_by_name = true, "
            f"hive_partitioning = {str(partitioned).lower()})"
        ).pl()
    finally:
        con.close()


def normalise(frame: pl.DataFrame) -> pl.DataFrame:
    columns = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype.is_numeric():
            column = column.cast(pl.Float64)
        elif isinstance(dtype, pl.Datetime):
            if dtype.time_zone is not None:
                column = column.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
            column = column.cast(pl.Datetime("us"))
        columns.append(column)
    return frame.select(columns)


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    keys = [n for n, t in frame.schema.items() if t != pl.Float64]
    floats = [n for n, t in frame.schema.items() if t == pl.Float64]
    order = keys + floats
    return frame.sort(order, nulls_last=True) if order else frame


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)


def mismatches(name: str, duck: pl.DataFrame, spark: pl.DataFrame, limit: int = 5) -> list[str]:
    """Every way the Spark frame differs from the DuckDB frame (empty when they match)."""
    if set(duck.columns) != set(spark.columns):
        return [
            f"{name}: columns only in duckdb {sorted(set(duck.columns) - set(spark.columns))}, "
            f"only in spark {sorted(set(spark.columns) - set(duck.columns))}"
        ]
    duck = normalise(duck)
    spark = normalise(spark.select(duck.columns))
    problems = [
        f"{name}.{col}: duckdb {duck.schema[col]} vs spark {spark.schema[col]}"
        for col in duck.columns
        if duck.schema[col] != spark.schema[col]
    ]
    if problems:
        return problems
    if duck.height != spark.height:
        return [f"{name}: {duck.height} rows on duckdb, {spark.height} on spark"]
    duck, spark = _sorted(duck), _sorted(spark)
    for col in duck.columns:
        left, right = duck[col].to_list(), spark[col].to_list()
        if duck.schema[col] == pl.Float64:
            bad = [i for i, (a, b) in enumerate(zip(left, right, strict=True)) if not _close(a, b)]
        else:
            bad = [i for i, (a, b) in enumerate(zip(left, right, strict=True)) if a != b]
        problems += [f"{name}.{col} row {i}: duckdb {left[i]!r} vs spark {right[i]!r}" for i in bad[:limit]]
    return problems


DBT_DIR = REPO_ROOT / "dbt_project"
SCHEMA = "ewh"


def build_spark(paths: Paths, work: Path, vars_: dict) -> None:
    """``dbt build --target spark`` of the home ``paths`` (dbt-spark session, in-process); must pass."""
    env = (
        os.environ | paths.dbt_env() | {"EWH_SPARK_SCHEMA": SCHEMA, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    )
    command = [
        str(Path(sys.executable).parent / "dbt"),
        "build",
        "--target", "spark",
        # the formulas' dbt unit tests run on the DuckDB build; parity is about the built tables
        "--exclude", "test_type:unit",
        "--vars", json.dumps(vars_),
        "--project-dir", str(DBT_DIR),
        "--profiles-dir", str(DBT_DIR),
        "--target-path", str(work / "target"),
        "--log-path", str(work / "logs"),
    ]  # fmt: skip
    result = subprocess.run(
        command, cwd=work.parent, env=env, capture_output=True, text=True, timeout=1500, check=False
    )
    summary = [
        line for line in result.stdout.splitlines() if "ERROR" in line or "FAIL" in line or "Done." in line
    ]
    assert result.returncode == 0, (
        "dbt build --target spark failed:\n" + "\n".join(summary[-40:]) + "\n" + result.stderr[-3000:]
    )
    assert "ERROR=0" in result.stdout and "SKIP=0" in result.stdout, "\n".join(summary[-10:])


def spark_table(paths: Paths, name: str) -> pl.DataFrame | None:
    return read_spark_table(paths.home / "spark" / "warehouse" / f"{SCHEMA}.db" / name)
