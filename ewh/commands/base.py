"""What the commands share: the writer lock of the writing commands, the one-line error they print, and
the missing-warehouse check of the reading ones."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ewh.exit_codes import ExitCode

if TYPE_CHECKING:
    from connectors.core.config import Paths


class WriterCommand(click.Command):
    """A command that writes the landing zone or the warehouse: it runs under the single-writer lock of
    ``$EWH_HOME`` (``connectors.landing.lock``), and a second writer exits at once with ``ExitCode.BUSY``,
    naming the process that holds the lock, before writing anything."""

    def invoke(self, ctx: click.Context) -> Any:
        from connectors.landing.lock import WarehouseBusyError, writer_lock

        try:
            with writer_lock(Path(os.environ["EWH_HOME"])):
                return super().invoke(ctx)
        except WarehouseBusyError as exc:
            return fail(str(exc), ExitCode.BUSY)


def fail(message: str, code: ExitCode) -> ExitCode:
    """Print ``ewh <command>: <message>`` on stderr and return ``code`` for the command to exit with."""
    print(f"ewh {click.get_current_context().info_name}: {message}", file=sys.stderr)
    return code


def no_warehouse(paths: Paths) -> ExitCode | None:
    """``ExitCode.USAGE`` (said on stderr) if there is no warehouse yet, else None: the first check of every
    command that reads the marts, so a missing prerequisite is a usage error wherever it shows."""
    if paths.warehouse.exists():
        return None
    return fail(
        f"no warehouse at {paths.warehouse}; run `ewh run` first (EWH_HOME decides where)", ExitCode.USAGE
    )
