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
    shipped = DAGSTER_YAML.read_text().replace("${DAGSTER_HOME}", str(config.parent))
    if not config.exists() or _kept_as_shipped(config.read_text(), shipped):
        written = config.with_name(f".{config.name}.{os.getpid()}.tmp")
        written.write_text(shipped)
        os.replace(written, config)  # a webserver reading it meanwhile sees the old or the new file


def _kept_as_shipped(current: str, shipped: str) -> bool:
    """A copy ``ewh`` keeps equal to the shipped file: its first line is still the shipped one's (a home
    made by an earlier release gets this release's settings) and it differs."""
    return current != shipped and current.partition("\n")[0] == shipped.partition("\n")[0]


def run_assets(
    paths: Paths,
    exports: Path | None,
    *,
    verbose: bool,
    groups: tuple[str, ...] | None = None,
    full_refresh: bool = False,
) -> RunOutcome:
    """Materialise the whole graph (or only the given asset groups) in-process, with progress.

    The whole graph runs as the daemon's job does, in up to two Dagster runs, each doing only what can
    change something:

    1. the landing run: the ingest steps of the sources with work (``orchestration/lib/pending.py``:
       export files, an API key, landed partitions not yet through the GX gate), their checks, and
       the freshness of every source in use (it depends on the day, not on the run); meanwhile the
       warehouse is copied for the build that most likely follows (``warehouse/publish.py``), and GX
       is imported by a worker process (``warehouse/gx_workers.py``);
    2. the dbt run, only if the landing succeeded and dbt's inputs changed since the last build
       (``plan_build``, the decision the dbt step takes in the daemon's job). Otherwise the Python
       checks on the marts run alone (their thresholds may have changed), with the freshness checks
       if there was no landing run: with nothing to land and nothing to build, dbt is not even
       imported.
    """
    from orchestration.lib.pending import pending_sources, rows_may_land

    prepare_instance(paths)
    log_file = paths.home / "logs" / "ewh-run.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    log_file.write_text("")  # this run's log: each Dagster run of it appends
    os.environ.setdefault("DBT_USE_COLORS", "false")  # the run log holds dbt's lines: no ANSI codes
    if groups:
        return _run_groups(paths, exports, log_file, groups, verbose=verbose, full_refresh=full_refresh)
    pending = pending_sources(paths, exports)
    with contextlib.ExitStack() as aids:
        if rows_may_land(pending):
            from warehouse.dbt_ahead import started_ahead
            from warehouse.gx_workers import gx_pool

            # the checks' GX (the landing gate's, then the marts') is imported by a worker process
            # meanwhile, on another core (warehouse/gx_workers.py), and so is dbt, for the build that
            # most likely follows (warehouse/dbt_ahead.py)
            aids.enter_context(gx_pool())
            aids.enter_context(started_ahead())
        return _run_pending(paths, exports, log_file, pending, verbose=verbose, full_refresh=full_refresh)


def _run_pending(
    paths: Paths,
    exports: Path | None,
    log_file: Path,
    pending: dict[str, list[str]],
    *,
    verbose: bool,
    full_refresh: bool,
) -> RunOutcome:
    """The landing run of the ``pending`` sources if any, then the dbt run or the mart checks alone."""
    from orchestration.defs.automation.automation import latest_partition
    from orchestration.lib.pending import sources_in_use

    # a source about to land is in use too, even before its first rows
    in_use = sources_in_use(paths, os.environ.get("EWH_SOURCES", "")) | set(pending)
    # nothing to land: nothing can change dbt's inputs, so the build is decided before any Dagster work
    plan = None if pending else _plan(paths, full_refresh)
    run = _Runner(paths, exports, log_file, verbose, full_refresh, dbt=plan is None or not plan.skip)
    freshness = {c for c in run.freshness_checks() if c.asset_key.path[-1] in in_use}
    outcome = _no_run(log_file)
    with contextlib.ExitStack() as copying:
        if pending:
            from warehouse import gx_workers
            from warehouse.publish import copy_ahead, discard_copy_ahead

            # a build most likely follows a landing: its copy of the warehouse is made meanwhile (from
            # here, not sooner: while the definitions load, the other core imports GX), until the dbt
            # step takes it (warehouse/publish.py: a build waits for the copy in flight)
            copying.enter_context(copy_ahead(paths.warehouse))
            landing = [k for k in run.landing_keys() if k.path[-1] in pending]
            outcome = run(landing, extra_checks=freshness, partition_key=latest_partition(), dbt=None)
            gx_workers.renew()  # a worker that holds a first landing's batches ends, and their memory
            plan = _plan(paths, full_refresh) if outcome.success else None
            if plan is None or plan.skip:
                discard_copy_ahead(paths.warehouse)
            if not outcome.success:
                return outcome  # as in one run: nothing downstream of a failed landing is built
            freshness = set()
        if not plan.skip:
            rest = [
                k for k in run.graph.materializable_asset_keys if run.graph.get(k).group_name != LANDING_GROUP
            ]
            # the step decides with the landing zone's hash this decision took (the same files, moments ago)
            built = run(rest, extra_checks=freshness, dbt={"landing_hash": plan.state.landing})
            return _with_checks(outcome, built, log_file)
    skipped = RunOutcome(outcome.success, outcome.failed_steps, outcome.failed_checks, log_file, plan.reason)
    return _with_checks(skipped, run.checks(run.warehouse_check_keys() | freshness), log_file)


