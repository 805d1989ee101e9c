"""Shared pieces of the trust commands: mart cell keys, metrics, factor rows, code version."""

from __future__ import annotations

import hashlib
import re
from importlib import metadata
from pathlib import Path

import duckdb
import polars as pl

from connectors.core.config import REPO_ROOT, Paths
from ewh import output
from warehouse.connection import WarehouseError, connect, table_exists
from warehouse.dbt import model_grain
from warehouse.quarters import QuarterError

CELL_MART = "mart_quarterly_emissions"
# the row-level impact columns summed into the mart (the figures a closed quarter freezes)
METRICS = (
    "energy_kwh_low",
    "energy_kwh",
    "energy_kwh_high",
    "co2e_location_kg_low",
    "co2e_location_kg",
    "co2e_location_kg_high",
    "co2e_market_kg_low",
    "co2e_market_kg",
    "co2e_market_kg_high",
    "co2e_embodied_kg_low",
    "co2e_embodied_kg",
    "co2e_embodied_kg_high",
    "water_l_low",
    "water_l",
    "water_l_high",
)
# the grain of mart_quarterly_emissions: its one home is the mart's unique_combination test in
# dbt_project/models/marts/_marts__models.yml (read through warehouse/dbt.py::model_grain)
CELL_KEYS = tuple(c for c in model_grain(CELL_MART) if c not in METRICS)
# how each key is derived from a fct_activity_impacts row
CELL_EXPR = {
    "quarter": "quarter",
    "channel": "channel",
    "vendor": "vendor",
    "model": "coalesce(model, '(none)')",
    "project_or_workspace": "coalesce(project, workspace, '(none)')",
    "country": "electricity_country",
}
HEADLINE_METRICS = ("energy_kwh", "co2e_location_kg", "co2e_embodied_kg", "water_l")
FACTOR_ID_COLUMNS = (
    "model_factor_id",
    "activity_factor_id",
    "provider_factor_id",
    "grid_factor_id",
    "water_factor_id",
    "market_factor_id",
)
REL_TOL = 1e-9


class TrustError(RuntimeError):
    """A trust command cannot proceed (quarter not closed, already closed...)."""


# what a trust command reports as one line and exit code 2 (a bad quarter, no warehouse, ...)
COMMAND_ERRORS = (TrustError, WarehouseError, QuarterError)


