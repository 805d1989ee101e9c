"""``ewh close``: freeze a quarter. ``check_restatements``: record how later runs would change it.

Closing writes, in the warehouse (tables the dbt project never touches):

- ``closed_quarters``            one row per closed quarter: closed_at, factor release id + sha256,
                                 EcoLogits version, code version, dbt invocation, rows and totals
- ``closed_quarterly_emissions`` the quarter's ``mart_quarterly_emissions`` rows as they were
- ``closed_activity_impacts``    the quarter's ``fct_activity_impacts`` rows as they were
- ``closed_raw_files``           every landed file covering a day of the quarter, with sha256, in
                                 landing order (what ``ewh verify`` replays)

and the same as Parquet plus ``close.json`` under ``$EWH_HOME/closed/<quarter>/``. Closing a closed
quarter is refused unless ``force``; a forced close replaces the snapshot and is logged in
``closed_quarters_log``. Nothing else ever writes these tables.

Restatements. ``check_restatements`` compares each closed quarter with the current marts, cell by cell
(quarter x vendor x model x project/workspace x country) and metric, and appends a row to
``restatements`` for every figure that moved (relative tolerance 1e-9) and is not already recorded
with the same new value. The change is split row by row (rows matched on ``activity_id`` within the
same cell):

- a row only in the snapshot, or only in the current marts: all of its figure is *activity* change;
- a row in both: activity effect = (new quantity - old quantity) x old figure per unit (the change in
  activity at the old intensity); factor/method effect = the rest (new figure - old figure - activity
  effect). Identical quantity and factor ids with a different figure is therefore a factor effect
  (a new factor release under the same ids). A row whose old quantity is 0 counts as activity change.

activity_effect + factor_effect = new - old exactly; the shares are each effect divided by new - old
(they add to 1, and one can exceed 1 when the effects have opposite signs).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime

import polars as pl

from connectors.core.config import Paths
from connectors.landing.zone import read_manifest
from ewh.trust.common import (
    CELL_KEYS,
    FACTOR_ID_COLUMNS,
    HEADLINE_METRICS,
    REL_TOL,
    TrustError,
    append,
    closed_dir,
    code_version,
)
from warehouse.connection import connect, table_exists, writing
from warehouse.quarters import parse_quarter, quarter_bounds

SNAPSHOT_TABLES = ("closed_quarterly_emissions", "closed_activity_impacts", "closed_raw_files")
RESTATED_METRICS = HEADLINE_METRICS


def closed_quarters(paths: Paths) -> pl.DataFrame:
    if not paths.warehouse.exists():
        return pl.DataFrame()
    con = connect(paths.warehouse)
    try:
        if not table_exists(con, "closed_quarters"):
            return pl.DataFrame()
        return con.sql("select * from closed_quarters order by quarter").pl()
    finally:
        con.close()


def raw_files_for_quarter(paths: Paths, quarter: str) -> pl.DataFrame:
    """Every manifest entry whose covered days overlap the quarter, in landing order."""
    first, last = (day.isoformat() for day in quarter_bounds(quarter))
    manifest = read_manifest(paths)
    return (
        manifest.filter(
            (pl.col("first_day") <= date.fromisoformat(last))
            & (pl.col("last_day") >= date.fromisoformat(first))
        )
        .sort("ingested_at", "source", "original_name")
        .with_row_index("landing_order", offset=1)
    )


def close_quarter(paths: Paths, quarter: str, *, force: bool = False, now: datetime | None = None) -> dict:
    """Snapshot the quarter's marts, rows and raw-file manifest. Returns the ``closed_quarters`` row."""
    quarter = parse_quarter(quarter)
    now = now or datetime.now(UTC)
    with writing(paths.warehouse) as con:
        if table_exists(con, "closed_quarters"):
            already = con.execute(
                "select closed_at from closed_quarters where quarter = ?", [quarter]
            ).fetchall()
            if already and not force:
                raise TrustError(
                    f"{quarter} was closed at {already[0][0]}; closing again would replace the snapshot "
                    "(use --force to do it anyway)"
                )
        mart = con.sql(
            "select * from mart_quarterly_emissions where quarter = $q", params={"q": quarter}
        ).pl()
        if mart.is_empty():
            raise TrustError(f"no rows for {quarter} in mart_quarterly_emissions; nothing to close")
        rows = con.sql("select * from fct_activity_impacts where quarter = $q", params={"q": quarter}).pl()
        release = con.sql("select * from meta_factor_release").pl().row(0, named=True)
        files = raw_files_for_quarter(paths, quarter)
        contributing = set(rows.get_column("source_sha256").unique().to_list())
        files = files.with_columns(
            pl.col("source_sha256").is_in(list(contributing)).alias("contributes_rows")
        )
        missing = contributing - set(files.get_column("source_sha256").to_list())
        if missing:
            raise TrustError(
                f"rows of {quarter} come from files missing in the landing manifest: {sorted(missing)}"
            )

        header = {
            "quarter": quarter,
            "closed_at": now,
            "factor_release": release["factor_release"],
            "factor_release_sha256": release["factor_release_sha256"],
            "ecologits_version": release["ecologits_version"],
            "dbt_invocation_id": release["dbt_invocation_id"],
            "built_at": release["built_at"],
            "code_version": code_version(),
            "mart_rows": mart.height,
            "activity_rows": rows.height,
            "raw_files": files.height,
            **{f"total_{m}": mart.get_column(m).sum() for m in RESTATED_METRICS},
        }
        stamp = pl.DataFrame(
            [
                {
                    k: header[k]
                    for k in (
                        "quarter",
                        "closed_at",
                        "factor_release",
                        "factor_release_sha256",
                        "code_version",
                    )
                }
            ]
        )
        snapshot = {
            "closed_quarterly_emissions": stamp.join(mart, on="quarter"),
            "closed_activity_impacts": stamp.join(rows, on="quarter"),
            "closed_raw_files": files.with_columns(
                pl.lit(quarter).alias("quarter"), pl.lit(now).alias("closed_at")
            ),
        }
        con.begin()
        if force:
            for table in (*SNAPSHOT_TABLES, "closed_quarters"):
                if table_exists(con, table):
                    con.execute(f"delete from {table} where quarter = ?", [quarter])
        for table, frame in snapshot.items():
            append(con, table, frame)
        header_frame = pl.DataFrame([header])
        append(con, "closed_quarters", header_frame)
        append(con, "closed_quarters_log", header_frame.with_columns(pl.lit(force).alias("forced")))
        con.commit()

    out = closed_dir(paths, quarter)
    out.mkdir(parents=True, exist_ok=True)
    for table, frame in snapshot.items():
        frame.write_parquet(out / f"{table}.parquet")
    (out / "close.json").write_text(json.dumps(header, default=str, indent=2))
    return header


