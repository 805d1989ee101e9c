"""Dagster resources: every setting and credential a run uses, as ``ConfigurableResource`` fields.

A setting whose environment variable is set becomes an ``EnvVar`` field: the Dagster UI (resources
tab, launchpad) shows the variable's name, never its value, and run configuration never carries it.
A variable that is not set keeps the documented default. Variables are looked at when the definitions
are built (``orchestration/definitions.py``), never at import. Every name is in docs/operations.md,
"Configuration".

- ``warehouse``: where the warehouse lives and which exports a run reads (``WarehouseResource``);
- ``settings``: the run-time thresholds of the assets and checks (``SettingsResource``);
- ``connector_settings``: vendor credentials and each source's other settings (one field per variable a
  registered source declares: ``credential_variable`` and ``settings``, generic over
  ``connectors/core/registry.py``), the pseudonymisation key and the HTTP and inbox knobs, handed to the
  Dagster-free connectors as plain values (``connectors.core.settings.using``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import dagster as dg

from connectors.core.config import BUNDLED_SAMPLES, Paths, default_home
from connectors.core.pseudonym import KEY_VARIABLE
from connectors.core.registry import CONNECTORS
from connectors.core.settings import using
from warehouse.reconcile import DEFAULT_TOLERANCE


def env_or(variable: str, default):
    """``EnvVar(variable)`` (shown by name) when the variable is set, else the default value."""
    if not os.environ.get(variable, "").strip():
        return default
    if isinstance(default, bool):
        return dg.EnvVar(variable)
    if isinstance(default, int):
        return dg.EnvVar.int(variable)
    return dg.EnvVar(variable)  # strings; Dagster's config has no float source, so shares are strings


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse home (``EWH_HOME``) and the folder of vendor exports to ingest.

    ``exports_dir`` is laid out like ``data/samples/``: one sub-folder per source. API sources
    re-fetch ``lookback_days`` already-landed days on each run, because vendors revise recent days.
    """

    home: str
    exports_dir: str
    lookback_days: int = 3
    # when ingesting the inbox: move landed files to inbox/.archive and unreadable ones to inbox/.rejected
    from_inbox: bool = False

    @classmethod
    def from_env(cls, home: Path | None = None, exports_dir: Path | None = None) -> WarehouseResource:
        """Explicit paths (``ewh run``), else ``EWH_HOME``, ``EWH_EXPORTS_DIR``, ``EWH_LOOKBACK_DAYS``."""
        return cls(
            home=str(home) if home else env_or("EWH_HOME", str(default_home())),
            exports_dir=str(exports_dir) if exports_dir else env_or("EWH_EXPORTS_DIR", str(BUNDLED_SAMPLES)),
            lookback_days=env_or("EWH_LOOKBACK_DAYS", 3),
        )

    @property
    def paths(self) -> Paths:
        return Paths(Path(self.home).resolve())

    def source_folder(self, source: str) -> Path:
        return Path(self.exports_dir) / source


class SettingsResource(dg.ConfigurableResource):
    """Run-time thresholds of the ingest assets and the checks (docs/operations.md, "Configuration").

    Decimal thresholds are text fields (Dagster's config reads an ``EnvVar`` as a string or an integer),
    read as numbers through the properties below.
    """

    sources: str = ""  # EWH_SOURCES: comma-separated sources to ingest (empty: all)
    max_data_age_days: int = 3  # EWH_MAX_DATA_AGE_DAYS
    shrink_warn_share: str = "0.25"  # EWH_SHRINK_WARN_SHARE
    max_fallback_share: str = "0.5"  # EWH_MAX_FALLBACK_SHARE
    max_qoq_ratio: str = "3"  # EWH_MAX_QOQ_RATIO
    reconcile_tolerance: str = str(DEFAULT_TOLERANCE)  # EWH_RECONCILE_TOLERANCE
    alert_webhook_url: str = ""  # EWH_ALERT_WEBHOOK_URL (may hold a token: shown by name only)

    @classmethod
    def from_env(cls) -> SettingsResource:
        return cls(
            sources=env_or("EWH_SOURCES", ""),
            max_data_age_days=env_or("EWH_MAX_DATA_AGE_DAYS", 3),
            shrink_warn_share=env_or("EWH_SHRINK_WARN_SHARE", "0.25"),
            max_fallback_share=env_or("EWH_MAX_FALLBACK_SHARE", "0.5"),
            max_qoq_ratio=env_or("EWH_MAX_QOQ_RATIO", "3"),
            reconcile_tolerance=env_or("EWH_RECONCILE_TOLERANCE", str(DEFAULT_TOLERANCE)),
            alert_webhook_url=env_or("EWH_ALERT_WEBHOOK_URL", ""),
        )

    @property
    def shrink_share(self) -> float:
        return float(self.shrink_warn_share)

    @property
    def fallback_limit(self) -> float:
        return float(self.max_fallback_share)

    @property
    def qoq_ratio(self) -> float:
        return float(self.max_qoq_ratio)

    @property
    def tolerance(self) -> float:
        return float(self.reconcile_tolerance)

    def enabled(self, source: str) -> bool:
        return source_enabled(source, self.sources)


