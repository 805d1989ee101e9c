"""`ewh --help` answers at once: neither it nor any command's `--help`, nor a malformed argument, imports
Dagster, dbt, matplotlib, DuckDB, Polars or the connectors' HTTP and frame libraries (seconds of start-up
together); they load only when a command runs. Checked by what is imported, not by a clock."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ewh.cli import COMMANDS

HEAVY = (
    "dagster",
    "dagster_dbt",
    "dbt",
    "matplotlib",
    "duckdb",
    "polars",
    "pyarrow",
    "pandas",
    "numpy",
    "great_expectations",
    "requests",
    "jinja2",
)


def _heavy_modules_after(argv: list[str]) -> list[str]:
    code = (
        "import sys, contextlib, io\n"
        "from ewh.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        f"    main({argv!r})\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return [m for m in out.strip().split(",") if m]


def test_help_imports_none_of_the_heavy_libraries():
    assert _heavy_modules_after(["--help"]) == []


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_each_command_help_imports_none_of_them(command):
    assert _heavy_modules_after([command, "--help"]) == []


def test_a_malformed_quarter_is_refused_before_any_of_them_loads():
    assert _heavy_modules_after(["summary", "--quarter", "2026-07"]) == []


def test_the_check_sees_a_heavy_import():
    """The probe itself: a command that runs does load them (here Polars, to list the factors)."""
    assert "polars" in _heavy_modules_after(["factors", "--format", "csv", "--table", "grid"])
