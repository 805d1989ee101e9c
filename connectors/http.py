"""The one HTTP client every API connector uses: requests + urllib3 ``Retry``, timeouts, clear errors.

- Retries 429 and 5xx with exponential backoff and jitter, honouring ``Retry-After`` (capped), on GET
  and on the read-only report POSTs a connector declares. Worst-case time spent waiting is bounded by
  ``total * max(backoff_max, retry_after_max)`` seconds (5 x 60 s by default).
- 401/403 fail at once with ``ConfigError`` naming the environment variable to check.
- Credentials are read from the environment when a request is made, travel only in headers, and never
  appear in exceptions, logs or landed files: errors name the URL path, status and vendor message only.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

DEFAULT_TIMEOUT = (5.0, 60.0)  # connect, read seconds
USER_AGENT = "emissions-warehouse/0.1 (+https://github.com/emissions-warehouse)"


class ConfigError(RuntimeError):
    """Missing or rejected credentials: retrying will not help, the user must fix configuration."""


class VendorResponseError(RuntimeError):
    """The vendor answered something we cannot use (bad status after retries, malformed JSON, bad cursor)."""


@dataclass(frozen=True)
class Credential:
    """A secret taken from one environment variable; ``repr`` never shows it."""

    variable: str

    def value(self, source: str) -> str:
        secret = os.environ.get(self.variable, "").strip()
        if not secret:
            raise ConfigError(f"[{source}] environment variable {self.variable} is not set")
        return secret

    def is_set(self) -> bool:
        return bool(os.environ.get(self.variable, "").strip())


def build_session(
    *,
    total: int | None = None,
    backoff_factor: float | None = None,
    backoff_max: float = 60.0,
    retry_after_max: int = 60,
    allowed_methods: frozenset[str] = frozenset({"GET"}),
) -> requests.Session:
    """A session whose adapter retries per the policy above.

    ``EWH_HTTP_MAX_RETRIES`` (default 5) and ``EWH_HTTP_BACKOFF_FACTOR`` (default 1.0) tune the policy
    for a whole deployment without code changes.
    """
    total = int(os.environ.get("EWH_HTTP_MAX_RETRIES", 5)) if total is None else total
    if backoff_factor is None:
        backoff_factor = float(os.environ.get("EWH_HTTP_BACKOFF_FACTOR", 1.0))
    retry = Retry(
        total=total,
        connect=total,
        read=total,
        status=total,
        backoff_factor=backoff_factor,
        backoff_max=backoff_max,
        backoff_jitter=0.5,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=allowed_methods,
        respect_retry_after_header=True,
        retry_after_max=retry_after_max,
        raise_on_status=False,
        remove_headers_on_redirect=frozenset({"Authorization", "Cookie", "Proxy-Authorization", "x-api-key"}),
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    return session


def _where(url: str) -> str:
    """Scheme, host and path only: query strings may carry cursors, never needed in an error."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _vendor_message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip()
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return str(error.get("message") or error.get("type") or "")[:300]
    return str(body)[:200]


def request_json(
    session: requests.Session,
    method: str,
    url: str,
    *,
    source: str,
    credential: Credential,
    headers: Mapping[str, str],
    params: Any = None,
    json_body: Any = None,
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
) -> dict:
    """One call (retries included) returning the decoded JSON object, or a clear error."""
    try:
        response = session.request(
            method, url, params=params, json=json_body, headers=dict(headers), timeout=timeout
        )
    except requests.exceptions.RetryError as exc:
        raise VendorResponseError(
            f"[{source}] {method} {_where(url)}: gave up after retries ({exc.__class__.__name__})"
        ) from None
    except requests.exceptions.RequestException as exc:
        raise VendorResponseError(f"[{source}] {method} {_where(url)}: {exc.__class__.__name__}") from None
    if response.status_code in (401, 403):
        raise ConfigError(
            f"[{source}] {method} {_where(url)} returned {response.status_code} "
            f"({_vendor_message(response)}): check {credential.variable}"
        )
    if response.status_code >= 400:
        raise VendorResponseError(
            f"[{source}] {method} {_where(url)} returned {response.status_code}: {_vendor_message(response)}"
        )
    try:
        body = response.json()
    except ValueError:
        raise VendorResponseError(
            f"[{source}] {method} {_where(url)} returned malformed JSON ({response.text[:80]!r})"
        ) from None
    if not isinstance(body, dict):
        raise VendorResponseError(f"[{source}] {method} {_where(url)} returned JSON that is not an object")
    return body


def paginate(
    fetch_page,
    *,
    source: str,
    cursor_field: str = "next_page",
    has_more_field: str = "has_more",
    max_pages: int = 10_000,
) -> Iterator[dict]:
    """Yield pages from ``fetch_page(cursor)`` until the vendor says there are no more.

    Stops on ``has_more`` false or a null cursor; a page that says ``has_more`` without a cursor, or a
    cursor that repeats, is an error rather than a silent truncation or an endless loop.
    """
    cursor: str | None = None
    seen: set[str] = set()
    for _ in range(max_pages):
        page = fetch_page(cursor)
        yield page
        more = page.get(has_more_field)
        cursor = page.get(cursor_field)
        if more is False or (more is None and not cursor):
            return
        if not cursor:
            raise VendorResponseError(f"[{source}] page says {has_more_field}=true but has no {cursor_field}")
        if cursor in seen:
            raise VendorResponseError(f"[{source}] pagination cursor repeated ({len(seen)} pages in)")
        seen.add(cursor)
    raise VendorResponseError(f"[{source}] more than {max_pages} pages: stopping")


def pages_as_export(pages: list[dict]) -> bytes:
    """Every page exactly as the vendor sent it, as one JSON array: the archived raw export."""
    return json.dumps(pages, separators=(",", ":"), sort_keys=False).encode()