def source_enabled(source: str, chosen: str) -> bool:
    """``source`` is among the comma-separated ``chosen`` sources (EWH_SOURCES; empty: all are)."""
    names = {s.strip() for s in chosen.split(",") if s.strip()}
    return not names or source in names


def exports_dir_from_env() -> Path:
    """The exports a run reads when none are given: ``EWH_EXPORTS_DIR``, else the bundled samples."""
    return Path(os.environ.get("EWH_EXPORTS_DIR", "").strip() or BUNDLED_SAMPLES)


# the connectors' own knobs, besides each API source's credential variable
CONNECTOR_KNOBS = (
    KEY_VARIABLE,
    "EWH_HTTP_MAX_RETRIES",
    "EWH_HTTP_BACKOFF_FACTOR",
    "EWH_HTTP_DEADLINE",
    "EWH_INBOX_QUIET_SECONDS",
    "EWH_PLAUSIBILITY_BOUNDS",
)


def connector_variables() -> tuple[str, ...]:
    """Every variable the connectors read through ``connectors.core.settings``: each registered API
    source's credential, then the other variables each source declares (``Connector.settings``: account
    ids, base URLs, API versions...), then the shared knobs. Generic over the registry: a new source
    brings its own."""
    credentials = sorted({c.credential_variable for c in CONNECTORS.values() if c.credential_variable})
    declared = sorted({name for c in CONNECTORS.values() for name in c.settings} - set(credentials))
    known = {*credentials, *declared}
    return (*credentials, *declared, *(k for k in CONNECTOR_KNOBS if k not in known))


class _ConnectorSettingsBase(dg.ConfigurableResource):
    """Vendor credentials, vendor settings and connector knobs: one string field per variable, named by it
    in lower case."""

    def values(self) -> dict[str, str]:
        """The set variables, by their environment name, as plain strings for the connectors."""
        found = {}
        for variable in connector_variables():
            value = getattr(self, variable.lower(), "")
            if value not in ("", None):
                found[variable] = str(value)
        return found

    @contextmanager
    def handed_to_connectors(self) -> Iterator[None]:
        """Connectors read these values (not the process environment) inside the block."""
        with using(self.values()):
            yield


@cache
def connector_settings_class() -> type[_ConnectorSettingsBase]:
    """The resource class, with a field per variable of ``connector_variables()`` (built once)."""
    names = [v.lower() for v in connector_variables()]
    namespace = {
        "__annotations__": dict.fromkeys(names, str),
        **dict.fromkeys(names, ""),
        "__module__": __name__,
        "__doc__": _ConnectorSettingsBase.__doc__,
    }
    return type("ConnectorSettingsResource", (_ConnectorSettingsBase,), namespace)


def connector_settings() -> _ConnectorSettingsBase:
    """The resource with an ``EnvVar`` for every connector variable that is set."""
    cls = connector_settings_class()
    return cls(**{v.lower(): dg.EnvVar(v) for v in connector_variables() if os.environ.get(v, "").strip()})


def resources(home: Path | None = None, exports_dir: Path | None = None) -> dict:
    """Every resource the definitions bind (the dbt CLI resource is added by the warehouse domain)."""
    return {
        "warehouse": WarehouseResource.from_env(home, exports_dir),
        "settings": SettingsResource.from_env(),
        "connector_settings": connector_settings(),
    }