def append(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Append a frame to a table, creating it, or adding columns the frame has and the table lacks."""
    con.register("_append_frame", frame)
    try:
        if not table_exists(con, table):
            con.execute(f"create table {table} as select * from _append_frame")
            return
        existing = {r[0] for r in con.execute(f"describe {table}").fetchall()}
        for name in frame.columns:
            if name not in existing:
                dtype = con.execute(f'select typeof("{name}") from _append_frame limit 1').fetchall()
                sql_type = dtype[0][0] if dtype and dtype[0][0] != "NULL" else "varchar"
                con.execute(f'alter table {table} add column "{name}" {sql_type}')
        con.execute(f"insert into {table} by name select * from _append_frame")
    finally:
        con.unregister("_append_frame")


def closed_dir(paths: Paths, quarter: str) -> Path:
    """Files written next to the warehouse snapshot, so a lost warehouse does not lose a closed quarter."""
    return paths.home / "closed" / quarter


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def code_version() -> str:
    """The git commit of the checkout (read from .git, no git binary needed), else the package version."""
    git = REPO_ROOT / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if head.startswith("ref: "):
            ref = head[5:]
            ref_file = git / ref
            if ref_file.exists():
                return "git:" + ref_file.read_text().strip()
            packed = git / "packed-refs"
            if packed.exists():
                for line in packed.read_text().splitlines():
                    if line.endswith(" " + ref):
                        return "git:" + line.split()[0]
        elif re.fullmatch(r"[0-9a-f]{40}", head):
            return "git:" + head
    except OSError:
        pass
    try:
        return "package:" + metadata.version("emissions-warehouse")
    except metadata.PackageNotFoundError:
        return "unknown"


def print_table(frame: pl.DataFrame) -> None:
    output.print_table(frame, width=250, text=80)


def rel_close(a: float | None, b: float | None, tol: float = REL_TOL) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tol * max(abs(a), abs(b), 1e-300) or a == b


# a factor row's release, validity and citation; its values are its other columns (but factor_id and note)
FACTOR_META_COLUMNS = ("release", "valid_from", "valid_to", "source_url", "source_year", "licence")


def factor_rows(seeds: Path | None = None) -> pl.DataFrame:
    """Every factor row of every seed CSV with its values, validity, source, year, licence and note.

    ``values`` lists the row's other columns as ``name=value``, so one table holds all seeds.
    """
    from factors.release import SEEDS, factor_files

    frames = []
    for path in factor_files(seeds or SEEDS):
        frame = pl.read_csv(path, infer_schema=False)
        if "factor_id" not in frame.columns:
            continue  # mapping tables (tier patterns, country regions) carry no values of their own
        value_cols = [c for c in frame.columns if c not in ("factor_id", *FACTOR_META_COLUMNS, "note")]
        values = (
            pl.concat_str([pl.lit(f"{c}=") + pl.col(c).fill_null("") for c in value_cols], separator=" ")
            if value_cols
            else pl.lit("")
        )
        frames.append(
            frame.select(
                pl.lit(path.stem).alias("table"),
                pl.col("factor_id"),
                values.alias("values"),
                *[
                    (pl.col(c) if c in frame.columns else pl.lit(None, pl.String)).alias(c)
                    for c in (*FACTOR_META_COLUMNS, "note")
                ],
            )
        )
    return pl.concat(frames, how="vertical")


DERIVED_FACTOR_VIEWS = {
    # view in the warehouse -> its value column; factors derived from customer data, not seeded
    "int_vendor_market_ratios": "market_to_location_ratio",
}


def derived_factor_rows(paths: Paths) -> pl.DataFrame:
    """Factor rows the warehouse derives from customer data (the clouds' market/location ratios).

    Same columns as :func:`factor_rows`, so a trace or an audit pack cites them like seeded factors.
    """
    con = connect(paths.warehouse)
    try:
        frames = [
            con.sql(
                f"select '{view}' as \"table\", factor_id, "
                f"'{column}=' || cast({column} as varchar) as \"values\", "
                "cast(null as varchar) as release, cast(period_start as varchar) as valid_from, "
                "cast(period_end as varchar) as valid_to, source_url, "
                "cast(source_year as varchar) as source_year, licence, "
                f"'derived in the warehouse by {view} from the customer''s own export' as note "
                f"from {view}"
            ).pl()
            for view, column in DERIVED_FACTOR_VIEWS.items()
            if table_exists(con, view)
        ]
    finally:
        con.close()
    return pl.concat(frames, how="vertical") if frames else factor_rows().clear()


CLOSED_SQL = "select quarter, strftime(max(closed_at), '%Y-%m-%d') from closed_quarters group by quarter"
# figures (cell x metric) a later run moved, however many times
RESTATED_SQL = """
select quarter, count(distinct concat_ws('|', metric, vendor, model, project_or_workspace, country))
from restatements group by quarter
"""


def quarter_status(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """``closed YYYY-MM-DD`` per closed quarter, plus ``RESTATED (n figures)`` when later runs moved it.

    The figures shown are always the current marts; for a closed quarter the marker says they may
    differ from what was closed (``ewh restatements`` lists every change).
    """
    if not table_exists(con, "closed_quarters"):
        return {}
    restated = dict(con.sql(RESTATED_SQL).fetchall()) if table_exists(con, "restatements") else {}
    status = {}
    for quarter, closed_on in con.sql(CLOSED_SQL).fetchall():
        n = restated.get(quarter, 0)
        status[quarter] = f"closed {closed_on}" + (f"; RESTATED ({n} figures: ewh restatements)" if n else "")
    return status
