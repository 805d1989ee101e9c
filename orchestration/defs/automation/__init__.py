"""Automation: the jobs, the nightly schedule, the inbox sensor and the run-failure alert."""

import dagster as dg


def defs() -> dg.Definitions:
    from orchestration.defs.automation.automation import (
        all_job,
        build_inbox_sensor,
        failure_alert,
        inbox_job,
        nightly_schedule,
    )

    return dg.Definitions(
        jobs=[all_job, inbox_job],
        schedules=[nightly_schedule()],
        sensors=[build_inbox_sensor(), failure_alert],
    )
