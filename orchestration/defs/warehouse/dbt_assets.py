"""dbt models as Dagster assets: staging -> intermediate -> marts, downstream of the ingest assets.

The assets come from the prepared manifest (``python -m warehouse.dbt prepare``, run by ``make install``
and ``ewh run``); building the definitions never parses dbt. A run whose inputs did not change since the
last successful build does not run dbt, and seeds are loaded again only when their content changed
(``warehouse/build_state.py``).
"""

import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets
from dagster_dbt.dbt_manifest import read_manifest_path

from connectors.core.config import environment
from factors.release import release_info
from orchestration.defs.resources import WarehouseResource
from orchestration.defs.warehouse import BUILD_SKIPPED
from orchestration.lib.dbt_project import dbt_project
from warehouse import build_state
from warehouse.dbt import require_manifest
from warehouse.publish import building_copy


class Translator(DagsterDbtTranslator):
    """Groups by layer; dbt sources keep dagster-dbt's default ``[source, table]`` key, which is
    exactly the key of the ingest asset that lands them (``landing/<source>``, ``quarantine/<source>``)."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        node = manifest.get("nodes", {}).get(unique_id) or manifest.get("sources", {}).get(unique_id) or {}
        if node.get("resource_type") == "seed":
            return spec.replace_attributes(group_name="factors")
        fqn = node.get("fqn") or []
        if node.get("resource_type") == "model" and len(fqn) > 2:
            return spec.replace_attributes(group_name=fqn[1])
        return spec


KEEP_DBT_RUNS = 10  # dbt target folders kept per home (each holds the compiled SQL of every model)


def run_target(runs: Path, run_id: str, keep: int = KEEP_DBT_RUNS) -> Path:
    """A fresh dbt target folder for this run in the home, pruning all but the newest ``keep`` - 1.

    It starts with the newest earlier run's ``partial_parse.msgpack``: that build parsed this home's
    project with the same paths and factor release, so dbt re-parses only the files that changed since.
    (dagster-dbt would copy the prepared manifest's instead, parsed with other paths: dbt then finds the
    profile changed and parses all of the project again, about 5 s of every build.)
    """
    runs.mkdir(parents=True, exist_ok=True)
    previous = sorted((p for p in runs.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    pruned = max(len(previous) - keep + 1, 0)
    for old in previous[:pruned]:
        shutil.rmtree(old, ignore_errors=True)
    target = runs / run_id
    parsed = [p / PARTIAL_PARSE for p in previous[pruned:] if (p / PARTIAL_PARSE).is_file()]
    if parsed and not (target / PARTIAL_PARSE).exists():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(parsed[-1], target / PARTIAL_PARSE)
    return target


PARTIAL_PARSE = "partial_parse.msgpack"


class DbtBuildConfig(dg.Config):
    """``full_refresh`` rebuilds the incremental tables and marts from all landed history (a changed dbt
    project does so by itself: ``BuildPlan.rebuild_history``). ``landing_hash``: the landing zone's hash
    ``ewh run`` computed when it decided to build, after its landing run (``build_state.plan_build``);
    without it (the daemon's job) the step hashes the landing zone itself."""

    full_refresh: bool = False
    landing_hash: str | None = None


SCOPE_TESTS_VAR = "scope_tests_to_rebuilt_days"

# left out of a build whose dbt project did not change (warehouse/build_state.py explains why)
UNCHANGED_PROJECT_EXCLUDES = ("config.materialized:view", "resource_type:unit_test")


def build_args(
    release: dict, plan: build_state.BuildPlan, full_refresh: bool, manifest: Mapping[str, Any] | None = None
) -> list[str]:
    """``dbt build`` arguments: the factor release as vars, unchanged seeds left out (and the views, unit
    tests and the data tests of the unchanged seeds alone when the project is unchanged), full refresh
    when asked for or when the dbt project changed since the published warehouse was built.

    The incremental tables' data tests check the usage days this build rewrote (models and tests run in
    this one ``dbt build``, published only when it succeeds: dbt_project/macros/rebuilt_days.sql)."""
    args = ["build", "--vars", json.dumps(release | {SCOPE_TESTS_VAR: True})]
    full_refresh = full_refresh or plan.rebuild_history
    excluded = list(plan.unchanged_seeds)
    if plan.project_unchanged and not full_refresh:
        excluded += UNCHANGED_PROJECT_EXCLUDES
        excluded += build_state.seed_only_tests(manifest or {}, plan.unchanged_seeds)
        # without indirect selection an excluded view keeps its data tests: they check newly landed rows
        args += ["--indirect-selection", "empty"]
    if excluded:
        # one space-separated value: dagster-dbt folds --exclude into its selector and reads only the
        # token after the flag (extract_runtime_selection_from_args), so a list would become positional
        args += ["--exclude", " ".join(excluded)]
    if full_refresh:
        args.append("--full-refresh")
    return args


def build_dbt_assets() -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=require_manifest(dbt_project.manifest_path),
        project=dbt_project,
        dagster_dbt_translator=Translator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)),
        pool="ewh_warehouse",
    )
    def ewh_dbt_models(
        context: dg.AssetExecutionContext,
        config: DbtBuildConfig,
        dbt: DbtCliResource,
        warehouse: WarehouseResource,
    ):
        paths = warehouse.paths
        release = release_info()
        context.log.info(f"factor release {release['factor_release']}")
        context.log.info(f"factor release sha256 {release['factor_release_sha256']}")
        whole = not context.is_subset  # a partial selection (an inbox run) is never skipped nor recorded
        plan = build_state.plan_build(
            paths, release, full_refresh=config.full_refresh, landing=config.landing_hash
        )
        if plan.skip and whole:
            message = f"dbt not run: {plan.reason} (build state {build_state.state_path(paths)})"
            context.log.info(message)
            key = next(iter(sorted(context.selected_asset_keys)))
            context.log_event(dg.AssetObservation(asset_key=key, metadata={BUILD_SKIPPED: plan.reason}))
            return
        context.log.info(f"dbt build: {plan.reason}")
        if plan.rebuild_history and not config.full_refresh:
            context.log.info("the dbt project changed since the last build: every day and quarter is rebuilt")
        if plan.unchanged_seeds:
            context.log.info(f"seeds unchanged, not reloaded: {len(plan.unchanged_seeds)}")
        build_state.forget(paths)
        # dbt builds a copy, published atomically on success: readers holding the warehouse open
        # neither block the build nor see a half-built one (warehouse/publish.py)
        with (
            building_copy(paths.warehouse) as building,
            environment(paths.dbt_env() | {"EWH_WAREHOUSE_PATH": str(building)}),
        ):
            args = build_args(
                release, plan, config.full_refresh, read_manifest_path(dbt_project.manifest_path)
            )
            target = run_target(paths.dbt_runs, context.run_id)
            yield from dbt.cli(args, context=context, target_path=target).stream()
        context.log.info(f"published {paths.warehouse}")
        if whole:
            build_state.record(paths, plan.state)

    return ewh_dbt_models
