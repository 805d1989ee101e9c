"""``ewh quarantine``: files rejected whole and rows held back at landing, with reason, source, file and row.

Rejected files come from the landing manifest (``status = rejected``); quarantined rows from the
warehouse view ``stg_landing__quarantine``, or, when there is no warehouse yet (or the view is missing),
straight from the landing zone's quarantine Parquet files.
"""

from __future__ import annotations

import duckdb
import polars as pl

from connectors.core.config import Paths
from connectors.core.schema import QUARANTINE_SCHEMA
from connectors.landing.zone import read_manifest
from warehouse.connection import table_exists

COLUMNS = (
    "source",
    "dataset",
    "original_name",
    "source_file",
    "source_row",
    "field",
    "reason",
    "quarantined_at",
)


def quarantined_rows(paths: Paths, source: str | None = None) -> tuple[pl.DataFrame, str]:
    """The quarantined rows (newest first) and where they were read from."""
    frame, origin = None, ""
    if paths.warehouse.exists():
        con = duckdb.connect(str(paths.warehouse), read_only=True)
        try:
            if table_exists(con, "stg_landing__quarantine"):
                frame = con.sql("select * from stg_landing__quarantine").pl()
                origin = f"{paths.warehouse} (stg_landing__quarantine)"
        except duckdb.Error:
            frame = None
        finally:
            con.close()
    if frame is None:
        files = sorted(paths.quarantine.glob("source=*/*.parquet"))
        frame = (
            pl.concat([pl.read_parquet(f) for f in files], how="vertical_relaxed")
            if files
            else QUARANTINE_SCHEMA.to_frame(eager=True)
        )
        origin = f"{paths.quarantine} (landing Parquet)"
    if source:
        frame = frame.filter(pl.col("source") == source)
    names = read_manifest(paths).select("source_sha256", "original_name").unique("source_sha256")
    frame = frame.join(names, on="source_sha256", how="left")
    return frame.select(*COLUMNS, "record").sort(
        "quarantined_at", "source", "source_row", descending=[True, False, False]
    ), origin


def rejected_files(paths: Paths, source: str | None = None, *, since=None) -> pl.DataFrame:
    """Export files that could not be read, newest attempt first: those still rejected at their latest
    attempt (a file fixed and landed under the same name drops off), or every rejection since ``since``."""
    manifest = read_manifest(paths)
    if source:
        manifest = manifest.filter(pl.col("source") == source)
    if since is not None:
        latest = manifest.filter(pl.col("ingested_at") >= since)
    else:
        latest = manifest.sort("ingested_at").group_by("source", "original_name").last()
    return (
        latest.filter(pl.col("status") == "rejected")
        .unique(["source", "original_name", "source_sha256"], keep="last")
        .select(
            "source", "original_name", "error", "source_file", pl.col("ingested_at").alias("attempted_at")
        )
        .sort("attempted_at", "source", "original_name", descending=[True, False, False])
    )
