"""Worker processes for the landing gate's Great Expectations batches.

Importing GX takes about 2.5 s of CPU and a batch is validated in Python, on one core. A nightly
``ewh run`` paid that import on its critical path, and the first check of a year of landed rows
validated forty batches one after another. While ``ewh run`` lands data it keeps a pool open
(``gx_pool``): its worker imports GX while the definitions load and the sources land (a second core
does it), and the checks' batches are validated there. Without an open pool (the
daemon's runs, ``ewh audit-pack``, tests) batches are validated in this process, with the same
functions, so the results are the same either way.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")

# one worker: two validating at once took the 10M first landing's GX from 21 s to 16.5 s, but held a
# batch each beside the ewh process's own heap (peak 3.47 GB over the process tree, against 3 GB)
WORKERS = 1

_pool: ProcessPoolExecutor | None = None
_used = False  # whether the open pool's workers validated anything yet
_enabled = False


def enable() -> None:
    """Let ``gx_pool`` open worker processes: the choice of the ``ewh`` executable, a process that lands,
    validates once and ends. A long-lived process (a test session, a notebook calling ``run_assets``
    again and again) is better off importing GX once and validating in-process, as it does by default."""
    global _enabled
    _enabled = True


def _load_gx(niceness: int = 0) -> None:
    """Each worker's start: GX, its context and the activity suite, before any batch arrives, at a lower
    priority when ``niceness`` is set. A worker ends without the interpreter's teardown of GX's modules
    (most of a second the run would wait for)."""
    from warehouse.gx_suites import activity_suite

    if niceness:
        os.nice(niceness)
    atexit.register(_end_now)
    activity_suite()


def _end_now() -> None:
    """The worker's last exit handler (handlers run last registered first): stdio flushed, then gone.
    A worker holds nothing to finalise: its results were sent to the pool when each batch was done."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _ready() -> bool:
    return True


@contextmanager
def gx_pool(workers: int = WORKERS, *, enabled: bool | None = None) -> Iterator[None]:
    """Validate batches in up to ``workers`` processes while the block runs; the first starts now.

    Only when ``enabled`` (by default: ``enable()`` was called) and GX is not imported here yet (a
    process that has it has nothing to hide). Processes are spawned (not forked: this process runs
    Polars' and Dagster's threads). On leaving, the workers are told to stop and left to end on their
    own (their teardown is not waited for)."""
    global _pool, _used
    if not (_enabled if enabled is None else enabled) or "great_expectations" in sys.modules:
        yield
        return
    _pool, _used = _open(workers), False
    try:
        yield
    finally:
        pool, _pool = _pool, None
        pool.shutdown(wait=False, cancel_futures=True)


def renew(workers: int = 1, *, above: int | None = None) -> None:
    """Replace the open pool's workers by ``workers`` fresh ones if one holds more than ``above`` bytes
    (default ``RENEW_ABOVE_BYTES``; no pool open: nothing to do).

    A worker that validated a landing's batches keeps their memory (CPython seldom returns it to the
    system, ``malloc_trim`` gave back 0.16 of 1 GB): about 1 GB held through a 10M build. A fresh worker
    holds GX alone (0.3 GB) and imports it while the build runs, for the checks on the marts that follow,
    at a low priority: dbt's processes have the cores first. After small batches (a nightly's day) the
    worker is kept: a second import of GX (2.5 s of CPU) would only compete with dbt."""
    global _pool, _used
    if _pool is None or not _used:
        return  # none open, or its worker holds GX alone
    if _holding(_pool) <= (RENEW_ABOVE_BYTES if above is None else above):
        return
    _pool.shutdown(wait=False, cancel_futures=True)
    _pool, _used = _open(workers, niceness=RENEWED_NICENESS), False


RENEWED_NICENESS = 10  # os.nice increment of a worker started while dbt builds
# resident memory above which a worker is renewed: one with GX alone holds about 0.3 GB, one that
# validated a nightly's day (40,000 rows at 10M) 0.45 GB, one that validated a year's landing over 1 GB
RENEW_ABOVE_BYTES = 768 * 2**20


def _holding(pool: ProcessPoolExecutor) -> float:
    """The most resident memory any of the pool's workers holds (infinite when a worker's is unknown:
    renewing is then the safe choice). ``_processes`` is the executor's own record of its workers."""
    sizes = [_resident(pid) for pid in getattr(pool, "_processes", None) or {}]
    if not sizes or None in sizes:
        return float("inf")
    return float(max(sizes))


def _open(workers: int, niceness: int = 0) -> ProcessPoolExecutor:
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_load_gx,
        initargs=(niceness,),
    )
    pool.submit(_ready)  # a worker is started on the first task: it imports GX from now on
    return pool


def map_batches(validate: Callable[[Item], Result], batches: Iterable[Item]) -> list[Result]:
    """``validate`` applied to every batch, in order: in the open pool's workers, else here.

    ``validate`` and the batches must pickle (a module-level function, paths). A pool that broke (a
    worker killed, out of memory, say) is named in the log and the batches are validated here."""
    global _used
    batches = list(batches)
    pool = _pool
    if pool is None or len(batches) == 0:
        return [validate(b) for b in batches]
    _used = True
    try:
        return list(pool.map(validate, batches))
    except BrokenProcessPool as error:
        log.warning("GX worker processes failed (%s): validating %d batches in-process", error, len(batches))
        return [validate(b) for b in batches]


def _resident(pid: int) -> int | None:
    """A process's resident memory in bytes (Linux), None where /proc cannot tell."""
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")
