"""The ``ewh`` executable ends without the interpreter's teardown, and loses nothing by it: its exit code,
every byte it wrote to a pipe, the work of threads still running and the ``atexit`` handlers all survive."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EWH = Path(sys.executable).with_name("ewh")
# output to a pipe stays in Python's buffers until flushed (unless the environment turns buffering off)
BUFFERED = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def test_a_quick_exit_keeps_the_code_the_output_threads_and_exit_handlers(tmp_path: Path):
    thread_file, atexit_file = tmp_path / "thread.txt", tmp_path / "atexit.txt"
    code = (
        "import atexit, sys, threading, time\n"
        "from ewh.process_exit import exit_quickly\n"
        "def late():\n"
        "    time.sleep(0.3)\n"
        f"    open({str(thread_file)!r}, 'w').write('done')\n"
        "threading.Thread(target=late).start()\n"
        f"atexit.register(lambda: open({str(atexit_file)!r}, 'w').write('ran'))\n"
        "sys.stdout.write('x' * 200_000)\n"  # more than a pipe holds
        "sys.stdout.write('tail')\n"  # left in Python's buffer
        "sys.stderr.write('to stderr')\n"
        "exit_quickly(3)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, env=BUFFERED
    )
    assert done.returncode == 3
    assert done.stdout == "x" * 200_000 + "tail" and done.stderr == "to stderr"
    assert thread_file.read_text() == "done"
    assert atexit_file.read_text() == "ran"


def test_the_executable_exits_with_the_commands_code_and_output():
    shown = subprocess.run([str(EWH), "--help"], capture_output=True, text=True, check=False, env=BUFFERED)
    assert shown.returncode == 0 and "run" in shown.stdout and shown.stdout.rstrip().endswith(".")
    unknown = subprocess.run(
        [str(EWH), "no-such-command"], capture_output=True, text=True, check=False, env=BUFFERED
    )
    assert unknown.returncode == 2 and "No such command 'no-such-command'" in unknown.stderr
