"""``ewh audit-pack``: an auditor's evidence pack for one quarter, every part listed with its sha256.

Parts (file names in the pack):

- ``quarterly_figures.csv``     the closed snapshot of ``mart_quarterly_emissions`` (the current marts,
                                marked as not closed, if the quarter was never closed)
- ``activity_rows.csv``         the quarter's row-level impacts with factor ids and source rows
- ``methodology.md``            docs/methodology.md as of the pack
- ``factor_release.json``       release id, seed content sha256, EcoLogits version (closed + current)
- ``factor_rows.csv``           every factor row used by the quarter, with value, source URL and licence
- ``raw_file_manifest.csv``     every raw file behind the quarter: original name, archive path, sha256,
                                and whether it still hashes to that value now
- ``gx_validation.json``        the landing Great Expectations suite run now on the quarter's landed
                                partitions, per source (Dagster keeps check results in its own instance;
                                the pack re-runs the same ``validate_partitions`` the blocking check runs)
- ``dbt_run_results.json``      the newest ``run_results.json`` of the home's runs (``$EWH_HOME/dbt/runs``)
- ``verify.json``               the quarter's latest ``ewh verify`` result for this snapshot (run now if
                                there is none)
- ``restatements.csv``          restatements recorded against the closed quarter (may be empty)
- ``README.md`` / ``index.json`` this list with each part's sha256 and size
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from connectors.core.config import REPO_ROOT, Paths
from ewh.trust.close import load_snapshot
from ewh.trust.common import TrustError, derived_factor_rows, sha256_file
from ewh.trust.trace import factors_for
from warehouse.connection import connect, table_exists
from warehouse.quarters import parse_quarter, quarter_bounds

METHODOLOGY = REPO_ROOT / "docs" / "methodology.md"
PARTS = {
    "quarterly_figures.csv": "Quarterly figures (mart_quarterly_emissions), closed snapshot",
    "activity_rows.csv": "Row-level impacts behind the figures, with factor ids and source file/row",
    "methodology.md": "Methodology: every formula and constant",
    "factor_release.json": "Factor release id, content sha256 and EcoLogits version",
    "factor_rows.csv": "Every factor row used, with value, validity, source URL, year and licence",
    "raw_file_manifest.csv": "Raw vendor exports behind the quarter, with sha256 and current integrity",
    "gx_validation.json": "Great Expectations landing-suite results on the quarter's partitions",
    "dbt_run_results.json": "dbt run results (models built and data tests) of the latest build",
    "verify.json": "Result of rebuilding the quarter from raw files and comparing with the snapshot",
    "restatements.csv": "Restatements recorded against the closed quarter",
}


def latest_run_results(runs: Path) -> Path | None:
    """The newest ``run_results.json`` of this home's pipeline runs (``Paths.dbt_runs``)."""
    found = list(runs.rglob("run_results.json")) if runs.exists() else []
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def gx_results(paths: Paths, quarter: str) -> dict:
    from connectors.core.registry import ACTIVITY_SOURCES
    from connectors.landing.validated import landed_partitions
    from warehouse.landed_validation import validate_partitions

    first, last = (day.isoformat() for day in quarter_bounds(quarter))
    out = {
        "quarter": quarter,
        "run_at": datetime.now(UTC).isoformat(),
        "suite": "landing canonical activity",
        "sources": {},
    }
    for source in ACTIVITY_SOURCES:
        parts = [
            p
            for p in landed_partitions(paths.activity, source)
            if first <= p.parent.name.removeprefix("usage_date=") <= last
        ]
        if not parts:
            continue
        result = validate_partitions(parts, f"{source} {quarter}")
        out["sources"][source] = {
            "partitions": len(parts),
            "success": result.success,
            "rows": result.rows,
            "failures": result.failures,
        }
    out["success"] = all(s["success"] for s in out["sources"].values())
    return out


