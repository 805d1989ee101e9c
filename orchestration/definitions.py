"""The one ``Definitions`` object: ingest assets -> GX checks -> dbt models and tests, plus automation.

Assembled from the domain folders (``orchestration/defs/<domain>/``, as dagster-open-platform keeps
them): ``landing``, ``warehouse``, ``automation``, and the resources. ``dagster dev -m
orchestration.definitions`` and ``ewh run`` load the same graph. Importing this module does no work:
``defs`` is a ``@dg.definitions`` function Dagster calls when it loads the code location, and the dbt
assets read the manifest prepared at install (``python -m warehouse.dbt prepare``), never parse dbt.
Paths come from ``EWH_HOME`` (default: the repo's ``data/``) and ``EWH_EXPORTS_DIR`` (default:
``data/samples``), as ``EnvVar`` fields of the resources.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from orchestration.defs import automation, landing, warehouse
from orchestration.defs.automation.automation import ALL_JOB
from orchestration.defs.resources import resources

__all__ = ["ALL_JOB", "build_definitions", "defs"]


def build_definitions(
    home: Path | None = None, exports_dir: Path | None = None, *, dbt: bool = True
) -> dg.Definitions:
    """Every domain's definitions merged, with the resources (explicit paths for ``ewh run``).

    ``dbt=False`` leaves out the dbt assets (their checks stay, on plain specs of the assets): for a
    run that only evaluates checks, which then does not import dbt.
    """
    return dg.Definitions.merge(
        landing.defs(),
        warehouse.defs() if dbt else warehouse.check_defs(),
        automation.defs(),
        dg.Definitions(resources=resources(home, exports_dir)),
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions()
