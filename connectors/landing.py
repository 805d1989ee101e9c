"""The landing zone: archive each raw export by content hash, land its rows as Parquet, quarantine the rest.

Layout under ``<EWH_HOME>/landing``::

    raw/<source>/<sha256><ext>                                     immutable copy of every export
    activity/source=<s>/dataset=<d>/usage_date=<day>/part-0.parquet  canonical rows, one file per day
    quarantine/source=<s>/<sha256>.parquet                         rows that failed validation, with reason
    manifest.parquet                                               one row per ingested file

Re-ingesting a file already in the manifest does nothing. A new export replaces, for its source and
dataset, every day it covers (days with no usage included), so a corrected re-export never duplicates.
Every file is written to a temporary name and renamed into place; the manifest is written last, so a
crash part-way leaves the file un-recorded and the next run lands it again from scratch.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import polars as pl

from connectors.base import Connector
from connectors.config import Paths
from connectors.schema import (
    ACTIVITY_SCHEMA,
    QUARANTINE_SCHEMA,
    VENDOR_EMISSIONS_SCHEMA,
    conform,
    validate,
    validate_emissions,
)

MANIFEST_SCHEMA = pl.Schema(
    {
        "source_sha256": pl.String,
        "source": pl.String,
        "dataset": pl.String,
        "original_name": pl.String,
        "source_file": pl.String,
        "size_bytes": pl.Int64,
        "raw_records": pl.Int64,
        "rows_in": pl.Int64,
        "rows_landed": pl.Int64,
        "rows_quarantined": pl.Int64,
        "first_day": pl.Date,
        "last_day": pl.Date,
        "days_covered": pl.Int64,
        "connector_version": pl.String,
        "ingested_at": pl.Datetime("us", "UTC"),
    }
)


@dataclass(frozen=True)
class LandingTable:
    """A landed table: its schema, id column, the day column its files are partitioned by, its rules."""

    name: str
    schema: pl.Schema
    id_column: str
    day_column: str
    validate: Callable[[pl.DataFrame], tuple[pl.DataFrame, pl.DataFrame]]


TABLES = {
    "activity": LandingTable("activity", ACTIVITY_SCHEMA, "activity_id", "usage_date", validate),
    "vendor_emissions": LandingTable(
        "vendor_emissions", VENDOR_EMISSIONS_SCHEMA, "record_id", "period_start", validate_emissions
    ),
}


class RowConservationError(RuntimeError):
    """Rows in != rows landed + rows quarantined: something was lost, so nothing is recorded."""


@dataclass(frozen=True)
class IngestResult:
    source: str
    original_name: str
    source_sha256: str
    skipped: bool
    dataset: str | None = None
    raw_records: int = 0
    rows_in: int = 0
    rows_landed: int = 0
    rows_quarantined: int = 0
    days: tuple[date, ...] = ()

    def as_dict(self) -> dict:
        return asdict(self) | {"days": [d.isoformat() for d in self.days]}


def atomic_write_parquet(frame: pl.DataFrame, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        frame.write_parquet(tmp, compression="zstd", statistics=True)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_copy(src_bytes: bytes, target: Path) -> None:
    if target.exists():
        return  # content-addressed: an existing file already holds exactly these bytes
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_bytes(src_bytes)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def init_landing(paths: Paths, sources: list[str], table: str = "activity") -> None:
    """Create the landing folders, with an empty typed file per source so dbt's globs never come up empty."""
    spec = TABLES[table]
    for source in sources:
        for folder, schema in (
            (paths.landing / spec.name, spec.schema),
            (paths.quarantine, QUARANTINE_SCHEMA),
        ):
            empty = folder / f"source={source}" / "_empty.parquet"
            if not empty.exists():
                atomic_write_parquet(schema.to_frame(eager=True), empty)
    paths.raw.mkdir(parents=True, exist_ok=True)


def read_manifest(paths: Paths) -> pl.DataFrame:
    if paths.manifest.exists():
        return pl.read_parquet(paths.manifest)
    return MANIFEST_SCHEMA.to_frame(eager=True)


def partition_path(paths: Paths, source: str, dataset: str, day: date, table: str = "activity") -> Path:
    spec = TABLES[table]
    return (
        paths.landing
        / spec.name
        / f"source={source}"
        / f"dataset={dataset}"
        / f"{spec.day_column}={day.isoformat()}"
        / "part-0.parquet"
    )


def stable_ids(keys: pl.Series) -> pl.Series:
    """md5 of each key, computed in DuckDB: deterministic across processes and library versions."""
    con = duckdb.connect()
    try:
        con.register("keys", keys.to_frame("k"))
        return con.sql("SELECT md5(k) AS activity_id FROM keys").pl().get_column("activity_id")
    finally:
        con.close()


def ingest_file(
    connector: Connector, path: Path, paths: Paths, *, now: datetime | None = None
) -> IngestResult:
    """Land one export file. Raises ``ExportFormatError`` if the file cannot be read at all."""
    return ingest_bytes(connector, path.read_bytes(), path.name, paths, now=now)


