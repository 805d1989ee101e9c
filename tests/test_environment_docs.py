"""One table of every environment variable (docs/operations.md, "Configuration"): the code may read no
EWH_* variable the table does not list."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# os.environ, dbt's env_var, Dagster's EnvVar (orchestration/defs/resources.py: env_or) and the connectors'
# one door (connectors.core.settings.setting)
READS = re.compile(
    r"""(?:environ(?:\.get)?\(|environ\[|env_var\(|EnvVar(?:\.int|\.float)?\(|env_or\(|setting\()"""
    r"""\s*["'](EWH_[A-Z_]+)["']"""
)


def _read_by_code() -> set[str]:
    files = [
        *ROOT.glob("connectors/**/*.py"),
        *ROOT.glob("orchestration/**/*.py"),
        *ROOT.glob("warehouse/*.py"),
    ]
    files += [*ROOT.glob("factors/*.py"), ROOT / "dbt_project" / "profiles.yml"]
    files += list(ROOT.glob("dbt_project/**/*.sql"))
    return {name for f in files for name in READS.findall(f.read_text())}


def _table() -> str:
    text = (ROOT / "docs" / "operations.md").read_text()
    return text.split("## Configuration", 1)[1].split("\n## ", 1)[0]


def _documented() -> set[str]:
    return set(re.findall(r"`(EWH_[A-Z_]+)`", _table()))


def test_every_variable_the_code_reads_is_in_the_one_table():
    read = _read_by_code()
    assert {"EWH_HOME", "EWH_MAX_FALLBACK_SHARE", "EWH_HTTP_MAX_RETRIES"} <= read  # the scan finds reads
    assert read - _documented() == set()


def test_every_connector_variable_of_the_resources_is_in_the_one_table():
    """Each registered API source's credential and the connectors' knobs: the Dagster resource shows
    them by name (orchestration/defs/resources.py), and the table says what each one is."""
    from orchestration.defs.resources import connector_variables

    table = _table()
    missing = [name for name in connector_variables() if f"`{name}`" not in table]
    assert {"OPENAI_ADMIN_KEY", "EWH_PSEUDONYM_KEY"} <= set(connector_variables())
    assert missing == []


def test_every_module_reading_the_environment_is_listed_in_the_architecture():
    """Settings come through resources and connectors/core/settings.py; docs/architecture.md, "Reads of
    the process environment", names every module that still reads ``os.environ`` and why."""
    from tests.support.environment import environment_reads

    text = (ROOT / "docs" / "architecture.md").read_text()
    section = text.split("## Reads of the process environment", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([a-z_/]+\.py)`", section, re.M))
    reading = {
        str(path.relative_to(ROOT))
        for package in ("connectors", "warehouse", "orchestration", "ewh")
        for path in (ROOT / package).rglob("*.py")
        if environment_reads(path.read_text())
    }
    assert "connectors/core/settings.py" in reading  # the scan finds reads
    assert reading == listed