def write_audit_pack(paths: Paths, quarter: str, out: Path, *, run_verify: bool = True) -> dict:
    """Write the pack into ``out`` (created; must be empty or absent). Returns the index."""
    from ewh.trust.verify import bad_raw_files, last_verify, verify_quarter
    from factors.release import release_info

    quarter = parse_quarter(quarter)
    if out.exists() and any(out.iterdir()):
        raise TrustError(f"{out} is not empty; give a new folder for the audit pack")
    out.mkdir(parents=True, exist_ok=True)
    try:
        header = load_snapshot(paths, quarter, "closed_quarters").row(0, named=True)
    except TrustError:
        raise TrustError(
            f"{quarter} is not closed; run `ewh close {quarter}` before the audit pack"
        ) from None

    figures = load_snapshot(paths, quarter, "closed_quarterly_emissions")
    rows = load_snapshot(paths, quarter, "closed_activity_impacts")
    files = load_snapshot(paths, quarter, "closed_raw_files")
    figures.write_csv(out / "quarterly_figures.csv")
    rows.with_columns(pl.col(pl.Decimal).cast(pl.Float64)).write_csv(out / "activity_rows.csv")
    shutil.copyfile(METHODOLOGY, out / "methodology.md")

    current = release_info()
    (out / "factor_release.json").write_text(
        json.dumps(
            {
                "closed": {
                    "factor_release": header["factor_release"],
                    "factor_release_sha256": header["factor_release_sha256"],
                    "ecologits_version": header.get("ecologits_version"),
                },
                "current_seeds": current,
                "same_release": current["factor_release_sha256"] == header["factor_release_sha256"],
            },
            indent=2,
        )
    )
    factors = factors_for(rows, derived_factor_rows(paths)).with_columns(
        pl.lit(header["factor_release"]).alias("closed_factor_release"),
        pl.lit(header["factor_release_sha256"]).alias("closed_factor_release_sha256"),
    )
    factors.write_csv(out / "factor_rows.csv")

    tampered = bad_raw_files(paths, files)
    files.with_columns(
        (paths.landing.as_posix() + "/" + pl.col("source_file")).alias("archived_path"),
        (~pl.col("source_file").is_in(list(tampered))).alias("sha256_verified_now"),
    ).write_csv(out / "raw_file_manifest.csv")

    (out / "gx_validation.json").write_text(json.dumps(gx_results(paths, quarter), default=str, indent=2))

    run_results = latest_run_results(paths.dbt_runs)
    if run_results is not None:
        shutil.copyfile(run_results, out / "dbt_run_results.json")
    else:
        (out / "dbt_run_results.json").write_text(json.dumps({"note": "no run_results.json found"}))

    verify = last_verify(paths, quarter)
    if verify is None and run_verify:
        verify = verify_quarter(paths, quarter).as_dict()
    (out / "verify.json").write_text(
        json.dumps(verify or {"note": "verify not run (--no-verify)"}, default=str, indent=2)
    )

    con = connect(paths.warehouse)
    try:
        restated = (
            con.sql(
                "select * from restatements where quarter = $q order by detected_at", params={"q": quarter}
            ).pl()
            if table_exists(con, "restatements")
            else pl.DataFrame({"quarter": []}, schema={"quarter": pl.String})
        )
    finally:
        con.close()
    restated.write_csv(out / "restatements.csv")

    index = {
        "quarter": quarter,
        "closed_at": str(header["closed_at"]),
        "code_version": header.get("code_version"),
        "created_at": datetime.now(UTC).isoformat(),
        "dbt_run_results_source": str(run_results) if run_results else None,
        "parts": [
            {
                "file": name,
                "description": desc,
                "sha256": sha256_file(out / name),
                "bytes": (out / name).stat().st_size,
            }
            for name, desc in PARTS.items()
        ],
    }
    (out / "index.json").write_text(json.dumps(index, indent=2))
    lines = [
        f"# Audit pack {quarter}",
        "",
        f"Closed at {index['closed_at']} with factor release {header['factor_release']} "
        f"(sha256 {header['factor_release_sha256']}), code {index['code_version']}. "
        f"Verify: {'OK' if verify and verify.get('ok') else 'NOT OK or not run'}.",
        "",
        "| file | what | sha256 | bytes |",
        "|---|---|---|---|",
        *[f"| {p['file']} | {p['description']} | {p['sha256']} | {p['bytes']} |" for p in index["parts"]],
        "",
    ]
    (out / "README.md").write_text("\n".join(lines))
    return index
