"""HTTP test plumbing shared by the API connectors' tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch):
    """Retries stay real (urllib3 Retry, TikTok's body-code loop), only the waits are shortened for the
    suite. A test module takes it by importing it: ``from tests.support.http import fast_backoff``."""
    monkeypatch.setenv("EWH_HTTP_BACKOFF_FACTOR", "0.01")
