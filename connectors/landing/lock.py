"""One writer per warehouse: an exclusive lock file under EWH_HOME for command-line runs.

DuckDB allows one writing process per file, and the landing zone's per-day replacement assumes one
writer too. Dagster runs are serialised by the instance (one run at a time, one slot per pool); this
lock makes a second `ewh run`/`ingest`/`backfill` on the same home fail at once with a clear message
instead of corrupting or half-writing anything.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class WarehouseBusyError(RuntimeError):
    """Another process is writing this warehouse."""


@contextmanager
def writer_lock(home: Path) -> Iterator[None]:
    home.mkdir(parents=True, exist_ok=True)
    lock_path = home / ".ewh-writer.lock"
    with lock_path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise WarehouseBusyError(
                f"another ewh process (pid {holder}) is writing {home}; wait for it to finish"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
