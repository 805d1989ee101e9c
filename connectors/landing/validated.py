"""Which landed partitions the landing gate (the GX check) has passed: a time mark per source.

The check validates only the partitions written since its last pass, so a nightly run checks its new
days, not the whole history; a failed check leaves the mark where it was, so its partitions are checked
again. ``ewh run`` reads the same mark to tell whether a source has anything left to check.
"""

from __future__ import annotations

from pathlib import Path

from connectors.core.config import Paths

MARKS = ".checked"  # folder of the marks under the landing zone: bookkeeping, not data


def landed_partitions(activity_dir: Path, source: str) -> list[Path]:
    """Every landed day partition of ``source``, in path order."""
    return sorted((activity_dir / f"source={source}").glob("dataset=*/usage_date=*/part-0.parquet"))


def _mark(paths: Paths, source: str) -> Path:
    return paths.landing / MARKS / f"{source}.mtime"


def unvalidated_partitions(paths: Paths, source: str) -> tuple[list[Path], list[Path]]:
    """(partitions written since the last passing check, every landed partition) of ``source``."""
    mark = _mark(paths, source)
    since = float(mark.read_text()) if mark.exists() else 0.0
    every = landed_partitions(paths.activity, source)
    return [p for p in every if p.stat().st_mtime > since], every


def mark_validated(paths: Paths, source: str, started: float) -> None:
    """Record a passing check that started at ``started`` (epoch seconds): what landed later is new."""
    mark = _mark(paths, source)
    mark.parent.mkdir(parents=True, exist_ok=True)
    mark.write_text(repr(started))
