"""Run the venv's dbt on the project (or a copy of it) for one EWH home, as the pipeline does."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from connectors.core.config import Paths
from orchestration.lib.dbt_project import DBT_EXECUTABLE, DBT_PROJECT_DIR


def run_dbt(
    paths: Paths, *args: str, target: Path, project: Path = DBT_PROJECT_DIR, vars_: dict | None = None
) -> str:
    """``dbt <args>`` with the home's absolute paths, a private target folder and optional vars; must pass."""
    env = os.environ | paths.dbt_env() | {"DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    env["PATH"] = f"{DBT_EXECUTABLE.parent}{os.pathsep}{env.get('PATH', '')}"
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
        str(target / "logs"),
    ]
    if vars_ is not None:
        command += ["--vars", json.dumps(vars_)]
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, check=False)
    failed = f"dbt {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-2000:]}"
    assert result.returncode == 0, failed
    return result.stdout
