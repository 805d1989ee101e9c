"""``ewh``: run the pipeline and read its results from the command line (Click).

The root group loads a subcommand's module only when that command is named or listed (``LazyGroup``,
Click's documented lazy-loading pattern), and the command modules in ``ewh/commands/`` import their
heavy libraries inside the command, so ``ewh --help`` loads neither Dagster, dbt, matplotlib, DuckDB
nor Polars. ``main(argv) -> int`` runs the group without Click's own exit: it maps Click's usage errors
to ``ExitCode.USAGE`` and prints unexpected errors with credentials redacted.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from collections.abc import Sequence

import click

from ewh.exit_codes import ExitCode

# command name -> "module:attribute" of its Click command, in the order `ewh --help` lists them
COMMANDS: dict[str, str] = {
    "run": "ewh.commands.pipeline:run",
    "ingest": "ewh.commands.pipeline:ingest",
    "backfill": "ewh.commands.pipeline:backfill",
    "summary": "ewh.commands.summary:summary",
    "factors": "ewh.commands.factors:factors",
    "estimate": "ewh.commands.estimate:estimate",
    "report": "ewh.commands.report:report",
    "export": "ewh.commands.export:export",
    "trace": "ewh.commands.trust:trace",
    "close": "ewh.commands.trust:close",
    "restatements": "ewh.commands.trust:restatements",
    "verify": "ewh.commands.trust:verify",
    "audit-pack": "ewh.commands.trust:audit_pack",
    "quarantine": "ewh.commands.trust:quarantine",
    "reconcile": "ewh.commands.trust:reconcile",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported from ``lazy_subcommands`` ("module:attribute") on first use."""

    def __init__(self, *args, lazy_subcommands: dict[str, str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_subcommands = lazy_subcommands or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*self.lazy_subcommands, *sorted(set(super().list_commands(ctx)) - set(self.lazy_subcommands))]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_subcommands:
            return self._load(cmd_name)
        return super().get_command(ctx, cmd_name)

    def _load(self, cmd_name: str) -> click.Command:
        module_name, attribute = self.lazy_subcommands[cmd_name].split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command) or command.name != cmd_name:
            raise TypeError(f"{self.lazy_subcommands[cmd_name]} is not the Click command {cmd_name!r}")
        return command


ROOT_HELP = f"""Energy, carbon and water of purchased AI and advertising, from the vendors' exports to
audited quarterly marts.

A quarter is always given as --quarter 2026Q3. Exit codes: {
    ", ".join(f"{code.value} {code.name}" for code in ExitCode)
} (docs/operations.md, "Exit codes").

\b
Examples:
  ewh run
  ewh summary --quarter 2026Q3
  ewh report --quarter 2026Q3 --out report.html
  ewh COMMAND --help
"""


@click.group(
    cls=LazyGroup,
    lazy_subcommands=COMMANDS,
    help=ROOT_HELP,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110},
)
@click.version_option(package_name="emissions-warehouse", prog_name="ewh", message="%(prog)s %(version)s")
def ewh() -> None:
    pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``ewh`` with ``argv`` (default: ``sys.argv[1:]``) and return its exit code (``ExitCode``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    from connectors.core.config import default_home

    os.environ.setdefault("EWH_HOME", str(default_home()))
    try:
        code = ewh.main(args=args, prog_name="ewh", standalone_mode=False)
    except click.ClickException as exc:  # UsageError (bad or missing arguments) exits USAGE
        exc.show()
        return ExitCode.USAGE if isinstance(exc, click.UsageError) else exc.exit_code
    except click.Abort:
        print("Aborted!", file=sys.stderr)
        return ExitCode.FAILED
    except Exception as exc:  # the last place a secret could reach stderr
        from connectors.core.redact import redact

        command = next((a for a in args if not a.startswith("-")), "")
        trace = "".join(traceback.format_exception(exc))
        print(f"ewh {command}: unexpected error\n{redact(trace)}", file=sys.stderr)
        return ExitCode.FAILED
    return ExitCode.OK if code is None else int(code)


def console() -> None:
    """The ``ewh`` executable: ``main()``, then an exit that skips the interpreter's teardown
    (``ewh/process_exit.py``). In-process callers use ``main``, which returns. A short-lived process:
    its GX validation may run in worker processes that import GX meanwhile (``warehouse/gx_workers.py``),
    and its dbt build in a process that imported dbt meanwhile (``warehouse/dbt_ahead.py``)."""
    from ewh.process_exit import exit_quickly
    from warehouse import dbt_ahead, gx_workers

    gx_workers.enable()
    dbt_ahead.enable()
    exit_quickly(main())


if __name__ == "__main__":
    console()
