"""Writes to the warehouse go through a copy published atomically (issue #15, fault 5), on real DuckDB files.

A reader in another process holds the warehouse open read-only: a write (``ewh close``, restatements)
succeeds, the reader keeps its snapshot, a new connection sees the write; a failed write publishes nothing.
A copy made ahead (while ``ewh run`` lands, issue #20) is the build's copy only if the warehouse did not
change since.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest

from connectors.core.config import Paths
from tests.support.warehouse import query_frame
from warehouse.connection import writing
from warehouse.publish import building_copy, building_path, copy_ahead, discard_copy_ahead

READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("select count(*) from t").fetchone()[0], flush=True)
sys.stdin.readline()
print(con.execute("select count(*) from t").fetchone()[0], flush=True)
"""


def _count(path) -> int:
    return query_frame(path, "select count(*) from t").item()


@pytest.fixture
def warehouse_of_three(paths: Paths) -> Paths:
    """The home (tests/conftest.py ``paths``), its warehouse holding a table ``t`` of three rows."""
    paths.home.mkdir()
    con = duckdb.connect(str(paths.warehouse))
    con.execute("create table t as select * from range(3)")
    con.close()
    return paths


def test_a_write_with_a_reader_holding_the_warehouse_open(warehouse_of_three: Paths):
    paths = warehouse_of_three
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(paths.warehouse)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "3"
        with writing(paths.warehouse) as con:  # a plain read-write connect fails here on a lock
            con.execute("insert into t select * from range(2)")
        out, _ = reader.communicate("\n", timeout=60)
    finally:
        reader.kill()
    assert out.strip() == "3"  # the reader's snapshot
    assert _count(paths.warehouse) == 5  # what a new connection sees
    assert not building_path(paths.warehouse).exists()


def test_a_failed_write_publishes_nothing(warehouse_of_three: Paths):
    paths = warehouse_of_three
    with pytest.raises(RuntimeError, match="half-way"), writing(paths.warehouse) as con:
        con.execute("insert into t select * from range(2)")
        raise RuntimeError("half-way")
    assert _count(paths.warehouse) == 3
    assert not building_path(paths.warehouse).exists()


def _ahead_copies(paths: Paths) -> list:
    return sorted(paths.warehouse.parent.glob(paths.warehouse.name + ".ahead*"))


def test_a_copy_made_ahead_is_the_next_builds_copy(warehouse_of_three: Paths):
    paths = warehouse_of_three
    with copy_ahead(paths.warehouse):
        pass
    (ahead,) = _ahead_copies(paths)
    con = duckdb.connect(str(ahead))  # marks the copy: the build must start from this very file
    con.execute("create table made_ahead as select 1 as x")
    con.close()
    with building_copy(paths.warehouse) as building:
        con = duckdb.connect(str(building))
        con.execute("insert into t select * from range(2)")
        con.close()
    assert _count(paths.warehouse) == 5
    assert query_frame(paths.warehouse, "select count(*) from made_ahead").item() == 1
    assert _ahead_copies(paths) == []


def test_a_copy_made_ahead_of_a_warehouse_changed_since_is_not_used(warehouse_of_three: Paths):
    paths = warehouse_of_three
    with copy_ahead(paths.warehouse):
        pass
    assert len(_ahead_copies(paths)) == 1
    con = duckdb.connect(str(paths.warehouse))  # a write in place (a notebook holding it read-write)
    con.execute("insert into t select * from range(4)")
    con.close()
    with writing(paths.warehouse) as con:
        con.execute("insert into t select * from range(2)")
    assert _count(paths.warehouse) == 9  # the copy made ahead held 3 rows: the build copied again
    assert _ahead_copies(paths) == []


