"""Remove secrets from text before it is raised, logged or stored.

Vendors and proxies sometimes echo the request's ``Authorization`` header in an error body, and an
error message travels far: stderr, the Dagster run database, its event index and compute logs. So
every message built from a vendor's answer passes through ``redact``, and the places that surface
errors (the CLI, Dagster failure metadata) redact once more.

Redacted: the value of every credential variable a connector declares (``connectors.core.http.Credential``
registers it) and of any variable whose name looks secret (``*_KEY``, ``*_TOKEN``, ``*_SECRET``,
``*_PASSWORD``), from the environment or handed in by the Dagster resource (``connectors.core.settings``),
plus anything shaped like a bearer/basic token or an ``sk-`` key.
"""

from __future__ import annotations

import re

from connectors.core.settings import visible

MASK = "[REDACTED]"
MIN_SECRET_LENGTH = 6  # shorter values (a test's "x", "1") would mask ordinary words

_declared: set[str] = set()
_SECRET_NAME = re.compile(r"(?:^|_)(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)$", re.IGNORECASE)
# token-shaped strings; a candidate is masked only if it holds a digit, so prose ("Basic authentication",
# "key: organization_usage") survives while real tokens, which mix digits in, do not
_BEARER = re.compile(r"(?i)\b(Bearer|Basic)(\s+)([A-Za-z0-9._~+/=\-]{12,})")
_PREFIXED = re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_\-]{8,}")
_ASSIGNED = re.compile(
    r"(?i)\b(access_token|api_key|apikey|x-api-key|token|key|secret|password)(\"?\s*[=:]\s*\"?)"
    r"([A-Za-z0-9._~+/\-]{12,})"
)


def _mask_if_secret(match: re.Match) -> str:
    head, sep, value = match.groups()
    return f"{head}{sep}{MASK}" if any(c.isdigit() for c in value) else match.group(0)


def declare(variable: str) -> None:
    """Name an environment variable that holds a secret (called for every connector credential)."""
    _declared.add(variable)


def secret_values() -> list[str]:
    """Current values of every declared or secret-looking variable, longest first."""
    variables = visible()  # the environment and any values handed in by the Dagster resource
    names = _declared | {n for n in variables if _SECRET_NAME.search(n)}
    values = {variables.get(n, "").strip() for n in names}
    return sorted((v for v in values if len(v) >= MIN_SECRET_LENGTH), key=len, reverse=True)


def redact(text: str) -> str:
    """``text`` with every known secret value and token-shaped string replaced by ``[REDACTED]``."""
    if not text:
        return text
    for value in secret_values():
        text = text.replace(value, MASK)
    text = _BEARER.sub(_mask_if_secret, text)
    text = _PREFIXED.sub(MASK, text)
    return _ASSIGNED.sub(_mask_if_secret, text)
