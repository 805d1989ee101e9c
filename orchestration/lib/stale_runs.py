"""Release what a killed `ewh run` left behind, and say what a run would wait for.

An in-process run claims the ``ewh_landing``/``ewh_warehouse`` pool slots in the instance's event log
storage and frees them when its steps end. ``kill -9`` (OOM killer, a container stopped hard) ends the
process first: the run stays STARTED and its slot stays claimed, so every later run waits on the pool
for ever. Each `ewh` run therefore records its pid and host in its tags; before a run starts, runs
of this host whose process is gone are marked failed and their slots freed
(``free_concurrency_slots_for_run``), as are slots still held by runs that already finished.
Slots held by a live process are left alone and reported, so a run never waits silently.
"""

from __future__ import annotations

import os
import socket

import dagster as dg
from dagster import DagsterRunStatus

PID_TAG = "ewh/pid"
HOST_TAG = "ewh/host"
POOLS = ("ewh_landing", "ewh_warehouse")
IN_PROGRESS = [DagsterRunStatus.STARTING, DagsterRunStatus.STARTED, DagsterRunStatus.CANCELING]


def run_tags() -> dict[str, str]:
    """Tags naming the process that executes a run, so a later run can tell whether it still lives."""
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _dead_here(run: dg.DagsterRun) -> bool:
    pid = run.tags.get(PID_TAG, "")
    if not pid.isdigit() or run.tags.get(HOST_TAG) != socket.gethostname():
        return False
    return int(pid) != os.getpid() and not process_alive(int(pid))


def release_stale_runs(instance: dg.DagsterInstance) -> list[str]:
    """Fail the in-progress runs whose process is gone and free every slot no live run holds."""
    released = []
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=IN_PROGRESS)):
        if _dead_here(run):
            pid = run.tags[PID_TAG]
            instance.report_run_failed(
                run, f"process {pid} ended without finishing the run (killed?); marked failed by ewh"
            )
            released.append(run.run_id)
    storage = instance.event_log_storage
    if storage.supports_global_concurrency_limits:
        for run_id in storage.get_concurrency_run_ids():
            run = instance.get_run_by_id(run_id)
            if run is None or run.is_finished:
                storage.free_concurrency_slots_for_run(run_id)
                if run_id not in released:
                    released.append(run_id)
    return released


def pool_holders(instance: dg.DagsterInstance) -> list[str]:
    """One line per pool slot held by another run: what a new run would wait for."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return []
    lines = []
    for pool in POOLS:
        for slot in storage.get_concurrency_info(pool).claimed_slots:
            run = instance.get_run_by_id(slot.run_id)
            pid = run.tags.get(PID_TAG, "?") if run else "?"
            status = run.status.value if run else "unknown"
            lines.append(f"pool {pool}: held by run {slot.run_id} ({slot.step_key}, {status}, pid {pid})")
    return lines
