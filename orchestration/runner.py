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
    """Materialise the whole graph (or only the given asset groups) in-process, with progress.

    The whole graph runs in two Dagster runs: the landing group first (ingest and its checks), then,
    only if the landing succeeded and dbt's inputs changed since the last build, the dbt models and
    their checks. The daemon's schedule runs the same job as one run, where the dbt step takes the same
    decision (``plan_build``); here it is taken before the second run is created, so an unchanged
    run does not plan (and log) the ~450 dbt assets and tests it would skip. An unchanged run still
    evaluates the Python checks on the marts, whose thresholds may have changed.
    """
    from orchestration.definitions import ALL_JOB, build_definitions
    from orchestration.defs.automation.automation import latest_partition
    from warehouse.dbt import prepare_manifest

    prepare_instance(paths)
    prepare_manifest(paths)  # the definitions load it; a no-op unless the dbt project changed
    defs = build_definitions(home=paths.home, exports_dir=exports)
    job = defs.resolve_job_def(ALL_JOB)
    graph = defs.resolve_asset_graph()
    log_file = paths.home / "logs" / "ewh-run.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DBT_USE_COLORS", "false")  # the run log holds dbt's lines: no ANSI codes
    run = _Runner(job, paths, log_file, verbose, full_refresh)
    landing = [k for k in graph.materializable_asset_keys if graph.get(k).group_name == LANDING_GROUP]
    rest = [k for k in graph.materializable_asset_keys if graph.get(k).group_name != LANDING_GROUP]
    if groups:
        keys = [k for k in graph.materializable_asset_keys if graph.get(k).group_name in groups]
        outcome = run(keys, partition_key=None, with_dbt=not set(keys) <= set(landing))
        if outcome.build_skipped and outcome.success:
            # dbt was not run, so Dagster skipped the checks on its marts: evaluate them again (their
            # thresholds may have changed), so that the exit code says what is true of the warehouse
            outcome = _with_checks(outcome, run.warehouse_checks(), log_file)
        return outcome
    # files carry their own days; the partition is the API day (yesterday, plus look-back)
    outcome = run(landing, partition_key=latest_partition(), with_dbt=False)
    if not outcome.success:
        return outcome  # as in one run: nothing downstream of a failed landing is built
    from factors.release import release_info
    from orchestration.defs.warehouse.dbt_assets import plan_build

    plan = plan_build(paths, release_info(), full_refresh=full_refresh)
    if not plan.skip:
        return _with_checks(outcome, run(rest, partition_key=None, with_dbt=True), log_file)
    skipped = RunOutcome(outcome.success, outcome.failed_steps, outcome.failed_checks, log_file, plan.reason)
    return _with_checks(skipped, run.warehouse_checks(), log_file)


LANDING_GROUP = "landing"  # the ingest assets' group (orchestration/defs/landing/assets.py)


class _Runner:
    """Executes selections of the job in-process on the home's instance, appending to one run log."""

    def __init__(self, job, paths: Paths, log_file: Path, verbose: bool, full_refresh: bool):
        self.job, self.paths, self.log_file = job, paths, log_file
        self.verbose, self.full_refresh = verbose, full_refresh
        self.log_file.write_text("")

    def _config(self, with_dbt: bool) -> dict:
        level = "DEBUG" if self.verbose else "WARNING"
        refresh = self.full_refresh and with_dbt  # a selection without the dbt op takes no config for it
        return {
            "loggers": {"console": {"config": {"log_level": level}}},
            **({"ops": {DBT_OP: {"config": {"full_refresh": True}}}} if refresh else {}),
        }

    @contextlib.contextmanager
    def _session(self):
        from dagster import DagsterInstance

        with DagsterInstance.get() as instance, self.log_file.open("a") as log:
            _release_stale_runs(instance)  # before the redirect: the user is told on the terminal
            # dbt's own progress lines go to stdout; keep them in the log file unless asked for
            sink = contextlib.nullcontext() if self.verbose else contextlib.redirect_stdout(log)
            with sink:
                yield instance

    def __call__(self, keys: list, *, partition_key: str | None, with_dbt: bool) -> RunOutcome:
        from orchestration.lib.stale_runs import run_tags
        from orchestration.progress import RunProgress

        run_id = str(uuid.uuid4())
        with self._session() as instance, RunProgress(instance, run_id, len(keys), stream=sys.stderr):
            result = self.job.execute_in_process(
                run_id=run_id,
                instance=instance,
                raise_on_error=False,
                tags=run_tags(),
                asset_selection=keys,
                partition_key=partition_key,
                run_config=self._config(with_dbt),
            )
        return _outcome(result, self.log_file)

    def warehouse_checks(self) -> RunOutcome:
        """The Python checks on the dbt assets (marts, costs), alone, in a run of their own."""
        from orchestration.defs.warehouse import check_keys
        from orchestration.lib.stale_runs import run_tags

        checks = self.job.get_subset(asset_selection=set(), asset_check_selection=check_keys())
        with self._session() as instance:
            result = checks.execute_in_process(
                instance=instance,
                raise_on_error=False,
                tags=run_tags(),
                run_config=self._config(with_dbt=False),
            )
        return _outcome(result, self.log_file)


def _with_checks(outcome: RunOutcome, extra: RunOutcome, log_file: Path) -> RunOutcome:
    """Two runs' outcomes as one: both must succeed; failed checks ERROR first."""
    return RunOutcome(
        outcome.success and extra.success,
        outcome.failed_steps + extra.failed_steps,
        sorted(
            outcome.failed_checks + extra.failed_checks,
            key=lambda c: (c.severity != "ERROR", c.asset, c.check),
        ),
        log_file,
        outcome.build_skipped or extra.build_skipped,
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
