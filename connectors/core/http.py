"""The one HTTP client every API connector uses: requests + urllib3 ``Retry``, timeouts, clear errors.

- Retries 429 and 5xx with exponential backoff and jitter, honouring ``Retry-After`` (capped), on GET
  and on the read-only report POSTs a connector declares. Worst-case time spent waiting is bounded by
  ``total * max(backoff_max, retry_after_max)`` seconds (5 x 60 s by default).
- Each call (retries included) has an overall deadline, ``EWH_HTTP_DEADLINE`` seconds (default 300):
  no retry starts once it has passed and no attempt waits longer than it, so a hanging vendor costs at
  most the deadline plus one attempt, and the error names the host and the time waited.
- 401/403/404 fail at once with ``ConfigError`` naming what to check; an answer that is not the JSON
  expected is a ``VendorParseError``. Both are ``PermanentError``: a retry (ours or Dagster's) cannot help.
- Credentials are read from the environment when a request is made, travel only in headers, and never
  appear in exceptions, logs or landed files: errors name the URL path, status and vendor message only,
  and every error message passes through ``connectors.core.redact`` (a vendor may echo the key back).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError
from urllib3.util.retry import Retry

from connectors.core.base import pages_as_export  # noqa: F401  (the archived form of fetched pages)
from connectors.core.errors import (  # noqa: F401  (the connectors import them from here too)
    ConfigError,
    PermanentError,
    VendorParseError,
    VendorResponseError,
)
from connectors.core.redact import declare, redact
from connectors.core.settings import setting

DEFAULT_TIMEOUT = (5.0, 60.0)  # connect, read seconds
DEFAULT_DEADLINE = 300.0  # seconds per call, retries included (EWH_HTTP_DEADLINE)
USER_AGENT = "emissions-warehouse/0.1 (+https://github.com/emissions-warehouse)"


def deadline_seconds() -> float:
    """``EWH_HTTP_DEADLINE``: seconds one call may take, every retry and backoff included."""
    return float(setting("EWH_HTTP_DEADLINE") or DEFAULT_DEADLINE)


@dataclass
class _Deadline:
    at: float
    hit: bool = False
    last_error: str = field(default="")


_deadline: ContextVar[_Deadline | None] = ContextVar("ewh_http_deadline", default=None)


class DeadlineRetry(Retry):
    """urllib3 ``Retry`` that starts no new attempt (and no backoff) past the call's deadline."""

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        state = _deadline.get()
        if state is not None and (error is not None or response is not None):
            state.last_error = type(error).__name__ if error is not None else f"HTTP {response.status}"
        new = super().increment(method, url, response, error, _pool, _stacktrace)
        if state is not None and time.monotonic() + new.get_backoff_time() >= state.at:
            state.hit = True
            raise MaxRetryError(_pool, url, error or "deadline reached")
        return new

    def sleep(self, response=None) -> None:
        state = _deadline.get()
        if state is None:
            return super().sleep(response)
        wait = (response is not None and self.get_retry_after(response)) or self.get_backoff_time()
        remaining = state.at - time.monotonic()
        if wait >= remaining:
            state.hit = True
            raise MaxRetryError(None, "", "deadline reached during backoff")
        time.sleep(max(wait, 0))


@dataclass(frozen=True)
class Credential:
    """A secret taken from one environment variable; ``repr`` never shows it, error text never holds it."""

    variable: str

    def __post_init__(self) -> None:
        declare(self.variable)

    def value(self, source: str) -> str:
        secret = (setting(self.variable) or "").strip()
        if not secret:
            raise ConfigError(f"[{source}] environment variable {self.variable} is not set")
        return secret

    def is_set(self) -> bool:
        return bool((setting(self.variable) or "").strip())