def _run_groups(
    paths: Paths,
    exports: Path | None,
    log_file: Path,
    groups: tuple[str, ...],
    *,
    verbose: bool,
    full_refresh: bool,
) -> RunOutcome:
    """Materialise the given asset groups (``ewh backfill``, ``ewh verify``'s rebuild) in one run."""
    run = _Runner(paths, exports, log_file, verbose, full_refresh, dbt=True)
    keys = [k for k in run.graph.materializable_asset_keys if run.graph.get(k).group_name in groups]
    outcome = run(keys, dbt=None if set(keys) <= set(run.landing_keys()) else {})
    if outcome.build_skipped and outcome.success:
        # dbt was not run, so Dagster skipped the checks on its marts: evaluate them again (their
        # thresholds may have changed), so that the exit code says what is true of the warehouse
        outcome = _with_checks(outcome, run.checks(run.warehouse_check_keys()), log_file)
    return outcome


def _plan(paths: Paths, full_refresh: bool):
    from factors.release import release_info
    from warehouse.build_state import plan_build

    return plan_build(paths, release_info(), full_refresh=full_refresh)


def _no_run(log_file: Path) -> RunOutcome:
    return RunOutcome(True, [], [], log_file)


LANDING_GROUP = "landing"  # the ingest assets' group (orchestration/defs/landing/assets.py)


class _Runner:
    """Executes selections of the job in-process on the home's instance, appending to one run log.

    ``dbt=False`` builds the definitions without the dbt assets (``build_definitions``): enough for a
    run of checks only, and dbt-core is then never imported.
    """

    def __init__(
        self,
        paths: Paths,
        exports: Path | None,
        log_file: Path,
        verbose: bool,
        full_refresh: bool,
        *,
        dbt: bool,
    ):
        from orchestration.definitions import ALL_JOB, build_definitions

        if dbt:
            from warehouse.dbt import prepare_manifest

            prepare_manifest(paths)  # the definitions load it; a no-op unless the dbt project changed
        defs = build_definitions(home=paths.home, exports_dir=exports, dbt=dbt)
        self.job, self.graph = defs.resolve_job_def(ALL_JOB), defs.resolve_asset_graph()
        self.paths, self.log_file = paths, log_file
        self.verbose, self.full_refresh = verbose, full_refresh

    def landing_keys(self) -> list:
        graph = self.graph
        return [k for k in graph.materializable_asset_keys if graph.get(k).group_name == LANDING_GROUP]

    def freshness_checks(self) -> set:
        from orchestration.defs.landing.checks import landing_freshness

        return set(landing_freshness.check_keys)

    def warehouse_check_keys(self) -> set:
        from orchestration.defs.warehouse import check_keys

        return check_keys()

    def _config(self, dbt: dict | None) -> dict:
        """Run config; ``dbt``: the dbt step's config when it is selected (None: a selection without
        the dbt op takes no config for it)."""
        level = "DEBUG" if self.verbose else "WARNING"
        config: dict = {"loggers": {"console": {"config": {"log_level": level}}}}
        if dbt is not None:
            dbt = dbt | ({"full_refresh": True} if self.full_refresh else {})
            if dbt:
                config["ops"] = {DBT_OP: {"config": dbt}}
        return config

    @contextlib.contextmanager
    def _session(self):
        from dagster import DagsterInstance

        with DagsterInstance.get() as instance, self.log_file.open("a") as log:
            _release_stale_runs(instance)  # before the redirect: the user is told on the terminal
            # dbt's own progress lines go to stdout; keep them in the log file unless asked for
            sink = contextlib.nullcontext() if self.verbose else contextlib.redirect_stdout(log)
            with sink:
                yield instance

    def __call__(
        self,
        keys: list,
        *,
        extra_checks: set = frozenset(),
        partition_key: str | None = None,
        dbt: dict | None,
    ) -> RunOutcome:
        """Materialise ``keys`` with their checks, and evaluate ``extra_checks`` in the same run;
        ``dbt``: the dbt step's config, None when ``keys`` leave the dbt op out."""
        from orchestration.lib.stale_runs import run_tags
        from orchestration.progress import RunProgress

        selected = set(keys)
        checks = {c for c in self.graph.asset_check_keys if c.asset_key in selected} | set(extra_checks)
        job = self.job.get_subset(asset_selection=selected, asset_check_selection=checks)
        run_id = str(uuid.uuid4())
        with self._session() as instance, RunProgress(instance, run_id, len(keys), stream=sys.stderr):
            result = job.execute_in_process(
                run_id=run_id,
                instance=instance,
                raise_on_error=False,
                tags=run_tags(),
                partition_key=partition_key,
                run_config=self._config(dbt),
            )
        return _outcome(result, self.log_file)

    def checks(self, keys: set) -> RunOutcome:
        """The given checks alone, in a run of their own."""
        from orchestration.lib.stale_runs import run_tags

        checks = self.job.get_subset(asset_selection=set(), asset_check_selection=keys)
        with self._session() as instance:
            result = checks.execute_in_process(
                instance=instance,
                raise_on_error=False,
                tags=run_tags(),
                run_config=self._config(dbt=None),
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
    from orchestration.defs.warehouse import BUILD_SKIPPED

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
