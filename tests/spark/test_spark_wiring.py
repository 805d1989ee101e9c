"""Fast checks of the Spark wiring that need no Spark: the generated sources and the parity comparison."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import polars as pl
import pytest
import yaml

from connectors.core.config import REPO_ROOT
from connectors.core.schema import ACTIVITY_SCHEMA, QUARANTINE_SCHEMA, VENDOR_EMISSIONS_SCHEMA
from orchestration.lib.dbt_sources import sources_yaml, spark_columns, spark_type
from tests.support.spark_parity import mismatches

SOURCES_YML = REPO_ROOT / "dbt_project" / "models" / "staging" / "_landing__sources.yml"


def test_sources_yml_is_the_generator_output():
    assert SOURCES_YML.read_text() == sources_yaml(), "run: python -m orchestration.lib.dbt_sources"


def test_every_source_group_declares_its_spark_table():
    groups = {g["name"]: g for g in yaml.safe_load(SOURCES_YML.read_text())["sources"]}
    expected = {
        "landing": ACTIVITY_SCHEMA,
        "vendor_emissions": VENDOR_EMISSIONS_SCHEMA,
        "quarantine": QUARANTINE_SCHEMA,
    }
    assert set(groups) == set(expected)
    for name, schema in expected.items():
        meta = groups[name]["meta"]
        declared = [c.split() for c in meta["spark_columns"].split(", ")]
        assert [c[0] for c in declared] == list(schema), name
        assert meta["spark_location"].endswith("/source={name}")
        # the Spark glob is the one inside DuckDB's read_parquet, so both engines read the same files
        assert f"source={{name}}/{meta['spark_glob']}'" in meta["external_location"]


def test_spark_types_follow_the_parquet_polars_writes():
    assert spark_type(pl.Datetime("us", "UTC")) == "timestamp"
    assert spark_type(pl.Decimal(38, 12)) == "decimal(38,12)"
    assert spark_type(pl.Date) == "date"
    assert "cost_amount decimal(38,12)" in spark_columns(ACTIVITY_SCHEMA)
    with pytest.raises(TypeError, match="no Spark type"):
        spark_type(pl.List(pl.String))


def _frames():
    duck = pl.DataFrame(
        {
            "quarter": ["2026Q3", "2026Q4"],
            "kg": [Decimal("1.5"), Decimal("2.25")],
            "rows": [3, 4],
            "at": [datetime(2026, 7, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC)],
            "day": [date(2026, 7, 1), date(2026, 10, 1)],
        }
    )
    # Spark's physical types and row order differ; values do not
    spark = pl.DataFrame(
        {
            "quarter": ["2026Q4", "2026Q3"],
            "kg": [2.25 * (1 + 1e-12), 1.5],
            "rows": pl.Series([4, 3], dtype=pl.Int32),
            "at": [datetime(2026, 10, 1), datetime(2026, 7, 1)],
            "day": [date(2026, 10, 1), date(2026, 7, 1)],
        }
    )
    return duck, spark


def test_parity_accepts_equal_values_in_other_types_and_order():
    duck, spark = _frames()
    assert mismatches("m", duck, spark) == []


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("kg", 2.25 * (1 + 1e-6), "m.kg row 1"),
        ("kg", None, "m.kg row"),
        ("quarter", "2026Q2", "m.quarter row"),
        ("day", date(2026, 10, 2), "m.day row 1"),
    ],
)
def test_parity_reports_a_changed_value(column, value, expected):
    duck, spark = _frames()
    spark = spark.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.lit(value, dtype=spark.schema[column]))
        .otherwise(pl.col(column))
        .alias(column)
    )
    assert any(p.startswith(expected) for p in mismatches("m", duck, spark))


def test_parity_reports_missing_rows_and_columns():
    duck, spark = _frames()
    assert mismatches("m", duck, spark.head(1)) == ["m: 2 rows on duckdb, 1 on spark"]
    assert "only in duckdb ['day']" in mismatches("m", duck, spark.drop("day"))[0]