def test_a_build_while_the_copy_ahead_is_still_written_waits_for_it_and_takes_it(
    warehouse_of_three: Paths, monkeypatch
):
    """``ewh run`` starts the dbt run while the copy made ahead may still be written: the build waits for
    that copy rather than making a second one of its own (3 GB at 10M rows)."""
    paths = warehouse_of_three
    copies: list[str] = []
    released = threading.Event()
    real = shutil.copyfile

    def held_copy(source, destination, *args, **kwargs):
        copies.append(Path(destination).name)
        released.wait(timeout=60)  # still being written when the build starts
        return real(source, destination, *args, **kwargs)

    monkeypatch.setattr(shutil, "copyfile", held_copy)
    with copy_ahead(paths.warehouse):
        threading.Timer(0.3, released.set).start()
        with building_copy(paths.warehouse) as building:
            con = duckdb.connect(str(building))
            con.execute("insert into t select * from range(2)")
            con.close()
    assert copies == [paths.warehouse.name + ".ahead.part"]  # the build made no copy of its own
    assert _count(paths.warehouse) == 5 and _ahead_copies(paths) == []


def test_a_discard_while_the_copy_ahead_is_still_written_leaves_nothing(
    warehouse_of_three: Paths, monkeypatch
):
    """No build follows (nothing changed for dbt): the copy in flight is not left behind as 3 GB."""
    paths = warehouse_of_three
    released = threading.Event()
    real = shutil.copyfile

    def held_copy(source, destination, *args, **kwargs):
        released.wait(timeout=60)
        return real(source, destination, *args, **kwargs)

    monkeypatch.setattr(shutil, "copyfile", held_copy)
    with copy_ahead(paths.warehouse):
        threading.Timer(0.3, released.set).start()
        discard_copy_ahead(paths.warehouse)
        assert _ahead_copies(paths) == []
    assert _ahead_copies(paths) == []


def _synced_files(monkeypatch) -> list[str]:
    """The files ``os.fsync`` is called on from now on, by name (a spy: the real fsync still runs)."""
    synced: list[str] = []
    real = os.fsync

    def spy(descriptor: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{descriptor}"))
        real(descriptor)

    monkeypatch.setattr(os, "fsync", spy)
    return synced


def test_the_building_copy_is_on_disk_before_the_build_writes_to_it(warehouse_of_three: Paths, monkeypatch):
    """DuckDB's first checkpoint in the build would otherwise wait for the whole copy to be written back."""
    paths = warehouse_of_three
    synced = _synced_files(monkeypatch)
    with building_copy(paths.warehouse) as building:
        assert str(building) in synced
    with copy_ahead(paths.warehouse):
        pass
    (ahead,) = _ahead_copies(paths)
    assert any(name.startswith(str(paths.warehouse) + ".ahead.") for name in synced)  # its .part, renamed
    assert ahead.exists()


def _freeing_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "ewh-free-retired"]


def test_the_replaced_file_is_freed_after_the_publish_and_nothing_is_left(warehouse_of_three: Paths):
    paths = warehouse_of_three
    old_inode = paths.warehouse.stat().st_ino
    (paths.home / f"{paths.warehouse.name}.retired.1").write_text("a killed process's leftover")
    with building_copy(paths.warehouse) as building:
        con = duckdb.connect(str(building))
        con.execute("insert into t select * from range(2)")
        con.close()
    assert paths.warehouse.stat().st_ino != old_inode
    assert _count(paths.warehouse) == 5
    for thread in _freeing_threads():
        thread.join()
    assert sorted(p.name for p in paths.home.iterdir() if ".retired" in p.name) == []


def test_without_hard_links_the_rename_frees_the_old_file(warehouse_of_three: Paths, monkeypatch):
    paths = warehouse_of_three

    def no_links(*_args, **_kwargs):
        raise OSError(95, "Operation not supported")

    monkeypatch.setattr(os, "link", no_links)
    with building_copy(paths.warehouse) as building:
        con = duckdb.connect(str(building))
        con.execute("insert into t select * from range(4)")
        con.close()
    assert _count(paths.warehouse) == 7
    assert [p.name for p in paths.home.iterdir() if ".retired" in p.name] == []
