"""Reading a built warehouse in a test: the file opened read-only, the connection closed before returning."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl


@contextmanager
def _reading(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        yield con
    finally:
        con.close()


def query_frame(warehouse: Path, sql: str, params: dict | None = None) -> pl.DataFrame:
    """The result of ``sql`` (``$name`` parameters from ``params``) on the warehouse file, as a frame."""
    with _reading(warehouse) as con:
        return con.sql(sql, params=params or {}).pl()


def query_rows(warehouse: Path, sql: str, params: dict | None = None) -> list[dict]:
    """The result of ``sql`` on the warehouse file, one dict of column -> value a row."""
    with _reading(warehouse) as con:
        rel = con.sql(sql, params=params or {})
        return [dict(zip(rel.columns, r, strict=True)) for r in rel.fetchall()]