def ingest_bytes(
    connector: Connector, raw: bytes, name: str, paths: Paths, *, now: datetime | None = None
) -> IngestResult:
    """Land one export given as bytes: a file's content, or an API response set named like a file."""
    table = TABLES[connector.table]
    init_landing(paths, [connector.source], connector.table)
    sha = hashlib.sha256(raw).hexdigest()
    manifest = read_manifest(paths)
    if manifest.filter((pl.col("source") == connector.source) & (pl.col("source_sha256") == sha)).height:
        return IngestResult(connector.source, name, sha, skipped=True)

    parsed = connector.parse(raw, name)
    now = now or datetime.now(UTC)
    archived = paths.raw / connector.source / f"{sha}{Path(name).suffix}"
    source_file = archived.relative_to(paths.landing).as_posix()

    rows = parsed.rows.with_columns(
        pl.lit(connector.source).alias("source"),
        pl.lit(parsed.dataset).alias("dataset"),
        pl.lit(source_file).alias("source_file"),
        pl.lit(sha).alias("source_sha256"),
        pl.lit(connector.version).alias("connector_version"),
        pl.lit(now).cast(table.schema["ingested_at"]).alias("ingested_at"),
    )
    keys = rows.select(
        pl.concat_str([pl.col("source"), pl.col("dataset"), pl.col("natural_key")], separator="|")
    )
    rows = rows.with_columns(stable_ids(keys.to_series()).alias(table.id_column))
    valid, invalid = table.validate(rows)
    duplicate = ~pl.col(table.id_column).is_first_distinct()
    invalid = pl.concat(
        [
            invalid,
            valid.filter(duplicate).with_columns(
                pl.lit(table.id_column).alias("_field"),
                pl.lit("duplicate natural key within the export").alias("_reason"),
            ),
        ],
        how="vertical_relaxed",
    )
    valid = conform(valid.filter(~duplicate), table.schema)
    quarantined = _quarantine_rows(invalid, now)

    if rows.height != valid.height + quarantined.height:
        raise RowConservationError(
            f"[{connector.source}] {name}: {rows.height} rows in, {valid.height} landed + "
            f"{quarantined.height} quarantined"
        )

    atomic_copy(raw, archived)
    by_day = valid.partition_by(table.day_column, as_dict=True)
    for day in parsed.days:
        target = partition_path(paths, connector.source, parsed.dataset, day, connector.table)
        day_rows = by_day.pop((day,), None)
        if day_rows is None:
            if target.exists():
                shutil.rmtree(target.parent)  # the new export says this day has no usage
            continue
        atomic_write_parquet(day_rows.sort(table.id_column), target)
    if by_day:  # rows dated outside the export's buckets would be a connector bug
        raise RowConservationError(f"[{connector.source}] {name}: rows outside covered days {list(by_day)}")
    if quarantined.height:
        atomic_write_parquet(quarantined, paths.quarantine / f"source={connector.source}" / f"{sha}.parquet")

    result = IngestResult(
        source=connector.source,
        original_name=name,
        source_sha256=sha,
        skipped=False,
        dataset=parsed.dataset,
        raw_records=parsed.raw_records,
        rows_in=rows.height,
        rows_landed=valid.height,
        rows_quarantined=quarantined.height,
        days=tuple(parsed.days),
    )
    _record(paths, manifest, result, source_file, len(raw), connector.version, now)
    return result


def _quarantine_rows(invalid: pl.DataFrame, now: datetime) -> pl.DataFrame:
    if invalid.is_empty():
        return QUARANTINE_SCHEMA.to_frame(eager=True)
    record_cols = [c for c in invalid.columns if not c.startswith("_") and c not in QUARANTINE_SCHEMA]
    frame = invalid.with_columns(
        pl.col("_field").alias("field"),
        pl.col("_reason").alias("reason"),
        pl.struct(record_cols).struct.json_encode().alias("record"),
        pl.lit(now).alias("quarantined_at"),
    )
    return conform(frame, QUARANTINE_SCHEMA)


def _record(
    paths: Paths,
    manifest: pl.DataFrame,
    result: IngestResult,
    source_file: str,
    size: int,
    version: str,
    now: datetime,
) -> None:
    entry = pl.DataFrame(
        [
            {
                "source_sha256": result.source_sha256,
                "source": result.source,
                "dataset": result.dataset,
                "original_name": result.original_name,
                "source_file": source_file,
                "size_bytes": size,
                "raw_records": result.raw_records,
                "rows_in": result.rows_in,
                "rows_landed": result.rows_landed,
                "rows_quarantined": result.rows_quarantined,
                "first_day": min(result.days) if result.days else None,
                "last_day": max(result.days) if result.days else None,
                "days_covered": len(result.days),
                "connector_version": version,
                "ingested_at": now,
            }
        ],
        schema=MANIFEST_SCHEMA,
    )
    atomic_write_parquet(pl.concat([manifest, entry], how="vertical_relaxed"), paths.manifest)


def ingest_folder(connector: Connector, folder: Path, paths: Paths) -> list[IngestResult]:
    """Ingest every export of ``connector`` found in ``folder`` (name order; see ``Connector.find_files``)."""
    init_landing(paths, [connector.source], connector.table)
    return [ingest_file(connector, p, paths) for p in connector.find_files(folder)]
