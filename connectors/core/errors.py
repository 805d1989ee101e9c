"""The errors a connector raises about configuration and vendor responses, apart from the HTTP client so
that modules which only raise them (pseudonyms, the landing zone) do not import ``requests``.

Every message is redacted when the error is built, so no later handler can leak a credential.
"""

from __future__ import annotations

from connectors.core.redact import redact


class _RedactedError(RuntimeError):
    """An error whose message is redacted when built, so no later handler can leak the key."""

    def __init__(self, message: str = "") -> None:
        super().__init__(redact(str(message)))


class PermanentError(_RedactedError):
    """Retrying cannot help (configuration, a response we cannot parse): fail at once, never retry."""


class ConfigError(PermanentError):
    """Missing or rejected credentials, or a wrong URL: the user must fix configuration."""


class VendorResponseError(_RedactedError):
    """The vendor answered something we cannot use (bad status after retries, malformed JSON, bad cursor)."""


class VendorParseError(VendorResponseError, PermanentError):
    """The vendor answered 2xx with a body that is not the JSON expected: the same call would again."""