def load_snapshot(paths: Paths, quarter: str, table: str) -> pl.DataFrame:
    """A closed table for one quarter, from the warehouse (or the Parquet copy if the warehouse lost it)."""
    quarter = parse_quarter(quarter)
    if paths.warehouse.exists():
        con = connect(paths.warehouse)
        try:
            if table_exists(con, table):
                frame = con.sql(f"select * from {table} where quarter = $q", params={"q": quarter}).pl()
                if frame.height:
                    return frame
        finally:
            con.close()
    folder = closed_dir(paths, quarter)
    if table == "closed_quarters" and (folder / "close.json").exists():
        return pl.DataFrame([json.loads((folder / "close.json").read_text())])
    if (folder / f"{table}.parquet").exists():
        return pl.read_parquet(folder / f"{table}.parquet")
    raise TrustError(f"{quarter} is not closed (no {table}); run `ewh close {quarter}` first")


# ---------------------------------------------------------------- restatements


def source_channels() -> pl.DataFrame:
    """Each source's purchase channel, from the channel's one home (seed activity_channels), for rows
    closed before ``fct_activity_impacts`` carried it."""
    from factors.release import seed_path

    return pl.read_csv(seed_path("activity_channels"), columns=["source", "channel"], infer_schema=False)


def _cell_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """fct_activity_impacts rows with the mart's cell keys derived exactly as the mart derives them."""
    if "channel" not in frame.columns and "source" in frame.columns:  # closed before the channel (#18)
        frame = frame.join(source_channels(), on="source", how="left")
    elif "channel" not in frame.columns:  # rows that name no source: no channel to tell cells apart
        frame = frame.with_columns(pl.lit(None, pl.String).alias("channel"))
    return frame.with_columns(
        pl.col("model").fill_null("(none)").alias("model"),
        pl.coalesce("project", "workspace", pl.lit("(none)")).alias("project_or_workspace"),
        pl.col("electricity_country").alias("country"),
    )


