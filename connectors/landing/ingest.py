"""One ingest step for one source, shared by the Dagster assets and ``ewh ingest``.

1. Every export file found in the source's folder (bundled samples, a ``--samples`` dir, the inbox) is
   landed; files already landed (same sha256) are skipped.
2. If the source has an API and its credential variable is set, the API is fetched for a window of
   complete UTC days and landed the same way: all pages of a report are fetched before anything lands,
   so a failure mid-way never leaves a partial day.

Both land through ``connectors.landing.zone.LandingBatch``: one manifest read per folder (or API window) and
one manifest write per batch, instead of a manifest read and rewrite per file.

Incremental window: from the day after the last day the API landed, minus ``lookback_days`` (vendors
revise recent days), to yesterday; a first run starts ``initial_days`` ago. Re-landing a day replaces it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl

from connectors.core.base import Connector
from connectors.core.config import Paths
from connectors.core.settings import setting
from connectors.landing.zone import IngestResult, LandingBatch, ingest_folder, init_landing, read_manifest

API_MARKER = "_api_"  # API exports are named <report>_api_<first>_<last>.json


@dataclass(frozen=True)
class Window:
    first: date
    end: date  # exclusive

    def __post_init__(self) -> None:
        if self.end <= self.first:
            raise ValueError(f"empty window: {self.first} .. {self.end} (the end is exclusive)")


def last_api_day(paths: Paths, source: str) -> date | None:
    manifest = read_manifest(paths).filter(
        (pl.col("source") == source) & pl.col("original_name").str.contains(API_MARKER, literal=True)
    )
    return manifest.get_column("last_day").max() if manifest.height else None


def incremental_window(
    paths: Paths, source: str, *, today: date, lookback_days: int = 3, initial_days: int = 30
) -> Window | None:
    """Complete days to fetch; ``None`` when there is nothing new (already up to yesterday)."""
    end = today
    last = last_api_day(paths, source)
    first = end - timedelta(days=initial_days) if last is None else last + timedelta(days=1 - lookback_days)
    return Window(first, end) if first < end else None


def ingest_source(
    connector: Connector,
    paths: Paths,
    *,
    folders: list[Path] = (),
    window: Window | None = None,
    use_api: bool = True,
    today: date | None = None,
    lookback_days: int = 3,
) -> list[IngestResult]:
    # the source's typed placeholder files exist even before its first export, so dbt's globs match
    init_landing(paths, [connector.source], connector.table)
    results: list[IngestResult] = []
    for folder in folders:
        if folder.is_dir():
            results.extend(ingest_folder(connector, folder, paths))
    # an explicit window demands the API (a missing key is then an error); otherwise it runs when configured
    if use_api and connector.fetch is not None and (window is not None or api_configured(connector)):
        today = today or datetime.now(UTC).date()
        window = window or incremental_window(
            paths, connector.source, today=today, lookback_days=lookback_days
        )
        if window is not None:
            batch = LandingBatch(connector, paths)  # one manifest write for the window's exports
            for export in connector.fetch(window.first, window.end):
                batch.add(export.raw, export.name)
            results.extend(batch.flush())
    return results


def api_configured(connector: Connector) -> bool:
    """The source has an API and its credential variable is set: a run fetches from it."""
    return connector.fetch is not None and bool((setting(connector.credential_variable or "") or "").strip())
