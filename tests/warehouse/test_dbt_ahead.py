"""dbt started ahead (``warehouse/dbt_ahead.py``, issue #20): ``ewh-dbt`` served by the waiting process
does what the ``dbt`` executable does (output, exit code, the caller's environment and folder); without a
waiting process, or with one that ends before the command, it is dbt itself; nothing outlives
``started_ahead``. Real dbt, real DuckDB, real processes and sockets."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from warehouse import dbt_ahead
from warehouse.dbt_ahead import ADDRESS_VARIABLE, started_ahead

pytestmark = pytest.mark.slow

EWH_DBT = Path(sys.executable).with_name("ewh-dbt")
DBT = Path(sys.executable).with_name("dbt")

PROJECT = {
    "dbt_project.yml": "name: probe\nversion: '1.0'\nprofile: probe\nmodel-paths: ['models']\n",
    # dbt finds profiles.yml in its working folder: a served command that ran elsewhere finds none
    "profiles.yml": (
        "probe:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        "      path: \"{{ env_var('PROBE_DB') }}\"\n      threads: 1\n"
    ),
    # the word exists only in the client's environment, never in the one the waiting process started with
    "models/answer.sql": "select '{{ env_var('PROBE_WORD') }}' as word, 42 as n",
    "models/broken.sql": "select * from no_such_table",
    "models/slow.sql": (
        "{{ config(materialized='table') }}\n"
        "select count(*) as n from range(1000000000000) as r(i) where i % 7 = 3"
    ),
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name, text in PROJECT.items():
        path = tmp_path / "probe" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path / "probe"


def _environment(project: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {ADDRESS_VARIABLE, "PROBE_WORD", "PROBE_DB"}}
    return (
        env | {"DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "PROBE_DB": str(project / "probe.duckdb")} | extra
    )


def _dbt(
    executable: Path, args: list[str], project: Path, env: dict[str, str]
) -> subprocess.CompletedProcess:
    folders = [] if args == ["--version"] else ["--target-path", "target", "--log-path", "logs"]
    command = [str(executable), *args, *folders]
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=300)


def _children(name: str) -> list[int]:
    """This process's children whose command line holds ``name`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and name in command and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


@contextmanager
def _waiting() -> Iterator[Path]:
    """A process started ahead, and the socket ``ewh-dbt`` finds it by."""
    assert ADDRESS_VARIABLE not in os.environ
    with started_ahead(enabled=True):
        yield Path(os.environ[ADDRESS_VARIABLE])


def _served(args: list[str], project: Path, word: str) -> subprocess.CompletedProcess:
    """``ewh-dbt <args>`` with a process waiting; asserts that process took the command (its socket is
    gone once it accepted one)."""
    with _waiting() as address:
        env = _environment(project, PROBE_WORD=word) | {ADDRESS_VARIABLE: str(address)}
        served = _dbt(EWH_DBT, args, project, env)
        assert not address.exists(), served.stdout[-2000:] + served.stderr[-2000:]
    return served


def test_a_served_command_runs_in_the_callers_folder_with_its_environment(project: Path):
    served = _served(["run", "--select", "answer"], project, word="hi")
    assert served.returncode == 0, served.stdout[-2000:] + served.stderr[-2000:]
    assert "Completed successfully" in served.stdout and "1 of 1 OK created sql view model" in served.stdout
    with duckdb.connect(str(project / "probe.duckdb"), read_only=True) as con:
        assert con.execute("select word, n from answer").fetchall() == [("hi", 42)]


def test_a_served_command_exits_with_dbts_own_code_and_output(project: Path):
    own = _dbt(DBT, ["run", "--select", "broken"], project, _environment(project, PROBE_WORD="x"))
    served = _served(["run", "--select", "broken"], project, word="x")
    assert own.returncode == 1  # dbt's code for a model that failed
    assert served.returncode == own.returncode
    for text in ("no_such_table", "Completed with 1 error"):
        assert text in own.stdout and text in served.stdout


def test_without_a_waiting_process_ewh_dbt_is_dbt_itself(project: Path, tmp_path: Path):
    own = _dbt(DBT, ["--version"], project, _environment(project))
    for address in (None, tmp_path / "nobody-listens.sock"):
        env = _environment(project) | ({ADDRESS_VARIABLE: str(address)} if address else {})
        alone = _dbt(EWH_DBT, ["--version"], project, env)
        assert (alone.returncode, alone.stdout) == (own.returncode, own.stdout)
        assert "Core:" in alone.stdout


def test_a_process_that_ends_before_the_command_leaves_it_to_dbt(project: Path, tmp_path: Path):
    address = tmp_path / "ends.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(address))
    listener.listen(1)

    def accept_and_end() -> None:
        connection, _ = listener.accept()
        connection.close()  # as a waiting process that died during its imports

    ending = threading.Thread(target=accept_and_end)
    ending.start()
    env = _environment(project, PROBE_WORD="fallback") | {ADDRESS_VARIABLE: str(address)}
    ran = _dbt(EWH_DBT, ["run", "--select", "answer"], project, env)
    ending.join(timeout=30)
    listener.close()
    assert not ending.is_alive()  # the client did reach the listener first
    assert ran.returncode == 0, ran.stdout[-2000:]
    with duckdb.connect(str(project / "probe.duckdb"), read_only=True) as con:
        assert con.execute("select word from answer").fetchall() == [("fallback",)]


def test_a_served_command_is_interrupted_when_its_caller_is_killed(project: Path):
    with _waiting() as address:
        (server,) = _children("warehouse.dbt_ahead")
        env = _environment(project, PROBE_WORD="x") | {ADDRESS_VARIABLE: str(address)}
        command = [str(EWH_DBT), "run", "--select", "slow", "--target-path", "target", "--log-path", "logs"]
        caller = subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.PIPE, text=True)
        for line in caller.stdout:  # the slow model has started (a count over 10^12 rows)
            if "START sql table model" in line:
                break
        _wait_for_text(project / "logs" / "dbt.log", "range(1000000000000)")  # its query was sent
        caller.send_signal(signal.SIGKILL)
        caller.wait()
        assert _gone(server, within=120)  # interrupted, not left counting (hours) after its caller


def _wait_for_text(path: Path, text: str, within: float = 60) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(errors="replace"):
            return
        time.sleep(0.05)
    raise AssertionError(f"{text!r} never appeared in {path}")


def _gone(pid: int, within: float) -> bool:
    """The process ended (it is gone, or a zombie its parent has not reaped yet) within ``within`` s."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.2)
    return False


def test_nothing_outlives_the_block_used_or_not(project: Path):
    with _waiting() as address:
        (unused,) = _children("warehouse.dbt_ahead")
        folder = address.parent
    assert not _children("warehouse.dbt_ahead") and not folder.exists()
    with pytest.raises(ProcessLookupError):
        os.kill(unused, 0)
    assert ADDRESS_VARIABLE not in os.environ


def test_only_the_ewh_executable_starts_dbt_ahead(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(dbt_ahead, "_enabled", False)
    assert dbt_ahead.executable() == DBT
    with started_ahead():
        assert ADDRESS_VARIABLE not in os.environ and not _children("warehouse.dbt_ahead")
    monkeypatch.setattr(dbt_ahead, "_enabled", True)
    assert dbt_ahead.executable() == EWH_DBT
