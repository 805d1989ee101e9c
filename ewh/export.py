"""``ewh export``: one quarter's finance and ESG marts, with their provenance, for people without DuckDB.

    ewh export --quarter 2026Q3 --format xlsx --out q3.xlsx       one workbook, a sheet per table
    ewh export --quarter 2026Q3 --format csv --out exports/2026Q3  a file per table in the folder
    ewh export --quarter 2026Q3 --format focus --out exports/2026Q3  one FOCUS dataset (export_focus.py)

Each table is read as it is in the warehouse, filtered to the quarter where it has a quarter column
(calendar quarter, as everywhere in the marts; fiscal quarters appear as a column). The ESRS table is
per fiscal year, so the fiscal year(s) the quarter falls in are exported. The ``provenance`` table
says which, with the row count, the
factor release and its sha256 from ``meta_factor_release``, the warehouse path and the export time.

Writes are atomic: files are written under a temporary name next to the target and renamed into place,
provenance last, so a reader never sees a half-written table.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from connectors.core.config import Paths
from ewh.choices import EXPORT_FORMATS
from warehouse.connection import WarehouseError, connect
from warehouse.quarters import QuarterError, parse_quarter

FORMATS = EXPORT_FORMATS
QUARTER_TABLES = (
    "mart_quarterly_business_units",
    "mart_quarterly_emissions",
    "mart_quarterly_data_quality",
    "mart_source_coverage",
    "mart_quarterly_ad_emissions",
    "mart_intensity_metrics",
    "mart_quarterly_equivalents",
    "mart_savings_opportunities",
    "mart_model_efficiency",
    "mart_unallocated",
)
FISCAL_YEAR_TABLES = ("mart_esrs_e1_6_scope3_cat1",)
WAREHOUSE_TABLES = ("mart_vendor_transparency",)  # over every quarter in the warehouse, as in the report
TABLES = QUARTER_TABLES + FISCAL_YEAR_TABLES + WAREHOUSE_TABLES
PROVENANCE = "provenance"
COLUMNS = "columns"  # the workbook's sheet of column descriptions (from the dbt docs)


class ExportError(RuntimeError):
    """The export cannot be made (bad quarter, no data for it, no warehouse); nothing was written."""


def _connect(paths: Paths) -> duckdb.DuckDBPyConnection:
    try:
        return connect(paths.warehouse)
    except WarehouseError as exc:
        raise ExportError(str(exc)) from None


def _whole_numbers(frame: pl.DataFrame) -> pl.DataFrame:
    """DuckDB sums of integers are HUGEINT (Decimal(38, 0) in Polars): counts, exported as Int64."""
    counts = [n for n, t in frame.schema.items() if isinstance(t, pl.Decimal) and t.scale == 0]
    return frame.with_columns(pl.col(counts).cast(pl.Int64)) if counts else frame


def read_tables(paths: Paths, quarter: str) -> dict[str, pl.DataFrame]:
    """The quarter's tables (name -> frame, sorted rows) and, last, their provenance."""
    quarter = _parse(quarter)
    con = _connect(paths)
    try:
        present = {r[0] for r in con.sql("select table_name from information_schema.tables").fetchall()}
        missing = [t for t in (*TABLES, "meta_factor_release") if t not in present]
        if missing:
            raise ExportError(f"{paths.warehouse} has no {', '.join(missing)}; rebuild it with `ewh run`")
        available = sorted(
            r[0]
            for r in con.sql(
                " union ".join(f"select distinct quarter from {t}" for t in QUARTER_TABLES)
            ).fetchall()
            if r[0] is not None
        )
        if quarter not in available:
            raise ExportError(
                f"no rows for quarter {quarter}; quarters available: {', '.join(available) or 'none'}"
            )
        fiscal_years = sorted(
            int(r[0][2:6])
            for r in con.sql(
                "select distinct fiscal_quarter from mart_quarterly_business_units where quarter = $q",
                params={"q": quarter},
            ).fetchall()
        )
        tables: dict[str, pl.DataFrame] = {}
        scopes: dict[str, str] = {}
        for table in QUARTER_TABLES:
            tables[table] = con.sql(
                f"select * from {table} where quarter = $q order by all", params={"q": quarter}
            ).pl()
            scopes[table] = f"quarter = {quarter}"
        for table in FISCAL_YEAR_TABLES:
            tables[table] = con.sql(
                f"select * from {table} where list_contains($years, fiscal_year) order by all",
                params={"years": fiscal_years},
            ).pl()
            scopes[table] = (
                f"fiscal_year in ({', '.join(map(str, fiscal_years))}): the fiscal year(s) {quarter} falls in"
            )
        for table in WAREHOUSE_TABLES:
            tables[table] = con.sql(f"select * from {table} order by all").pl()
            scopes[table] = "every quarter in the warehouse"
        release = con.sql("select * from meta_factor_release").pl()
    finally:
        con.close()
    if release.height != 1:
        raise ExportError(
            f"meta_factor_release has {release.height} rows, expected 1; rebuild with `ewh run`"
        )
    tables = {name: _whole_numbers(frame) for name, frame in tables.items()}
    tables[PROVENANCE] = provenance(paths, quarter, tables, scopes, release.row(0, named=True))
    return tables


