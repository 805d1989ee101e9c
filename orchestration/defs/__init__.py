"""Dagster code in domain folders, as dagster-open-platform keeps ``defs/<domain>/``.

- ``landing/``: one ingest asset per registered source (files and vendor APIs) and its blocking GX check;
- ``warehouse/``: the dbt project as assets (seeds, staging, intermediate, marts, dbt tests as checks)
  and the checks on the marts and costs;
- ``automation/``: jobs, the nightly schedule, the inbox sensor and the failure alert;
- ``resources.py``: every setting and credential as a ``ConfigurableResource`` with ``EnvVar`` fields.

Each domain exposes ``defs()`` returning its ``dg.Definitions``; ``orchestration/definitions.py`` merges
them with the resources. Nothing here does work at import.
"""
