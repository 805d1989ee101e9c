"""Opening the built warehouse: read-only for every reader, writes only through a published copy.

Every reader (CLI, report, exports, trust, checks) opens it here, so a missing warehouse or one held by
a running build gets the same explanation everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb


class WarehouseError(RuntimeError):
    """The warehouse cannot be opened: not built yet, or held by a writer."""


def connect(warehouse: Path, *, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    if not warehouse.exists():
        raise WarehouseError(f"no warehouse at {warehouse}; run `ewh run` first (EWH_HOME decides where)")
    try:
        return duckdb.connect(str(warehouse), read_only=read_only)
    except duckdb.IOException as exc:
        raise WarehouseError(f"cannot open {warehouse} ({exc}); is a run writing it?") from None


@contextmanager
def reading(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection for the block."""
    con = connect(warehouse)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def writing(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Write through a copy published atomically (warehouse/publish.py): open readers keep their
    snapshot and never make the write fail; a failed block publishes nothing."""
    from warehouse.publish import writable_copy

    if not warehouse.exists():
        raise WarehouseError(f"no warehouse at {warehouse}; run `ewh run` first")
    with writable_copy(warehouse) as con:
        yield con


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_name = ? and table_schema = 'main'",
            [name],
        ).fetchall()[0][0]
    )
