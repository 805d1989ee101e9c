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

Exports are landed in batches (``LandingBatch``): a folder's files are parsed one by one, then landed
together, so the per-file cost is the parse and the writes it needs, not a manifest round trip per file.
The manifest is read once per batch object and written once per flush, last. The result is the same as
landing the files one at a time in the same order: see ``LandingBatch``.
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

from connectors.base import Connector, ParsedExport
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


def stable_ids(keys: pl.Series, con: duckdb.DuckDBPyConnection | None = None) -> pl.Series:
    """md5 of each key, computed in DuckDB: deterministic across processes and library versions.

    Pass ``con`` to reuse a connection (opening one costs ~20 ms; hashing costs ~0.2 us per key).
    """
    own = con is None
    con = duckdb.connect() if own else con
    name = f"keys_{uuid.uuid4().hex}"
    try:
        con.register(name, keys.to_frame("k"))
        return con.sql(f"SELECT md5(k) AS activity_id FROM {name}").pl().get_column("activity_id")
    finally:
        con.unregister(name)
        if own:
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
    batch = LandingBatch(connector, paths)
    batch.add(raw, name, now=now)
    return batch.flush()[0]


def ingest_folder(connector: Connector, folder: Path, paths: Paths) -> list[IngestResult]:
    """Ingest every export of ``connector`` found in ``folder`` (name order; see ``Connector.find_files``).

    One ``LandingBatch``: the manifest is read once and written once per flush (every ``BATCH_ROWS``
    parsed rows), not once per file.
    """
    batch = LandingBatch(connector, paths)
    for path in connector.find_files(folder):
        batch.add(path.read_bytes(), path.name)
    return batch.flush()


# a batch is landed when its parsed rows or raw bytes reach these (bounds memory; one manifest write each)
BATCH_ROWS = 250_000
BATCH_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class _Pending:
    """An export parsed and waiting in a batch: ``slot`` is its place in the batch's results."""

    slot: int
    name: str
    raw: bytes
    sha: str
    now: datetime
    parsed: ParsedExport


