"""A nightly on Spark rebuilds the changed days as DuckDB's does: a re-landed day, and a day a newer export
emptied (its partition removed, its index row kept with 0 rows).

One home: `ewh run --samples` builds DuckDB through Dagster, then `dbt build --target spark`; a re-export
of one OpenAI usage week (its first day without results, its second day's input tokens doubled) lands
with a second `ewh run` (DuckDB incremental), and a second Spark build rebuilds the same days there (the
changed days' partitions dropped, then a dynamic partition overwrite). Every mart and incremental table
then matches between the engines, and both hold the re-export's figures.

Needs the `spark` extra and Java 17: `make test-spark` (`pytest -m spark`).
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime

import polars as pl
import pytest

from connectors.core.config import BUNDLED_SAMPLES, Paths
from factors.release import release_info
from tests.support.spark_parity import DBT_DIR, build_spark, mismatches, spark_table
from tests.support.warehouse import query_frame

pytestmark = [pytest.mark.spark, pytest.mark.slow]

WEEK = "completions_usage_2026-07-06_2026-07-12.json"
INCREMENTAL = ("int_activity_unioned", "fct_activity_impacts", "fct_ad_impacts", "fct_vendor_costs")
MARTS = sorted(p.stem for p in (DBT_DIR / "models" / "marts").rglob("*.sql"))
# which build wrote a row; a DuckDB quarterly mart keeps the watermark of the build that last totalled an
# unchanged period (macros/incremental_periods.sql), Spark rebuilds its marts whole
VOLATILE = ("built_at", "dbt_invocation_id", "landed_through")


def _day(bucket: dict) -> str:
    return datetime.fromtimestamp(bucket["start_time"], UTC).date().isoformat()


@pytest.fixture(scope="module")
def nightly(tmp_path_factory: pytest.TempPathFactory) -> tuple[Paths, str, str]:
    """The home after a full build and a nightly on both engines: (paths, emptied day, doubled day)."""
    if shutil.which("java") is None:
        pytest.fail("the Spark tests need Java 17 on PATH (Debian: apt-get install openjdk-17-jre-headless)")
    from ewh.cli import main

    root = tmp_path_factory.mktemp("spark_nightly")
    exports = root / "exports"
    shutil.copytree(BUNDLED_SAMPLES, exports)
    paths = Paths(root / "home")
    payload = json.loads((exports / "openai_usage" / WEEK).read_text())
    emptied, doubled = _day(payload["data"][0]), _day(payload["data"][1])
    payload["data"][0]["results"] = []
    for result in payload["data"][1]["results"]:
        result["input_tokens"] *= 2
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EWH_HOME", str(paths.home))
        mp.delenv("DAGSTER_HOME", raising=False)
        mp.delenv("EWH_WAREHOUSE_PATH", raising=False)
        mp.setenv("EWH_PSEUDONYM_KEY", "spark-nightly-test-key-not-a-secret")
        assert main(["run", "--samples", str(exports)]) == 0
        build_spark(paths, root / "spark-full", release_info())
        (exports / "openai_usage" / WEEK.replace(".json", "_reexport.json")).write_text(json.dumps(payload))
        assert main(["run", "--samples", str(exports)]) == 0
    build_spark(paths, root / "spark-nightly", release_info())
    compiled = next((root / "spark-nightly" / "target" / "compiled").rglob("fct_activity_impacts.sql"))
    assert f"cast('{emptied}' as date)" in compiled.read_text(), "the Spark nightly was not incremental"
    return paths, emptied, doubled


@pytest.mark.parametrize("name", INCREMENTAL + tuple(MARTS))
def test_the_spark_nightly_matches_the_duckdb_nightly(nightly, name: str):
    paths, _, _ = nightly
    duck = query_frame(paths.warehouse, f"select * from {name}").drop(VOLATILE, strict=False)
    spark = spark_table(paths, name)
    if spark is None:
        assert duck.height == 0, f"{name}: no Spark output, {duck.height} rows on duckdb"
        return
    problems = mismatches(name, duck, spark.drop(VOLATILE, strict=False))
    assert not problems, "\n".join(problems[:40])


def test_both_engines_hold_the_reexport(nightly):
    paths, emptied, doubled = nightly
    openai = pl.col("source").eq("openai_usage")
    spark = spark_table(paths, "fct_activity_impacts")
    assert spark is not None
    for frame in (query_frame(paths.warehouse, "select * from fct_activity_impacts"), spark):
        days = frame.filter(openai)["usage_date"].cast(pl.String)
        assert emptied not in set(days), "the emptied day kept its rows"
        assert doubled in set(days)
