"""The one ``Definitions`` object: ingest assets -> GX checks -> dbt models and tests, plus automation.

``dagster dev -m orchestration.definitions`` and ``ewh run`` load the same graph. Paths come from
``EWH_HOME`` (default: the repo's ``data/``) and ``EWH_EXPORTS_DIR`` (default: ``data/samples``).
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.assets.dbt import build_dbt_assets
from orchestration.assets.ingest import INGEST_ASSETS
from orchestration.automation import (
    ALL_JOB,
    all_job,
    failure_alert,
    inbox_job,
    inbox_sensor,
    nightly_schedule,
)
from orchestration.checks.landing_checks import LANDING_CHECKS
from orchestration.checks.mart_checks import MART_CHECKS
from orchestration.checks.reconcile_checks import cost_reconciliation_check
from orchestration.lib.dbt_project import DBT_EXECUTABLE, dbt_project
from orchestration.resources import WarehouseResource


def build_definitions(home: Path | None = None, exports_dir: Path | None = None) -> dg.Definitions:
    dbt_models = build_dbt_assets()
    return dg.Definitions(
        assets=[*INGEST_ASSETS, dbt_models],
        asset_checks=[*LANDING_CHECKS, *MART_CHECKS, cost_reconciliation_check],
        jobs=[all_job, inbox_job],
        schedules=[nightly_schedule()],
        sensors=[inbox_sensor, failure_alert],
        resources={
            "warehouse": WarehouseResource.from_env(home, exports_dir),
            "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=str(DBT_EXECUTABLE)),
        },
    )


__all__ = ["ALL_JOB", "build_definitions", "defs"]

defs = build_definitions()
