"""Pseudonymous user identifiers: a keyed hash, so seat exports never land an e-mail address.

Seat-based tools (ChatGPT Enterprise, Claude Team, Copilot, ...) report usage per user. The warehouse
needs a stable user key (to count active users and allocate them to teams), never the person. Each
identifier becomes ``pu_`` + the first 24 hex digits of HMAC-SHA256(key, normalised identifier); the key
comes from ``EWH_PSEUDONYM_KEY`` and never leaves the environment. Without the key nothing is landed:
an unkeyed hash of an e-mail address is reversible by a dictionary of the company's addresses.

A connector whose export holds identifiers sets ``Connector.scrub``: landing applies it to the bytes
before anything is hashed, archived or parsed, so the raw copy, the provenance hash, the quarantine
records and every error text only ever see pseudonyms. Pseudonymising is idempotent (a pseudonym is
kept as it is), so the archived copy re-parses to the same rows.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import re
from collections.abc import Callable, Iterable

import polars as pl

from connectors.core.errors import ConfigError
from connectors.core.redact import declare
from connectors.core.settings import setting

KEY_VARIABLE = "EWH_PSEUDONYM_KEY"
MIN_KEY_LENGTH = 16
PSEUDONYM = re.compile(r"^pu_[0-9a-f]{24}$")
declare(KEY_VARIABLE)


class ScrubError(ValueError):
    """An export's identifiers could not be pseudonymised; the message never quotes the file's content."""


def pseudonym_key() -> bytes:
    """The HMAC key from the environment; a missing or short key is a configuration error."""
    key = (setting(KEY_VARIABLE) or "").strip()
    if len(key) < MIN_KEY_LENGTH:
        raise ConfigError(
            f"{KEY_VARIABLE} is not set (or shorter than {MIN_KEY_LENGTH} characters): seat exports "
            "hold user identifiers, which land only as keyed pseudonyms"
        )
    return key.encode()


def pseudonym(identifier: str | None, key: bytes) -> str | None:
    """``pu_<24 hex>`` for an identifier (trimmed, case-folded); a pseudonym or an empty value as is."""
    if identifier is None:
        return None
    text = identifier.strip()
    if not text or PSEUDONYM.match(text):
        return text or identifier
    digest = hmac.new(key, text.casefold().encode(), hashlib.sha256).hexdigest()
    return f"pu_{digest[:24]}"


def _lookup(values: Iterable[str | None], key: bytes) -> dict[str, str | None]:
    """Pseudonyms of the distinct identifiers (a few hundred users, however many rows)."""
    return {v: pseudonym(v, key) for v in set(values) if v is not None}


def is_pseudonymous(values: Iterable[str | None]) -> bool:
    """True when no value needs hashing (each is null, blank or already a pseudonym): an export scrubbed
    before, or one without identifiers, needs no key."""
    return all(v is None or not v.strip() or PSEUDONYM.match(v.strip()) for v in values)


def pseudonymise(frame: pl.DataFrame, columns: Iterable[str], key: bytes | None = None) -> pl.DataFrame:
    """Replace each identifier column of ``frame`` by its pseudonyms (columns absent are ignored).

    The key is needed only when some identifier is not a pseudonym yet."""
    present = [c for c in columns if c in frame.columns]
    if key is None and is_pseudonymous(v for c in present for v in frame.get_column(c).cast(pl.String)):
        return frame
    key = key or pseudonym_key()
    return frame.with_columns(
        pl.col(c)
        .cast(pl.String)
        .replace_strict(_lookup(frame.get_column(c).cast(pl.String).to_list(), key), default=None)
        .alias(c)
        for c in present
    )


def scrub_csv(raw: bytes, columns: Iterable[str], *, separator: str = ",") -> bytes:
    """The CSV with its identifier columns (matched case-insensitively) pseudonymised, every cell text."""
    try:
        # a ragged or undecodable file is refused whole: trimming it here would lose cells unseen
        frame = pl.read_csv(io.BytesIO(raw), infer_schema=False, separator=separator)
    except Exception as exc:
        raise ScrubError(f"the CSV could not be read to pseudonymise it ({type(exc).__name__})") from None
    wanted = {c.casefold() for c in columns}
    out = io.BytesIO()
    pseudonymise(frame, [c for c in frame.columns if c.casefold() in wanted]).write_csv(out)
    return out.getvalue()


def scrub_json(raw: bytes, keys: Iterable[str]) -> bytes:
    """The JSON document (or JSON Lines) with the string values of ``keys`` pseudonymised at any depth."""
    key, wanted = pseudonym_key(), set(keys)

    def _scrubbed(name, value):
        return pseudonym(value, key) if name in wanted and isinstance(value, str) else walk(value)

    def walk(node):
        if isinstance(node, dict):
            return {k: _scrubbed(k, v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    try:
        text = raw.decode("utf-8-sig")
        try:
            return (json.dumps(walk(json.loads(text)), ensure_ascii=False) + "\n").encode()
        except json.JSONDecodeError:
            records = [json.loads(line) for line in text.splitlines() if line.strip()]  # JSON Lines
    except ValueError:  # undecodable bytes, or neither a document nor JSON Lines
        raise ScrubError("the JSON could not be read to pseudonymise it") from None
    return "".join(json.dumps(walk(r), ensure_ascii=False) + "\n" for r in records).encode()


def json_scrub(keys: Iterable[str]) -> Callable[[bytes, str], bytes]:
    """A ``Connector.scrub`` for JSON exports: string values of ``keys`` pseudonymised (``scrub_json``)."""
    wanted = tuple(keys)
    return lambda raw, file: scrub_json(raw, wanted)


def csv_scrub(columns: Iterable[str]) -> Callable[[bytes, str], bytes]:
    """A ``Connector.scrub`` for CSV exports: the ``columns`` pseudonymised (``scrub_csv``)."""
    wanted = tuple(columns)
    return lambda raw, file: scrub_csv(raw, wanted)