def numeric_ids(source: str, variable: str, *, prefix: str = "") -> list[str]:
    """The account ids a connector fetches, from ``variable``: comma separated numbers, each optionally
    written with ``prefix`` (``act_``, an account URN); repeats are fetched once, in the order given."""
    ids = [part.strip().removeprefix(prefix) for part in (setting(variable) or "").split(",") if part.strip()]
    if not ids:
        raise ConfigError(f"[{source}] environment variable {variable} is not set")
    bad = [i for i in ids if not i.isdigit()]
    if bad:
        raise ConfigError(f"[{source}] {variable}: ids must be numbers; these are not numeric: {bad}")
    return list(dict.fromkeys(ids))


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
    total = int(setting("EWH_HTTP_MAX_RETRIES") or 5) if total is None else total
    if backoff_factor is None:
        backoff_factor = float(setting("EWH_HTTP_BACKOFF_FACTOR") or 1.0)
    retry = DeadlineRetry(
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


def url_path(url: str) -> str:
    """Scheme, host and path only: query strings may carry cursors, never needed in an error."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _vendor_message(response: requests.Response) -> str:
    """The vendor's own words (shortened, redacted: an error body may echo the request's headers)."""
    try:
        body = response.json()
    except ValueError:
        return redact(response.text)[:200].strip()
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return redact(str(error.get("message") or error.get("type") or ""))[:300]
    return redact(str(body))[:200]


def _json_context(text: str, exc: json.JSONDecodeError) -> str:
    """Where JSON decoding stopped: position, line/column, total length and the text around it."""
    near = redact(text[max(exc.pos - 40, 0) : exc.pos + 20])
    return (
        f"{exc.msg} at character {exc.pos} of {len(text)} (line {exc.lineno}, column {exc.colno}); "
        f"near {near!r}"
    )


def _transport_failure(
    source: str, method: str, url: str, exc: Exception | None, state: _Deadline, waited: float
) -> str:
    """A failed call explained: the host, what went wrong, and how long we waited."""
    host = urlsplit(url).netloc
    inner = exc.args[0] if exc is not None and exc.args else None
    cause = getattr(inner, "reason", None)
    reason = state.last_error or (type(cause).__name__ if isinstance(cause, Exception) else "")
    if exc is not None:
        reason = f"{exc.__class__.__name__}: {reason}" if reason else exc.__class__.__name__
    if state.hit:
        return (
            f"[{source}] {method} {url_path(url)}: no usable answer from {host} within the "
            f"{deadline_seconds():g} s deadline (waited {waited:.1f} s; last error {reason}; "
            "raise EWH_HTTP_DEADLINE if the vendor is slow)"
        )
    return f"[{source}] {method} {url_path(url)}: {host} failed after {waited:.1f} s ({reason})"


def request_json(
    session: requests.Session, method: str, url: str, *, source: str, credential: Credential, **request: Any
) -> dict:
    """One call (retries included, within the deadline) returning the JSON object, or a clear error.

    ``request`` is what ``send`` takes (``headers``, ``params``, ``json_body``, ``timeout``); every error
    of a call, whichever vendor, is raised here and in ``send``, named ``[source] METHOD url``.
    """
    response = send(session, method, url, source=source, **request)
    where = f"[{source}] {method} {url_path(url)}"
    if response.status_code in (401, 403):
        raise ConfigError(
            f"{where} returned {response.status_code} "
            f"({_vendor_message(response)}): check {credential.variable}"
        )
    if response.status_code == 404:
        raise ConfigError(
            f"{where} returned 404 ({_vendor_message(response)}): check the "
            "source's base URL and account/organisation id settings"
        )
    if response.status_code >= 400:
        raise VendorResponseError(f"{where} returned {response.status_code}: {_vendor_message(response)}")
    try:
        body = json.loads(response.text)
    except json.JSONDecodeError as exc:
        raise VendorParseError(
            f"{where} returned malformed JSON: {_json_context(response.text, exc)}"
        ) from None
    if not isinstance(body, dict):
        raise VendorParseError(f"{where} returned JSON that is not an object")
    return body


def send(
    session: requests.Session,
    method: str,
    url: str,
    *,
    source: str,
    headers: Mapping[str, str],
    params: Any = None,
    json_body: Any = None,
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
) -> requests.Response:
    """One request through the session's retries, bounded by the deadline; transport failures explained."""
    limit = deadline_seconds()
    started = time.monotonic()
    state = _Deadline(at=started + limit)
    token = _deadline.set(state)
    # no single attempt may wait past the deadline either
    bounded = (min(timeout[0], limit), min(timeout[1], limit))
    try:
        response = session.request(
            method, url, params=params, json=json_body, headers=dict(headers), timeout=bounded
        )
    except requests.exceptions.RequestException as exc:
        waited = time.monotonic() - started
        raise VendorResponseError(_transport_failure(source, method, url, exc, state, waited)) from None
    finally:
        _deadline.reset(token)
    if state.hit:  # urllib3 hands back the last 429/5xx when the deadline stops its status retries
        waited = time.monotonic() - started
        raise VendorResponseError(_transport_failure(source, method, url, None, state, waited))
    return response


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


def get_pages(
    url: str,
    *,
    source: str,
    credential: Credential,
    headers: Mapping[str, str],
    params: dict,
    cursor_param: str = "page",
) -> list[dict]:
    """Every page of one cursor-paginated GET report (``paginate``), all fetched before anything lands."""
    session = build_session()

    def page(cursor: str | None) -> dict:
        query = params | ({cursor_param: cursor} if cursor else {})
        return request_json(
            session, "GET", url, source=source, credential=credential, headers=headers, params=query
        )

    return list(paginate(page, source=source))