def decompose(old_rows: pl.DataFrame, new_rows: pl.DataFrame, metric: str) -> pl.DataFrame:
    """Per cell: old and new figure, activity effect, factor effect, and row counts behind them."""
    keep = ["activity_id", *CELL_KEYS, "quantity", metric, *FACTOR_ID_COLUMNS]
    old = _cell_rows(old_rows).select(keep)
    new = _cell_rows(new_rows).select(keep)
    joined = old.join(
        new, on=["activity_id", *CELL_KEYS], how="full", suffix="_new", coalesce=True, nulls_equal=True
    )
    v0, v1 = pl.col(metric).fill_null(0.0), pl.col(f"{metric}_new").fill_null(0.0)
    q0, q1 = pl.col("quantity"), pl.col("quantity_new")
    in_old, in_new = pl.col("quantity").is_not_null(), pl.col("quantity_new").is_not_null()
    both = in_old & in_new
    factor_ids_changed = pl.any_horizontal(
        [pl.col(c).ne_missing(pl.col(f"{c}_new")) for c in FACTOR_ID_COLUMNS]
    )
    activity = (
        pl.when(both & (q0 != 0))
        .then((q1 - q0) * v0 / q0)
        .otherwise(v1 - v0)  # added, removed, or from a zero quantity: all activity
    )
    joined = joined.with_columns(activity.alias("activity_effect"), (v1 - v0).alias("delta"))
    joined = joined.with_columns((pl.col("delta") - pl.col("activity_effect")).alias("factor_effect"))
    return (
        joined.group_by(CELL_KEYS)
        .agg(
            pl.col(metric).sum().alias("old_value"),
            pl.col(f"{metric}_new").sum().alias("new_value"),
            pl.col("activity_effect").sum(),
            pl.col("factor_effect").sum(),
            (in_new & ~in_old).sum().alias("rows_added"),
            (in_old & ~in_new).sum().alias("rows_removed"),
            (both & (q0 != q1)).sum().alias("rows_quantity_changed"),
            (both & factor_ids_changed).sum().alias("rows_factor_ids_changed"),
        )
        .with_columns(pl.lit(metric).alias("metric"))
    )


# the rows behind a restatement's move, and what it was computed from (`ewh restatements` leaves them out)
RESTATEMENT_ROW_COUNTS = ("rows_added", "rows_removed", "rows_quantity_changed", "rows_factor_ids_changed")
RESTATEMENT_PROVENANCE = (
    "closed_factor_release_sha256",
    "current_factor_release_sha256",
    "dbt_invocation_id",
)
# a restatement: its cell, the figure's move split into activity and factor effects, the rows, provenance
RESTATEMENT_COLUMNS = (
    "quarter",
    "closed_at",
    "channel",
    "vendor",
    "model",
    "project_or_workspace",
    "country",
    "metric",
    "old_value",
    "new_value",
    "delta",
    "activity_effect",
    "factor_effect",
    "activity_share",
    "factor_share",
    *RESTATEMENT_ROW_COUNTS,
    *RESTATEMENT_PROVENANCE,
)


