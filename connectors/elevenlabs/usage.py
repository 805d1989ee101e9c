"""ElevenLabs character usage: ``GET /v1/usage/character-stats`` responses saved to a file (issue #18).

Request (ElevenLabs API reference, https://elevenlabs.io/docs/api-reference/legacy/usage/get, marked
deprecated there in favour of ``/v1/workspace/analytics/query/usage-by-product-over-time`` but served):
``start_unix`` and ``end_unix`` (UTC, **milliseconds**), ``include_workspace_metrics`` (the whole
workspace, not only the key's user), ``breakdown_type`` (``none``, ``model``, ``voice``, ``user``,
``product_type``, ``api_keys``, ...; ``user`` only with workspace metrics), ``aggregation_interval``
(``hour``, ``day``, ``week``, ``month``, ``cumulative``) and ``metric`` (``tts_characters``; ``credits``,
``minutes_used``... are others). Response, as the reference shows it::

    {"time": [1738252091000, 1739404800000], "usage": {"All": [49, 1053]}}

``time`` holds the start of each bucket (Unix ms); ``usage`` maps each breakdown value (a model id, a voice
id, a user, or ``All`` without breakdown) to one number per bucket. The response does not say which
breakdown (or metric) was asked for, so the saved file's name does: ``character_stats_<breakdown>_...json``
(``fetch`` names its files ``character_stats_api_<breakdown>_<first>_<last>.json``); a name without a
known breakdown is read as ``none``, whose only key is ``All``. Only characters are read
(``tts_characters``, the default): a file whose name states another metric (``..._credits_...``) is
rejected by name, since credits are not characters for every model.

Each (key, bucket) is a record (``_record`` = ``/usage/<key>/<i>``, the key JSON-pointer escaped) and lands
as one ``tts_characters`` row: ``model`` for the model breakdown, ``attributes.voice_id`` for voices,
``user_id`` (a keyed pseudonym: ``scrub`` rewrites the keys before anything is stored) for users,
``service = elevenlabs.<product>`` for the product breakdown and ``api_key_id`` for API keys. A bucket runs
from its ``time`` to the next one's (the last: the same length as the one before, a day when alone);
``usage_date`` is its UTC start day. A null value is skipped with a reason; a value that is not a number
quarantines its record; arrays of another length than ``time`` reject the file.

Every breakdown restates the same characters, so each lands as its own dataset
(``character_stats_<breakdown>``) and ``source_report_families`` makes them one report: per day one
breakdown counts (model first, then none, product, voice, API key, user), never two.

Characters are what ElevenLabs bills text-to-speech by, so this is measured activity; its energy is the
per-character TTS factor (``factor_activity_energy``: ``activity.tts_characters.default``).
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, date, datetime, timedelta

import polars as pl

from connectors.core.base import ApiExport, Connector, ExportFormatError, ParsedExport
from connectors.core.frames import (
    covered_days,
    keyed_export,
    normalise_model,
    skip_records,
)
from connectors.core.http import Credential, build_session, request_json
from connectors.core.pseudonym import ScrubError, pseudonym, pseudonym_key
from connectors.core.schema import PARSED_SCHEMA, UTC_TS, conform
from connectors.core.settings import setting

SOURCE = "elevenlabs_usage"
VERSION = "1.0.0"
DATASET = "character_stats"  # + "_<breakdown>": each breakdown is its own dataset (one route of one report)
DEFAULT_BASE_URL = "https://api.elevenlabs.io"
CREDENTIAL = Credential("ELEVENLABS_API_KEY")
# breakdown types whose keys name no person; any other breakdown's keys are pseudonymised
IMPERSONAL = ("none", "model", "voice", "product_type", "api_keys")
BREAKDOWNS = (*IMPERSONAL, "user")
_BREAKDOWN = re.compile(r"character[_-]stats_(?:api_)?(" + "|".join(BREAKDOWNS) + r")(?:_|\.json$)", re.I)
_METRIC = re.compile(
    r"_(credits|minutes_used|request_count|ttfb_avg|ttfb_p95|fiat_units_spent|concurrency(?:_average)?)(?:_|\.)",
    re.I,
)


def breakdown_of(file: str) -> str:
    """The breakdown type the file's name states (``none`` when it states none)."""
    found = _BREAKDOWN.search(os.path.basename(file))
    return found.group(1).lower() if found else "none"


