"""Jobs, the nightly schedule, the inbox sensor and the run-failure alert.

- ``ewh_nightly`` (default 02:00 UTC, ``EWH_SCHEDULE_CRON``): yesterday's daily partition of every
  source (APIs also re-fetch ``EWH_LOOKBACK_DAYS`` revised days), then the dbt models and checks.
- ``ewh_inbox_sensor``: one run per new file content dropped in ``$EWH_HOME/inbox/<source>/``
  (run key = source + sha256, so a second copy of the same content never runs again); the run lands
  it, then builds the dbt models as ``ewh run`` does (incremental days; seeds only when changed).
  Refused names (symlinks, traversal, hidden files) are logged, never read.
- ``ewh_failure_alert``: writes a clear message to the log, and to ``EWH_ALERT_WEBHOOK_URL`` if set
  (``settings`` resource).

The schedule's cron (``EWH_SCHEDULE_CRON``) and whether schedule and sensor start running
(``EWH_AUTOMATION``) are the shape of the definitions, read when they are built, never at import.
"""

import json
import os
from datetime import timedelta

import dagster as dg
import requests

from connectors.core.redact import redact
from connectors.core.registry import CONNECTORS
from connectors.landing import inbox
from orchestration.defs.landing.assets import daily_partitions, landing_key, quarantine_key
from orchestration.defs.resources import SettingsResource, WarehouseResource, connector_settings_class

ALL_JOB = "ewh_all"
INBOX_JOB = "ewh_inbox"
DBT_GROUPS = ("factors", "staging", "intermediate", "marts")

all_job = dg.define_asset_job(
    ALL_JOB,
    selection=dg.AssetSelection.all(),
    description="Ingest every source, check it, then build all dbt models",
    tags={"ewh/writes": "warehouse"},
)
inbox_job = dg.define_asset_job(
    INBOX_JOB,
    selection=dg.AssetSelection.all(),
    description="Land a file dropped in the inbox, then build the dbt models (asset selection per run)",
    tags={"ewh/writes": "warehouse"},
)


def warehouse_config(warehouse: WarehouseResource, **overrides) -> dict:
    """Run config for the warehouse resource: current values plus ``overrides`` (config replaces whole)."""
    values = {
        "home": warehouse.home,
        "exports_dir": warehouse.exports_dir,
        "lookback_days": warehouse.lookback_days,
    }
    return {"resources": {"warehouse": {"config": values | overrides}}}


def latest_partition() -> str:
    """The last complete UTC day: the partition a run without a date lands (files carry their own days)."""
    return daily_partitions().get_last_partition_key()


def automation_status() -> dg.DefaultScheduleStatus:
    """Schedule and inbox sensor start stopped (a fresh `make dev` must not fetch from vendors on its own);
    ``EWH_AUTOMATION=on`` starts both with the daemon, for a deployment."""
    on = os.environ.get("EWH_AUTOMATION", "off").strip().lower() in ("on", "1", "true", "yes")
    return dg.DefaultScheduleStatus.RUNNING if on else dg.DefaultScheduleStatus.STOPPED


def nightly_schedule() -> dg.ScheduleDefinition:
    cron = os.environ.get("EWH_SCHEDULE_CRON", "0 2 * * *")

    @dg.schedule(
        name="ewh_nightly",
        cron_schedule=cron,
        job=all_job,
        execution_timezone="UTC",
        default_status=automation_status(),
    )
    def ewh_nightly(context: dg.ScheduleEvaluationContext):
        # the run at 02:00 on day D lands partition D-1; each API also re-fetches the look-back days
        day = context.scheduled_execution_time.date() - timedelta(days=1)
        return dg.RunRequest(run_key=f"nightly-{day.isoformat()}", partition_key=day.isoformat())

    return ewh_nightly


def inbox_selection(source: str, graph) -> list[dg.AssetKey]:
    """What an inbox run of ``source`` materialises: its landing and quarantine assets, then the whole
    dbt project (every asset outside the landing group), so the dbt step builds as ``ewh run`` does:
    only what changed (incremental days; seeds only when their content changed, warehouse/build_state.py).
    Other sources are not ingested again."""
    own = dg.AssetSelection.assets(landing_key(source), quarantine_key(source))
    keys = own | (dg.AssetSelection.all() - dg.AssetSelection.groups("landing"))
    return sorted(keys.resolve(graph), key=lambda k: k.to_user_string())


def build_inbox_sensor() -> dg.SensorDefinition:
    @dg.sensor(
        name="ewh_inbox_sensor",
        job=inbox_job,
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus(automation_status().value),
    )
    def inbox_sensor(
        context: dg.SensorEvaluationContext,
        warehouse: WarehouseResource,
        connector_settings: connector_settings_class(),
    ):
        paths = warehouse.paths
        graph = context.repository_def.asset_graph
        requests_: list[dg.RunRequest] = []
        for source in CONNECTORS:
            with connector_settings.handed_to_connectors():  # the inbox's quiet period
                found = inbox.scan(paths.inbox, source)
            inbox.log_scan(context.log, source, found)
            for f in found.accepted:
                requests_.append(
                    dg.RunRequest(
                        run_key=f"{source}:{f.sha256}",
                        partition_key=latest_partition(),
                        asset_selection=inbox_selection(source, graph),
                        run_config=warehouse_config(warehouse, exports_dir=str(paths.inbox), from_inbox=True),
                        tags={"ewh/source": source, "ewh/file": f.path.name, "ewh/sha256": f.sha256},
                    )
                )
        if not requests_:
            return dg.SkipReason("no new files in the inbox")
        return requests_

    return inbox_sensor


@dg.run_failure_sensor(name="ewh_failure_alert", default_status=dg.DefaultSensorStatus.RUNNING)
def failure_alert(context: dg.RunFailureSensorContext, settings: SettingsResource):
    run = context.dagster_run
    message = redact(
        f"emissions-warehouse run {run.run_id} ({run.job_name}) failed: "
        f"{context.failure_event.message or 'see the run log'}"
    )
    context.log.error(message)
    url = settings.alert_webhook_url
    if url:
        requests.post(
            url, data=json.dumps({"text": message}), headers={"Content-Type": "application/json"}, timeout=10
        )
