"""Dagster resources: where the warehouse lives and which exports a run reads."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from connectors.core.config import BUNDLED_SAMPLES, Paths, default_home


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse home (``EWH_HOME``) and the folder of vendor exports to ingest.

    ``exports_dir`` is laid out like ``data/samples/``: one sub-folder per source. API sources
    re-fetch ``lookback_days`` already-landed days on each run, because vendors revise recent days.
    """

    home: str
    exports_dir: str
    lookback_days: int = 3
    # when ingesting the inbox: move landed files to inbox/.archive and unreadable ones to inbox/.rejected
    from_inbox: bool = False

    @classmethod
    def from_env(cls, home: Path | None = None, exports_dir: Path | None = None) -> WarehouseResource:
        """``EWH_EXPORTS_DIR`` and ``EWH_LOOKBACK_DAYS`` override the defaults (bundled samples, 3 days)."""
        exports = exports_dir or Path(os.environ.get("EWH_EXPORTS_DIR") or BUNDLED_SAMPLES)
        return cls(
            home=str(home or default_home()),
            exports_dir=str(exports),
            lookback_days=int(os.environ.get("EWH_LOOKBACK_DAYS", 3)),
        )

    @property
    def paths(self) -> Paths:
        return Paths(Path(self.home))

    def source_folder(self, source: str) -> Path:
        return Path(self.exports_dir) / source