def _document(raw: bytes, file: str) -> dict:
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except ValueError:
        raise ExportFormatError(SOURCE, file, "not a JSON document") from None
    if not isinstance(doc, dict) or "time" not in doc or "usage" not in doc:
        raise ExportFormatError(SOURCE, file, "no 'time' and 'usage': not a character-stats response")
    if not isinstance(doc["time"], list) or not isinstance(doc["usage"], dict):
        raise ExportFormatError(SOURCE, file, "'time' is not an array or 'usage' not an object")
    return doc


def scrub(raw: bytes, file: str) -> bytes:
    """The response with every breakdown key pseudonymised unless the breakdown names no person.

    A ``user`` breakdown's keys are people (e-mail addresses or names); so is any breakdown this module
    does not know, so only the impersonal ones keep their keys. A file that is not a response is left as
    it is (``parse`` rejects it by name).
    """
    if breakdown_of(file) in IMPERSONAL:
        return raw
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except ValueError:
        raise ScrubError("the JSON could not be read to pseudonymise it") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("usage"), dict):
        return raw
    usage = doc["usage"]
    if usage and all(pseudonym(k, b"") == k for k in usage):  # keys already pseudonyms: no key needed
        return raw
    key = pseudonym_key()
    renamed = {pseudonym(k, key): v for k, v in usage.items()}
    if len(renamed) != len(usage):
        raise ScrubError("two breakdown keys pseudonymise to the same user (same address in two cases)")
    doc["usage"] = renamed
    return (json.dumps(doc, ensure_ascii=False) + "\n").encode()


def parse(raw: bytes, file: str) -> ParsedExport:
    if _METRIC.search(os.path.basename(file)):
        raise ExportFormatError(
            SOURCE, file, "only the 'characters' metric is read (the name states another)"
        )
    breakdown = breakdown_of(file)
    doc = _document(raw, file)
    times = pl.Series("_ms", doc["time"], strict=False).cast(pl.Int64, strict=False)
    if times.null_count():
        raise ExportFormatError(SOURCE, file, "'time' holds a value that is not a Unix millisecond timestamp")
    usage = doc["usage"]
    for key, values in usage.items():
        if not isinstance(values, list) or len(values) != len(times):
            raise ExportFormatError(
                SOURCE, file, f"usage key #{list(usage).index(key)} has not one value per 'time' bucket"
            )
    if breakdown == "none" and set(usage) - {"All"}:
        raise ExportFormatError(
            SOURCE,
            file,
            "usage keys other than 'All' but no breakdown in the name: name the file "
            f"character_stats_<{'|'.join(BREAKDOWNS)}>_....json",
        )
    starts = pl.from_epoch(times, time_unit="ms").dt.replace_time_zone("UTC").cast(UTC_TS)
    steps = starts.diff().drop_nulls()
    last_step = steps[-1] if len(steps) else timedelta(days=1)  # a lone bucket: one day
    buckets = pl.DataFrame(
        {"_i": pl.Series(range(len(times)), dtype=pl.Int64), "usage_start": starts}
    ).with_columns(
        pl.col("usage_start").shift(-1).fill_null(pl.col("usage_start") + last_step).alias("usage_end")
    )
    days = covered_days(starts)
    cells = (
        pl.concat(
            [_cells(key, values) for key, values in usage.items()],
            how="vertical",
        )
        if usage
        else pl.DataFrame()
    )
    if cells.is_empty():
        return ParsedExport(f"{DATASET}_{breakdown}", conform(pl.DataFrame(), PARSED_SCHEMA), days, 0)
    cells = cells.with_columns(
        pl.concat_str(
            pl.lit("/usage/"),
            pl.col("_key").str.replace_all("~", "~0", literal=True).str.replace_all("/", "~1", literal=True),
            pl.lit("/"),
            pl.col("_i").cast(pl.String),
        ).alias("_record"),
        pl.when(pl.col("quantity").is_null() & ~pl.col("_null"))
        .then(pl.lit("usage value is not a number"))
        .alias("_problem"),
    )
    skipped = skip_records(cells.filter("_null"), "null value in usage (no characters to land)")
    key = pl.col("_key")
    rows = (
        cells.filter(~pl.col("_null"))
        .join(buckets, on="_i", how="left")
        .with_columns(
            pl.lit("tts_characters").alias("activity_type"),
            pl.lit("characters").alias("unit"),
            pl.col("usage_start").dt.date().alias("usage_date"),
            pl.lit("elevenlabs").alias("vendor"),
            (
                pl.concat_str(pl.lit("elevenlabs."), key)
                if breakdown == "product_type"
                else pl.lit("elevenlabs.tts")
            ).alias("service"),
            (key if breakdown == "model" else pl.lit(None, pl.String)).alias("model_raw"),
            (normalise_model(key) if breakdown == "model" else pl.lit(None, pl.String)).alias("model"),
            (key if breakdown == "user" else pl.lit(None, pl.String)).alias("user_id"),
            (key if breakdown == "api_keys" else pl.lit(None, pl.String)).alias("api_key_id"),
            (key if breakdown == "voice" else pl.lit(None, pl.String)).alias("voice_id"),
            pl.lit(breakdown).alias("breakdown"),
            pl.col("_record").alias("source_row"),
            pl.lit(f"{DATASET}_{breakdown}").alias("dataset"),
        )
    )
    return keyed_export(
        f"{DATASET}_{breakdown}",
        rows,
        days,
        cells.height,
        attributes=["breakdown", "voice_id"],
        key=["usage_start", "breakdown", "_key"],
        skipped=skipped,
    )