def provenance(
    paths: Paths, quarter: str, tables: dict[str, pl.DataFrame], scopes: dict[str, str], release: dict
) -> pl.DataFrame:
    """One row per exported table: what it holds, how many rows, and which build and factors made it."""
    exported_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return pl.DataFrame(
        [
            {
                "table_name": name,
                "scope": scopes[name],
                "row_count": frame.height,
                "quarter": quarter,
                "factor_release": release["factor_release"],
                "factor_release_sha256": release["factor_release_sha256"],
                "ecologits_version": release["ecologits_version"],
                "warehouse_built_at": str(release["built_at"]),
                "dbt_invocation_id": release["dbt_invocation_id"],
                "warehouse_path": str(paths.warehouse),
                "exported_at_utc": exported_at,
            }
            for name, frame in tables.items()
        ]
    )


def _temporary(path: Path) -> Path:
    """A hidden sibling of ``path`` (same filesystem, so the final rename is atomic)."""
    return path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:12]}{path.suffix}")


def _write_folder(
    tables: dict[str, pl.DataFrame], out: Path, write: Callable[[pl.DataFrame, Path], None], suffix: str
) -> list[Path]:
    """Stage every file in a temporary folder beside ``out``, then move it (or its files) into place."""
    if out.exists() and not out.is_dir():
        raise ExportError(f"--out {out} is a file; give a folder for csv and parquet")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = _temporary(out)
    staging.mkdir()
    try:
        for name, frame in tables.items():
            write(frame, staging / f"{name}{suffix}")
        if not out.exists():
            staging.rename(out)  # one atomic step for a new folder
        else:
            for name in tables:  # provenance is the last key: renamed last
                os.replace(staging / f"{name}{suffix}", out / f"{name}{suffix}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out / f"{name}{suffix}" for name in tables]


# Excel number formats by what a column holds: figures keep every digit but show 3-6 decimals (small
# figures such as 0.00012 kgCO2e stay visible), shares show as percentages, years without a separator
FIGURE_FORMAT = "#,##0.000###"
MONEY_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
SHARE_FORMAT = "0.0%"
PERCENT_FORMAT = "0.0"
YEAR_FORMAT = "0"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


def column_formats(frame: pl.DataFrame) -> dict[str, str]:
    """The Excel number format of every numeric or date column of ``frame``."""
    formats = {}
    for name, dtype in frame.schema.items():
        if dtype == pl.Date:
            formats[name] = DATE_FORMAT
        elif isinstance(dtype, pl.Datetime):
            formats[name] = DATETIME_FORMAT
        elif dtype.is_integer():
            formats[name] = YEAR_FORMAT if "year" in name or name == "rank" else COUNT_FORMAT
        elif dtype.is_numeric():
            if name.endswith("_share") or name.startswith("share"):
                formats[name] = SHARE_FORMAT
            elif name.startswith("pct_"):
                formats[name] = PERCENT_FORMAT
            elif any(k in name for k in ("cost", "spend", "amount", "price")):
                formats[name] = MONEY_FORMAT
            else:
                formats[name] = FIGURE_FORMAT
    return formats


def column_descriptions(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Table, column and description of every exported column, from the dbt project's docs."""
    from warehouse.dbt import ensure_manifest

    nodes = json.loads(ensure_manifest().read_text())["nodes"].values()
    docs = {n["name"]: n.get("columns", {}) for n in nodes if n["resource_type"] == "model"}
    docs[PROVENANCE] = {c: {"description": d} for c, d in PROVENANCE_COLUMNS.items()}
    return pl.DataFrame(
        [
            {
                "table_name": table,
                "column_name": column,
                "description": docs.get(table, {}).get(column, {}).get("description", "").strip(),
            }
            for table, frame in tables.items()
            for column in frame.columns
        ],
        schema={"table_name": pl.String, "column_name": pl.String, "description": pl.String},
    )


PROVENANCE_COLUMNS = {
    "table_name": "The exported table (a sheet or file of this export).",
    "scope": "Which rows of the table were exported.",
    "row_count": "Rows exported.",
    "quarter": "The calendar quarter asked for.",
    "factor_release": "Factor release the warehouse was built with (meta_factor_release).",
    "factor_release_sha256": "Content hash of every factor seed of that release.",
    "ecologits_version": "EcoLogits version the LLM factors come from.",
    "warehouse_built_at": "When dbt built the warehouse.",
    "dbt_invocation_id": "The dbt invocation that built it.",
    "warehouse_path": "The DuckDB file read.",
    "exported_at_utc": "When this export was written (UTC).",
}


def _utc_wall_clock(frame: pl.DataFrame) -> pl.DataFrame:
    """Times with a time zone as UTC wall-clock times: an Excel cell holds no time zone (every time the
    warehouse stores is UTC, `landed_through` say)."""
    zoned = [n for n, t in frame.schema.items() if isinstance(t, pl.Datetime) and t.time_zone is not None]
    return frame.with_columns(pl.col(zoned).dt.convert_time_zone("UTC").dt.replace_time_zone(None))


def _write_workbook(tables: dict[str, pl.DataFrame], out: Path, quarter: str) -> list[Path]:
    """One sheet per table with typed cells and number formats, then a sheet of column descriptions."""
    from xlsxwriter import Workbook

    target = out if out.suffix.lower() == ".xlsx" else out / f"ewh-export-{quarter}.xlsx"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temporary(target)
    sheets = {**tables, COLUMNS: column_descriptions(tables)}
    try:
        with Workbook(tmp) as workbook:
            for name, frame in sheets.items():
                money = [n for n, t in frame.schema.items() if isinstance(t, pl.Decimal)]
                frame = frame.with_columns(pl.col(money).cast(pl.Float64))  # Excel numbers, not text
                frame = _utc_wall_clock(frame)
                frame.write_excel(
                    workbook,
                    worksheet=name,
                    column_formats=column_formats(frame),
                    header_format={"bold": True, "text_wrap": True},
                    autofit=True,
                    freeze_panes=(1, 0),
                )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return [target]


def export_quarter(paths: Paths, quarter: str, fmt: str, out: Path) -> list[Path]:
    """Write the quarter's tables and provenance as ``fmt`` under ``out``; return the files written."""
    if fmt not in FORMATS:
        raise ExportError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if fmt == "focus":
        from ewh.export_focus import FocusExportError, export_focus

        try:
            return export_focus(paths, _parse(quarter), out)
        except FocusExportError as exc:
            raise ExportError(str(exc)) from None
    tables = read_tables(paths, quarter)
    if fmt == "csv":
        return _write_folder(tables, out, lambda f, p: f.write_csv(p), ".csv")
    if fmt == "parquet":
        return _write_folder(tables, out, lambda f, p: f.write_parquet(p), ".parquet")
    return _write_workbook(tables, out, _parse(quarter))


def _parse(quarter: str) -> str:
    try:
        return parse_quarter(quarter)
    except QuarterError as exc:
        raise ExportError(str(exc)) from None
