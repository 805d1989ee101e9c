"""Warehouse: the dbt project as assets (from the prepared manifest), the dbt CLI resource, and the
checks on the marts (fallback share, quarter over quarter) and on the costs (reconciliation)."""

import dagster as dg

BUILD_SKIPPED = "ewh/build_skipped"  # metadata key of the observation an unchanged run records


def defs() -> dg.Definitions:
    from orchestration.defs.warehouse.dbt_assets import build_dbt_assets
    from orchestration.defs.warehouse.mart_checks import MART_CHECKS
    from orchestration.defs.warehouse.reconcile_checks import cost_reconciliation_check
    from orchestration.lib.dbt_cli import DbtCli
    from orchestration.lib.dbt_project import dbt_project
    from warehouse import dbt_ahead

    # dbt as installed, or in `ewh` the executable that may find it started ahead (warehouse/dbt_ahead.py)
    executable = str(dbt_ahead.executable())
    return dg.Definitions(
        assets=[build_dbt_assets()],
        asset_checks=[*MART_CHECKS, cost_reconciliation_check],
        resources={"dbt": DbtCli(project_dir=dbt_project, dbt_executable=executable)},
    )


def check_keys() -> set[dg.AssetCheckKey]:
    """The Python checks on the dbt assets (not dbt's own tests): what an unchanged run re-evaluates."""
    from orchestration.defs.warehouse.mart_checks import MART_CHECKS
    from orchestration.defs.warehouse.reconcile_checks import cost_reconciliation_check

    return {key for check in [*MART_CHECKS, cost_reconciliation_check] for key in check.check_keys}


def check_defs() -> dg.Definitions:
    """The Python checks on the dbt assets alone, the assets they look at as plain specs: what a run
    that does not build evaluates, without loading dbt (dagster-dbt imports dbt-core, ~1.5 s)."""
    from orchestration.defs.warehouse.mart_checks import MART_CHECKS
    from orchestration.defs.warehouse.reconcile_checks import cost_reconciliation_check

    checks = [*MART_CHECKS, cost_reconciliation_check]
    targets = sorted({key.asset_key for check in checks for key in check.check_keys}, key=str)
    return dg.Definitions(assets=[dg.AssetSpec(key) for key in targets], asset_checks=checks)
