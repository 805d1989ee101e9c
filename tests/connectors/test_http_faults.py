"""Faults of issue #15 at the HTTP layer, against real local servers (pytest-httpserver, a raw socket).

- a vendor (or proxy) echoing the ``Authorization`` header in its error body never gets the key into an
  exception, a log line, stdout/stderr or any file under the home;
- a vendor that hangs is given up after ``EWH_HTTP_DEADLINE``, naming the host and the time waited;
- configuration (401/403/404, no key) and parse errors are permanent: Dagster is told not to retry;
- truncated JSON says where it stops.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from datetime import date
from pathlib import Path

import pytest
from werkzeug import Request, Response

from connectors.core.base import ExportFormatError
from connectors.core.frames import read_table_rows
from connectors.core.http import ConfigError, PermanentError, VendorParseError, VendorResponseError
from connectors.core.redact import redact
from connectors.landing.ingest import Window, ingest_source
from connectors.openai import usage as openai_usage
from orchestration.lib.failures import as_failure

KEY = "sk-admin-PLANTED-a1b2c3d4e5f6g7h8i9"
WINDOW = Window(date(2026, 9, 1), date(2026, 9, 4))


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch):
    monkeypatch.setenv("EWH_HTTP_BACKOFF_FACTOR", "0.01")
    monkeypatch.setenv("EWH_HTTP_MAX_RETRIES", "2")


@pytest.fixture
def openai_at(httpserver, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", httpserver.url_for("/v1"))
    monkeypatch.setenv("OPENAI_ADMIN_KEY", KEY)
    return httpserver


def _echo(status: int, as_json: bool):
    """A vendor that quotes the request's Authorization header back (a real proxy did)."""

    def handle(request: Request) -> Response:
        auth = request.headers.get("Authorization", "")
        if as_json:
            body = json.dumps({"error": {"message": f"Invalid header Authorization: {auth}", "type": "auth"}})
            return Response(body, status=status, content_type="application/json")
        return Response(f"<html>rejected request with {auth} ({KEY})</html>", status=status)

    return handle


def _files_containing(root: Path, secret: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


@pytest.mark.parametrize(
    ("status", "as_json", "error"),
    [(401, True, ConfigError), (403, False, ConfigError), (500, False, VendorResponseError)],
)
def test_a_vendor_echoing_the_key_never_gets_it_anywhere(
    openai_at, paths, caplog, capsys, status, as_json, error
):
    openai_at.expect_request("/v1/organization/usage/completions").respond_with_handler(
        _echo(status, as_json)
    )
    caplog.set_level(logging.DEBUG)
    with pytest.raises(error) as err:
        ingest_source(openai_usage.CONNECTOR, paths, window=WINDOW)
    out = capsys.readouterr()
    message = str(err.value)
    assert f"returned {status}" in message and "[REDACTED]" in message
    for text in (message, repr(err.value), caplog.text, out.out, out.err):
        assert KEY not in text
    assert _files_containing(paths.home, KEY) == []


def test_redact_masks_declared_values_and_token_shapes(monkeypatch):
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "opaque-value-without-prefix")
    text = redact(
        "a opaque-value-without-prefix b Authorization: Bearer abc.DEF-123_xyz c sk-proj-0123456789abcdef "
        "d access_token=EAAB1234567890abcdefgh"
    )
    assert "opaque-value" not in text and "abc.DEF" not in text and "sk-proj" not in text
    assert "EAAB1234567890" not in text
    assert text.startswith("a [REDACTED] b Authorization: Bearer [REDACTED] c [REDACTED] d access_token=")


def _hanging_server() -> socket.socket:
    """Accepts TCP connections (the kernel's backlog) and never answers a byte."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    return server


def test_a_hanging_vendor_is_given_up_at_the_deadline_naming_host_and_time(paths, monkeypatch):
    server = _hanging_server()
    host = f"127.0.0.1:{server.getsockname()[1]}"
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://{host}/v1")
    monkeypatch.setenv("OPENAI_ADMIN_KEY", KEY)
    monkeypatch.setenv("EWH_HTTP_DEADLINE", "1.5")
    outcome: list[BaseException] = []

    def fetch() -> None:
        try:
            ingest_source(openai_usage.CONNECTOR, paths, window=WINDOW)
        except BaseException as exc:  # handed to the test thread
            outcome.append(exc)

    worker = threading.Thread(target=fetch, daemon=True)
    worker.start()
    worker.join(timeout=30)  # bounded: the old code waited 6 x 60 s per request
    server.close()
    assert not worker.is_alive(), "the fetch is still hanging after 30 s"
    (exc,) = outcome
    assert isinstance(exc, VendorResponseError) and not isinstance(exc, PermanentError)
    message = str(exc)
    assert host in message and "1.5 s deadline" in message and "waited" in message
    assert "EWH_HTTP_DEADLINE" in message


def test_404_is_a_configuration_error(openai_at, paths):
    openai_at.expect_request("/v1/organization/usage/completions").respond_with_data("nope", status=404)
    with pytest.raises(ConfigError, match=r"returned 404 .*check the source's base URL"):
        ingest_source(openai_usage.CONNECTOR, paths, window=WINDOW)


def test_truncated_json_from_a_vendor_says_where_it_stops(openai_at, paths):
    body = '{"object": "page", "data": ['
    openai_at.expect_request("/v1/organization/usage/completions").respond_with_data(
        body, content_type="application/json"
    )
    with pytest.raises(VendorParseError) as err:
        ingest_source(openai_usage.CONNECTOR, paths, window=WINDOW)
    assert f"at character {len(body)} of {len(body)} (line 1, column {len(body) + 1})" in str(err.value)
    assert "near '" in str(err.value)


def test_truncated_json_lines_file_names_its_line():
    raw = b'{"a": 1}\n{"a": 2}\n{"a": '
    with pytest.raises(ExportFormatError, match=r"at line 3 of 3, column 7: .*looks truncated"):
        read_table_rows("gcp_billing", "export.jsonl", raw)


def test_permanent_errors_are_not_retried_by_dagster_and_others_are():
    assert as_failure(ConfigError("[x] 401: check KEY")).allow_retries is False
    assert as_failure(VendorParseError("[x] malformed")).allow_retries is False
    assert as_failure(ExportFormatError("x", "f.csv", "no header")).allow_retries is False
    transient = as_failure(VendorResponseError(f"[x] 503 from proxy, key {KEY}"))
    assert transient.allow_retries is True and KEY not in transient.description


def test_a_vendor_down_for_longer_than_the_deadline_names_the_last_status(openai_at, paths, monkeypatch):
    monkeypatch.setenv("EWH_HTTP_DEADLINE", "1")
    monkeypatch.setenv("EWH_HTTP_MAX_RETRIES", "50")
    monkeypatch.setenv("EWH_HTTP_BACKOFF_FACTOR", "0.2")
    openai_at.expect_request("/v1/organization/usage/completions").respond_with_data("down", status=503)
    with pytest.raises(VendorResponseError, match=r"within the 1 s deadline .*last error .*HTTP 503"):
        ingest_source(openai_usage.CONNECTOR, paths, window=WINDOW)


def test_redact_leaves_prose_alone():
    text = "Basic authentication failed; key: organization_usage; token counts differ; risk-assessment-report"
    assert redact(text) == text
