"""``ewh trace``: one cell of ``mart_quarterly_emissions`` → its activity rows → raw files → factor rows.

A cell is chosen by quarter, vendor and model, optionally narrowed by project/workspace and electricity
country (the mart's other keys). When those are left out, the "cell" is the sum of every mart row that
matches. The activity rows are selected from ``fct_activity_impacts`` with exactly the key expressions
the mart groups by, so their sums equal the cell; ``TraceResult.check`` asserts it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from connectors.core.config import Paths
from connectors.landing.zone import read_manifest
from ewh.trust.common import (
    CELL_EXPR,
    FACTOR_ID_COLUMNS,
    HEADLINE_METRICS,
    METRICS,
    TrustError,
    derived_factor_rows,
    factor_rows,
    print_table,
    rel_close,
)
from warehouse.connection import connect
from warehouse.quarters import parse_quarter

ROW_COLUMNS = (
    "activity_id",
    "usage_date",
    "source",
    "dataset",
    "model_raw",
    "activity_type",
    "quantity",
    "unit",
    "project",
    "workspace",
    "electricity_country",
    "method_tier",
    *METRICS,
    *FACTOR_ID_COLUMNS,
    "factor_release",
    "source_file",
    "source_row",
    "source_sha256",
)


@dataclass
class TraceResult:
    cell: dict
    figure: pl.DataFrame  # the matching mart rows
    rows: pl.DataFrame  # contributing fct_activity_impacts rows
    files: pl.DataFrame  # raw files behind the rows, from the landing manifest
    factors: pl.DataFrame  # factor rows used, with source and licence

    def row_sums(self) -> dict[str, float | None]:
        return {m: self.rows.get_column(m).sum() if self.rows.height else None for m in METRICS}

    def figure_sums(self) -> dict[str, float | None]:
        return {m: self.figure.get_column(m).sum() if self.figure.height else None for m in METRICS}

    def check(self) -> list[str]:
        """Metrics where the traced rows do not add up to the cell (empty when everything reconciles)."""
        rows, fig = self.row_sums(), self.figure_sums()
        bad = [m for m in METRICS if not rel_close(_num(rows[m]), _num(fig[m]))]
        if self.figure.height and int(self.figure.get_column("activity_rows").sum()) != self.rows.height:
            bad.append("activity_rows")
        return bad


def _num(value) -> float | None:
    return None if value is None else float(value)


MART_EXPR = {k: k for k in CELL_EXPR}  # the mart carries the derived keys as plain columns


def _where(exprs: dict, quarter: str, vendor: str, model: str, project: str | None, country: str | None):
    clauses = [f"{exprs['quarter']} = $quarter", f"{exprs['vendor']} = $vendor", f"{exprs['model']} = $model"]
    params = {"quarter": quarter, "vendor": vendor, "model": model}
    if project is not None:
        clauses.append(f"{exprs['project_or_workspace']} = $project")
        params["project"] = project
    if country is not None:
        clauses.append(f"{exprs['country']} is not distinct from $country")
        params["country"] = None if country in ("", "(null)") else country
    return " and ".join(clauses), params


def trace_cell(
    paths: Paths,
    quarter: str,
    vendor: str,
    model: str,
    project: str | None = None,
    country: str | None = None,
) -> TraceResult:
    quarter = parse_quarter(quarter)
    row_where, params = _where(CELL_EXPR, quarter, vendor, model, project, country)
    mart_where, _ = _where(MART_EXPR, quarter, vendor, model, project, country)
    con = connect(paths.warehouse)
    try:
        figure = con.sql(f"select * from mart_quarterly_emissions where {mart_where}", params=params).pl()
        rows = con.sql(
            f"select {', '.join(ROW_COLUMNS)} from fct_activity_impacts where {row_where} "
            "order by usage_date, source, source_file, source_row",
            params=params,
        ).pl()
    finally:
        con.close()
    if figure.is_empty():
        raise TrustError(
            f"no cell in mart_quarterly_emissions for quarter={quarter} vendor={vendor} model={model}"
            + (f" project={project}" if project is not None else "")
            + (f" country={country}" if country is not None else "")
        )
    return TraceResult(
        cell={"quarter": quarter, "vendor": vendor, "model": model, "project": project, "country": country},
        figure=figure,
        rows=rows,
        files=files_for(paths, rows),
        factors=factors_for(rows, derived_factor_rows(paths)),
    )


def files_for(paths: Paths, rows: pl.DataFrame) -> pl.DataFrame:
    """Manifest entry of every raw file behind the rows, with how many rows each gives and where."""
    per_file = rows.group_by("source_sha256", "source_file").agg(
        pl.len().alias("rows_traced"),
        pl.col("source_row").sort().str.join(", ").alias("source_rows"),
    )
    manifest = read_manifest(paths).select(
        "source_sha256", "source", "dataset", "original_name", "size_bytes", "ingested_at"
    )
    out = per_file.join(manifest.unique("source_sha256", keep="last"), on="source_sha256", how="left")
    out = out.with_columns(
        pl.col("source_file")
        .map_elements(lambda f: str(paths.landing / f), return_dtype=pl.String)
        .alias("archived_path")
    )
    return out.select(
        "source",
        "dataset",
        "original_name",
        "archived_path",
        "source_sha256",
        "size_bytes",
        "ingested_at",
        "rows_traced",
        "source_rows",
    ).sort("source", "original_name")


def factors_for(rows: pl.DataFrame, derived: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every factor row whose id appears on the rows, with source and licence.

    Rows come from the seed CSVs and from ``derived`` (factors the warehouse computes from customer
    data, :func:`derived_factor_rows`).
    """
    ids = (
        rows.select(pl.concat_list([pl.col(c) for c in FACTOR_ID_COLUMNS]).alias("id"))
        .explode("id")
        .drop_nulls()
        .unique()
        .get_column("id")
        .to_list()
    )
    used = rows.unpivot(on=list(FACTOR_ID_COLUMNS), value_name="factor_id", variable_name="role")
    roles = (
        used.drop_nulls("factor_id")
        .group_by("factor_id")
        .agg(pl.col("role").unique().sort().str.join(",").alias("used_as"), pl.len().alias("rows_using"))
    )
    table = pl.concat([factor_rows(), *([derived] if derived is not None else [])], how="vertical")
    table = table.filter(pl.col("factor_id").is_in(ids))
    out = roles.join(table, on="factor_id", how="left")
    return out.sort("factor_id")


