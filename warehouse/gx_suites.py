"""Great Expectations suites for the canonical activity, validated on pandas batches.

GX's SQL data source cannot reflect DuckDB tables (duckdb-engine), so each landed partition is read
with Polars and validated as a pandas DataFrame. GX and pandas are imported lazily: GX takes seconds
to import and only checks need it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
import polars.selectors as cs

from connectors.core.schema import ACTIVITY_SCHEMA, ACTIVITY_TYPES, UNITS, VENDORS
from warehouse.gx_workers import map_batches

if TYPE_CHECKING:
    import pandas as pd

NOT_NULL = [
    "activity_id",
    "source",
    "dataset",
    "vendor",
    "activity_type",
    "quantity",
    "unit",
    "usage_start",
    "usage_end",
    "usage_date",
    "source_file",
    "source_row",
    "source_sha256",
    "connector_version",
]


@dataclass
class Validation:
    """The outcome of one suite on one batch, small enough for Dagster metadata."""

    batch: str
    success: bool
    rows: int
    failures: list[dict[str, Any]] = field(default_factory=list)


@cache
def _gx():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.execution_engine import pandas_execution_engine

    # GX fingerprints every row of a pandas batch smaller than HASH_THRESHOLD bytes (a batch marker: md5
    # of pandas' row hashes), skipping larger ones; half the time of validating a landed batch went to it.
    # Nothing here reads the marker: the landing manifest already holds every file's sha256.
    pandas_execution_engine.HASH_THRESHOLD = 0

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch_definition = (
        context.data_sources.add_pandas("ewh_landing")
        .add_dataframe_asset("activity_partition")
        .add_batch_definition_whole_dataframe("whole_partition")
    )
    return gx, context, batch_definition


PARTITION_DAY = "_partition_day"  # the usage_date= folder each row was read from


@cache
def activity_suite():
    """Expectations every landed partition must meet, rows checked against the folder they sit in."""
    gx, context, _ = _gx()
    e = gx.expectations
    suite = gx.ExpectationSuite(name="canonical_activity")
    suite.add_expectation(
        e.ExpectTableColumnsToMatchSet(column_set=[*ACTIVITY_SCHEMA.names(), PARTITION_DAY], exact_match=True)
    )
    for column in NOT_NULL:
        suite.add_expectation(e.ExpectColumnValuesToNotBeNull(column=column))
    suite.add_expectation(e.ExpectColumnValuesToBeUnique(column="activity_id"))
    suite.add_expectation(e.ExpectColumnValuesToBeBetween(column="quantity", min_value=0))
    suite.add_expectation(
        e.ExpectColumnValuesToBeInSet(column="activity_type", value_set=sorted(ACTIVITY_TYPES))
    )
    suite.add_expectation(e.ExpectColumnValuesToBeInSet(column="unit", value_set=sorted(UNITS)))
    suite.add_expectation(e.ExpectColumnValuesToBeInSet(column="vendor", value_set=sorted(VENDORS)))
    suite.add_expectation(e.ExpectColumnPairValuesToBeEqual(column_A="usage_date", column_B=PARTITION_DAY))
    return context.suites.add(suite)


def validate_activity(frame: pd.DataFrame, batch: str) -> Validation:
    """Validate one batch (one or many partitions, with ``_partition_day``); dates compare as ISO text."""
    import pandas as pd

    _, _, batch_definition = _gx()
    frame = frame.assign(usage_date=pd.to_datetime(frame["usage_date"]).dt.strftime("%Y-%m-%d"))
    results = _validate(batch_definition, frame, activity_suite())
    failures = [_without_index(r) for r in results if not r["success"]]
    return Validation(batch=batch, success=not failures, rows=len(frame), failures=failures)


def _validate(batch_definition, frame: pd.DataFrame, suite) -> list[dict[str, Any]]:
    """Run ``suite`` on ``frame`` through a ValidationDefinition saved in the (ephemeral) context.

    ``Batch.validate`` would fetch the batch a second time, and GX fingerprints every row of a pandas
    batch each time it fetches one: this way the batch is fetched (and hashed) once.
    """
    gx, context, _ = _gx()
    definition = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(data=batch_definition, suite=suite, name=suite.name)
    )
    result = definition.run(batch_parameters={"dataframe": frame})
    return [
        {
            "expectation": r.expectation_config.type,
            "column": r.expectation_config.kwargs.get("column"),
            "success": bool(r.success),
            "unexpected_count": r.result.get("unexpected_count"),
            "sample": [str(v) for v in (r.result.get("partial_unexpected_list") or [])[:5]],
            "sample_index": list(r.result.get("partial_unexpected_index_list") or [])[:5],
        }
        for r in result.results
    ]


Expectation = tuple[str, dict[str, Any]]  # a GX expectation's class name and its arguments


def expectation_results(
    frame: pl.DataFrame, expectations: Sequence[Expectation], memo: Path | None = None
) -> list[dict[str, Any]]:
    """Failed expectations of an ad-hoc suite on ``frame``, each naming its offending rows.

    No rows, no failures: GX (seconds to import) is not loaded for an empty frame. With ``memo``, the
    last result is kept in that file with the fingerprint of its input (the frame's values, the
    expectations, the GX version): the same input gives the same result without loading GX, as on an
    unchanged run's mart checks; any change to the input validates again.
    """
    if frame.is_empty():
        return []
    key = _fingerprint(frame, expectations)
    if memo is not None and (known := _recall(memo, key)) is not None:
        return known
    # in ewh run's GX worker process when it opened one (warehouse/gx_workers.py), else here
    failures = map_batches(partial(_evaluate_frame, expectations=expectations), [frame])[0]
    if memo is not None:
        _remember(memo, key, failures)
    return failures


def _evaluate_frame(frame: pl.DataFrame, expectations: Sequence[Expectation]) -> list[dict[str, Any]]:
    return _evaluate(frame.to_pandas(), expectations)


def _evaluate(frame: pd.DataFrame, expectations: Sequence[Expectation]) -> list[dict[str, Any]]:
    gx, context, batch_definition = _gx()
    suite = gx.ExpectationSuite(name="adhoc")
    for name, arguments in expectations:
        suite.add_expectation(getattr(gx.expectations, name)(**arguments))
    suite = context.suites.add_or_update(suite)
    failures = [r for r in _validate(batch_definition, frame, suite) if not r["success"]]
    # name the offending rows (a quarter, a vendor), not only their values
    return [
        {**_without_index(r), "rows": frame.loc[r["sample_index"]].astype(str).to_dict(orient="records")}
        for r in failures
    ]


def _fingerprint(frame: pl.DataFrame, expectations: Sequence[Expectation]) -> str:
    """The input's identity: floats to 12 significant digits (the last bits of a float sum follow the
    order a parallel aggregate happened to add in), the expectations, the GX version."""
    values = frame.with_columns(cs.float().round_sig_figs(12))
    digest = hashlib.sha256(values.write_csv().encode())
    digest.update(json.dumps([metadata.version("great_expectations"), expectations], sort_keys=True).encode())
    return digest.hexdigest()


def _recall(memo: Path, key: str) -> list[dict[str, Any]] | None:
    try:
        kept = json.loads(memo.read_text())
    except (OSError, ValueError):
        return None  # none kept yet, or unreadable: validate
    return kept["failures"] if kept.get("fingerprint") == key else None


def _remember(memo: Path, key: str, failures: list[dict[str, Any]]) -> None:
    memo.parent.mkdir(parents=True, exist_ok=True)
    tmp = memo.with_name(f".{memo.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"fingerprint": key, "failures": failures}, default=str))
    os.replace(tmp, memo)


def _without_index(failure: dict[str, Any]) -> dict[str, Any]:
    """A failure without GX's row positions, which mean nothing outside the batch they came from."""
    return {k: v for k, v in failure.items() if k != "sample_index"}
