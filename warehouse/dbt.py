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


def _newest_source_mtime() -> float:
    watched = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for folder in ("models", "seeds", "macros", "tests"):
        watched.extend(p for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file())
    return max(p.stat().st_mtime for p in watched if p.exists())


def ensure_manifest(paths: Paths | None = None) -> Path:
    """Run ``dbt parse`` when the manifest is missing or older than any project file; return its path."""
    if MANIFEST.exists() and MANIFEST.stat().st_mtime >= _newest_source_mtime():
        return MANIFEST
    run_dbt(paths or Paths.from_env(), "parse", "--quiet", target=MANIFEST.parent)
    if not MANIFEST.exists():
        raise DbtError("dbt parse wrote no manifest")
    return MANIFEST
