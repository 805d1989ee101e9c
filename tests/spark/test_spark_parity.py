"""The same dbt project on Spark (dbt-spark, session method) gives the same marts as on DuckDB.

One home, one landing zone, one set of seeds and dbt vars: `ewh run --samples` lands the bundled
exports and builds DuckDB through Dagster, then `dbt build --target spark` builds every model, seed and
dbt test in an in-process Spark session. One activity source and one carbon source are left out of the
samples, so Spark also has to read sources that hold nothing but the empty placeholder file.

Needs the `spark` extra and Java 17: `make test-spark` (`pytest -m spark`).
"""

from __future__ import annotations

import shutil

import polars as pl
import pytest

from connectors.core.config import BUNDLED_SAMPLES, Paths
from factors.release import factor_files, release_info
from tests.support.spark_parity import DBT_DIR, build_spark, mismatches, spark_table
from tests.support.warehouse import query_frame

pytestmark = [pytest.mark.spark, pytest.mark.slow]

MARTS = sorted(p.stem for p in (DBT_DIR / "models" / "marts").rglob("*.sql"))
SEEDS = sorted(p.stem for p in factor_files(DBT_DIR / "seeds"))
# an empty exports folder: only the _empty.parquet placeholder lands (a missing folder lands nothing,
# and DuckDB's read_parquet glob then fails)
EMPTY_SOURCES = ("runway_usage", "azure_carbon")
# differ by construction between two builds: when, and which dbt invocation
VOLATILE = ("built_at", "dbt_invocation_id")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    """Land the samples and build DuckDB (``ewh run``), then build Spark from the same home."""
    if shutil.which("java") is None:
        pytest.fail("the Spark tests need Java 17 on PATH (Debian: apt-get install openjdk-17-jre-headless)")
    try:
        import pyspark  # noqa: F401
    except ImportError:
        pytest.fail("the Spark tests need the spark extra: pip install -e '.[spark]' (or make test-spark)")
    from ewh.cli import main

    root = tmp_path_factory.mktemp("spark_parity")
    exports = root / "exports"
    shutil.copytree(BUNDLED_SAMPLES, exports)
    for source in EMPTY_SOURCES:  # the folder stays (that is what lands the placeholder), its exports go
        shutil.rmtree(exports / source)
        (exports / source).mkdir()
    paths = Paths(root / "home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EWH_HOME", str(paths.home))
        mp.delenv("DAGSTER_HOME", raising=False)
        mp.delenv("EWH_WAREHOUSE_PATH", raising=False)
        assert main(["run", "--samples", str(exports)]) == 0

    build_spark(paths, root / "dbt-spark", release_info())
    return paths


def _spark(paths: Paths, name: str) -> pl.DataFrame | None:
    return spark_table(paths, name)


def _duck(paths: Paths, name: str) -> pl.DataFrame:
    return query_frame(paths.warehouse, f"select * from {name}")


def test_empty_sources_hold_only_the_placeholder(built: Paths):
    for folder in (
        built.activity / "source=runway_usage",
        built.landing / "vendor_emissions/source=azure_carbon",
    ):
        assert sorted(p.name for p in folder.rglob("*.parquet")) == ["_empty.parquet"], folder


@pytest.mark.parametrize("name", MARTS + SEEDS)
def test_spark_matches_duckdb(built: Paths, name: str):
    duck = _duck(built, name).drop(VOLATILE, strict=False)
    spark = _spark(built, name)
    if spark is None:  # Spark writes no file for an empty partitioned table
        assert duck.height == 0, f"{name}: no Spark output, {duck.height} rows on duckdb"
        return
    spark = spark.drop(VOLATILE, strict=False)
    problems = mismatches(name, duck, spark)
    assert not problems, "\n".join(problems[:40])


def test_the_marts_hold_the_samples_on_both_engines(built: Paths):
    """Concrete figures, so an empty build on both sides cannot pass as parity."""
    release = release_info()
    for frame in (_duck(built, "meta_factor_release"), _spark(built, "meta_factor_release")):
        assert frame is not None
        assert frame["factor_release"].to_list() == [release["factor_release"]]
        assert frame["factor_release_sha256"].to_list() == [release["factor_release_sha256"]]
    duck = _duck(built, "fct_activity_impacts")
    spark = _spark(built, "fct_activity_impacts")
    assert spark is not None
    assert duck.height == spark.height > 1000
    assert set(duck["vendor"]) == set(spark["vendor"])
    assert "runway" not in set(spark["vendor"]) and "openai" in set(spark["vendor"])
    total = duck["co2e_location_kg"].sum()
    assert total > 0
    assert spark["co2e_location_kg"].sum() == pytest.approx(total, rel=1e-9)
    reported = _spark(built, "mart_vendor_reported_emissions")
    assert reported is not None and reported.height > 0
    assert "azure" not in set(reported["vendor"])
