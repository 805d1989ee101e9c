"""The landing gate's validation: each landed partition's exact Parquet schema, then the GX suite.

Read by the Dagster landing checks and by the audit pack (``ewh audit-pack``), so both report the same
results for the same partitions.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from connectors.core.schema import ACTIVITY_SCHEMA
from warehouse.gx_suites import PARTITION_DAY, Validation, validate_activity
from warehouse.gx_workers import map_batches


@dataclass(frozen=True)
class _Footer:
    """What the gate keeps of a file's footer: a footer object holds every row group's statistics, and
    thousands of them (a first check of a year of day files) held hundreds of MB."""

    rows: int
    canonical: bool  # the Parquet and Arrow schema Polars writes for the canonical schema


def _footers(partitions: list[Path]) -> list[_Footer]:
    """One read of each file's footer, for its row count and whether its schema is the canonical one (the
    Arrow schema in the footer holds what Parquet does not: a time zone, say)."""
    reference = _canonical_footer()
    footers = []
    for path in partitions:
        meta = pq.read_metadata(path)
        canonical = meta.schema.equals(reference.schema) and meta.metadata == reference.metadata
        footers.append(_Footer(meta.num_rows, canonical))
    return footers


def _schema_failures(partitions: list[Path], footers: list[_Footer]) -> list[str]:
    """Names and dtypes of every file must equal the canonical schema. A canonical footer passes as it is;
    any other file is read by Polars and compared name by name (another writer's file may still match)."""
    expected = dict(ACTIVITY_SCHEMA)
    problems = []
    for path, footer in zip(partitions, footers, strict=True):
        if footer.canonical:
            continue
        schema = pl.read_parquet_schema(path)
        if schema != expected:
            diff = sorted(
                f"{n}: {schema.get(n)} != {expected.get(n)}"
                for n in set(schema) | set(expected)
                if schema.get(n) != expected.get(n)
            )
            problems.append(f"{path.parent.parent.name}/{path.parent.name}: {'; '.join(diff)}")
    return problems


@cache
def _canonical_footer() -> pq.FileMetaData:
    """The footer Polars writes for the canonical activity schema (no rows)."""
    buffer = io.BytesIO()
    pl.DataFrame(schema=ACTIVITY_SCHEMA).write_parquet(buffer)
    buffer.seek(0)
    return pq.read_metadata(buffer)


# rows per GX batch: memory stays flat however much history a first (or backfill) check sees
BATCH_ROWS = 250_000


def partition_batches(
    partitions: list[Path], max_rows: int = BATCH_ROWS, rows: list[int] | None = None
) -> list[list[Path]]:
    """Consecutive partitions grouped so a batch holds at most ``max_rows`` rows (row counts from footers).

    A partition larger than ``max_rows`` is a batch of its own: a partition is never split, so the
    uniqueness expectation still sees each landed file whole.
    """
    counts = rows if rows is not None else [pq.read_metadata(p).num_rows for p in partitions]
    batches: list[list[Path]] = []
    current: list[Path] = []
    held = 0
    for path, n in zip(partitions, counts, strict=True):
        if current and held + n > max_rows:
            batches.append(current)
            current, held = [], 0
        current.append(path)
        held += n
    if current:
        batches.append(current)
    return batches


def validate_partitions(partitions: list[Path], batch: str, max_rows: int = BATCH_ROWS) -> Validation:
    """Schema first, then the GX suite batch by batch (each row with its folder's day), results merged.
    Each file's footer is read once, for its schema and its row count (a first check reads thousands)."""
    footers = _footers(partitions)
    if problems := _schema_failures(partitions, footers):
        return Validation(
            batch=batch,
            success=False,
            rows=0,
            failures=[
                {
                    "expectation": "canonical_schema",
                    "column": None,
                    "success": False,
                    "unexpected_count": len(problems),
                    "sample": problems[:5],
                }
            ],
        )
    groups = partition_batches(partitions, max_rows, [f.rows for f in footers])
    # in ewh run's GX worker processes when it opened them (warehouse/gx_workers.py), else here
    results = map_batches(partial(_validate_batch, batch=batch), groups)
    return merge_validations(results, batch)


def _validate_batch(partitions: list[Path], batch: str) -> Validation:
    """One read of the batch's files (a scan of many files, not a read per file: a first check or a
    backfill sees thousands of day partitions), each row with the ``usage_date=`` folder it sits in."""
    folder_day = {str(p): p.parent.name.removeprefix("usage_date=") for p in partitions}
    frame = (
        pl.scan_parquet(partitions, include_file_paths=_FILE)
        .with_columns(pl.col(_FILE).replace_strict(folder_day).alias(PARTITION_DAY))
        .drop(_FILE)
        .collect()
    )
    return validate_activity(frame.to_pandas(), batch)


_FILE = "_file"


def merge_validations(results: list[Validation], batch: str) -> Validation:
    """One result for many batches: unexpected counts add up per expectation and column, samples capped."""
    merged: dict[tuple[str, str | None], dict] = {}
    for result in results:
        for failure in result.failures:
            key = (failure["expectation"], failure["column"])
            if key not in merged:
                merged[key] = {**failure, "sample": list(failure["sample"])}
                continue
            seen = merged[key]
            counts = [c for c in (seen["unexpected_count"], failure["unexpected_count"]) if c is not None]
            seen["unexpected_count"] = sum(counts) if counts else None
            seen["sample"] = (seen["sample"] + list(failure["sample"]))[:5]
    return Validation(
        batch=batch,
        success=all(r.success for r in results),
        rows=sum(r.rows for r in results),
        failures=list(merged.values()),
    )


def validate_partition(path: Path) -> Validation:
    return validate_partitions([path], f"{path.parent.parent.name}/{path.parent.name}")