def restatements_for(paths: Paths, quarter: str) -> pl.DataFrame:
    """Every cell and metric of a closed quarter whose current figure differs from the closed one."""
    header = load_snapshot(paths, quarter, "closed_quarters").row(0, named=True)
    old_rows = load_snapshot(paths, quarter, "closed_activity_impacts")
    con = connect(paths.warehouse)
    try:
        new_rows = con.sql(
            "select * from fct_activity_impacts where quarter = $q", params={"q": quarter}
        ).pl()
        release = con.sql("select * from meta_factor_release").pl().row(0, named=True)
    finally:
        con.close()
    parts = [decompose(old_rows, new_rows, m) for m in RESTATED_METRICS]
    frame = pl.concat(parts, how="vertical")
    old, new = pl.col("old_value").fill_null(0.0), pl.col("new_value").fill_null(0.0)
    delta = new - old
    changed = (delta.abs() > REL_TOL * pl.max_horizontal(old.abs(), new.abs())) & (delta != 0)
    frame = frame.filter(changed).with_columns(delta.alias("delta"))
    return (
        frame.with_columns(
            (pl.col("activity_effect") / pl.col("delta")).alias("activity_share"),
            (pl.col("factor_effect") / pl.col("delta")).alias("factor_share"),
            pl.lit(header["closed_at"]).cast(pl.Datetime("us", "UTC")).alias("closed_at"),
            pl.lit(header["factor_release_sha256"]).alias("closed_factor_release_sha256"),
            pl.lit(release["factor_release_sha256"]).alias("current_factor_release_sha256"),
            pl.lit(release["dbt_invocation_id"]).alias("dbt_invocation_id"),
        )
        .select(RESTATEMENT_COLUMNS)
        .sort(["metric", *CELL_KEYS], nulls_last=True)
    )


def check_restatements(paths: Paths, *, now: datetime | None = None) -> pl.DataFrame:
    """Compare every closed quarter with the current marts; record new restatements. Call after a run.

    Returns the rows newly appended to ``restatements`` (empty when nothing moved, or when the same
    new figures were already recorded by an earlier check). Never writes the closed snapshot.
    """
    quarters = closed_quarters(paths)
    if quarters.is_empty():
        return pl.DataFrame()
    now = now or datetime.now(UTC)
    found = [restatements_for(paths, q) for q in quarters.get_column("quarter").to_list()]
    found = [f for f in found if f.height]
    if not found:
        return pl.DataFrame()
    candidates = pl.concat(found, how="vertical_relaxed")
    con = connect(paths.warehouse)
    try:
        if table_exists(con, "restatements"):
            latest = (
                con.sql(
                    "select quarter, closed_at, coalesce(channel, 'api_usage') as channel, vendor, model, "
                    "project_or_workspace, country, metric, new_value from restatements qualify row_number() "
                    "over (partition by quarter, closed_at, coalesce(channel, 'api_usage'), vendor, model, "
                    "project_or_workspace, country, metric order by detected_at desc) = 1"
                )
                .pl()
                .with_columns(pl.col("closed_at").dt.convert_time_zone("UTC"))
            )
            keys = ["quarter", "closed_at", *CELL_KEYS[1:], "metric"]
            candidates = (
                candidates.join(
                    latest.rename({"new_value": "_recorded"}), on=keys, how="left", nulls_equal=True
                )
                .filter(
                    pl.col("_recorded").is_null()
                    | (
                        (pl.col("_recorded") - pl.col("new_value")).abs()
                        > REL_TOL * pl.col("new_value").abs()
                    )
                )
                .drop("_recorded")
            )
    finally:
        con.close()
    if candidates.is_empty():
        return candidates
    candidates = candidates.with_columns(
        pl.lit(uuid.uuid4().hex).alias("check_id"), pl.lit(now).alias("detected_at")
    )
    with writing(paths.warehouse) as con:
        append(con, "restatements", candidates)
    return candidates


def restatement_summary(frame: pl.DataFrame) -> pl.DataFrame:
    """Per quarter and metric: old and new total, and the activity vs factor split."""
    if frame.is_empty():
        return frame
    return (
        frame.group_by("quarter", "metric")
        .agg(
            pl.len().alias("cells"),
            pl.col("old_value").sum(),
            pl.col("new_value").sum(),
            pl.col("activity_effect").sum(),
            pl.col("factor_effect").sum(),
        )
        .sort("quarter", "metric")
    )


__all__ = [
    "check_restatements",
    "close_quarter",
    "closed_quarters",
    "decompose",
    "load_snapshot",
    "raw_files_for_quarter",
    "restatements_for",
]
