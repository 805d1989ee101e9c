"""The dbt project, and only it: ``dagster-dbt project prepare-and-package`` can import this module alone."""

from __future__ import annotations

from dagster_dbt import DbtProject

from warehouse.dbt import DBT_EXECUTABLE, DBT_PROJECT_DIR, MANIFEST, ensure_manifest

__all__ = ["DBT_EXECUTABLE", "DBT_PROJECT_DIR", "dbt_project", "ensure_manifest"]


dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
assert dbt_project.manifest_path == MANIFEST, "one manifest for Dagster and the application"
