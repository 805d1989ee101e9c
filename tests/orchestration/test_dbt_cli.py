"""The dbt resource knows the dbt version without starting ``dbt --version``, and knows it right."""

from __future__ import annotations

import re
import subprocess

from packaging import version

from orchestration.lib.dbt_cli import DbtCli
from orchestration.lib.dbt_project import DBT_EXECUTABLE, dbt_project


def test_the_version_it_assumes_is_the_one_the_executable_reports():
    reported = subprocess.run([str(DBT_EXECUTABLE), "--version"], capture_output=True, text=True, check=True)
    core = re.search(r"(\d+\.\d+\.\d+)", reported.stdout)
    assert core is not None, reported.stdout
    resource = DbtCli(project_dir=dbt_project, dbt_executable=str(DBT_EXECUTABLE))
    assert resource._cli_version == version.parse(core.group(1))
