"""A dbt process started ahead of the build, waiting for its command.

dbt spends about 1.5 s of CPU importing dbt-core, its CLI and the DuckDB adapter before it reads a file.
``ewh run`` needs dbt only after its landing, so while the sources land (on one core) a process imports
dbt on the other (``started_ahead``). The dbt step then runs dagster-dbt's command as always, through
``ewh-dbt`` (``client``): a small executable that hands its arguments, environment, working folder and
standard streams to the waiting process, which runs ``dbt <args>`` as the ``dbt`` executable does,
writing to the step's own pipes, and sends back dbt's exit code. dagster-dbt sees one dbt process.

The process serves one command, then ends. With none waiting (the daemon's runs, tests, a second build,
a platform without Unix sockets), or one that ends before it starts the command, ``ewh-dbt`` becomes the
``dbt`` executable itself (``exec``): every build runs the same dbt either way.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from warehouse.dbt import DBT_EXECUTABLE as DBT

ADDRESS_VARIABLE = "EWH_DBT_AHEAD"  # the waiting process's socket, read by ewh-dbt
CLIENT = Path(sys.executable).parent / "ewh-dbt"  # installed with the package ([project.scripts])
STREAMS = (0, 1, 2)  # stdin, stdout, stderr: handed over, so dbt writes to the step's pipes
PRELOAD = (  # what a `dbt build` imports before its first node, about 1.5 s of a nightly
    "dbt.cli.main",
    "dbt.adapters.duckdb",
    "dbt.adapters.duckdb.impl",
    "dbt.parser.manifest",
    "dbt.task.build",
)
_INT = struct.Struct("!i")

_enabled = False


def enable() -> None:
    """Let ``started_ahead`` start a process: the choice of the ``ewh`` executable, which builds at most
    once. Tests and notebooks run dbt as it is installed."""
    global _enabled
    _enabled = True


def supported() -> bool:
    """Unix sockets that carry file descriptors."""
    return hasattr(socket, "AF_UNIX") and hasattr(socket, "send_fds")


def executable() -> Path:
    """What the dbt step starts: ``ewh-dbt`` where ``ewh`` may start dbt ahead, else dbt itself."""
    return CLIENT if _enabled and supported() and CLIENT.exists() else DBT


@contextmanager
def started_ahead(*, enabled: bool | None = None) -> Iterator[None]:
    """A process importing dbt while the block runs, advertised to ``ewh-dbt`` by ``EWH_DBT_AHEAD``.

    Only when ``enabled`` (by default: ``enable()`` was called). Its socket lives in a folder only this
    user can enter. On leaving, the process is stopped: by then it ran its command or none will come."""
    if not (_enabled if enabled is None else enabled) or not supported():
        yield
        return
    folder = Path(tempfile.mkdtemp(prefix="ewh-dbt-"))
    address = folder / "dbt.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        # bound here, before it is advertised: a client that comes before the imports end waits for them
        listener.bind(str(address))
        listener.listen(1)
        process = subprocess.Popen(
            [sys.executable, "-m", "warehouse.dbt_ahead", str(listener.fileno())],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(listener.fileno(),),
        )
    os.environ[ADDRESS_VARIABLE] = str(address)
    try:
        yield
    finally:
        os.environ.pop(ADDRESS_VARIABLE, None)
        process.kill()
        process.wait()
        process.stdin.close()
        shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------------------------- the waiting process


def serve(listening: int) -> int:
    """Import dbt, then run the one command a client sends to the socket listening on file descriptor
    ``listening`` (or end, unused, when the parent closes this process's stdin)."""
    listener = socket.socket(fileno=listening)
    address = Path(listener.getsockname())
    for module in PRELOAD:
        __import__(module)
    ready = selectors.DefaultSelector()
    ready.register(listener, selectors.EVENT_READ)
    ready.register(sys.stdin, selectors.EVENT_READ)
    if any(key.fileobj is sys.stdin for key, _ in ready.select()):
        return 0  # the parent is done with us (or gone)
    connection, _ = listener.accept()
    listener.close()
    address.unlink(missing_ok=True)  # one command: a second client runs dbt itself
    (size,), streams = _receive_header(connection)
    request = json.loads(_receive_exactly(connection, size))
    connection.sendall(_INT.pack(os.getpid()))  # the command starts: the client forwards signals here
    finished = threading.Event()
    threading.Thread(target=_interrupt_when_gone, args=(connection, finished), daemon=True).start()
    code = _run(request, streams)
    finished.set()  # from here the client's end is no interruption
    connection.sendall(_INT.pack(code))
    return code


def _receive_header(connection: socket.socket) -> tuple[tuple[int], list[int]]:
    data, streams, _, _ = socket.recv_fds(connection, _INT.size, len(STREAMS))
    data += _receive_exactly(connection, _INT.size - len(data))
    if len(streams) != len(STREAMS):
        raise ConnectionError(f"expected {len(STREAMS)} streams, got {len(streams)}")
    return _INT.unpack(data), streams


def _receive_exactly(connection: socket.socket, size: int) -> bytes:
    parts, left = [], size
    while left:
        part = connection.recv(left)
        if not part:
            raise ConnectionError("the client left before its request was complete")
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def _run(request: dict, streams: list[int]) -> int:
    """``dbt <args>`` as the ``dbt`` executable runs it, with the client's streams, folder and
    environment; interrupted (as dbt is by Ctrl-C) if the client goes away."""
    sys.stdout.flush()
    sys.stderr.flush()
    for target, stream in zip(STREAMS, streams, strict=True):
        os.dup2(stream, target)
        os.close(stream)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = [str(DBT), *request["args"]]
    from dbt.cli.main import cli

    try:
        cli()  # click's standalone mode: it exits with dbt's code
        code: object = 0
    except SystemExit as end:
        code = end.code
    if isinstance(code, str):  # what sys.exit does with a message
        print(code, file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    return int(code or 0)


def _interrupt_when_gone(connection: socket.socket, finished: threading.Event) -> None:
    """The client never writes after its request: end of file before dbt finished means it was killed.
    dbt is interrupted as by Ctrl-C (it cancels its queries); if it has not ended ``INTERRUPT_GRACE``
    seconds later (a query it could not reach), the process ends: what it built was a copy."""
    with suppress(OSError):
        connection.recv(1)
    if finished.is_set():
        return
    os.kill(os.getpid(), signal.SIGINT)
    if not finished.wait(INTERRUPT_GRACE):
        os._exit(128 + signal.SIGINT)


INTERRUPT_GRACE = 30


# ------------------------------------------------------------------------------------------ ewh-dbt


def client() -> None:
    """``ewh-dbt <args>``: ``dbt <args>`` in the process started ahead if one waits, else dbt itself."""
    args = sys.argv[1:]
    address = os.environ.pop(ADDRESS_VARIABLE, "")
    code = _served(address, args) if address else None
    if code is None:
        os.execv(DBT, [str(DBT), *args])
    sys.exit(code)


def _served(address: str, args: list[str]) -> int | None:
    """dbt's exit code from the waiting process; None if it did not start the command."""
    request = json.dumps({"args": args, "env": dict(os.environ), "cwd": os.getcwd()}).encode()
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(address)
        socket.send_fds(connection, [_INT.pack(len(request))], list(STREAMS))
        connection.sendall(request)
        started = _receive_int(connection)
    except OSError:
        started = None
    if started is None:
        connection.close()
        return None
    for forwarded in (signal.SIGINT, signal.SIGTERM):
        signal.signal(forwarded, lambda number, _frame: os.kill(started, number))
    code = _receive_int(connection)
    if code is None:
        print("ewh-dbt: the dbt process ended without an exit code", file=sys.stderr)
        return 2  # dbt's code for an error it did not handle
    return code


def _receive_int(connection: socket.socket) -> int | None:
    """One integer, or None when the other end closed first."""
    try:
        data = _receive_exactly(connection, _INT.size)
    except (ConnectionError, OSError):
        return None
    return _INT.unpack(data)[0]


if __name__ == "__main__":
    # without the interpreter's teardown: dagster-dbt reads dbt's output until this process lets go of it
    code = serve(int(sys.argv[1]))
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
