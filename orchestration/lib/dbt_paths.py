"""Where the dbt project and the venv's dbt are: plain paths, so the CLI can name them without importing
dagster-dbt (which takes seconds) until a command really builds."""

from __future__ import annotations

import sys
from pathlib import Path

from connectors.core.config import REPO_ROOT

DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
DBT_EXECUTABLE = Path(sys.executable).parent / "dbt"