class LandingBatch:
    """Land many exports of one source: one manifest read, one manifest write per flush, vectorised work.

    ``add`` hashes an export, skips it if its sha256 is already in the manifest (or earlier in this
    batch), parses it and keeps it; ``flush`` (called by ``add`` every ``BATCH_ROWS`` rows or
    ``BATCH_BYTES`` bytes, and by the caller at the end) lands every kept export and returns the results
    of all exports added so far, in the order they were added.

    A flush gives the same landing zone as landing its exports one at a time in the order they were
    added: ids, validation and duplicate checks are computed over all rows at once but per export (an
    export index column); each (dataset, day) partition is written once, with the rows of the *last*
    export in the batch that covers that day (or removed if that export has no rows for it), which is
    what successive replacements would leave; each export keeps its own raw copy, quarantine file,
    ``ingested_at`` and manifest row. If an export fails (unreadable: ``ExportFormatError`` from its
    parser; rows lost: ``RowConservationError``), the exports added before it are landed and recorded
    first, then the error is raised, as with one-at-a-time landing.

    Crash safety: within a flush the order is raw copies, partitions, quarantine files, and the manifest
    last, each file written to a temporary name and renamed into place. A crash before the manifest is
    written leaves partitions of exports the manifest does not know; the next run does not skip them
    (their hashes are not recorded), so it lands them again in the same order, rewriting the same
    partitions with the same rows and ids (ids are md5 of source, dataset and natural key, not of time),
    and then records them: re-landing is idempotent, so nothing is lost or duplicated.
    """

    def __init__(
        self,
        connector: Connector,
        paths: Paths,
        *,
        max_rows: int | None = None,
        max_bytes: int | None = None,
    ) -> None:
        self.connector, self.paths = connector, paths
        self.table = TABLES[connector.table]
        self.max_rows = BATCH_ROWS if max_rows is None else max_rows
        self.max_bytes = BATCH_BYTES if max_bytes is None else max_bytes
        init_landing(paths, [connector.source], connector.table)
        self.manifest = read_manifest(paths)
        self.known = set(
            self.manifest.filter(pl.col("source") == connector.source).get_column("source_sha256").to_list()
        )
        self.results: list[IngestResult | None] = []
        self.pending: list[_Pending] = []

    def add(self, raw: bytes, name: str, *, now: datetime | None = None) -> None:
        """Queue one export (its bytes and file name); lands the batch when it is full."""
        sha = hashlib.sha256(raw).hexdigest()
        if sha in self.known or any(p.sha == sha for p in self.pending):
            self.results.append(IngestResult(self.connector.source, name, sha, skipped=True))
            return
        try:
            parsed = self.connector.parse(raw, name)
        except Exception:  # not on KeyboardInterrupt: an interrupted batch simply re-lands next time
            self.flush()  # the exports before this one land, as they would have one at a time
            raise
        if self.pending and parsed.rows.schema != self.pending[0].parsed.rows.schema:
            self.flush()  # rows of one batch are concatenated: keep their columns identical
        self.results.append(None)
        self.pending.append(_Pending(len(self.results) - 1, name, raw, sha, now or datetime.now(UTC), parsed))
        rows = sum(p.parsed.rows.height for p in self.pending)
        if rows >= self.max_rows or sum(len(p.raw) for p in self.pending) >= self.max_bytes:
            self.flush()

    def flush(self) -> list[IngestResult]:
        """Land every queued export, record them in the manifest, and return all results so far."""
        pending, self.pending = self.pending, []
        if pending:
            self._land(pending)
        return [r for r in self.results if r is not None]

    def _land(self, pending: list[_Pending]) -> None:
        connector, paths, table = self.connector, self.paths, self.table
        day, id_column = table.day_column, table.id_column
        archived = [paths.raw / connector.source / f"{p.sha}{Path(p.name).suffix}" for p in pending]
        source_files = [a.relative_to(paths.landing).as_posix() for a in archived]

        rows = pl.concat(
            [
                p.parsed.rows.with_columns(
                    pl.lit(connector.source).alias("source"),
                    pl.lit(p.parsed.dataset).alias("dataset"),
                    pl.lit(source_file).alias("source_file"),
                    pl.lit(p.sha).alias("source_sha256"),
                    pl.lit(connector.version).alias("connector_version"),
                    pl.lit(p.now).cast(table.schema["ingested_at"]).alias("ingested_at"),
                    pl.lit(i, dtype=pl.Int32).alias(FILE),
                )
                for i, (p, source_file) in enumerate(zip(pending, source_files, strict=True))
            ],
            how="vertical_relaxed",
        )
        keys = rows.select(
            pl.concat_str([pl.col("source"), pl.col("dataset"), pl.col("natural_key")], separator="|")
        ).to_series()
        con = duckdb.connect()
        try:
            rows = rows.with_columns(stable_ids(keys, con).alias(id_column))
        finally:
            con.close()

        valid, invalid = table.validate(rows)
        duplicate = ~pl.col(id_column).is_first_distinct().over(FILE)  # within one export only
        invalid = pl.concat(
            [
                invalid,
                valid.filter(duplicate).with_columns(
                    pl.lit(id_column).alias("_field"),
                    pl.lit("duplicate natural key within the export").alias("_reason"),
                ),
            ],
            how="vertical_relaxed",
        )
        valid = valid.filter(~duplicate)
        valid = conform(valid, table.schema).with_columns(valid.get_column(FILE))
        quarantined = _quarantine_rows(invalid)

        # per-export checks, before anything is written: the first failing export and those after it
        # are not landed (the ones before it are, then its error is raised)
        landed_n = _counts(valid)
        quarantined_n = _counts(quarantined)
        cover = pl.DataFrame(
            {
                FILE: [i for i, p in enumerate(pending) for _ in p.parsed.days],
                "dataset": [p.parsed.dataset for p in pending for _ in p.parsed.days],
                day: [d for p in pending for d in p.parsed.days],
            },
            schema={FILE: pl.Int32, "dataset": pl.String, day: table.schema[day]},
        )
        outside = valid.join(cover, on=[FILE, day], how="anti", nulls_equal=False)
        error: Exception | None = None
        failed_slot = len(self.results)
        for i, p in enumerate(pending):
            rows_in = p.parsed.rows.height
            landed, rejected = landed_n.get(i, 0), quarantined_n.get(i, 0)
            if rows_in != landed + rejected:
                error = RowConservationError(
                    f"[{connector.source}] {p.name}: {rows_in} rows in, {landed} landed + "
                    f"{rejected} quarantined"
                )
            elif (stray := outside.filter(pl.col(FILE) == i)).height:
                # rows dated outside the export's buckets would be a connector bug
                days = stray.get_column(day).unique(maintain_order=True).to_list()
                error = RowConservationError(
                    f"[{connector.source}] {p.name}: rows outside covered days {[(d,) for d in days]}"
                )
            if error is not None:
                failed_slot = p.slot
                pending = pending[:i]
                valid = valid.filter(pl.col(FILE) < i)
                quarantined = quarantined.filter(pl.col(FILE) < i)
                cover = cover.filter(pl.col(FILE) < i)
                break

        for p, target in zip(pending, archived, strict=False):
            atomic_copy(p.raw, target)
        self._write_partitions(valid, cover)
        for (i,), frame in quarantined.partition_by(FILE, as_dict=True, maintain_order=True).items():
            target = paths.quarantine / f"source={connector.source}" / f"{pending[i].sha}.parquet"
            atomic_write_parquet(frame.drop(FILE), target)

        results = [
            IngestResult(
                source=connector.source,
                original_name=p.name,
                source_sha256=p.sha,
                skipped=False,
                dataset=p.parsed.dataset,
                raw_records=p.parsed.raw_records,
                rows_in=p.parsed.rows.height,
                rows_landed=landed_n.get(i, 0),
                rows_quarantined=quarantined_n.get(i, 0),
                days=tuple(p.parsed.days),
            )
            for i, p in enumerate(pending)
        ]
        if results:
            sizes = [len(p.raw) for p in pending]
            times = [p.now for p in pending]
            self._record(results, source_files[: len(results)], sizes, times)
        for p, result in zip(pending, results, strict=True):
            self.results[p.slot] = result
            self.known.add(p.sha)
        if error is not None:
            self.results = self.results[:failed_slot]  # the failing export and any after it: not landed
            raise error

    def _write_partitions(self, valid: pl.DataFrame, cover: pl.DataFrame) -> None:
        """Each (dataset, day) covered by the batch: the rows of the last export covering it, or nothing."""
        connector, paths, table = self.connector, self.paths, self.table
        day, id_column = table.day_column, table.id_column
        winners = cover.group_by("dataset", day).agg(pl.col(FILE).max())
        rows = valid.join(winners, on=[FILE, "dataset", day], how="semi").drop(FILE)
        rows = rows.sort("dataset", day, id_column)
        parts = rows.partition_by("dataset", day, as_dict=True, maintain_order=True, include_key=True)
        for dataset, d in winners.select("dataset", day).iter_rows():
            target = partition_path(paths, connector.source, dataset, d, connector.table)
            part = parts.get((dataset, d))
            if part is None:
                if target.exists():
                    shutil.rmtree(target.parent)  # the newest export says this day has no usage
                continue
            atomic_write_parquet(part, target)

    def _record(
        self, results: list[IngestResult], source_files: list[str], sizes: list[int], times: list[datetime]
    ) -> None:
        """Append the batch's manifest rows and write the manifest once, last (atomically)."""
        entries = pl.DataFrame(
            {
                "source_sha256": [r.source_sha256 for r in results],
                "source": [r.source for r in results],
                "dataset": [r.dataset for r in results],
                "original_name": [r.original_name for r in results],
                "source_file": source_files,
                "size_bytes": sizes,
                "raw_records": [r.raw_records for r in results],
                "rows_in": [r.rows_in for r in results],
                "rows_landed": [r.rows_landed for r in results],
                "rows_quarantined": [r.rows_quarantined for r in results],
                "first_day": [min(r.days) if r.days else None for r in results],
                "last_day": [max(r.days) if r.days else None for r in results],
                "days_covered": [len(r.days) for r in results],
                "connector_version": [self.connector.version] * len(results),
                "ingested_at": times,
            },
            schema=MANIFEST_SCHEMA,
        )
        manifest = pl.concat([self.manifest, entries], how="vertical_relaxed")
        atomic_write_parquet(manifest, self.paths.manifest)
        self.manifest = manifest


FILE = "_export"  # the batch's export index of each row ("_" columns never reach a landed file or record)


def _counts(frame: pl.DataFrame) -> dict[int, int]:
    return dict(frame.group_by(FILE).len().iter_rows())


def _quarantine_rows(invalid: pl.DataFrame) -> pl.DataFrame:
    """Quarantine rows (with the batch's export index): the record as JSON, quarantined at ingest time."""
    if invalid.is_empty():
        return QUARANTINE_SCHEMA.to_frame(eager=True).with_columns(pl.lit(None, dtype=pl.Int32).alias(FILE))
    record_cols = [c for c in invalid.columns if not c.startswith("_") and c not in QUARANTINE_SCHEMA]
    frame = invalid.with_columns(
        pl.col("_field").alias("field"),
        pl.col("_reason").alias("reason"),
        pl.struct(record_cols).struct.json_encode().alias("record"),
        pl.col("ingested_at").alias("quarantined_at"),
    )
    return conform(frame, QUARANTINE_SCHEMA).with_columns(frame.get_column(FILE))
