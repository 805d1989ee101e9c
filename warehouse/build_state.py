"""The build state: what the last successful dbt build was built from, so an unchanged run skips dbt.

A build is a pure function of three inputs: the landed data (``$EWH_HOME/landing``), the dbt project
(models, macros, tests, config) and the seeds (factor tables and configuration). ``fingerprint`` hashes
them cheaply: landed files by path, size and modification time (landing replaces a partition file whole,
never edits it in place), project files and seeds by content. After each successful build the
fingerprint is written to ``$EWH_HOME/dbt/build-state.json``; the next run compares:

- everything equal and the warehouse still there: dbt is not run at all (``BuildPlan.skip``);
- otherwise dbt builds, leaving out the seeds whose content is unchanged (``BuildPlan.unchanged_seeds``):
  the build works on a copy of the published warehouse (``warehouse/publish.py``), which already holds
  them. A seed is rebuilt only when its own file changed, or when the warehouse is new;
- when only the landed data or seeds changed (the dbt project, factor release, warehouse path and dbt
  version as last built: ``BuildPlan.project_unchanged``), the views and dbt's unit tests are left out
  too: a view holds no data and reads its tables when queried, and a unit test checks SQL that did not
  change. At 10M rows re-creating the views alone took 12.6 s of a nightly build (binding a view over the
  landed Parquet lists every file). Every data test that reads landed data still runs, the views'
  included (dbt's indirect selection is off for such a build, so leaving a model out does not leave out
  its tests); the error-severity tests that read nothing but unchanged seeds are left out
  (``seed_only_tests``): they passed on the same seeds in the last successful build.

A changed dbt project (an upgrade, an edited model) rebuilds all history (``BuildPlan.rebuild_history``:
the dbt step adds ``--full-refresh``), since the incremental tables and marts keep what the old SQL
computed for every day and quarter the new data does not touch. A full refresh, a missing or unreadable
state file, a different warehouse path or a different dbt version always build everything. A home
moved or restored elsewhere (another absolute landing folder) builds with its views again: a view over
the landed Parquet holds the folder's path in its SQL. The state is
vouched for again only after the warehouse was published: a failed or interrupted build leaves the
previous inputs without their warehouse stamp (``forget``), and the next run builds again.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from connectors.core.config import REPO_ROOT, Paths
from connectors.core.registry import CONNECTORS
from connectors.landing.hashed import FOLDER as HASHED
from connectors.landing.validated import MARKS
from connectors.landing.zone import init_landing

DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
STATE_FILE = "build-state.json"
# project files whose content decides what a build produces (target/ and logs/ are outputs)
PROJECT_PARTS = ("models", "macros", "tests", "snapshots", "analyses")
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "packages.yml", "selectors.yml")
# landing files that are bookkeeping, not data the models read
LANDING_IGNORED = (MARKS, HASHED)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def seed_hashes(project: Path = DBT_PROJECT_DIR) -> dict[str, str]:
    """Content hash of every seed, by seed name (the file name without ``.csv``, as dbt names it)."""
    seeds = project / "seeds"
    return {p.stem: _sha(p.read_bytes()) for p in sorted(seeds.rglob("*.csv"))} if seeds.is_dir() else {}


def project_hash(project: Path = DBT_PROJECT_DIR) -> str:
    """One hash over the content of every file of the dbt project but the seeds and dbt's outputs."""
    digest = hashlib.sha256()
    files = [project / name for name in PROJECT_FILES if (project / name).is_file()]
    for part in PROJECT_PARTS:
        if (project / part).is_dir():
            files.extend(p for p in (project / part).rglob("*") if p.is_file())
    for path in sorted(files):
        digest.update(str(path.relative_to(project)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def landing_hash(paths: Paths) -> str:
    """One hash over the landing zone's files: relative path, size and mtime of each (stat only), in the
    order of their path's parts. Walked with ``os.scandir``: a year at 10M rows is ~13,000 files, and
    ``Path.rglob`` spent 0.4 s of every run's two build decisions on them."""
    digest = hashlib.sha256()
    for relative, size, mtime_ns in sorted(_landed_files(paths.landing), key=lambda f: f[0].split("/")):
        digest.update(f"{relative}\0{size}\0{mtime_ns}\n".encode())
    return digest.hexdigest()


def _landed_files(landing: Path) -> Iterator[tuple[str, int, int]]:
    """(path relative to ``landing``, size, mtime in ns) of every file under it, bookkeeping left out."""
    folders = [(landing, "")] if landing.is_dir() else []
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                relative = prefix + entry.name
                if entry.is_dir():
                    if prefix or entry.name not in LANDING_IGNORED:
                        folders.append((Path(entry.path), relative + "/"))
                elif entry.is_file():
                    stat = entry.stat()
                    yield relative, stat.st_size, stat.st_mtime_ns


def _warehouse_location(paths: Paths) -> str:
    """The warehouse file relative to the home when it lives there, so a copied or moved home (a backup
    restored elsewhere) is the same build; an absolute path otherwise (``EWH_WAREHOUSE_PATH``)."""
    try:
        return str(paths.warehouse.resolve().relative_to(paths.home.resolve()))
    except ValueError:
        return str(paths.warehouse.resolve())


def _warehouse_stamp(paths: Paths) -> str | None:
    if not paths.warehouse.exists():
        return None
    stat = paths.warehouse.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


@dataclass(frozen=True)
class BuildState:
    """The inputs of one build; ``warehouse`` is the published file's size and mtime after it."""

    landing: str
    project: str
    seeds: dict[str, str]
    vars: dict[str, str]
    warehouse_path: str
    dbt_version: str
    warehouse: str | None = None
    # where the landed files are (absolute): the views over them hold that path in their SQL. A state
    # recorded before this field existed has "" here, so its views are created once more.
    landing_dir: str = ""

    def key(self) -> dict:
        """Everything but the warehouse stamp: what must be equal for a build to be skipped."""
        return {
            "landing": self.landing,
            "project": self.project,
            "seeds": self.seeds,
            "vars": self.vars,
            "warehouse_path": self.warehouse_path,
            "dbt_version": self.dbt_version,
            "landing_dir": self.landing_dir,
        }

    def to_json(self) -> str:
        return json.dumps(self.key() | {"warehouse": self.warehouse}, indent=2, sort_keys=True)


def fingerprint(
    paths: Paths, vars_: dict[str, str], project: Path = DBT_PROJECT_DIR, *, landing: str | None = None
) -> BuildState:
    """The current inputs of a build of ``paths`` with dbt ``vars_`` (the factor release); ``landing``:
    the landing zone's hash when the caller has just computed it (``landing_hash``)."""
    return BuildState(
        landing=landing or landing_hash(paths),
        project=project_hash(project),
        seeds=seed_hashes(project),
        vars=dict(vars_),
        warehouse_path=_warehouse_location(paths),
        dbt_version=metadata.version("dbt-core"),
        landing_dir=str(paths.landing.resolve()),
    )


def state_path(paths: Paths) -> Path:
    return paths.home / "dbt" / STATE_FILE


def recorded(paths: Paths) -> BuildState | None:
    """The state the last successful build recorded, or None (never built, or an unreadable file)."""
    try:
        data = json.loads(state_path(paths).read_text())
        return BuildState(**data)
    except (OSError, ValueError, TypeError):
        return None


def record(paths: Paths, state: BuildState) -> None:
    """Write ``state`` as the last successful build, stamped with the published warehouse (atomic)."""
    target = state_path(paths)
    target.parent.mkdir(parents=True, exist_ok=True)
    stamped = BuildState(**(state.key() | {"warehouse": _warehouse_stamp(paths)}))
    partial = target.with_suffix(".tmp")
    partial.write_text(stamped.to_json())
    partial.replace(target)


def forget(paths: Paths) -> None:
    """Before a build: the recorded state no longer vouches for the warehouse file, so a build that fails
    part-way is never taken as done; its inputs stay, as those of the warehouse still published (the
    failed build's copy is discarded), so the next build still knows which dbt project built it."""
    last = recorded(paths)
    if last is None:
        return
    partial = state_path(paths).with_suffix(".tmp")
    partial.write_text(BuildState(**last.key()).to_json())
    partial.replace(state_path(paths))


@dataclass(frozen=True)
class BuildPlan:
    """What a dbt step should do: skip (with the reason), or build leaving out ``unchanged_seeds``."""

    state: BuildState
    skip: bool
    reason: str
    unchanged_seeds: list[str] = field(default_factory=list)
    project_unchanged: bool = False
    # the dbt project changed since the published warehouse was built: its incremental tables and marts
    # hold days and quarters the old SQL computed, so the build rebuilds all history (--full-refresh)
    rebuild_history: bool = False


def plan(
    paths: Paths,
    vars_: dict[str, str],
    *,
    full_refresh: bool = False,
    project: Path = DBT_PROJECT_DIR,
    landing: str | None = None,
) -> BuildPlan:
    """Compare the current inputs with the last successful build's."""
    current = fingerprint(paths, vars_, project, landing=landing)
    last = recorded(paths)
    warehouse = _warehouse_stamp(paths)
    if full_refresh:
        return BuildPlan(current, False, "full refresh asked for")
    if last is None:
        return BuildPlan(current, False, "no successful build recorded")
    history = last.project != current.project
    if last.warehouse is None:
        return BuildPlan(current, False, "the last build did not finish", rebuild_history=history)
    if warehouse is None or warehouse != last.warehouse:
        reason = "the warehouse file is missing or was changed since the last build"
        return BuildPlan(current, False, reason, rebuild_history=history)
    same_base = {k: v for k, v in current.key().items() if k != "seeds"} == {
        k: v for k, v in last.key().items() if k != "seeds"
    }
    unchanged = sorted(name for name, sha in current.seeds.items() if last.seeds.get(name) == sha)
    if current.warehouse_path != last.warehouse_path or current.dbt_version != last.dbt_version:
        unchanged = []  # another warehouse or another dbt: every seed is loaded again
    if same_base and current.seeds == last.seeds:
        return BuildPlan(
            current, True, "landed data, dbt project and seeds unchanged since the last successful build"
        )
    names = {
        "landing": "landed data",
        "project": "dbt project",
        "vars": "factor release",
        "landing_dir": "landing folder (the home was moved or copied: the views are created again)",
    }
    keys = ("landing", "project", "vars", "warehouse_path", "dbt_version", "landing_dir")
    parts = [names.get(k, k) for k in keys if current.key()[k] != last.key()[k]]
    seeds_changed = sorted(set(current.seeds) - set(unchanged))
    if seeds_changed:
        parts.append("seeds " + ", ".join(seeds_changed))
    project_unchanged = all(current.key()[k] == last.key()[k] for k in keys if k != "landing")
    return BuildPlan(
        current,
        False,
        "changed: " + "; ".join(parts),
        unchanged_seeds=unchanged,
        project_unchanged=project_unchanged,
        rebuild_history=current.project != last.project,
    )


def seed_only_tests(manifest: Mapping[str, Any], seeds: Collection[str]) -> list[str]:
    """Names of the data tests of severity error that read nothing but ``seeds`` (directly or through
    models), in a stable order.

    With the dbt project unchanged and those seeds unchanged, such a test checks exactly what it checked
    in the last successful build, where it passed (a failing error test fails the build, and a failed
    build is never recorded): a build of new landed data leaves it out. Tests of severity warn can fail
    without failing the build, so they always run and keep reporting.
    """
    nodes = manifest.get("nodes", {})
    seed_ids = {
        uid for uid, node in nodes.items() if node.get("resource_type") == "seed" and node["name"] in seeds
    }
    roots: dict[str, frozenset[str]] = {}

    def inputs(uid: str) -> frozenset[str]:
        """The seeds and sources ``uid`` reads, through any chain of models."""
        if uid not in roots:
            node = nodes.get(uid)
            if node is None or node.get("resource_type") == "seed":
                roots[uid] = frozenset([uid])  # a seed, or a source (not a node)
            else:
                roots[uid] = frozenset().union(
                    *(inputs(d) for d in node.get("depends_on", {}).get("nodes", []))
                )
        return roots[uid]

    return sorted(
        node["name"]
        for uid, node in nodes.items()
        if node.get("resource_type") == "test"
        and str(node.get("config", {}).get("severity", "error")).lower() == "error"
        and inputs(uid)
        and inputs(uid) <= seed_ids
    )


def plan_build(paths: Paths, release: dict, *, full_refresh: bool, landing: str | None = None) -> BuildPlan:
    """Whether (and what) dbt must build: the one decision the dbt step and ``ewh run`` both take.

    Every registered source gets its typed placeholder first, so the sources resolve even when only
    some were landed in this home (an inbox run on a new home); existing files are left as they are.
    ``landing``: the landing zone's hash as ``ewh run`` computed it for its own decision moments
    before, in the same process holding the home's writer lock (walking ~13,000 files takes 0.35 s).
    """
    for connector in CONNECTORS.values():
        init_landing(paths, [connector.source], connector.table)
    return plan(paths, release, full_refresh=full_refresh, landing=landing)
