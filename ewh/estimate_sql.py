"""The warehouse's own compiled SQL, evaluated in memory on an estimate's planned rows.

An estimate must give exactly the figures ``ewh run`` would give for the same usage, and answer while
the user waits. So the formulas are not re-implemented: dbt compiles the chain of models up to
``fct_activity_impacts`` once per version of the dbt project and factor release (cached under
``$EWH_HOME/dbt/estimate/<fingerprint>/``), and each estimate runs that compiled SQL in an in-memory
DuckDB:

* the compiled staging models' reads of the landing zone become selections of the planned rows, in
  the form landing would have written them (nothing touches the disk);
* every seed the chain reads comes from the built warehouse, attached read-only, when its factor
  release is the current one (else the seeds are loaded by ``dbt seed`` into the cache once);
* every model of the chain is materialised in dependency order, over the planned rows only.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from connectors.core.config import Paths
from connectors.landing.zone import TABLES
from warehouse.dbt import DBT_PROJECT_DIR, run_dbt

CHAIN_TARGET = "fct_activity_impacts"
CATALOG = "est"  # the compile target's database: est.duckdb
PLACEHOLDER = "__ewh_estimate_landing__"
RELEASE_SQL = "select factor_release_sha256 from wh.main.meta_factor_release"


@dataclass(frozen=True)
class Chain:
    """The compiled chain: seeds to expose and models to create as views, in dependency order."""

    seeds: list[str]
    models: list[tuple[str, str]]  # (name, compiled SQL)
    folder: Path  # the cache folder (its est.duckdb holds the seeds loaded by dbt when needed)


def fingerprint(release: dict[str, str], extra: tuple[str, ...] = ()) -> str:
    """Hash of every file dbt compiles from, the factor release and the selection."""
    digest = hashlib.sha256(json.dumps([release, extra], sort_keys=True).encode())
    for folder in ("models", "macros", "seeds", "analyses"):
        for path in sorted((DBT_PROJECT_DIR / folder).rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(DBT_PROJECT_DIR)).encode())
                digest.update(path.read_bytes())
    digest.update((DBT_PROJECT_DIR / "dbt_project.yml").read_bytes())
    return digest.hexdigest()[:20]


def compiled_chain(
    home: Path, release: dict[str, str], extra: tuple[str, ...] = (), analyses: tuple[str, ...] = ()
) -> Chain:
    """The chain up to ``fct_activity_impacts`` (plus ``extra`` nodes and ``analyses``), compiled once
    and cached.

    The chain is built once on an empty landing zone (seeds included) rather than only compiled:
    some models read their upstream relation's columns while compiling, which needs it built. That
    build also holds the seeds for estimates made before any ``ewh run``. ``analyses`` (dbt analyses,
    which dbt never builds) are then compiled on their own and evaluated after the models they read.
    """
    folder = home / "dbt" / "estimate" / fingerprint(release, extra + analyses)
    cached = folder / "chain.json"
    if cached.exists():
        data = json.loads(cached.read_text())
        return Chain(data["seeds"], [tuple(m) for m in data["models"]], folder)
    from connectors.core.registry import CONNECTORS  # the cold path only: every vendor module
    from connectors.landing.zone import init_landing

    folder.mkdir(parents=True, exist_ok=True)
    paths = Paths(folder / "home", warehouse_override=folder / f"{CATALOG}.duckdb")
    empty = Paths(folder / PLACEHOLDER)
    for source, connector in CONNECTORS.items():
        init_landing(empty, [source], connector.table)
    run_dbt(
        paths,
        "build",
        "--select",
        "+" + CHAIN_TARGET,
        *extra,
        *("+" + name for name in analyses),  # what they read (the analyses themselves are not built)
        "--resource-type",
        "seed",
        "--resource-type",
        "model",
        "--quiet",
        target=folder / "target",
        vars_=release,
        env={"EWH_LANDING_DIR": str(empty.landing), "DBT_PARTIAL_PARSE": "false"},
    )
    manifest = json.loads((folder / "target" / "manifest.json").read_text())
    if analyses:
        run_dbt(
            paths,
            "compile",
            "--select",
            " ".join(analyses),
            "--quiet",
            target=folder / "target-analyses",
            vars_=release,
            env={"EWH_LANDING_DIR": str(empty.landing), "DBT_PARTIAL_PARSE": "false"},
        )
        compiled = json.loads((folder / "target-analyses" / "manifest.json").read_text())["nodes"]
        for key, node in compiled.items():
            if node["resource_type"] == "analysis" and node["name"] in analyses:
                manifest["nodes"][key] = node
    chain = _chain(manifest, [CHAIN_TARGET, *extra, *analyses], folder)
    cached.write_text(json.dumps({"seeds": chain.seeds, "models": chain.models}))
    return chain


def _chain(manifest: dict, targets: list[str], folder: Path) -> Chain:
    """Models and seeds the targets depend on, each model after everything it reads."""
    nodes = manifest["nodes"]
    by_name = {
        n["name"]: key for key, n in nodes.items() if n["resource_type"] in ("model", "analysis", "seed")
    }
    order: list[str] = []
    seen: set[str] = set()

    def visit(key: str) -> None:
        if key in seen or key not in nodes:
            return
        seen.add(key)
        for parent in nodes[key].get("depends_on", {}).get("nodes", []):
            visit(parent)
        order.append(key)

    for name in targets:
        visit(by_name[name])
    seeds = [nodes[k]["name"] for k in order if nodes[k]["resource_type"] == "seed"]
    models = [
        (nodes[k]["name"], nodes[k]["compiled_code"])
        for k in order
        if nodes[k]["resource_type"] in ("model", "analysis")
        and nodes[k]["config"].get("materialized") != "ephemeral"
    ]
    return Chain(seeds, models, folder)


def evaluate(
    chain: Chain, warehouse: Path | None, rows: pl.DataFrame, release_sha: str
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB whose ``est.main`` holds the chain built on the planned ``rows`` alone.

    The compiled staging models read the landing zone's Parquet; here each read becomes a selection of
    the planned rows of that source (in their landed form), so nothing touches the disk. Each model is
    then materialised in dependency order over a handful of rows.
    """
    con = duckdb.connect()
    con.execute(f"attach ':memory:' as {CATALOG}")
    seeds_from = _seed_catalog(con, chain, warehouse, release_sha)
    for seed in chain.seeds:
        con.execute(f'create view {CATALOG}.main."{seed}" as select * from {seeds_from}.main."{seed}"')
    for table, spec in TABLES.items():
        planned = rows if table == "activity" else spec.schema.to_frame(eager=True)
        con.register(f"planned_{table}", planned.select(spec.schema.names()).to_arrow())
    landing = re.escape(str(Paths(chain.folder / PLACEHOLDER).landing))
    read = re.compile(rf"read_parquet\('{landing}/(\w+)/source=(\w+)/\*\*/\*\.parquet'[^)]*\)")
    for name, sql in chain.models:
        local = read.sub(lambda m: _planned(m.group(1), m.group(2)), sql)
        try:
            con.execute(f'create table {CATALOG}.main."{name}" as {local}')
        except duckdb.Error as exc:
            raise duckdb.Error(f"{name}: {exc}") from exc
    return con


