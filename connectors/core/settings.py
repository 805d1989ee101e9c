"""Settings and credentials as plain values: the one door through which connectors read configuration.

``setting(NAME)`` answers from the values the caller handed in with ``using(values)`` (Dagster's
resources do, from their ``EnvVar`` fields: orchestration/defs/resources.py), else from the process
environment (the CLI, tests). Connectors never import Dagster; they only see names and plain strings.
Besides ``connectors/core/config.py`` (which locates the home: ``EWH_HOME``, ``EWH_WAREHOUSE_PATH``), no
module of ``connectors/`` reads ``os.environ`` itself (``tests/connectors/test_settings_door.py``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

_values: ContextVar[Mapping[str, str] | None] = ContextVar("ewh_settings", default=None)


def setting(name: str, default: str | None = None) -> str | None:
    """The value of setting ``name``: handed in by ``using``, else the environment, else ``default``."""
    values = _values.get()
    if values is not None and name in values:
        return values[name]
    return os.environ.get(name, default)


def visible() -> dict[str, str]:
    """Every variable a connector could read now: the environment, overridden by the handed-in values
    (``connectors.core.redact`` looks through them for secret values to mask)."""
    return {**os.environ, **(_values.get() or {})}


@contextmanager
def using(values: Mapping[str, str]) -> Iterator[None]:
    """Read settings from ``values`` (falling back to the environment) for the duration of a block."""
    token = _values.set(dict(values))
    try:
        yield
    finally:
        _values.reset(token)
