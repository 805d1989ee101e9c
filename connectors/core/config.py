"""Where the warehouse keeps its files: one root, ``EWH_HOME``, holds everything the pipeline writes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
BUNDLED_SAMPLES = REPO_ROOT / "data" / "samples"


def default_home() -> Path:
    """``EWH_HOME`` if set, else the repository's ``data/`` folder."""
    return Path(os.environ.get("EWH_HOME") or REPO_ROOT / "data").resolve()


@dataclass(frozen=True)
class Paths:
    """Every location derived from one home directory, so a run never writes outside it.

    The warehouse file defaults to ``<home>/warehouse.duckdb``; ``EWH_WAREHOUSE_PATH`` moves it.
    """

    home: Path
    warehouse_override: Path | None = None

    @classmethod
    def from_env(cls) -> Paths:
        override = os.environ.get("EWH_WAREHOUSE_PATH")
        return cls(default_home(), Path(override).resolve() if override else None)

    @property
    def landing(self) -> Path:
        return self.home / "landing"

    @property
    def raw(self) -> Path:
        """Immutable archive of every ingested export, one file per content hash."""
        return self.landing / "raw"

    @property
    def activity(self) -> Path:
        return self.landing / "activity"

    @property
    def quarantine(self) -> Path:
        return self.landing / "quarantine"

    @property
    def manifest(self) -> Path:
        return self.landing / "manifest.parquet"

    @property
    def inbox(self) -> Path:
        return self.home / "inbox"

    @property
    def warehouse(self) -> Path:
        return (self.warehouse_override or self.home / "warehouse.duckdb").resolve()

    @property
    def dagster_home(self) -> Path:
        return self.home / ".dagster"

    @property
    def dbt_runs(self) -> Path:
        """dbt's target folder of each pipeline run (compiled SQL, run_results.json), newest kept."""
        return self.home / "dbt" / "runs"

    def dbt_env(self) -> dict[str, str]:
        """Absolute paths for dbt: profiles.yml resolves relative paths against the process cwd."""
        return {
            "EWH_HOME": str(self.home),
            "EWH_LANDING_DIR": str(self.landing),
            "EWH_WAREHOUSE_PATH": str(self.warehouse),
        }


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the duration of a block (dbt reads its paths from them)."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
