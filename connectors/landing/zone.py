"""The landing zone: archive each raw export by content hash, land its rows as Parquet, quarantine the rest.

Layout under ``<EWH_HOME>/landing``::

    raw/<source>/<sha256><ext>                                     immutable copy of every export
    activity/source=<s>/dataset=<d>/usage_date=<day>/part-0.parquet  canonical rows, one file per day
    quarantine/source=<s>/<sha256>.parquet                         rows that failed validation, with reason
    manifest.parquet                                               one row per ingested file
    .hashed/<source>.json                                          the sha256 of each export file read,
                                                                   by file identity (landing/hashed.py)

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
import json
import os
import shutil
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import polars as pl

from connectors.core.base import Connector, ExportFormatError, ParsedExport
from connectors.core.config import Paths
from connectors.core.pseudonym import ScrubError
from connectors.core.redact import redact
from connectors.core.schema import (
    ACTIVITY_SCHEMA,
    BOOKKEEPING,
    CONNECTOR_SCHEMA_VERSION,
    QUARANTINE_SCHEMA,
    VENDOR_EMISSIONS_SCHEMA,
    conform,
    validate,
    validate_emissions,
)
from connectors.landing.hashed import hashed_exports

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
        # landed | rejected (the file could not be read: ``error`` says why; nothing of it landed)
        "status": pl.String,
        "error": pl.String,
        # the file's records, each landed (>= 1 row landed), quarantined, or skipped with a reason
        "records_landed": pl.Int64,
        "records_quarantined": pl.Int64,
        "records_skipped": pl.Int64,
        "skip_reasons": pl.String,  # JSON object: reason -> records
        # the export's own generation time, else its file's modification time: the newer export wins a day
        "exported_at": pl.Datetime("us", "UTC"),
        "parts": pl.String,  # JSON array of the part files of a multi-part export, else null
    }
)

# One row per landed (source, dataset, day): which export's rows the partition holds now. Written with
# the manifest; read to settle which of two exports of the same day wins, to see a re-export that
# shrinks a day, and for landed totals that never count superseded exports.
PARTITION_INDEX_SCHEMA = pl.Schema(
    {
        "source": pl.String,
        "dataset": pl.String,
        "day": pl.Date,
        "source_sha256": pl.String,
        "original_name": pl.String,
        "exported_at": pl.Datetime("us", "UTC"),
        "rows": pl.Int64,
        "landed_at": pl.Datetime("us", "UTC"),
    }
)

# Every replacement of a landed day by another export: the ``landing_revisions`` check warns when one
# shrinks a day by more than ``EWH_SHRINK_WARN_SHARE`` of its rows.
REVISIONS_SCHEMA = pl.Schema(
    {
        "source": pl.String,
        "dataset": pl.String,
        "day": pl.Date,
        "previous_sha256": pl.String,
        "previous_name": pl.String,
        "previous_rows": pl.Int64,
        "source_sha256": pl.String,
        "original_name": pl.String,
        "rows": pl.Int64,
        "revised_at": pl.Datetime("us", "UTC"),
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
    """Rows or records in != landed + quarantined (+ skipped): something would be lost, so the file is
    rejected and nothing of it is landed."""


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
    # a file that could not be read is rejected on its own: ``error`` names the file and the problem
    rejected: bool = False
    error: str | None = None
    records_landed: int = 0
    records_quarantined: int = 0
    records_skipped: int = 0
    skip_reasons: tuple[tuple[str, int], ...] = ()
    # days this export covers whose landed rows came from a newer export of the same days (kept)
    days_kept_newer: tuple[date, ...] = ()
    skipped_reason: str | None = None
    # landed days this export replaced: (dataset, day, rows before, rows now)
    revised_days: tuple[tuple[str, date, int, int], ...] = ()

    def as_dict(self) -> dict:
        return asdict(self) | {
            "days": [d.isoformat() for d in self.days],
            "days_kept_newer": [d.isoformat() for d in self.days_kept_newer],
            "skip_reasons": dict(self.skip_reasons),
            "revised_days": [[ds, d.isoformat(), before, now] for ds, d, before, now in self.revised_days],
        }

    def shrunk_days(self, share: float) -> list[tuple[str, date, int, int]]:
        """Replaced days that lost more than ``share`` of their rows (a truncated re-download, say)."""
        return [r for r in self.revised_days if r[3] < r[2] * (1 - share)]


def atomic_write_parquet(frame: pl.DataFrame, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        frame.write_parquet(tmp, compression="zstd", statistics=True)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


# day partitions written at once: a first load or backfill writes thousands of small files, and Polars
# writes them with the GIL released
WRITERS = min(8, 2 * (os.cpu_count() or 1))


def write_parquet_files(writes: list[tuple[pl.DataFrame, Path]]) -> None:
    """Each (frame, target) written atomically, several at a time; the first failure is raised."""
    if len(writes) < 2:
        for frame, target in writes:
            atomic_write_parquet(frame, target)
        return
    with ThreadPoolExecutor(WRITERS) as pool:
        for done in [pool.submit(atomic_write_parquet, frame, target) for frame, target in writes]:
            done.result()


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
    """Create the landing folders, with an empty typed file per source so dbt's globs never come up empty,
    and an empty partition index (dbt's incremental models read it for the days that changed)."""
    migrate_landing(paths, table)
    for source in sources:
        for empty, schema in _placeholders(paths, source, TABLES[table]):
            if not empty.exists():
                atomic_write_parquet(schema.to_frame(eager=True), empty)
    if not partition_index_path(paths).exists():
        atomic_write_parquet(PARTITION_INDEX_SCHEMA.to_frame(eager=True), partition_index_path(paths))
    paths.raw.mkdir(parents=True, exist_ok=True)


def partition_index_path(paths: Paths) -> Path:
    return paths.landing / "partitions.parquet"


def _placeholders(paths: Paths, source: str, spec: LandingTable) -> list[tuple[Path, pl.Schema]]:
    """The typed empty files of ``source``: (path, schema) in the landed table and in the quarantine."""
    return [
        (paths.landing / spec.name / f"source={source}" / "_empty.parquet", spec.schema),
        (paths.quarantine / f"source={source}" / "_empty.parquet", QUARANTINE_SCHEMA),
    ]


def landing_ready(paths: Paths, source: str, table: str = "activity") -> bool:
    """``init_landing`` has nothing left to do for ``source``: its typed empty files exist and the
    landing zone is at the current schema."""
    spec = TABLES[table]
    return (
        _schema_current(paths, spec.name)
        and partition_index_path(paths).exists()
        and all(p.exists() for p, _ in _placeholders(paths, source, spec))
    )


def _schema_mark(paths: Paths, table: str) -> Path:
    return paths.landing / f".schema-{table}"


def _schema_current(paths: Paths, table: str) -> bool:
    mark = _schema_mark(paths, table)
    return mark.exists() and mark.read_text().strip() == CONNECTOR_SCHEMA_VERSION


def migrate_landing(paths: Paths, table: str = "activity") -> None:
    """Bring partitions landed under an older canonical schema up to the current one, once.

    A column added since (``cost_amount_net`` in schema 2) is added as null: what an older connector
    did not read is unknown, not zero. A marker file records the schema the landing zone is at.
    """
    spec = TABLES[table]
    if _schema_current(paths, spec.name):
        return
    for part in (paths.landing / spec.name).glob("source=*/**/*.parquet"):
        if dict(pl.read_parquet_schema(part)) != dict(spec.schema):
            old = pl.read_parquet(part)
            atomic_write_parquet(conform(old, spec.schema).select(spec.schema.names()), part)
    mark = _schema_mark(paths, spec.name)
    mark.parent.mkdir(parents=True, exist_ok=True)
    mark.write_text(CONNECTOR_SCHEMA_VERSION)


def read_manifest(paths: Paths) -> pl.DataFrame:
    """Every export ever ingested (landed or rejected). Manifests written before a column existed read
    with that column's default: an old row was landed, with its records unknown."""
    return _read_log(paths.manifest, MANIFEST_SCHEMA, {"status": "landed"})


def read_partition_index(paths: Paths) -> pl.DataFrame:
    return _read_log(partition_index_path(paths), PARTITION_INDEX_SCHEMA)


def read_revisions(paths: Paths) -> pl.DataFrame:
    return _read_log(paths.landing / "revisions.parquet", REVISIONS_SCHEMA)


def _read_log(path: Path, schema: pl.Schema, defaults: dict | None = None) -> pl.DataFrame:
    if not path.exists():
        return schema.to_frame(eager=True)
    frame = pl.read_parquet(path)
    defaults = defaults or {}
    missing = [pl.lit(defaults.get(n), dtype=t).alias(n) for n, t in schema.items() if n not in frame.columns]
    return frame.with_columns(missing).select(schema.names()).cast(dict(schema))


def landed_totals(paths: Paths, source: str | None = None) -> pl.DataFrame:
    """Rows landed now, per source, from the partition index: an export whose days a later export
    replaced no longer counts (the manifest records what each export landed when it landed)."""
    index = read_partition_index(paths)
    if source is not None:
        index = index.filter(pl.col("source") == source)
    return index.group_by("source").agg(
        pl.col("rows").sum().alias("rows_landed"),
        pl.len().alias("days"),
        pl.col("day").max().alias("newest_day"),
    )


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


def file_time(path: Path) -> datetime:
    """A file's modification time (UTC, whole seconds: copies made in the same second tie, and ties
    go to the later file name)."""
    return datetime.fromtimestamp(int(path.stat().st_mtime), UTC)


def ingest_file(
    connector: Connector, path: Path, paths: Paths, *, now: datetime | None = None
) -> IngestResult:
    """Land one export file. A file that cannot be read comes back ``rejected``, with the reason."""
    batch = LandingBatch(connector, paths)
    batch.add(path.read_bytes(), path.name, now=now, exported_at=file_time(path))
    return batch.flush()[0]


def ingest_bytes(
    connector: Connector, raw: bytes, name: str, paths: Paths, *, now: datetime | None = None
) -> IngestResult:
    """Land one export given as bytes: a file's content, or an API response set named like a file."""
    batch = LandingBatch(connector, paths)
    batch.add(raw, name, now=now)
    return batch.flush()[0]


def ingest_folder(connector: Connector, folder: Path, paths: Paths) -> list[IngestResult]:
    """Ingest every export of ``connector`` found in ``folder``, oldest export first.

    Order decides nothing on its own (the newer export wins a day whatever the order: see
    ``LandingBatch``), but results read in the order exports were made. One ``LandingBatch``: the
    manifest is read once and written once per flush (every ``BATCH_ROWS`` parsed rows). Single-file
    exports are read ahead: the next few are scrubbed, hashed and parsed on worker threads (Polars
    parses with the GIL released) while this thread lands the ones before, in order.
    """
    batch = LandingBatch(connector, paths)
    hashed = hashed_exports(paths, connector)  # a file read before and unchanged since is not read again
    ahead: deque[tuple[str, list[Path], Future | None, int, os.stat_result | None]] = deque()

    def land_next() -> None:
        name, parts, read, _, status = ahead.popleft()
        times = [file_time(p) for p in parts]
        if read is not None:
            result = read.result()
            if hashed is not None and status is not None:
                hashed.record(name, status, result.sha)
            batch.add_read(result, name, exported_at=times[0])
        else:
            batch.add_parts([(p.read_bytes(), p.name) for p in parts], name, exported_at=max(times))

    with ThreadPoolExecutor(PARSERS) as pool:
        for name, parts in connector.group_parts(connector.find_files(folder)):
            if len(parts) == 1 and parts[0].name == name:
                status = parts[0].stat()
                sha = hashed.sha(name, status) if hashed is not None else None
                if sha is not None and batch.landed(sha, name):
                    ahead.append((name, parts, _done(_Read(b"", sha)), 0, None))  # skipped, unread
                    continue
                raw = parts[0].read_bytes()
                ahead.append((name, parts, pool.submit(batch.read_export, raw, name), len(raw), status))
            else:
                ahead.append((name, parts, None, 0, None))
            # a bounded window: at most READ_AHEAD exports and BATCH_BYTES of raw bytes wait
            while ahead and (len(ahead) > READ_AHEAD or sum(a[3] for a in ahead) > BATCH_BYTES):
                land_next()
        while ahead:
            land_next()
    results = batch.flush()
    if hashed is not None:
        hashed.save()  # after the landing: a crash before it leaves the files to be read again
    return results


def _done(read: _Read) -> Future:
    future: Future = Future()
    future.set_result(read)
    return future


PARSERS = min(4, os.cpu_count() or 1)
READ_AHEAD = 2 * PARSERS


# a batch is landed when its parsed rows or raw bytes reach these (bounds memory; one manifest write each)
BATCH_ROWS = 250_000
BATCH_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class _Pending:
    """An export parsed and waiting in a batch: ``slot`` is its place in the batch's results."""

    slot: int
    name: str
    raw: bytes  # the file's bytes; for a multi-part export, the parts' bytes concatenated (size only)
    sha: str
    now: datetime
    exported_at: datetime
    parsed: ParsedExport
    parts: tuple[tuple[str, str, str], ...] = ()  # (name, sha256, archived path) of each part


@dataclass(frozen=True)
class _Read:
    """An export scrubbed, hashed and (unless already landed) parsed, or the error that stopped it."""

    raw: bytes
    sha: str
    parsed: ParsedExport | None = None
    error: str | None = None
    keep_copy: bool = True


@dataclass(frozen=True)
class _Rejected:
    slot: int
    name: str
    raw: bytes
    sha: str
    now: datetime
    error: str
    dataset: str | None = None
    keep_copy: bool = True  # False when the bytes could not be pseudonymised: nothing of them is stored


class LandingBatch:
    """Land many exports of one source: one manifest read, one manifest write per flush, vectorised work.

    ``add`` hashes an export, skips it if it is already landed (same sha256 under the same name, or the
    same content already landed for the same dataset), parses it and keeps it; ``flush`` (called by
    ``add`` every ``BATCH_ROWS`` rows or ``BATCH_BYTES`` bytes, and by the caller at the end) lands every
    kept export and returns the results of all exports added so far, in the order they were added.

    **Nothing is dropped without a word.** An export that cannot be read (its parser raises, whatever
    the error), or whose rows or records do not add up (rows in != landed + quarantined; a record that
    is neither landed, quarantined nor skipped with a reason), is *rejected on its own*: its bytes are
    archived, the manifest records it with ``status = rejected`` and the error, nothing of it lands,
    and every other export of the batch lands as usual.

    **The newer export wins a day.** Each (dataset, day) holds the rows of the export with the latest
    ``exported_at`` (the export's own generation time, else its file's modification time; ties: the
    export added last). An export older than the one a day already holds (in the partition index)
    leaves that day alone and says so (``days_kept_newer``). A day re-landed with fewer rows is logged in
    ``revisions.parquet`` for the ``landing_revisions`` check.

    Crash safety: within a flush the order is raw copies, partitions, quarantine files, partition index
    and revisions, and the manifest last, each file written to a temporary name and renamed into place.
    A crash before the manifest is written leaves partitions of exports the manifest does not know; the
    next run does not skip them (their hashes are not recorded), so it lands them again in the same order,
    rewriting the same partitions with the same rows and ids (ids are md5 of source, dataset and natural
    key, not of time), and then records them: re-landing is idempotent, so nothing is lost or duplicated.
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
        landed = self.manifest.filter((pl.col("source") == connector.source) & (pl.col("status") == "landed"))
        self.known_names = set(landed.select("source_sha256", "original_name").iter_rows())
        self.known_datasets = set(landed.select("source_sha256", "dataset").iter_rows())
        self.index = read_partition_index(paths)
        self.results: list[IngestResult | None] = []
        self.pending: list[_Pending] = []
        self.rejected: list[_Rejected] = []
        self.revisions = REVISIONS_SCHEMA.to_frame(eager=True)

    def add(
        self, raw: bytes, name: str, *, now: datetime | None = None, exported_at: datetime | None = None
    ) -> None:
        """Queue one export (its bytes and file name); lands the batch when it is full."""
        self.add_read(self.read_export(raw, name), name, now=now, exported_at=exported_at)

    def read_export(self, raw: bytes, name: str) -> _Read:
        """Scrub, hash and parse one export, changing nothing in the batch (safe on a worker thread).

        An export already landed under this name is not parsed; ``add_read`` decides for good."""
        try:
            raw = self._scrub(raw, name)
        except ScrubError as exc:
            error = f"[{self.connector.source}] {name}: {exc}"
            return _Read(b"", hashlib.sha256(raw).hexdigest(), error=error, keep_copy=False)
        sha = hashlib.sha256(raw).hexdigest()
        if (sha, name) in self.known_names:
            return _Read(raw, sha)
        try:
            parsed = self.connector.parse(raw, name)
        except Exception as exc:  # never KeyboardInterrupt: an interrupted batch simply re-lands next time
            return _Read(raw, sha, error=describe_failure(self.connector.source, name, exc))
        return _Read(raw, sha, parsed)

    def add_read(
        self, read: _Read, name: str, *, now: datetime | None = None, exported_at: datetime | None = None
    ) -> None:
        """Queue an export ``read_export`` read; lands the batch when it is full."""
        now = now or datetime.now(UTC)
        if read.error is not None and not read.keep_copy:  # not pseudonymised: not even its hash is known
            self._reject(read.raw, name, read.sha, now, read.error, keep_copy=False)
        elif self._seen(read.sha, name):
            self.results.append(IngestResult(self.connector.source, name, read.sha, skipped=True))
        elif read.error is not None:
            self._reject(read.raw, name, read.sha, now, read.error)
        elif read.parsed is None:  # never, as landed names are only added: parse it to be sure
            self.add_read(self.read_export(read.raw, name), name, now=now, exported_at=exported_at)
        else:
            self._queue(read.raw, name, read.sha, now, exported_at, read.parsed)

    def add_parts(
        self,
        parts: list[tuple[bytes, str]],
        name: str,
        *,
        now: datetime | None = None,
        exported_at: datetime | None = None,
    ) -> None:
        """Queue a multi-part export (a billing period split over several files) as one export.

        Each part is parsed on its own and archived by its own hash; rows keep their part's file as
        ``source_file``; the export's identity is the hash of its parts' hashes, so a refreshed period
        (the vendor rewrites its parts) is a new export that replaces the period's days.
        """
        try:
            parts = [(self._scrub(raw, part), part) for raw, part in parts]
        except ScrubError as exc:
            now = now or datetime.now(UTC)
            digest = hashlib.sha256(b"".join(raw for raw, _ in parts)).hexdigest()
            self._reject(b"", name, digest, now, f"[{self.connector.source}] {name}: {exc}", keep_copy=False)
            return
        shas = [hashlib.sha256(raw).hexdigest() for raw, _ in parts]
        sha = hashlib.sha256("".join(shas).encode()).hexdigest()
        if self._seen(sha, name):
            self.results.append(IngestResult(self.connector.source, name, sha, skipped=True))
            return
        now = now or datetime.now(UTC)
        source = self.connector.source
        archived = [self._archive_path(s, part) for (_, part), s in zip(parts, shas, strict=True)]
        try:
            parsed_parts = [self.connector.parse(raw, part) for raw, part in parts]
            parsed = _combine_parts(
                [part for _, part in parts], [self._source_file(a) for a in archived], shas, parsed_parts
            )
        except Exception as exc:
            raw_all = b"".join(raw for raw, _ in parts)
            self._reject(raw_all, name, sha, now, describe_failure(source, name, exc))
            return
        for (raw, _), target in zip(parts, archived, strict=True):
            atomic_copy(raw, target)
        part_info = tuple(
            (part, s, self._source_file(a)) for (_, part), s, a in zip(parts, shas, archived, strict=True)
        )
        self._queue(b"".join(raw for raw, _ in parts), name, sha, now, exported_at, parsed, part_info)

    def _scrub(self, raw: bytes, name: str) -> bytes:
        """The export with its user identifiers pseudonymised, for sources that hold any.

        The hash, the archived copy, the parse and any error text then only see pseudonyms; a missing
        key is a configuration error of the whole source (``ConfigError``), not a bad file.
        """
        return self.connector.scrub(raw, name) if self.connector.scrub else raw

    def landed(self, sha: str, name: str) -> bool:
        """An export of this content under this name is landed already (the manifest says so)."""
        return (sha, name) in self.known_names

    def _seen(self, sha: str, name: str) -> bool:
        return (sha, name) in self.known_names or any(p.sha == sha and p.name == name for p in self.pending)

    def _queue(self, raw, name, sha, now, exported_at, parsed, parts=()) -> None:
        if (sha, parsed.dataset) in self.known_datasets or any(
            p.sha == sha and p.parsed.dataset == parsed.dataset for p in self.pending
        ):
            self.results.append(
                IngestResult(
                    self.connector.source,
                    name,
                    sha,
                    skipped=True,
                    dataset=parsed.dataset,
                    skipped_reason="same content already landed for this dataset",
                )
            )
            return
        parsed = _with_bookkeeping(parsed)
        if self.pending and parsed.rows.schema != self.pending[0].parsed.rows.schema:
            self.flush()  # rows of one batch are concatenated: keep their columns identical
        exported_at = parsed.exported_at or exported_at or now
        self.results.append(None)
        self.pending.append(
            _Pending(len(self.results) - 1, name, raw, sha, now, exported_at, parsed, tuple(parts))
        )
        rows = sum(p.parsed.rows.height for p in self.pending)
        if rows >= self.max_rows or sum(len(p.raw) for p in self.pending) >= self.max_bytes:
            self.flush()

    def _reject(
        self, raw: bytes, name: str, sha: str, now: datetime, error: str, dataset=None, *, keep_copy=True
    ) -> None:
        self.results.append(None)
        slot = len(self.results) - 1
        self.rejected.append(_Rejected(slot, name, raw, sha, now, error, dataset, keep_copy))

    def _archive_path(self, sha: str, name: str) -> Path:
        return self.paths.raw / self.connector.source / f"{sha}{Path(name).suffix}"

    def _source_file(self, archived: Path) -> str:
        return archived.relative_to(self.paths.landing).as_posix()

    def flush(self) -> list[IngestResult]:
        """Land every queued export, record them in the manifest, and return all results so far."""
        pending, self.pending = self.pending, []
        if pending:
            self._land(pending)
        if self.rejected:
            self._record_rejections()
        return [r for r in self.results if r is not None]

    def _land(self, pending: list[_Pending]) -> None:
        connector, paths, table = self.connector, self.paths, self.table
        day, id_column = table.day_column, table.id_column
        archived = [self._archive_path(p.sha, p.name) for p in pending]
        source_files = [self._source_file(a) for a in archived]

        rows = pl.concat(
            [
                p.parsed.rows.with_columns(
                    pl.lit(connector.source).alias("source"),
                    pl.lit(p.parsed.dataset).alias("dataset"),
                    pl.coalesce(pl.col("_source_file"), pl.lit(source_file)).alias("source_file"),
                    pl.coalesce(pl.col("_source_sha256"), pl.lit(p.sha)).alias("source_sha256"),
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
        records = _record_outcomes(valid, invalid)
        skipped = _skipped_records(pending)
        quarantined = _quarantine_rows(invalid)
        landed_n, quarantined_n = _counts(valid), _counts(quarantined)
        record_n = _record_counts(records, skipped)

        cover = pl.DataFrame(
            {
                FILE: [i for i, p in enumerate(pending) for _ in p.parsed.days],
                "dataset": [p.parsed.dataset for p in pending for _ in p.parsed.days],
                day: [d for p in pending for d in p.parsed.days],
            },
            schema={FILE: pl.Int32, "dataset": pl.String, day: table.schema[day]},
        )
        outside = valid.join(cover, on=[FILE, day], how="anti", nulls_equal=False)

        # per-export checks, before anything is written: a failing export is rejected on its own
        failed: dict[int, str] = {}
        for i, p in enumerate(pending):
            if error := _conservation_error(
                connector.source, p, i, landed_n, quarantined_n, record_n, outside, day
            ):
                failed[i] = error
        if failed:
            for i, error in failed.items():
                p = pending[i]
                self.rejected.append(_Rejected(p.slot, p.name, p.raw, p.sha, p.now, error, p.parsed.dataset))
            keep = [i for i in range(len(pending)) if i not in failed]
            valid, quarantined, cover = (
                f.filter(pl.col(FILE).is_in(keep)) for f in (valid, quarantined, cover)
            )

        for i, (p, target) in enumerate(zip(pending, archived, strict=True)):
            if i not in failed and not p.parts:
                atomic_copy(p.raw, target)
        written = self._write_partitions(valid, cover, pending)
        write_parquet_files(
            [
                (
                    frame.drop(FILE),
                    paths.quarantine / f"source={connector.source}" / f"{pending[i].sha}.parquet",
                )
                for (i,), frame in quarantined.partition_by(FILE, as_dict=True, maintain_order=True).items()
            ]
        )

        results = []
        for i, p in enumerate(pending):
            if i in failed:
                continue
            counts = record_n.get(i, {})
            kept = written.filter((pl.col(FILE) == i) & ~pl.col("won")).get_column(day).sort().to_list()
            revised = self.revisions.filter(pl.col("source_sha256") == p.sha).sort("dataset", "day")
            results.append(
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
                    records_landed=counts.get("landed", 0),
                    records_quarantined=counts.get("quarantined", 0),
                    records_skipped=counts.get("skipped", 0),
                    skip_reasons=tuple(sorted(_skip_reasons(skipped, i).items())),
                    days_kept_newer=tuple(kept),
                    revised_days=tuple(revised.select("dataset", "day", "previous_rows", "rows").iter_rows()),
                )
            )
        landed_pending = [p for i, p in enumerate(pending) if i not in failed]
        if results:
            self._record(
                results, landed_pending, [source_files[i] for i in range(len(pending)) if i not in failed]
            )
        for p, result in zip(landed_pending, results, strict=True):
            self.results[p.slot] = result
            self.known_names.add((p.sha, p.name))
            self.known_datasets.add((p.sha, p.parsed.dataset))

    def _write_partitions(
        self, valid: pl.DataFrame, cover: pl.DataFrame, pending: list[_Pending]
    ) -> pl.DataFrame:
        """Each (dataset, day) covered by the batch: the rows of its newest export, or nothing.

        Returns one row per (export, dataset, day) covered, with ``won``: whether that export's rows
        are the day's rows now. Updates the partition index and logs revisions (written by ``_record``).
        """
        connector, paths, table = self.connector, self.paths, self.table
        day, id_column = table.day_column, table.id_column
        times = pl.DataFrame(
            {FILE: list(range(len(pending))), "_exported_at": [p.exported_at for p in pending]},
            schema={FILE: pl.Int32, "_exported_at": pl.Datetime("us", "UTC")},
        )
        current = self.index.filter(pl.col("source") == connector.source).select(
            "dataset",
            pl.col("day").cast(table.schema[day]).alias(day),
            pl.col("exported_at").alias("_held_at"),
            pl.col("source_sha256").alias("_held_sha"),
            pl.col("original_name").alias("_held_name"),
            pl.col("rows").alias("_held_rows"),
        )
        covered = cover.join(times, on=FILE).join(current, on=["dataset", day], how="left")
        # the newest export in the batch for each day (ties: the one added last) ...
        best = (
            covered.sort("_exported_at", FILE)
            .group_by("dataset", day)
            .agg(pl.col(FILE).last().alias("_best"))
        )
        covered = covered.join(best, on=["dataset", day]).with_columns(
            # ... wins unless the day already holds a strictly newer export
            (
                (pl.col(FILE) == pl.col("_best"))
                & (pl.col("_held_at").is_null() | (pl.col("_exported_at") >= pl.col("_held_at")))
            ).alias("won")
        )
        winners = covered.filter("won")
        rows = valid.join(winners.select(FILE, "dataset", day), on=[FILE, "dataset", day], how="semi")
        rows = conform(rows, table.schema).select(table.schema.names()).sort("dataset", day, id_column)
        parts = rows.partition_by("dataset", day, as_dict=True, maintain_order=True, include_key=True)
        counts, writes = [], []
        for dataset, d in winners.select("dataset", day).iter_rows():
            target = partition_path(paths, connector.source, dataset, d, connector.table)
            part = parts.get((dataset, d))
            counts.append(0 if part is None else part.height)
            if part is not None:
                writes.append((part, target))
            elif target.exists():
                shutil.rmtree(target.parent)  # the newest export says this day has no usage
        write_parquet_files(writes)
        self._update_index(winners.with_columns(pl.Series("_rows", counts, dtype=pl.Int64)), pending)
        return covered.select(FILE, "dataset", day, "won")

    def _update_index(self, winners: pl.DataFrame, pending: list[_Pending]) -> None:
        day = self.table.day_column
        source = self.connector.source
        names = pl.DataFrame(
            {
                FILE: list(range(len(pending))),
                "source_sha256": [p.sha for p in pending],
                "original_name": [p.name for p in pending],
                "landed_at": [p.now for p in pending],
            },
            schema={
                FILE: pl.Int32,
                "source_sha256": pl.String,
                "original_name": pl.String,
                "landed_at": pl.Datetime("us", "UTC"),
            },
        )
        won = winners.join(names, on=FILE)
        entries = won.select(
            pl.lit(source).alias("source"),
            "dataset",
            pl.col(day).cast(pl.Date).alias("day"),
            "source_sha256",
            "original_name",
            pl.col("_exported_at").alias("exported_at"),
            pl.col("_rows").alias("rows"),
            "landed_at",
        )
        kept = self.index.join(
            entries.select("source", "dataset", "day"), on=["source", "dataset", "day"], how="anti"
        )
        self.index = pl.concat([kept, entries], how="vertical_relaxed").cast(dict(PARTITION_INDEX_SCHEMA))
        revised = won.filter(
            pl.col("_held_sha").is_not_null() & (pl.col("_held_sha") != pl.col("source_sha256"))
        )
        self.revisions = revised.select(
            pl.lit(source).alias("source"),
            "dataset",
            pl.col(day).cast(pl.Date).alias("day"),
            pl.col("_held_sha").alias("previous_sha256"),
            pl.col("_held_name").alias("previous_name"),
            pl.col("_held_rows").alias("previous_rows"),
            "source_sha256",
            "original_name",
            pl.col("_rows").alias("rows"),
            pl.col("landed_at").alias("revised_at"),
        ).cast(dict(REVISIONS_SCHEMA))

    def _record(self, results: list[IngestResult], pending: list[_Pending], source_files: list[str]) -> None:
        """Write the partition index and revisions, then append the batch's manifest rows and write the
        manifest once, last (atomically)."""
        atomic_write_parquet(self.index, partition_index_path(self.paths))
        if self.revisions.height:
            atomic_write_parquet(
                pl.concat([read_revisions(self.paths), self.revisions], how="vertical_relaxed"),
                self.paths.landing / "revisions.parquet",
            )
            self.revisions = REVISIONS_SCHEMA.to_frame(eager=True)
        entries = pl.DataFrame(
            {
                "source_sha256": [r.source_sha256 for r in results],
                "source": [r.source for r in results],
                "dataset": [r.dataset for r in results],
                "original_name": [r.original_name for r in results],
                "source_file": source_files,
                "size_bytes": [len(p.raw) for p in pending],
                "raw_records": [r.raw_records for r in results],
                "rows_in": [r.rows_in for r in results],
                "rows_landed": [r.rows_landed for r in results],
                "rows_quarantined": [r.rows_quarantined for r in results],
                "first_day": [min(r.days) if r.days else None for r in results],
                "last_day": [max(r.days) if r.days else None for r in results],
                "days_covered": [len(r.days) for r in results],
                "connector_version": [self.connector.version] * len(results),
                "ingested_at": [p.now for p in pending],
                "status": ["landed"] * len(results),
                "error": [None] * len(results),
                "records_landed": [r.records_landed for r in results],
                "records_quarantined": [r.records_quarantined for r in results],
                "records_skipped": [r.records_skipped for r in results],
                "skip_reasons": [json.dumps(dict(r.skip_reasons)) for r in results],
                "exported_at": [p.exported_at for p in pending],
                "parts": [json.dumps([n for n, _, _ in p.parts]) if p.parts else None for p in pending],
            },
            schema=MANIFEST_SCHEMA,
        )
        self._append_manifest(entries)

    def _record_rejections(self) -> None:
        """Archive each rejected export and record it (``status = rejected``) with its error."""
        rejected, self.rejected = self.rejected, []
        for r in rejected:
            if r.keep_copy:
                atomic_copy(r.raw, self._archive_path(r.sha, r.name))
            self.results[r.slot] = IngestResult(
                self.connector.source,
                r.name,
                r.sha,
                skipped=False,
                dataset=r.dataset,
                rejected=True,
                error=r.error,
            )
        entries = pl.DataFrame(
            {
                "source_sha256": [r.sha for r in rejected],
                "source": [self.connector.source] * len(rejected),
                "dataset": [r.dataset for r in rejected],
                "original_name": [r.name for r in rejected],
                "source_file": [
                    self._source_file(self._archive_path(r.sha, r.name)) if r.keep_copy else None
                    for r in rejected
                ],
                "size_bytes": [len(r.raw) for r in rejected],
                "connector_version": [self.connector.version] * len(rejected),
                "ingested_at": [r.now for r in rejected],
                "status": ["rejected"] * len(rejected),
                "error": [r.error for r in rejected],
            }
        )
        self._append_manifest(
            conform(entries, MANIFEST_SCHEMA).with_columns(
                pl.lit(0, pl.Int64).alias(c)
                for c in ("raw_records", "rows_in", "rows_landed", "rows_quarantined", "days_covered")
            )
        )

    def _append_manifest(self, entries: pl.DataFrame) -> None:
        manifest = pl.concat([self.manifest, entries.select(MANIFEST_SCHEMA.names())], how="vertical_relaxed")
        atomic_write_parquet(manifest, self.paths.manifest)
        self.manifest = manifest


FILE = "_export"  # the batch's export index of each row ("_" columns never reach a landed file or record)
# per-row provenance of a multi-part export's rows (the part's archived file and hash)
PART_COLUMNS = {"_source_file": pl.String, "_source_sha256": pl.String}


def describe_failure(source: str, name: str, exc: Exception) -> str:
    """One line naming the source, the file and what is wrong with it (a parser bug says so too).

    Redacted: it is stored in the manifest and shown in logs, and a parser error may quote the file.
    """
    if isinstance(exc, ExportFormatError):
        return redact(str(exc))
    detail = " ".join(redact(str(exc)).split())[:500]
    return f"[{source}] {name}: could not be read ({type(exc).__name__}: {detail})"


def _with_bookkeeping(parsed: ParsedExport) -> ParsedExport:
    """The parsed rows with every bookkeeping column present (typed nulls), so exports concatenate."""
    wanted = BOOKKEEPING | PART_COLUMNS
    rows = parsed.rows.with_columns(
        pl.lit(None, dtype=dtype).alias(name)
        for name, dtype in wanted.items()
        if name not in parsed.rows.columns
    )
    return replace(parsed, rows=rows)


def _combine_parts(
    names: list[str], source_files: list[str], shas: list[str], parsed: list[ParsedExport]
) -> ParsedExport:
    """One export of several part files: rows concatenated, each keeping its part as provenance."""
    datasets = {p.dataset for p in parsed}
    if len(datasets) != 1:
        raise ValueError(f"the parts hold different reports {sorted(datasets)}")
    frames, skipped = [], []
    for name, source_file, sha, p in zip(names, source_files, shas, parsed, strict=True):
        prefix = pl.lit(f"{name}!")
        frame = _with_bookkeeping(p).rows.with_columns(
            pl.lit(source_file).alias("_source_file"),
            pl.lit(sha).alias("_source_sha256"),
            (prefix + pl.col("_record")).alias("_record"),
            pl.col("_records").list.eval(pl.lit(f"{name}!") + pl.element()).alias("_records"),
        )
        frames.append(frame)
        if p.skipped is not None:
            skipped.append(p.skipped.with_columns((prefix + pl.col("_record")).alias("_record")))
    days = sorted({d for p in parsed for d in p.days})
    rows = pl.concat(frames, how="vertical_relaxed")
    # a vendor splits by size, so two records with the same dimensions can fall in different parts: like a
    # repeat within one file, the later one gets an ordinal, never a quarantine as a duplicate
    repeat = pl.int_range(pl.len()).over("natural_key")
    rows = rows.with_columns(
        pl.when(repeat > 0)
        .then(pl.concat_str(pl.col("natural_key"), pl.lit("#part-repeat"), repeat.cast(pl.String)))
        .otherwise(pl.col("natural_key"))
        .alias("natural_key")
    )
    return ParsedExport(
        datasets.pop(),
        rows,
        days,
        sum(p.raw_records for p in parsed),
        pl.concat(skipped) if skipped else None,
        max((p.exported_at for p in parsed if p.exported_at), default=None),
    )


def _record_outcomes(valid: pl.DataFrame, invalid: pl.DataFrame) -> pl.DataFrame:
    """One row per (export, record) that produced rows: landed if any of its rows is valid."""

    def records(frame: pl.DataFrame, landed: bool) -> pl.DataFrame:
        ids = (
            pl.when(pl.col("_records").is_not_null())
            .then(pl.col("_records"))
            .otherwise(pl.concat_list(pl.col("_record")))
        )
        return frame.select(pl.col(FILE), ids.alias("_rec"), pl.lit(landed).alias("landed")).explode("_rec")

    both = pl.concat([records(valid, True), records(invalid, False)], how="vertical_relaxed")
    return both.group_by(FILE, "_rec").agg(pl.col("landed").any())


def _skipped_records(pending: list[_Pending]) -> pl.DataFrame:
    frames = [
        p.parsed.skipped.select(
            pl.lit(i, pl.Int32).alias(FILE), pl.col("_record").alias("_rec"), pl.col("reason").cast(pl.String)
        )
        for i, p in enumerate(pending)
        if p.parsed.skipped is not None and p.parsed.skipped.height
    ]
    schema = {FILE: pl.Int32, "_rec": pl.String, "reason": pl.String}
    return pl.concat(frames) if frames else pl.DataFrame(schema=schema)


def _record_counts(records: pl.DataFrame, skipped: pl.DataFrame) -> dict[int, dict[str, int]]:
    """Per export: records landed, quarantined, skipped, and whether every row named its record."""
    counts: dict[int, dict[str, int]] = {}
    tallied = records.group_by(FILE).agg(
        pl.col("landed").sum().alias("landed"),
        (~pl.col("landed")).sum().alias("quarantined"),
        pl.col("_rec").is_null().any().alias("unnamed"),
    )
    for i, landed, quarantined, unnamed in tallied.iter_rows():
        counts[i] = {"landed": landed, "quarantined": quarantined, "unnamed": int(unnamed)}
    extra = skipped.join(records, on=[FILE, "_rec"], how="anti").group_by(FILE).agg(pl.col("_rec").n_unique())
    for i, n in extra.iter_rows():
        counts.setdefault(i, {"landed": 0, "quarantined": 0, "unnamed": 0})["skipped"] = n
    return counts


def _skip_reasons(skipped: pl.DataFrame, i: int) -> dict[str, int]:
    mine = skipped.filter(pl.col(FILE) == i)
    return dict(mine.group_by("reason").agg(pl.col("_rec").n_unique()).sort("reason").iter_rows())


def _conservation_error(
    source: str,
    p: _Pending,
    i: int,
    landed_n: dict[int, int],
    quarantined_n: dict[int, int],
    record_n: dict[int, dict[str, int]],
    outside: pl.DataFrame,
    day: str,
) -> str | None:
    """Why export ``i`` cannot land (rows or records unaccounted for, rows dated outside its days)."""
    rows_in = p.parsed.rows.height
    landed, rejected = landed_n.get(i, 0), quarantined_n.get(i, 0)
    if rows_in != landed + rejected:
        return f"[{source}] {p.name}: {rows_in} rows in, {landed} landed + {rejected} quarantined"
    counts = record_n.get(i, {"landed": 0, "quarantined": 0, "unnamed": 0})
    if not counts.get("unnamed"):
        accounted = counts["landed"] + counts["quarantined"] + counts.get("skipped", 0)
        if accounted != p.parsed.raw_records:
            return (
                f"[{source}] {p.name}: {p.parsed.raw_records} records in the file but {counts['landed']} "
                f"landed + {counts['quarantined']} quarantined + {counts.get('skipped', 0)} skipped: "
                f"{abs(p.parsed.raw_records - accounted)} record(s) "
                f"{'unaccounted for' if accounted < p.parsed.raw_records else 'too many'} (a parser dropped "
                "or invented rows; nothing of the file was landed)"
            )
    stray = outside.filter(pl.col(FILE) == i)
    if stray.height:
        days = stray.get_column(day).unique(maintain_order=True).to_list()
        return f"[{source}] {p.name}: rows outside covered days {[(d,) for d in days]}"
    return None


def _counts(frame: pl.DataFrame) -> dict[int, int]:
    return dict(frame.group_by(FILE).len().iter_rows())


def _quarantine_rows(invalid: pl.DataFrame) -> pl.DataFrame:
    """Quarantine rows (with the batch's export index): the record as JSON, quarantined at ingest time.

    A record the reader could not split into fields (``_raw``) is kept as its raw text instead.
    """
    if invalid.is_empty():
        return QUARANTINE_SCHEMA.to_frame(eager=True).with_columns(pl.lit(None, dtype=pl.Int32).alias(FILE))
    record_cols = [c for c in invalid.columns if not c.startswith("_") and c not in QUARANTINE_SCHEMA]
    record = pl.struct(record_cols).struct.json_encode()
    if "_raw" in invalid.columns:
        record = pl.coalesce(pl.col("_raw"), record)
    frame = invalid.with_columns(
        pl.col("_field").alias("field"),
        pl.col("_reason").alias("reason"),
        record.alias("record"),
        pl.col("ingested_at").alias("quarantined_at"),
    )
    return (
        conform(frame, QUARANTINE_SCHEMA)
        .select(QUARANTINE_SCHEMA.names())
        .with_columns(frame.get_column(FILE))
    )
