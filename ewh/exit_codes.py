"""The exit codes of ``ewh``, one home: every command returns one of these, and docs/operations.md ("Exit
codes") lists exactly these (``tests/ewh/test_cli.py`` compares the table with the enum), so a scheduler can
tell a failed step from a busy warehouse or a finished run with rejected files."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    """Done: everything landed and built, or the command did what it says."""
    FAILED = 1
    """A step failed, a trust check found differences (trace, verify, reconcile), or nothing matched."""
    USAGE = 2
    """Bad or missing arguments (Click's own errors too), or a missing prerequisite (no warehouse yet)."""
    BUSY = 3
    """Another writer holds the warehouse (the writer lock)."""
    REJECTED_FILES = 4
    """The run finished, but export files could not be read and were rejected (``ewh quarantine``)."""
    CHECK_ERROR = 5
    """The run finished, but an ERROR-severity data check failed (printed with its values)."""
