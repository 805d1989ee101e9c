"""The one ``Definitions`` object: ingest assets -> GX checks -> dbt models and tests.

``dagster dev -m orchestration.definitions`` and ``ewh run`` load the same graph. Paths come from
``EWH_HOME`` (default: the repo's ``data/``) and ``EWH_EXPORTS_DIR`` (default: ``data/samples``).
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.assets.dbt import build_dbt_assets
from orchestration.assets.ingest import INGEST_ASSETS
from orchestration.checks.landing_checks import LANDING_CHECKS
from orchestration.lib.dbt_project import DBT_EXECUTABLE, dbt_project
from orchestration.resources import WarehouseResource

ALL_JOB = "ewh_all"


def build_definitions(home: Path | None = None, exports_dir: Path | None = None) -> dg.Definitions:
    exports = exports_dir or (
        Path(os.environ["EWH_EXPORTS_DIR"]) if os.environ.get("EWH_EXPORTS_DIR") else None
    )
    dbt_models = build_dbt_assets()
    return dg.Definitions(
        assets=[*INGEST_ASSETS, dbt_models],
        asset_checks=LANDING_CHECKS,
        jobs=[
            dg.define_asset_job(
                ALL_JOB,
                selection=dg.AssetSelection.all(),
                description="Ingest every source, check it, then build all dbt models",
            )
        ],
        resources={
            "warehouse": WarehouseResource.from_env(home, exports),
            "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=str(DBT_EXECUTABLE)),
        },
    )


defs = build_definitions()
