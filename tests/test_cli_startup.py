"""`ewh --help` answers at once: it must not import Dagster, dagster-dbt, dbt or matplotlib (seconds of
start-up), which load only when a command builds or draws. Checked by what is imported, not by a clock."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("dagster", "dagster_dbt", "dbt", "matplotlib")


def test_help_imports_none_of_the_heavy_libraries():
    code = (
        "import sys, contextlib, io\n"
        "from ewh.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        main(['--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""