def report_frame(result: TraceResult) -> pl.DataFrame:
    """One flat table of the whole chain (for ``--csv``): each activity row with its file and factors."""
    files = result.files.select("source_sha256", "original_name", "archived_path")
    return result.rows.join(files, on="source_sha256", how="left")


def print_trace(result: TraceResult) -> None:
    cell = ", ".join(f"{k}={v}" for k, v in result.cell.items() if v is not None)
    print(f"Cell: {cell}  ({result.figure.height} mart row(s))")
    print("\n1. Figure (mart_quarterly_emissions):")
    print_table(
        result.figure.select(
            "quarter",
            "vendor",
            "model",
            "project_or_workspace",
            "country",
            "activity_rows",
            *HEADLINE_METRICS,
        )
    )
    sums = result.row_sums()
    print(f"\n2. Activity rows (fct_activity_impacts): {result.rows.height}")
    print_table(
        result.rows.select(
            "usage_date",
            "source",
            "activity_type",
            "quantity",
            "energy_kwh",
            "co2e_location_kg",
            "water_l",
            "model_factor_id",
            "activity_factor_id",
            "grid_factor_id",
            "source_row",
        )
    )
    print("   sum of rows: " + ", ".join(f"{m}={sums[m]}" for m in HEADLINE_METRICS))
    bad = result.check()
    print("   rows add up to the cell: " + ("yes" if not bad else f"NO ({', '.join(bad)})"))
    print(f"\n3. Raw files (landing manifest): {result.files.height}")
    print_table(result.files.drop("source_rows"))
    for f in result.files.iter_rows(named=True):
        print(f"   {f['original_name']} rows: {f['source_rows']}")
    print(f"\n4. Factor rows: {result.factors.height}")
    print_table(result.factors)


def write_csv(result: TraceResult, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    report_frame(result).write_csv(path)
