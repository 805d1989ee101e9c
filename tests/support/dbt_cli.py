"""Run the venv's dbt on the project (or a copy of it) for one EWH home, as the pipeline does."""

from __future__ import annotations

from pathlib import Path

from connectors.core.config import Paths
from warehouse.dbt import DBT_PROJECT_DIR
from warehouse.dbt import run_dbt as _run_dbt


def run_dbt(
    paths: Paths, *args: str, target: Path, project: Path = DBT_PROJECT_DIR, vars_: dict | None = None
) -> str:
    """``dbt <args>`` with the home's absolute paths, a private target folder and optional vars; must pass."""
    return _run_dbt(paths, *args, target=target, project=project, vars_=vars_)
