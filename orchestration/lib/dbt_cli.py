"""The dbt CLI resource: dagster-dbt's, without the two start-up steps our builds do not use."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from importlib import metadata

from dagster_dbt import DbtCliResource
from packaging import version


class DbtCli(DbtCliResource):
    """dagster-dbt's resource, minus about 4.5 s of every build before dbt starts:

    - it starts ``dbt --version`` to learn which dbt it drives (about 2 s): the executable is the one
      installed with this package (``DBT_EXECUTABLE``), so it is dbt-core's version as installed here
      (``tests/orchestration/test_dbt_cli.py`` checks they agree);
    - it loads the profile, the project and every macro into an adapter in this process (about 2.5 s),
      which only its row-count and column-metadata helpers read; the builds stream dbt's events without
      them, and dagster-dbt runs without an adapter when it has none.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        return None
