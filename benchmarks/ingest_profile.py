"""Time (and optionally profile) landing a folder of exports, the way ``ewh run`` lands files.

    python benchmarks/ingest_profile.py /tmp/ingest-exports [--home DIR] [--profile] [--top 30]
                                        [--rerun] [--digest OUT.json]

``EXPORTS`` is laid out like ``data/samples`` (``<source>/<files>``; ``benchmarks/generate.py`` writes
one). Each source's folder goes through ``connectors.landing.ingest.ingest_source`` (files only, no
vendor API), the same call the Dagster ingest assets make, into a fresh ``EWH_HOME`` (a temporary folder,
deleted afterwards, unless ``--home`` is given). Prints wall and CPU seconds, files, rows, and the cost
per file and per row; ``--profile`` adds the top cProfile entries by cumulative time; ``--rerun`` lands
the same folder a second time (everything must be skipped by hash); ``--digest`` writes order-independent
hashes of the landed rows, the quarantine, the partition layout and the manifest (without ingest times)
so two versions of the landing code can be compared on the same exports.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import polars as pl  # noqa: E402

from connectors.core.config import Paths  # noqa: E402
from connectors.core.registry import CONNECTORS  # noqa: E402
from connectors.landing.ingest import ingest_source  # noqa: E402
from connectors.landing.zone import read_manifest  # noqa: E402


def land(exports: Path, paths: Paths) -> dict:
    """Land every source folder of ``exports``; returns files seen/new and rows in/landed/quarantined."""
    totals = {"files": 0, "files_new": 0, "rows_in": 0, "rows_landed": 0, "rows_quarantined": 0}
    for source, connector in CONNECTORS.items():
        folder = exports / source
        if not folder.is_dir():
            continue
        results = ingest_source(connector, paths, folders=[folder], use_api=False)
        totals["files"] += len(results)
        for r in results:
            if not r.skipped:
                totals["files_new"] += 1
                totals["rows_in"] += r.rows_in
                totals["rows_landed"] += r.rows_landed
                totals["rows_quarantined"] += r.rows_quarantined
    return totals


def timed(fn, *args, profile: cProfile.Profile | None = None):
    wall, cpu = time.perf_counter(), time.process_time()
    if profile is not None:
        profile.enable()
    try:
        out = fn(*args)
    finally:
        if profile is not None:
            profile.disable()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def _frame_digest(frame: pl.DataFrame) -> str:
    """Order-independent: hash each row, sort the hashes, hash the list."""
    if frame.is_empty():
        return hashlib.sha256(b"").hexdigest()
    rows = frame.select(sorted(frame.columns)).hash_rows(seed=0).sort()
    return hashlib.sha256(rows.to_numpy().tobytes()).hexdigest()


def digest(paths: Paths) -> dict:
    """Content hashes of what landed, ignoring ingest times (they differ between two runs)."""
    times = ["ingested_at", "quarantined_at"]
    landing = paths.landing
    files = sorted(p.relative_to(landing).as_posix() for p in landing.rglob("*.parquet"))
    out = {"parquet_files": len(files), "layout": hashlib.sha256("\n".join(files).encode()).hexdigest()}
    for table in ("activity", "vendor_emissions", "quarantine"):
        parts = sorted((landing / table).rglob("*.parquet")) if (landing / table).is_dir() else []
        # each row with its file and its place in it, so the hash also pins the partition and row order
        frames = [
            pl.read_parquet(p, hive_partitioning=False)
            .with_row_index("_row")
            .with_columns(pl.lit(p.relative_to(landing).as_posix()).alias("_file"))
            for p in parts
        ]
        frames = [f for f in frames if f.height]
        if not frames:
            out[table] = {"rows": 0}
            continue
        frame = pl.concat(frames, how="vertical")
        frame = frame.drop([c for c in times if c in frame.columns])
        if table == "quarantine":  # the record JSON carries the row's ingest time
            frame = frame.with_columns(pl.col("record").str.replace(r'"ingested_at":"[^"]*"', ""))
        out[table] = {"rows": frame.height, "sha256": _frame_digest(frame)}
    manifest = read_manifest(paths).drop("ingested_at")
    out["manifest"] = {"rows": manifest.height, "sha256": _frame_digest(manifest)}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("exports", type=Path, help="folder of <source>/<export files> (benchmarks/generate.py)")
    ap.add_argument("--home", type=Path, help="EWH_HOME to land into (kept); default: a temporary folder")
    ap.add_argument("--profile", action="store_true", help="print the top cProfile entries")
    ap.add_argument("--top", type=int, default=30, help="cProfile entries to print (default 30)")
    ap.add_argument("--rerun", action="store_true", help="land the same folder again (all skipped)")
    ap.add_argument("--digest", type=Path, help="write content hashes of the landing zone as JSON")
    args = ap.parse_args(argv)

    home = args.home or Path(tempfile.mkdtemp(prefix="ewh-ingest-"))
    if args.home and home.exists() and any(home.iterdir()):
        ap.error(f"--home {home} is not empty: the measurement needs a fresh EWH_HOME")
    paths = Paths(home)
    profile = cProfile.Profile() if args.profile else None
    try:
        totals, wall, cpu = timed(land, args.exports, paths, profile=profile)
        files, rows = totals["files_new"], totals["rows_in"]
        print(f"exports {args.exports} -> home {home}")
        print(
            f"landed: {files} files, {rows:,} rows in = {totals['rows_landed']:,} landed"
            f" + {totals['rows_quarantined']:,} quarantined"
        )
        print(f"wall {wall:.2f} s, CPU {cpu:.2f} s")
        if files:
            print(f"per file: {1e3 * wall / files:.1f} ms wall, {1e3 * cpu / files:.1f} ms CPU")
        if rows:
            print(f"per row: {1e6 * wall / rows:.2f} us wall, {1e6 * cpu / rows:.2f} us CPU")
        if args.rerun:
            again, wall2, cpu2 = timed(land, args.exports, paths)
            print(
                f"re-run: {again['files']} files seen, {again['files_new']} landed;"
                f" wall {wall2:.2f} s, CPU {cpu2:.2f} s"
            )
        if args.digest:
            args.digest.write_text(json.dumps(digest(paths), indent=1) + "\n")
            print(f"digest -> {args.digest}")
        if profile is not None:
            print()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)
    finally:
        if not args.home:
            shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
