"""The dbt project, and only it: ``dagster-dbt project prepare-and-package`` can import this module alone."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from dagster_dbt import DbtProject

from connectors.core.config import Paths
from orchestration.lib.dbt_paths import DBT_EXECUTABLE, DBT_PROJECT_DIR

__all__ = ["DBT_EXECUTABLE", "DBT_PROJECT_DIR", "dbt_project", "ensure_manifest"]


dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def _newest_source_mtime() -> float:
    watched = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for folder in ("models", "seeds", "macros", "tests"):
        watched.extend(p for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file())
    return max(p.stat().st_mtime for p in watched if p.exists())


def ensure_manifest(paths: Paths | None = None) -> Path:
    """Run ``dbt parse`` when the manifest is missing or older than any project file; return its path.

    The venv's own ``dbt`` is used, so nothing depends on what is on PATH.
    """
    manifest = dbt_project.manifest_path
    if manifest.exists() and manifest.stat().st_mtime >= _newest_source_mtime():
        return manifest
    env = os.environ | (paths or Paths.from_env()).dbt_env() | {"DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    result = subprocess.run(
        [
            str(DBT_EXECUTABLE),
            "parse",
            "--quiet",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(manifest.parent),
        ],
        cwd=DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not manifest.exists():
        raise RuntimeError(f"dbt parse failed:\n{result.stdout}\n{result.stderr}")
    return manifest
