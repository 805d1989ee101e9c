"""Build the warehouse beside the one readers use, then publish it atomically.

DuckDB lets one process write a file, and a writer cannot open a file another process holds open even
read-only (a BI tool, a notebook, ``duckdb -readonly``). So dbt never writes the published warehouse:

1. the published file (and its WAL, if a crash left one) is copied to ``<warehouse>.building``;
2. dbt builds into the copy (incremental models see the previous state, tables written by ``ewh close``
   come along);
3. on success the copy is checkpointed and renamed over the warehouse (``os.replace``, atomic on one
   file system). Readers that opened the old file keep that snapshot until they reconnect; new
   connections see the new build. On failure the copy is deleted: the last good warehouse stays.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

SUFFIX = ".building"


def building_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + SUFFIX)


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _discard(path: Path) -> None:
    for file in (path, _wal(path)):
        file.unlink(missing_ok=True)


def _checkpoint(path: Path) -> None:
    """Fold the WAL into the file, so the rename publishes one self-contained file."""
    con = duckdb.connect(str(path))
    try:
        con.execute("checkpoint")
    finally:
        con.close()


def publish(building: Path, warehouse: Path) -> None:
    """Atomically replace ``warehouse`` by ``building`` (same folder, hence the same file system)."""
    _checkpoint(building)
    _wal(warehouse).unlink(missing_ok=True)  # a crash's log of the old file, already folded into the copy
    os.replace(building, warehouse)
    descriptor = os.open(warehouse.parent, os.O_RDONLY)
    try:
        os.fsync(descriptor)  # the rename itself survives a power cut
    finally:
        os.close(descriptor)


@contextmanager
def building_copy(warehouse: Path) -> Iterator[Path]:
    """A private copy of the warehouse to build into; published when the block succeeds."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    building = building_path(warehouse)
    _discard(building)  # a crashed build's leftovers
    if warehouse.exists():
        shutil.copyfile(warehouse, building)
        if _wal(warehouse).exists():
            shutil.copyfile(_wal(warehouse), _wal(building))
    try:
        yield building
    except BaseException:
        _discard(building)
        raise
    publish(building, warehouse)


@contextmanager
def writable_copy(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to a copy of the warehouse, published when the block succeeds.

    For the writes outside dbt (``ewh close``, restatements): they too must not fail on a reader.
    """
    with building_copy(warehouse) as building:
        con = duckdb.connect(str(building))
        try:
            yield con
        finally:
            con.close()
