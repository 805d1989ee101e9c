"""Dagster resources: where the warehouse lives and which exports a run reads."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from connectors.config import BUNDLED_SAMPLES, Paths, default_home


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse home (``EWH_HOME``) and the folder of vendor exports to ingest.

    ``exports_dir`` is laid out like ``data/samples/``: one sub-folder per source. API sources
    re-fetch ``lookback_days`` already-landed days on each run, because vendors revise recent days.
    """

    home: str
    exports_dir: str
    lookback_days: int = 3

    @classmethod
    def from_env(cls, home: Path | None = None, exports_dir: Path | None = None) -> WarehouseResource:
        return cls(home=str(home or default_home()), exports_dir=str(exports_dir or BUNDLED_SAMPLES))

    @property
    def paths(self) -> Paths:
        return Paths(Path(self.home))

    def source_folder(self, source: str) -> Path:
        return Path(self.exports_dir) / source
