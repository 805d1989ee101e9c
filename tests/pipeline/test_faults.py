"""Faults of issue #15 through a real `ewh run` (in-process Dagster run, persistent instance in the home)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from werkzeug import Request, Response

from orchestration.cli import main

pytestmark = pytest.mark.slow

KEY = "sk-admin-PLANTED-run-0a1b2c3d4e5f6a7b8c9d"


def _files_containing(root: Path, secret: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def test_echoed_key_under_ewh_run_is_nowhere_and_401_is_not_retried(httpserver, tmp_path, monkeypatch, capfd):
    """A 401 echoing the key: one request only (no Dagster retry), the root cause printed, no key anywhere."""
    calls: list[Request] = []

    def echo(request: Request) -> Response:
        calls.append(request)
        auth = request.headers.get("Authorization", "")
        body = {"error": {"message": f"Incorrect API key provided: {auth}", "type": "invalid_request_error"}}
        return Response(json.dumps(body), status=401, content_type="application/json")

    httpserver.expect_request("/v1/organization/usage/completions").respond_with_handler(echo)
    home = tmp_path / "home"
    exports = tmp_path / "exports"
    exports.mkdir()
    monkeypatch.setenv("EWH_HOME", str(home))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("EWH_WAREHOUSE_PATH", raising=False)
    monkeypatch.setenv("EWH_SOURCES", "openai_usage")
    monkeypatch.setenv("OPENAI_BASE_URL", httpserver.url_for("/v1"))
    monkeypatch.setenv("OPENAI_ADMIN_KEY", KEY)

    code = main(["run", "--samples", str(exports)])
    out = capfd.readouterr()

    assert code == 1
    assert len(calls) == 1  # neither urllib3 nor Dagster's RetryPolicy repeated a rejected key
    assert "returned 401" in out.err and "check OPENAI_ADMIN_KEY" in out.err and "not retried" in out.err
    assert "[REDACTED]" in out.err
    assert KEY not in out.out and KEY not in out.err
    assert _files_containing(home, KEY) == []  # run database, event index, compute logs, run log
