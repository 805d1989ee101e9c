"""Running the definitions in-process: the one door from the application (``ewh``) into Dagster.

``ewh run``, ``ewh backfill`` and ``ewh verify`` execute the same job the daemon schedules. They get back
a plain ``RunOutcome`` (failed steps with their causes, failed checks with their values), so the
application prints and chooses exit codes without touching Dagster's event objects.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

from connectors.core.config import Paths
from connectors.core.redact import redact

DAGSTER_YAML = Path(__file__).with_name("dagster.yaml")
DBT_OP = "ewh_dbt_models"  # the dbt multi-asset's op (orchestration/defs/warehouse/dbt_assets.py)


@dataclass(frozen=True)
class FailedCheck:
    asset: str
    check: str
    severity: str  # ERROR or WARN
    partition: str | None
    detail: str  # the failing values, as JSON (capped)
    files_readable: bool  # the rejected-files check, which has an exit code of its own


@dataclass(frozen=True)
class RunOutcome:
    success: bool
    failed_steps: list[tuple[str, list[str]]]  # step key, causes outermost first (redacted)
    failed_checks: list[FailedCheck]  # ERROR first
    log_file: Path
    build_skipped: str | None = None  # why dbt was not run (inputs unchanged since the last build)


def prepare_instance(paths: Paths) -> None:
    """A persistent local Dagster instance under EWH_HOME, so `make dev` shows what `ewh run` did."""
    if "DAGSTER_HOME" not in os.environ:
        paths.dagster_home.mkdir(parents=True, exist_ok=True)
        os.environ["DAGSTER_HOME"] = str(paths.dagster_home)
    config = Path(os.environ["DAGSTER_HOME"]) / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML.read_text())


def run_assets(
    paths: Paths,
    exports: Path | None,
    *,
    verbose: bool,
    groups: tuple[str, ...] | None = None,
    full_refresh: bool = False,
) -> RunOutcome:
    """Materialise the whole graph (or only the given asset groups) in-process, with progress."""
    from dagster import DagsterInstance

    from orchestration.definitions import ALL_JOB, build_definitions
    from orchestration.defs.automation.automation import latest_partition
    from orchestration.lib.stale_runs import run_tags
    from orchestration.progress import RunProgress
    from warehouse.dbt import prepare_manifest

    prepare_instance(paths)
    prepare_manifest(paths)  # the definitions load it; a no-op unless the dbt project changed
    defs = build_definitions(home=paths.home, exports_dir=exports)
    job = defs.resolve_job_def(ALL_JOB)
    graph = defs.resolve_asset_graph()
    selection = None
    if groups:
        selection = [k for k in graph.materializable_asset_keys if graph.get(k).group_name in groups]
    log_file = paths.home / "logs" / "ewh-run.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DBT_USE_COLORS", "false")  # the run log holds dbt's lines: no ANSI codes
    run_id = str(uuid.uuid4())
    total = len(selection) if selection is not None else len(graph.materializable_asset_keys)
    with DagsterInstance.get() as instance, log_file.open("w") as log:
        _release_stale_runs(instance)
        # dbt's own progress lines go to stdout; keep them in the log file unless asked for
        sink = contextlib.nullcontext() if verbose else contextlib.redirect_stdout(log)
        with sink, RunProgress(instance, run_id, total, stream=sys.stderr):
            result = job.execute_in_process(
                run_id=run_id,
                instance=instance,
                raise_on_error=False,
                tags=run_tags(),
                asset_selection=selection,
                # files carry their own days; the partition is the API day (yesterday, plus look-back)
                partition_key=None if groups else latest_partition(),
                run_config={
                    "loggers": {"console": {"config": {"log_level": "DEBUG" if verbose else "WARNING"}}},
                    **({"ops": {DBT_OP: {"config": {"full_refresh": True}}}} if full_refresh else {}),
                },
            )
        outcome = _outcome(result, log_file)
        if outcome.build_skipped and outcome.success:
            # dbt was not run, so Dagster skipped the checks on its marts: evaluate them again (their
            # thresholds may have changed), so that the exit code says what is true of the warehouse
            with sink:
                outcome = _with_checks(outcome, _evaluate_warehouse_checks(job, instance, verbose), log_file)
    return outcome


def _evaluate_warehouse_checks(job, instance, verbose: bool):
    """The Python checks on the dbt assets (marts, costs), alone, in a run of their own."""
    from orchestration.defs.warehouse import check_keys
    from orchestration.lib.stale_runs import run_tags

    checks = job.get_subset(asset_selection=set(), asset_check_selection=check_keys())
    return checks.execute_in_process(
        instance=instance,
        raise_on_error=False,
        tags=run_tags(),
        run_config={"loggers": {"console": {"config": {"log_level": "DEBUG" if verbose else "WARNING"}}}},
    )


def _with_checks(outcome: RunOutcome, result, log_file: Path) -> RunOutcome:
    extra = _outcome(result, log_file)
    return RunOutcome(
        outcome.success and extra.success,
        outcome.failed_steps + extra.failed_steps,
        sorted(
            outcome.failed_checks + extra.failed_checks,
            key=lambda c: (c.severity != "ERROR", c.asset, c.check),
        ),
        log_file,
        outcome.build_skipped,
    )


def run_ephemeral(home: Path, exports: Path, log_file: Path) -> RunOutcome:
    """The job ``ewh run`` executes, on ``home``, in a throw-away Dagster instance (``ewh verify``)."""
    from dagster import DagsterInstance
    from dagster_dbt.dbt_manifest import read_manifest_path

    from orchestration.definitions import ALL_JOB, build_definitions
    from orchestration.defs.automation.automation import latest_partition

    # dagster-dbt caches the parsed manifest per process; in a long-lived process the dbt project may
    # have changed since, and dbt would then build models the cached graph does not know
    read_manifest_path.cache_clear()
    from warehouse.dbt import prepare_manifest

    prepare_manifest()
    exports.mkdir(parents=True, exist_ok=True)
    defs = build_definitions(home=home, exports_dir=exports)
    job = defs.resolve_job_def(ALL_JOB)
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with DagsterInstance.ephemeral() as instance, log_file.open("w") as log, contextlib.redirect_stdout(log):
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            partition_key=latest_partition(),
            run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
        )
    return _outcome(result, log_file)


def _outcome(result, log_file: Path) -> RunOutcome:
    from orchestration.defs.landing.assets import FILES_READABLE

    steps = [
        (event.step_key, failure_causes(event.step_failure_data))
        for event in result.all_events
        if event.is_step_failure
    ]
    failed = sorted(
        (e for e in result.get_asset_check_evaluations() if not e.passed),
        key=lambda e: (e.severity.value != "ERROR", e.asset_key.to_user_string(), e.check_name),
    )
    checks = [
        FailedCheck(
            asset=e.asset_key.to_user_string(),
            check=e.check_name,
            severity=e.severity.value,
            partition=e.partition,
            detail=_check_detail(e.metadata),
            files_readable=e.check_name == FILES_READABLE,
        )
        for e in failed
    ]
    return RunOutcome(result.success, steps, checks, log_file, _build_skipped(result))


def _build_skipped(result) -> str | None:
    """The reason the dbt step gave for not running dbt, if it did not."""
    from orchestration.defs.warehouse.dbt_assets import BUILD_SKIPPED

    for event in result.all_events:
        if event.event_type_value == "ASSET_OBSERVATION":
            metadata = event.event_specific_data.asset_observation.metadata
            if BUILD_SKIPPED in metadata:
                return str(metadata[BUILD_SKIPPED].value)
    return None


def _check_detail(metadata: dict) -> str:
    """The failing values a check recorded (its ``failures``, else its scalar metadata), as capped JSON."""
    failures = metadata.get("failures")
    values = (
        failures.value
        if failures is not None
        else {k: m.value for k, m in metadata.items() if isinstance(m.value, int | float | str)}
    )
    return redact(json.dumps(values, default=str)[:400])


def _release_stale_runs(instance) -> None:
    """Free the pool slots of runs killed mid-way (they would block this run for ever); name any wait."""
    from orchestration.lib.stale_runs import pool_holders, release_stale_runs

    for run_id in release_stale_runs(instance):
        print(f"ewh run: released run {run_id}: its process is gone; marked failed, pool slots freed")
    for line in pool_holders(instance):
        print(f"ewh run: waiting for {line}", file=sys.stderr)


def failure_causes(data) -> list[str]:
    """Every distinct message of a step failure, outermost first, down to the root cause; redacted.

    Dagster reports a step that used up its retries as "Exceeded max_retries of N"; the cause chain
    and the ``Failure`` description hold what actually went wrong, which is what an operator needs.
    """
    messages, error = [], data.error
    while error is not None:
        messages.append(error.message)
        error = error.cause or error.context
    if data.user_failure_data is not None and data.user_failure_data.description:
        messages.append(data.user_failure_data.description)
    lines: list[str] = []
    for message in messages:
        line = redact(" ".join(str(message).split()))
        if line and line not in lines:
            lines.append(line)
    # a Failure's description also appears inside its error message: say it once
    return [line for line in lines if not any(line != other and line in other for other in lines)]
