"""Dagster's SQLite event log, with each database's connection kept open between events.

Dagster's ``SqliteEventLogStorage`` creates a SQLAlchemy engine, connects and disposes of it for every
event it stores, twice for an asset or check event (the run's database and the cross-run index): about
6 ms an event. A run of the dbt assets plans some 300 assets and checks before its first step, so that
was 1.7 s of a 10M-row nightly ``ewh run``, spent between the landing and the build. This storage keeps
one connection per database (the index and the newest few runs') and is otherwise Dagster's: the same
files and tables, read by the webserver and any other instance as they are; transactions still commit
one event at a time under the storage's own lock, so other processes see each event as before.

The home's ``dagster.yaml`` (``orchestration/dagster.yaml``) names it, with Dagster's own place for run
event logs, ``<DAGSTER_HOME>/history/runs``, as ``base_dir``.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Iterator

from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sql import create_engine
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

OPEN_DATABASES = 4  # the index and the newest runs' databases; older ones are closed
BUSY_TIMEOUT_S = 15  # as Dagster's own storage waits for another process's write


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> PooledSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    @contextlib.contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        """One transaction on the shard's database, on its open connection (Dagster's: a new engine)."""
        with self._db_lock:
            engine = self._engines.pop(shard, None) or self._open(shard)
            self._engines[shard] = engine  # the most recently used last
            while len(self._engines) > OPEN_DATABASES:
                self._engines.popitem(last=False)[1].dispose()
            with engine.connect() as conn, conn.begin():
                yield conn

    def _open(self, shard: str) -> Engine:
        engine = create_engine(
            self.conn_string_for_shard(shard),
            poolclass=StaticPool,  # one connection, used under self._db_lock only
            connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
        )
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        return engine

    def _close_all(self) -> None:
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()

    def wipe(self) -> None:
        self._close_all()  # the run databases' files are deleted
        super().wipe()

    def dispose(self) -> None:
        self._close_all()
        super().dispose()
