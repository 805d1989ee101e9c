"""``ewh verify``: rebuild a closed quarter from its archived raw files and compare with the snapshot.

1. Integrity: every raw file in the quarter's closed manifest (``closed_raw_files``) must exist under
   ``landing/raw`` and hash to its recorded sha256; a missing or altered file fails verification and is
   named (nothing is rebuilt from a file that is not the one that was landed).
2. Factor release: the seeds the rebuild will use must hash to the closed quarter's
   ``factor_release_sha256``; a different release is reported (the figures will then differ too).
3. Rebuild: into a temporary ``EWH_HOME``, each file is re-parsed with its registered connector and
   landed with ``connectors.landing.zone.ingest_bytes`` in the original landing order and with the original
   ``ingested_at`` (so route precedence and day replacement resolve exactly as they did), then the same
   Dagster job ``ewh run`` executes (``build_definitions`` + ``ALL_JOB``: GX checks, dbt build) runs
   with an empty exports folder and no vendor API credentials.
4. Compare: every cell and figure of ``mart_quarterly_emissions`` for the quarter against
   ``closed_quarterly_emissions`` (relative tolerance 1e-9), and the set of activity ids against
   ``closed_activity_impacts``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from connectors.core.config import Paths
from ewh.trust.close import load_snapshot
from ewh.trust.common import CELL_KEYS, METRICS, REL_TOL, closed_dir, rel_close, sha256_file
from warehouse.connection import reading
from warehouse.quarters import parse_quarter

COMPARED = (*METRICS, "activity_rows", "output_tokens", "input_tokens")


@dataclass
class VerifyResult:
    quarter: str
    verified_at: str
    closed_at: str
    ok: bool = False
    integrity_ok: bool = False
    factor_release_ok: bool = False
    rebuild_ok: bool = False
    figures_ok: bool = False
    closed_factor_release: str = ""
    closed_factor_release_sha256: str = ""
    current_factor_release_sha256: str = ""
    raw_files_checked: int = 0
    cells_compared: int = 0
    tolerance: float = REL_TOL
    problems: list[str] = field(default_factory=list)
    mismatches: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        head = f"verify {self.quarter} (closed {self.closed_at}): {'OK' if self.ok else 'FAILED'}"
        lines = [
            head,
            f"  raw files: {self.raw_files_checked} checked, "
            f"integrity {'ok' if self.integrity_ok else 'FAILED'}",
            f"  factor release: closed {self.closed_factor_release} "
            f"{self.closed_factor_release_sha256[:12]}, "
            f"current {self.current_factor_release_sha256[:12]} "
            f"({'same' if self.factor_release_ok else 'DIFFERENT'})",
            f"  rebuild: {'ok' if self.rebuild_ok else 'not done or failed'}; cells compared: "
            f"{self.cells_compared}; figures {'match' if self.figures_ok else 'DO NOT match'}"
            f" (relative tolerance {self.tolerance:g})",
        ]
        lines += [f"  - {p}" for p in self.problems]
        lines += [f"  * {json.dumps(m, default=str)}" for m in self.mismatches[:20]]
        if len(self.mismatches) > 20:
            lines.append(f"  ... {len(self.mismatches) - 20} more mismatches")
        return "\n".join(lines)


def bad_raw_files(paths: Paths, files: pl.DataFrame) -> dict[str, str]:
    """Missing or altered archived raw files: ``source_file`` → message naming the original export."""
    problems = {}
    for f in files.iter_rows(named=True):
        archived = paths.landing / f["source_file"]
        label = f"{archived} (original {f['source']}/{f['original_name']})"
        if not archived.exists():
            problems[f["source_file"]] = f"raw file missing: {label}"
            continue
        actual = sha256_file(archived)
        if actual != f["source_sha256"]:
            problems[f["source_file"]] = (
                f"raw file tampered: {label}: sha256 is {actual}, the manifest records {f['source_sha256']}"
            )
    return problems


def check_raw_files(paths: Paths, files: pl.DataFrame) -> list[str]:
    return list(bad_raw_files(paths, files).values())


@contextlib.contextmanager
def _without_api_credentials() -> Iterator[None]:
    """The rebuild must read only archived files: hide every connector's credential variable."""
    from connectors.core.registry import CONNECTORS

    names = {c.credential_variable for c in CONNECTORS.values() if c.credential_variable}
    saved = {n: os.environ.pop(n) for n in names if n in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


def replay_landing(files: pl.DataFrame, source_paths: Paths, target: Paths) -> None:
    """Land the archived raw files into ``target`` in their original order and with their original times.

    Consecutive files of one source land as one batch (one manifest write per batch, as the ingest
    assets do); a batch lands its exports exactly as one-at-a-time landing in the same order would.
    """
    from connectors.core.registry import get
    from connectors.landing.zone import LandingBatch

    batch: LandingBatch | None = None
    for f in files.sort("landing_order").iter_rows(named=True):
        if batch is None or batch.connector.source != f["source"]:
            if batch is not None:
                batch.flush()
            batch = LandingBatch(get(f["source"]), target)
        raw = (source_paths.landing / f["source_file"]).read_bytes()
        batch.add(raw, f["original_name"], now=f["ingested_at"])
    if batch is not None:
        batch.flush()


def run_pipeline(home: Path, exports: Path, log_file: Path) -> tuple[bool, list[str]]:
    """The job ``ewh run`` executes, on ``home``, in an ephemeral Dagster instance."""
    from orchestration.runner import run_ephemeral

    outcome = run_ephemeral(home, exports, log_file)
    return outcome.success, [
        f"{step}: {causes[0] if causes else ''}" for step, causes in outcome.failed_steps
    ]


def compare_figures(closed: pl.DataFrame, rebuilt: pl.DataFrame, tol: float = REL_TOL) -> list[dict]:
    keys = list(CELL_KEYS)
    cols = [c for c in COMPARED if c in closed.columns and c in rebuilt.columns]
    if "channel" not in closed.columns:
        # closed before the purchase channel (#18): compare the cells without it, the rebuilt summed over
        # its channels (every compared figure is a sum)
        keys.remove("channel")
        rebuilt = rebuilt.group_by(keys).agg(pl.col(c).sum() for c in cols)
    left = closed.select(*keys, *cols).with_columns(pl.lit(True).alias("_in_closed"))
    right = rebuilt.select(*keys, *cols).with_columns(pl.lit(True).alias("_in_rebuilt"))
    joined = left.join(right, on=keys, how="full", coalesce=True, nulls_equal=True, suffix="_rebuilt")
    mismatches = []
    for row in joined.iter_rows(named=True):
        cell = {k: row[k] for k in keys}
        if not row["_in_closed"] or not row["_in_rebuilt"]:
            where = "closed snapshot" if row["_in_closed"] else "rebuild"
            mismatches.append(cell | {"problem": f"cell only in the {where}"})
            continue
        for c in cols:
            a, b = row[c], row[f"{c}_rebuilt"]
            a = None if a is None else float(a)
            b = None if b is None else float(b)
            if not rel_close(a, b, tol):
                mismatches.append(cell | {"metric": c, "closed": a, "rebuilt": b})
    return mismatches


def verify_quarter(
    paths: Paths, quarter: str, *, workdir: Path | None = None, keep: bool = False
) -> VerifyResult:
    from factors.release import release_info

    quarter = parse_quarter(quarter)
    header = load_snapshot(paths, quarter, "closed_quarters").row(0, named=True)
    files = load_snapshot(paths, quarter, "closed_raw_files")
    closed_mart = load_snapshot(paths, quarter, "closed_quarterly_emissions")
    closed_rows = load_snapshot(paths, quarter, "closed_activity_impacts")
    current = release_info()
    result = VerifyResult(
        quarter=quarter,
        verified_at=datetime.now(UTC).isoformat(),
        closed_at=str(header["closed_at"]),
        closed_factor_release=header["factor_release"],
        closed_factor_release_sha256=header["factor_release_sha256"],
        current_factor_release_sha256=current["factor_release_sha256"],
        raw_files_checked=files.height,
    )
    problems = check_raw_files(paths, files)
    result.integrity_ok = not problems
    result.problems += problems
    result.factor_release_ok = current["factor_release_sha256"] == header["factor_release_sha256"]
    if not result.factor_release_ok:
        result.problems.append(
            f"factor release differs: closed with {header['factor_release']} "
            f"sha256 {header['factor_release_sha256']}, "
            f"the seeds now hash to {current['factor_release_sha256']} "
            f"({current['factor_release']}); figures are rebuilt with the current seeds"
        )
    if not result.integrity_ok:
        result.problems.append("rebuild skipped: the archived raw files are not the ones that were landed")
        _save(paths, result)
        return result

    tmp = Path(tempfile.mkdtemp(prefix=f"ewh-verify-{quarter}-", dir=workdir))
    try:
        target = Paths(tmp / "home")
        with _without_api_credentials():
            replay_landing(files, paths, target)
            ok, errors = run_pipeline(target.home, tmp / "exports", tmp / "verify-run.log")
        result.rebuild_ok = ok
        if not ok:
            result.problems.append(f"rebuild failed: {'; '.join(errors) or 'see the run log'}")
            result.problems.append(f"run log: {tmp / 'verify-run.log'}")
            keep = True
        else:
            with reading(target.warehouse) as con:
                rebuilt = con.sql(
                    "select * from mart_quarterly_emissions where quarter = $q", params={"q": quarter}
                ).pl()
                rebuilt_ids = set(
                    con.sql(
                        "select activity_id from fct_activity_impacts where quarter = $q",
                        params={"q": quarter},
                    )
                    .pl()
                    .get_column("activity_id")
                    .to_list()
                )
            result.cells_compared = closed_mart.height
            result.mismatches = compare_figures(closed_mart, rebuilt)
            closed_ids = set(closed_rows.get_column("activity_id").to_list())
            if closed_ids != rebuilt_ids:
                result.problems.append(
                    f"activity rows differ: {len(closed_ids - rebuilt_ids)} closed rows not rebuilt, "
                    f"{len(rebuilt_ids - closed_ids)} rebuilt rows not in the snapshot"
                )
            result.figures_ok = not result.mismatches and closed_ids == rebuilt_ids
            if result.mismatches:
                result.problems.append(f"{len(result.mismatches)} figure(s) differ from the closed snapshot")
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)
    result.ok = result.integrity_ok and result.factor_release_ok and result.rebuild_ok and result.figures_ok
    _save(paths, result)
    return result


def _save(paths: Paths, result: VerifyResult) -> None:
    folder = closed_dir(paths, result.quarter)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "verify.json").write_text(json.dumps(result.as_dict(), default=str, indent=2))


def last_verify(paths: Paths, quarter: str) -> dict | None:
    """The latest persisted verify result of the quarter, if it was made for the current snapshot."""
    path = closed_dir(paths, quarter) / "verify.json"
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    header = load_snapshot(paths, quarter, "closed_quarters").row(0, named=True)
    return data if data.get("closed_at") == str(header["closed_at"]) else None
