"""Which sources a run has work for: ``ewh run`` runs the ingest steps of those sources only.

A source's ingest step can change something only when the source has export files in its folder (files
already landed are skipped by their sha256, but only reading them tells), when its API key is set, when
its landing zone is not initialised yet, or when landed partitions still wait for the GX gate (a failed
check leaves them unmarked). Otherwise the step would land nothing and its checks would pass on nothing,
at a cost of a Dagster step and its events; the freshness check, which depends on the day, is evaluated
for every source in use in either case (``orchestration/defs/landing/checks.py``).

A source is in use when EWH_SOURCES names it or it has landed rows: a source never landed and not named
is one the team does not use, and "nothing landed" is no news about it.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from connectors.core.config import Paths
from connectors.core.registry import CONNECTORS
from connectors.landing.ingest import api_configured
from connectors.landing.validated import unvalidated_partitions
from connectors.landing.zone import landed_totals, landing_ready
from orchestration.defs.resources import exports_dir_from_env, source_enabled


def pending_sources(paths: Paths, exports: Path | None) -> dict[str, list[str]]:
    """Source -> why its ingest step must run, for every source with work (enabled by EWH_SOURCES)."""
    folder = exports or exports_dir_from_env()
    chosen = os.environ.get("EWH_SOURCES", "")
    found = {}
    for source, connector in CONNECTORS.items():
        if source_enabled(source, chosen) and (reasons := _reasons(paths, folder / source, connector)):
            found[source] = reasons
    return found


def sources_in_use(paths: Paths, chosen: str) -> set[str]:
    """The sources whose freshness is checked: those ``chosen`` (EWH_SOURCES) and those with landed rows."""
    named = {s for s in CONNECTORS if chosen.strip() and source_enabled(s, chosen)}
    totals = landed_totals(paths).filter(pl.col("rows_landed") > 0)
    return named | set(totals.get_column("source").to_list())


NOT_INITIALISED = "landing zone not initialised"


def rows_may_land(pending: dict[str, list[str]]) -> bool:
    """Whether any pending source may land rows for the GX gate (not only a landing zone to initialise)."""
    return any(reason != NOT_INITIALISED for reasons in pending.values() for reason in reasons)


def _reasons(paths: Paths, folder: Path, connector) -> list[str]:
    reasons = []
    if not landing_ready(paths, connector.source, connector.table):
        reasons.append(NOT_INITIALISED)
    if folder.is_dir() and (files := connector.find_files(folder)):
        reasons.append(f"{len(files)} export file(s) in {folder}")
    if api_configured(connector):
        reasons.append(f"{connector.credential_variable} is set")
    if unchecked := unvalidated_partitions(paths, connector.source)[0]:
        reasons.append(f"{len(unchecked)} landed partition(s) not yet through the GX check")
    return reasons
