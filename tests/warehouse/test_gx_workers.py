"""The landing gate's GX batches in worker processes (``ewh run``'s pool, issue #20): the same results as
in-process validation, on real spawned processes; a broken pool validates here; no worker outlives it."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path

import polars as pl
import pytest

from warehouse.gx_workers import gx_pool, map_batches

pytestmark = pytest.mark.slow

# a fresh interpreter: the test session has imported GX already, and such a process opens no pool
IN_A_FRESH_PROCESS = """
import json, sys
from pathlib import Path
import polars as pl
from warehouse import gx_workers
from warehouse.gx_workers import gx_pool
from warehouse.gx_suites import expectation_results
from warehouse.landed_validation import validate_partitions

partitions = [Path(p) for p in json.loads(sys.argv[1])]
gx_workers.enable()  # as the ewh executable does
with gx_pool():
    result = validate_partitions(partitions, "anthropic_usage", max_rows=int(sys.argv[2]))
    failures = expectation_results(pl.DataFrame({"share": [0.2, 0.9]}), [
        ("ExpectColumnValuesToBeBetween", {"column": "share", "max_value": 0.5})
    ])
    gx_here = "great_expectations" in sys.modules
print(json.dumps({
    "rows": result.rows,
    "success": result.success,
    "unexpected": {f"{f['expectation']}|{f['column']}": f["unexpected_count"] for f in result.failures},
    "adhoc": [[r["share"] for r in f["rows"]] for f in failures],
    "gx_imported_here": gx_here,
}))
"""


def _pid_and(item: int) -> tuple[int, int]:
    return os.getpid(), item


_HELD: list[bytes] = []  # what a worker keeps of its batches


def _hold_megabytes(megabytes: int) -> int:
    _HELD.append(b"x" * (megabytes * 2**20))  # written, so resident
    return _resident_here(0)


def _resident_here(_item: int) -> int:
    """This worker's resident memory, from /proc (not from the module under test)."""
    pages = int(Path(f"/proc/{os.getpid()}/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def _niceness(_item: int) -> int:
    return os.nice(0)


def _dies_outside(item: int, parent: int) -> int:
    if os.getpid() != parent:
        os._exit(3)  # a worker killed mid-batch (out of memory, say)
    return item * 10


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie has ended: only its exit status is left
        return stat.read().split(")")[-1].split()[0] != "Z"


@contextmanager
def _as_if_gx_were_not_imported() -> Iterator[None]:
    """This session has imported GX, and a process that has opens no pool: GX set aside meanwhile."""
    gx = sys.modules.pop("great_expectations", None)
    try:
        yield
    finally:
        if gx is not None:
            sys.modules["great_expectations"] = gx


@contextmanager
def _pool_as_ewh_run_opens_it(workers: int = 2) -> Iterator[None]:
    with ExitStack() as stack:
        with _as_if_gx_were_not_imported():
            stack.enter_context(gx_pool(workers=workers, enabled=True))
        yield


def _ended(pids: set[int]) -> bool:
    deadline = time.monotonic() + 60  # a bound on waiting, not a speed claim
    while any(_running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(_running(pid) for pid in pids)


@pytest.fixture
def pool():
    with _pool_as_ewh_run_opens_it():
        yield


def test_batches_run_in_other_processes_in_order(pool):
    results = map_batches(_pid_and, range(12))
    assert [item for _, item in results] == list(range(12))
    workers = {pid for pid, _ in results}
    assert os.getpid() not in workers
    assert 1 <= len(workers) <= 2


def test_without_a_pool_batches_run_here():
    assert {pid for pid, _ in map_batches(_pid_and, range(3))} == {os.getpid()}


def test_a_process_with_gx_imported_opens_no_pool():
    import great_expectations  # noqa: F401  (as a long-lived process that validated before)

    with gx_pool(enabled=True):
        assert {pid for pid, _ in map_batches(_pid_and, range(3))} == {os.getpid()}


def test_an_in_process_caller_opens_no_pool_unless_enabled():
    """``run_assets`` called in-process (a test session, a notebook) validates here by default."""
    with _as_if_gx_were_not_imported(), gx_pool():
        assert {pid for pid, _ in map_batches(_pid_and, range(3))} == {os.getpid()}


def test_a_broken_pool_is_named_and_the_batches_validated_here(pool, caplog):
    with caplog.at_level(logging.WARNING, logger="warehouse.gx_workers"):
        results = map_batches(partial(_dies_outside, parent=os.getpid()), [1, 2, 3])
    assert results == [10, 20, 30]
    assert "GX worker processes failed" in caplog.text


def test_no_worker_outlives_the_pool():
    with _pool_as_ewh_run_opens_it():
        workers = {pid for pid, _ in map_batches(_pid_and, range(12))}
    assert workers and os.getpid() not in workers
    assert _ended(workers)


def test_a_fresh_process_validates_in_its_pool_with_the_in_process_results(tmp_path, paths):
    """``ewh run``'s situation: GX not imported; the landing gate's batches and the marts' ad-hoc
    expectations are validated by the workers, with the failures counted by hand below."""
    from connectors.core.config import BUNDLED_SAMPLES
    from connectors.core.registry import CONNECTORS
    from connectors.landing.validated import landed_partitions
    from connectors.landing.zone import ingest_folder
    from warehouse.landed_validation import validate_partitions

    ingest_folder(CONNECTORS["anthropic_usage"], BUNDLED_SAMPLES / "anthropic_usage", paths)
    partitions = landed_partitions(paths.activity, "anthropic_usage")
    counts = [pl.scan_parquet(p).select(pl.len()).collect().item() for p in partitions]
    first = partitions[0]
    frame = pl.read_parquet(first)
    # row 0 negative, row 1 an unknown activity type: two failures in the first batch
    frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(-1.0).otherwise(pl.col("quantity")).alias("quantity"),
        pl.when(pl.int_range(pl.len()) == 1)
        .then(pl.lit("paperclips"))
        .otherwise(pl.col("activity_type"))
        .alias("activity_type"),
    ).write_parquet(first)
    limit = max(counts) + 1  # several batches: the pool's second worker gets some
    out = subprocess.run(
        [sys.executable, "-c", IN_A_FRESH_PROCESS, json.dumps([str(p) for p in partitions]), str(limit)],
        capture_output=True,
        text=True,
        check=True,
        cwd=os.getcwd(),
    )
    pooled = json.loads(out.stdout.strip().splitlines()[-1])
    here = validate_partitions(partitions, "anthropic_usage", max_rows=limit)
    assert pooled["gx_imported_here"] is False  # every expectation ran in a worker
    assert pooled["success"] is False and here.success is False
    assert pooled["rows"] == here.rows == sum(counts)
    assert pooled["unexpected"] == {
        f"{f['expectation']}|{f['column']}": f["unexpected_count"] for f in here.failures
    }
    assert pooled["unexpected"]["expect_column_values_to_be_between|quantity"] == 1
    assert pooled["unexpected"]["expect_column_values_to_be_in_set|activity_type"] == 1
    assert pooled["adhoc"] == [["0.9"]]  # the offending row, as the check reports it (text)


def test_renewing_the_pool_ends_the_workers_that_validated_and_starts_fresh_ones():
    """After a landing, the workers that held its batches end (their memory with them); one fresh
    worker serves the marts' checks."""
    from warehouse import gx_workers

    with _pool_as_ewh_run_opens_it():
        landing = {pid for pid, _ in map_batches(_pid_and, range(12))}
        landing_niceness = map_batches(_niceness, [0])
        gx_workers.renew(workers=1, above=0)
        after = {pid for pid, _ in map_batches(_pid_and, range(6))}
        renewed_niceness = map_batches(_niceness, [0])
    assert len(after) == 1 and not after & landing and os.getpid() not in after
    # the landing's worker is on the critical path; the fresh one yields the cores to dbt
    assert landing_niceness == [os.nice(0)]
    assert renewed_niceness == [min(os.nice(0) + gx_workers.RENEWED_NICENESS, 19)]
    assert _ended(landing)


def test_a_worker_is_renewed_only_when_its_batches_left_it_holding_memory():
    """A nightly's day leaves the worker about as it started: it is kept (no second GX import while dbt
    builds); a batch whose memory the worker keeps (as CPython keeps a landing's) gets it replaced."""
    from warehouse import gx_workers

    with _pool_as_ewh_run_opens_it(workers=1):
        (started,) = map_batches(_resident_here, [0])
        limit = started + 200 * 2**20
        (first,) = {pid for pid, _ in map_batches(_pid_and, range(2))}
        gx_workers.renew(above=limit)
        (kept,) = {pid for pid, _ in map_batches(_pid_and, range(2))}
        (holding,) = map_batches(_hold_megabytes, [400])
        gx_workers.renew(above=limit)
        (fresh,) = {pid for pid, _ in map_batches(_pid_and, range(2))}
    assert kept == first and holding > limit
    assert fresh != first and _ended({first})


def test_renewing_without_a_pool_opens_none():
    from warehouse import gx_workers

    gx_workers.renew()
    assert {pid for pid, _ in map_batches(_pid_and, range(3))} == {os.getpid()}


def test_a_pool_whose_worker_validated_nothing_is_kept_as_it_is():
    """Nothing landed (a first run of an empty home): the worker holds GX alone, no second import."""
    from warehouse import gx_workers

    with _pool_as_ewh_run_opens_it(workers=1):
        pool = gx_workers._pool
        gx_workers.renew()
        assert gx_workers._pool is pool
        (first,) = {pid for pid, _ in map_batches(_pid_and, range(2))}
        gx_workers.renew(above=0)
        assert gx_workers._pool is not pool
        (second,) = {pid for pid, _ in map_batches(_pid_and, range(2))}
    assert first != second
