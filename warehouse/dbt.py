"""The one way the application runs dbt outside Dagster (``ewh estimate``, manifests, tests).

Plain paths and a subprocess of the venv's own ``dbt``, so the CLI can name the project without importing
dagster-dbt (which takes seconds) and nothing depends on what is on PATH. Dagster's assets run the same
executable through ``DbtCliResource`` (orchestration/definitions.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from connectors.core.config import REPO_ROOT, Paths

DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
DBT_EXECUTABLE = Path(sys.executable).parent / "dbt"
MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"


class DbtError(RuntimeError):
    """A dbt command failed; the message carries the tail of its output."""


class ManifestMissing(DbtError):
    """The prepared dbt manifest is not there: Dagster's definitions load it, they never parse dbt."""


def run_dbt(
    paths: Paths,
    *args: str,
    target: Path,
    project: Path = DBT_PROJECT_DIR,
    vars_: dict | None = None,
    env: dict[str, str] | None = None,
    logs: Path | None = None,
) -> str:
    """``dbt <args>`` for one EWH home (its absolute paths), a private target folder and optional vars;
    dbt's log goes to ``logs`` (default: inside the target folder)."""
    environment = os.environ | paths.dbt_env() | {"DBT_SEND_ANONYMOUS_USAGE_STATS": "false"} | (env or {})
    environment["PATH"] = f"{DBT_EXECUTABLE.parent}{os.pathsep}{environment.get('PATH', '')}"
    command = [
        str(DBT_EXECUTABLE),
        *args,
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        "--target-path",
        str(target),
        "--log-path",
        str(logs or target / "logs"),
    ]
    if vars_ is not None:
        command += ["--vars", json.dumps(vars_)]
    result = subprocess.run(
        command, cwd=project, env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise DbtError(f"dbt {' '.join(args)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
    return result.stdout


def _newest_source_mtime(project: Path = DBT_PROJECT_DIR) -> float:
    watched = [project / "dbt_project.yml", project / "profiles.yml"]
    for folder in ("models", "seeds", "macros", "tests", "analyses"):
        watched.extend(p for p in (project / folder).rglob("*") if p.is_file())
    return max(p.stat().st_mtime for p in watched if p.exists())


def manifest_is_current(manifest: Path = MANIFEST) -> bool:
    """The manifest exists and is newer than every file of the dbt project."""
    return manifest.exists() and manifest.stat().st_mtime >= _newest_source_mtime(manifest.parent.parent)


def prepare_manifest(paths: Paths | None = None, *, force: bool = False) -> Path:
    """``dbt parse`` into ``dbt_project/target`` when the manifest is missing or older than any project
    file (or ``force``); return its path. Run at install (``make install``), in CI and by ``ewh run``."""
    if not force and manifest_is_current():
        return MANIFEST
    run_dbt(paths or Paths.from_env(), "parse", "--quiet", target=MANIFEST.parent)
    if not MANIFEST.exists():
        raise DbtError("dbt parse wrote no manifest")
    return MANIFEST


ensure_manifest = prepare_manifest  # the name the application used before


GRAIN_TEST = "unique_combination"  # dbt_project/tests/generic/unique_combination.sql: a model's grain


def model_grain(model: str, manifest: Path = MANIFEST) -> tuple[str, ...]:
    """The columns of ``model``'s grain: its ``unique_combination`` test in the model's yml (the one
    home of a mart's grain). Read from the prepared manifest when it is current, else from the yml
    itself (a checkout where the manifest was never prepared, or the project edited since)."""
    return _manifest_grain(model, manifest) if manifest_is_current(manifest) else _yml_grain(model)


def _manifest_grain(model: str, manifest: Path = MANIFEST) -> tuple[str, ...]:
    for node in json.loads(manifest.read_text())["nodes"].values():
        meta = node.get("test_metadata") or {}
        if (
            node["resource_type"] == "test"
            and meta.get("name") == GRAIN_TEST
            and (node.get("attached_node") or "").split(".")[-1] == model
        ):
            return tuple(meta["kwargs"]["columns"])
    raise DbtError(f"{model} has no {GRAIN_TEST} test in {manifest}")


def _yml_grain(model: str, project: Path = DBT_PROJECT_DIR) -> tuple[str, ...]:
    import yaml

    for path in sorted((project / "models").rglob("*.yml")):
        if f"name: {model}\n" not in path.read_text():
            continue
        for node in yaml.load(path.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))[
            "models"
        ]:
            if node["name"] != model:
                continue
            for test in node.get("data_tests", []):
                if isinstance(test, dict) and GRAIN_TEST in test:
                    spec = test[GRAIN_TEST]
                    return tuple((spec.get("arguments") or spec)["columns"])
    raise DbtError(f"{model} has no {GRAIN_TEST} test in the yml of {project / 'models'}")


def require_manifest(manifest: Path = MANIFEST) -> Path:
    """The prepared manifest, never a parse: what Dagster's definitions load. Missing: a clear error."""
    if not manifest.exists():
        raise ManifestMissing(
            f"no dbt manifest at {manifest}: prepare it with `python -m warehouse.dbt prepare` "
            "(`make install` and `ewh run` do this; after editing the dbt project, run it again)"
        )
    return manifest


def main(argv: list[str] | None = None) -> int:
    """``python -m warehouse.dbt prepare [--force]``: write dbt_project/target/manifest.json."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] != "prepare" or set(args[1:]) - {"--force"}:
        print("usage: python -m warehouse.dbt prepare [--force]", file=sys.stderr)
        return 2
    current = manifest_is_current()
    path = prepare_manifest(force="--force" in args)
    print(f"dbt manifest {'up to date' if current and '--force' not in args else 'prepared'}: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
