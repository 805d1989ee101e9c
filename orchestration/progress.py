"""Progress of an in-process ``ewh run``, read from the Dagster event log while the run executes.

A run takes 35-80 s on the samples; without this it prints nothing until the end. A background thread
polls the run's events: on a terminal a rich progress bar (assets done of the total, current step), and
otherwise plain timestamped lines without colour codes, one per step and per landed source, so a
scheduler's log reads the same story.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import TextIO

from dagster import DagsterEventType, DagsterInstance

EVENTS = {
    DagsterEventType.STEP_START,
    DagsterEventType.STEP_SUCCESS,
    DagsterEventType.STEP_FAILURE,
    DagsterEventType.ASSET_MATERIALIZATION,
    DagsterEventType.ASSET_CHECK_EVALUATION,
}
POLL_SECONDS = 0.5


class RunProgress:
    """Context manager: report the run ``run_id`` of ``instance`` while it executes in this process."""

    def __init__(self, instance: DagsterInstance, run_id: str, total_assets: int, stream: TextIO):
        self.instance, self.run_id, self.total, self.stream = instance, run_id, total_assets, stream
        self.cursor: str | None = None
        self.materialised: set = set()  # asset keys: a landing asset also records each day it landed
        self.checks = self.failed_checks = 0
        self.started: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="ewh-progress", daemon=True)
        self._bar = None

    def __enter__(self) -> RunProgress:
        if self.stream.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("starting", total=self.total)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._poll()  # whatever arrived after the last tick
        if self._bar is not None:
            self._bar.stop()
        self._line(
            f"done: {len(self.materialised)} of {self.total} assets materialised, "
            f"{self.checks} checks evaluated, {self.failed_checks} failed"
        )

    def _loop(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            try:
                self._poll()
            except Exception:  # progress must never break the run; the summary still prints at the end
                return

    def _poll(self) -> None:
        while True:
            batch = self.instance.get_records_for_run(
                self.run_id, cursor=self.cursor, of_type=EVENTS, limit=500
            )
            for record in batch.records:
                self._event(record.event_log_entry.dagster_event)
            self.cursor = batch.cursor
            if not batch.has_more:
                return

    def _event(self, event) -> None:
        step = event.step_key or ""
        if event.event_type == DagsterEventType.STEP_START:
            self.started[step] = time.monotonic()
            self._line(f"{step}: started")
        elif event.event_type in (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE):
            took = time.monotonic() - self.started.get(step, time.monotonic())
            verdict = "done" if event.event_type == DagsterEventType.STEP_SUCCESS else "FAILED"
            self._line(f"{step}: {verdict} in {took:.1f} s")
        elif event.event_type == DagsterEventType.ASSET_MATERIALIZATION:
            materialization = event.step_materialization_data.materialization
            self.materialised.add(materialization.asset_key)
            metadata = materialization.metadata
            if "rows_landed_this_run" in metadata:
                asset = materialization.asset_key.to_user_string()
                files, rows = metadata["files_new"].value, metadata["rows_landed_this_run"].value
                self._line(f"  {asset}: {files} new file(s), {rows:,} row(s) landed")
        elif event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
            self.checks += 1
            self.failed_checks += not event.asset_check_evaluation_data.passed
        if self._bar is not None:
            self._bar.update(self._task, completed=len(self.materialised), description=step or "running")

    def _line(self, text: str) -> None:
        if self._bar is not None:
            self._bar.console.print(text, highlight=False, markup=False)
        else:
            print(f"[{datetime.now(UTC):%H:%M:%S}] {text}", file=self.stream, flush=True)
