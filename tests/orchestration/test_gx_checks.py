"""The GX check fails on a corrupted partition, and a failing blocking check stops the dbt models."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from connectors.core.config import BUNDLED_SAMPLES
from connectors.core.registry import CONNECTORS
from connectors.landing.validated import landed_partitions
from connectors.landing.zone import ingest_folder
from orchestration.definitions import ALL_JOB, build_definitions
from warehouse.landed_validation import (
    partition_batches,
    validate_partition,
    validate_partitions,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def landed(paths):
    for source, connector in CONNECTORS.items():
        ingest_folder(connector, BUNDLED_SAMPLES / source, paths)
    return paths


def _corrupt(partition: Path) -> None:
    frame = pl.read_parquet(partition)
    bad = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(-1.0).otherwise(pl.col("quantity")).alias("quantity"),
        pl.when(pl.int_range(pl.len()) == 1)
        .then(pl.lit("paperclips"))
        .otherwise(pl.col("activity_type"))
        .alias("activity_type"),
    )
    bad = pl.concat([bad, bad.head(1)])  # a duplicated activity_id
    bad.write_parquet(partition)


def test_clean_partitions_pass(landed):
    partitions = landed_partitions(landed.activity, "anthropic_usage")
    assert len(partitions) == 21
    assert all(validate_partition(p).success for p in partitions[:3])


def test_corrupted_partition_fails_with_the_broken_expectations(landed):
    partition = landed_partitions(landed.activity, "anthropic_usage")[0]
    _corrupt(partition)
    result = validate_partition(partition)
    assert not result.success
    failed = {(f["expectation"], f["column"]) for f in result.failures}
    assert failed == {
        ("expect_column_values_to_be_between", "quantity"),
        ("expect_column_values_to_be_in_set", "activity_type"),
        ("expect_column_values_to_be_unique", "activity_id"),
    }


def test_history_is_validated_in_bounded_batches_and_failures_add_up(landed):
    """Many partitions are validated a few at a time (flat memory); the result is the same as one batch."""
    partitions = landed_partitions(landed.activity, "anthropic_usage")
    counts = [pl.scan_parquet(p).select(pl.len()).collect().item() for p in partitions]
    limit = max(counts) + 1
    batches = partition_batches(partitions, max_rows=limit)
    assert [p for b in batches for p in b] == partitions
    assert len(batches) > 1
    assert all(len(b) == 1 or sum(counts[partitions.index(p)] for p in b) <= limit for b in batches)

    first, last = partitions[0], partitions[-1]
    assert batches[0][0] == first and batches[-1][-1] == last and first not in batches[-1]
    _corrupt(first)
    _corrupt(last)  # each: a negative quantity on row 0, repeated by the duplicate row, and one unknown type
    batched = validate_partitions(partitions, "anthropic_usage", max_rows=limit)
    whole = validate_partitions(partitions, "anthropic_usage", max_rows=10**9)
    assert not batched.success
    assert batched.rows == whole.rows == sum(counts) + 2
    unexpected = {(f["expectation"], f["column"]): f["unexpected_count"] for f in batched.failures}
    assert unexpected[("expect_column_values_to_be_between", "quantity")] == 4
    assert unexpected[("expect_column_values_to_be_in_set", "activity_type")] == 2
    whole_unexpected = {(f["expectation"], f["column"]): f["unexpected_count"] for f in whole.failures}
    assert unexpected == whole_unexpected


def test_wrong_dtype_fails_the_schema_expectation(landed):
    partition = landed_partitions(landed.activity, "openai_usage")[0]
    pl.read_parquet(partition).with_columns(pl.col("quantity").cast(pl.Int64)).write_parquet(partition)
    result = validate_partition(partition)
    assert not result.success
    assert result.failures[0]["expectation"] == "canonical_schema"
    assert "quantity: Int64 != Float64" in result.failures[0]["sample"][0]


def test_a_time_zone_other_than_utc_fails_the_schema_expectation(landed):
    """The Parquet schema is the same (a UTC-adjusted timestamp); the Arrow schema in the footer is not."""
    partition = landed_partitions(landed.activity, "openai_usage")[0]
    frame = pl.read_parquet(partition)
    (zoned, *_) = [n for n, t in frame.schema.items() if isinstance(t, pl.Datetime) and t.time_zone]
    frame.with_columns(pl.col(zoned).dt.convert_time_zone("Europe/Paris")).write_parquet(partition)
    result = validate_partition(partition)
    assert not result.success
    assert result.failures[0]["expectation"] == "canonical_schema"
    assert f"{zoned}: Datetime(time_unit='us', time_zone='Europe/Paris')" in result.failures[0]["sample"][0]


def test_failing_blocking_check_stops_downstream_models(landed, tmp_path):
    """A run over a corrupted landing zone: ingest skips known files, the check fails, dbt never runs."""
    _corrupt(landed_partitions(landed.activity, "openai_usage")[0])
    exports = tmp_path / "exports"
    shutil.copytree(BUNDLED_SAMPLES, exports)
    defs = build_definitions(home=landed.home, exports_dir=exports)
    result = defs.resolve_job_def(ALL_JOB).execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False, partition_key="2026-11-22"
    )
    assert not result.success
    evaluations = {
        (e.asset_check_evaluation_data.asset_key.path[-1], e.asset_check_evaluation_data.passed)
        for e in result.all_events
        if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
    }
    assert ("openai_usage", False) in evaluations
    assert ("anthropic_usage", True) in evaluations
    materialized = {e.asset_key.path[-1] for e in result.all_events if e.is_step_materialization}
    assert "fct_activity_impacts" not in materialized
    assert "mart_quarterly_emissions" not in materialized
    assert not landed.warehouse.exists()


def test_check_validates_only_partitions_written_since_it_last_passed(landed):
    from orchestration.defs.landing.checks import build_landing_check
    from orchestration.defs.resources import WarehouseResource

    check = build_landing_check("anthropic_usage")
    warehouse = WarehouseResource(home=str(landed.home), exports_dir=str(BUNDLED_SAMPLES))
    first = check(warehouse=warehouse)
    assert first.passed and first.metadata["partitions_checked"].value == 21
    again = check(warehouse=warehouse)
    assert again.passed and again.metadata["partitions_checked"].value == 0
    _corrupt(landed_partitions(landed.activity, "anthropic_usage")[3])
    third = check(warehouse=warehouse)
    assert not third.passed and third.metadata["partitions_checked"].value == 1
    # a failed check keeps its mark: the bad partition is checked (and fails) again
    assert check(warehouse=warehouse).metadata["partitions_checked"].value == 1