def evaluate_on(
    chain: Chain,
    name: str,
    inputs: dict[str, pl.DataFrame],
    warehouse: Path | None,
    release_sha: str,
) -> pl.DataFrame:
    """The compiled SQL of one node of the chain (a model or analysis) evaluated on given ``inputs``:
    each relation it reads is the frame of that name in ``inputs``, else the seed as in ``evaluate``.
    How the equivalents formula is checked on given figures, without planning rows for them."""
    con = duckdb.connect()
    try:
        con.execute(f"attach ':memory:' as {CATALOG}")
        seeds_from = _seed_catalog(con, chain, warehouse, release_sha)
        for relation, frame in inputs.items():
            con.register(f"input_{relation}", frame.to_arrow())
            con.execute(f'create table {CATALOG}.main."{relation}" as select * from "input_{relation}"')
        for seed in chain.seeds:
            if seed not in inputs:
                con.execute(
                    f'create view {CATALOG}.main."{seed}" as select * from {seeds_from}.main."{seed}"'
                )
        sql = dict(chain.models)[name]
        return con.sql(sql).pl()
    finally:
        con.close()


def _planned(folder: str, source: str) -> str:
    table = next(t for t, spec in TABLES.items() if spec.name == folder)
    return f"(select * from planned_{table} where source = '{source}')"


def _seed_catalog(
    con: duckdb.DuckDBPyConnection, chain: Chain, warehouse: Path | None, release_sha: str
) -> str:
    """Where the seeds come from: the built warehouse when it holds this factor release, else the
    chain's own build (same project and release by its fingerprint)."""
    if warehouse is not None and warehouse.exists():
        con.execute(f"attach '{warehouse}' as wh (read_only)")
        try:
            if con.execute(RELEASE_SQL).fetchall() == [(release_sha,)]:  # (fetched to the end)
                return "wh"
        except duckdb.Error:
            pass
        con.execute("detach wh")
    con.execute(f"attach '{chain.folder / (CATALOG + '.duckdb')}' as seeds (read_only)")
    return "seeds"
