"""Step failures that say why, keep secrets out, and are retried only when a retry can help.

Every error leaving an ingest step becomes a ``dagster.Failure`` whose text went through
``connectors.core.redact`` (Dagster stores it in the run database, the event index and the compute logs):

- configuration errors (401/403/404, a missing key) and unreadable answers (malformed JSON, an export
  that cannot be parsed) fail at once with ``allow_retries=False``: the asset's ``RetryPolicy`` would
  only repeat the same answer minutes later;
- everything else (timeouts, 5xx after the HTTP retries, a bug) keeps the ``RetryPolicy``.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from connectors.core.base import ExportFormatError
from connectors.core.errors import PermanentError
from connectors.core.redact import redact

PERMANENT = (PermanentError, ExportFormatError)


def is_permanent(exc: BaseException) -> bool:
    """True when repeating the step cannot succeed without someone changing configuration or data."""
    return isinstance(exc, PERMANENT)


def as_failure(exc: BaseException) -> dg.Failure:
    """A redacted ``Failure`` for ``exc``, retryable unless the error is permanent."""
    permanent = is_permanent(exc)
    text = redact(" ".join(str(exc).split()) or type(exc).__name__)
    metadata: dict = {"error_class": type(exc).__name__, "retryable": not permanent}
    if not isinstance(exc, PERMANENT):
        # a bug: keep its traceback, redacted, since the original exception is not chained
        metadata["traceback"] = dg.MetadataValue.text(redact("".join(traceback.format_exception(exc))))
    hint = "" if not permanent else " (not retried: fix the configuration or the export, then re-run)"
    return dg.Failure(description=f"{text}{hint}", metadata=metadata, allow_retries=not permanent)


@contextmanager
def step_errors() -> Iterator[None]:
    """Re-raise any error of the block as ``as_failure`` (unchained, so no raw message is stored)."""
    try:
        yield
    except dg.Failure:
        raise
    except Exception as exc:  # every error must leave the step redacted
        failure = as_failure(exc)
    else:
        return
    raise failure from None