def _cells(key: str, values: list) -> pl.DataFrame:
    """One key's values, one row per bucket: ``quantity`` (a JSON number; null for anything else) and
    ``_null`` (the value itself was null: nothing to land, skipped with a reason)."""
    try:
        raw = pl.Series("_raw", values, strict=False)
    except (TypeError, ValueError, pl.exceptions.PolarsError):  # objects mixed with numbers
        raw = pl.Series("_raw", [json.dumps(v) if v is not None else None for v in values])
    numeric = raw.dtype.is_numeric() or raw.dtype == pl.String  # numeric text read as numbers
    return pl.DataFrame(
        {
            "_key": pl.Series([key] * len(values), dtype=pl.String),
            "_i": pl.Series(range(len(values)), dtype=pl.Int64),
            "quantity": raw.cast(pl.Float64, strict=False)
            if numeric
            else pl.Series([None] * len(values), dtype=pl.Float64),
            "_null": raw.is_null(),
        }
    )


# --- HTTP: GET {ELEVENLABS_BASE_URL}/v1/usage/character-stats with an API key (header xi-api-key) ----------


def _ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * 1000


def fetch(first: date, end: date, breakdown: str = "model") -> list[ApiExport]:
    """One request for the window (``end`` exclusive), daily buckets, the workspace's characters.

    ``end_unix`` is the last millisecond before ``end`` (the reference: "the timestamp should be at
    23:59:59 of that day" to include it).
    """
    base = (setting("ELEVENLABS_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
    params = {
        "start_unix": _ms(first),
        "end_unix": _ms(end) - 1,
        "include_workspace_metrics": "true",
        "breakdown_type": breakdown,
        "aggregation_interval": "day",
        "metric": "tts_characters",
    }
    body = request_json(
        build_session(),
        "GET",
        f"{base}/v1/usage/character-stats",
        source=SOURCE,
        credential=CREDENTIAL,
        headers={"xi-api-key": CREDENTIAL.value(SOURCE), "Accept": "application/json"},
        params=params,
    )
    last = end - timedelta(days=1)
    raw = (json.dumps(body, ensure_ascii=False) + "\n").encode()
    return [ApiExport(f"character_stats_api_{breakdown}_{first}_{last}.json", raw)]


CONNECTOR = Connector(
    source=SOURCE,
    vendor="elevenlabs",
    version=VERSION,
    file_patterns=("*.json",),
    parse=parse,
    fetch=fetch,
    credential_variable=CREDENTIAL.variable,
    settings=("ELEVENLABS_BASE_URL",),
    scrub=scrub,
    description="ElevenLabs character-stats (characters per day by model, voice, product or user) as JSON",
)
