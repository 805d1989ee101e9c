"""One table of every environment variable (docs/operations.md, "Configuration"): the code may read no
EWH_* variable the table does not list."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READS = re.compile(r"""(?:environ(?:\.get)?\(|environ\[|env_var\(|EnvVar\()\s*["'](EWH_[A-Z_]+)["']""")


def _read_by_code() -> set[str]:
    files = [*ROOT.glob("connectors/**/*.py"), *ROOT.glob("orchestration/**/*.py")]
    files += [*ROOT.glob("factors/*.py"), ROOT / "dbt_project" / "profiles.yml"]
    files += list(ROOT.glob("dbt_project/**/*.sql"))
    return {name for f in files for name in READS.findall(f.read_text())}


def _documented() -> set[str]:
    text = (ROOT / "docs" / "operations.md").read_text()
    table = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`(EWH_[A-Z_]+)`", table))


def test_every_variable_the_code_reads_is_in_the_one_table():
    read = _read_by_code()
    assert {"EWH_HOME", "EWH_MAX_FALLBACK_SHARE", "EWH_HTTP_MAX_RETRIES"} <= read  # the scan finds reads
    assert read - _documented() == set()
