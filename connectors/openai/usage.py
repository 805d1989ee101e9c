"""OpenAI Organization Usage API responses, as saved to a file (one page, or an array of pages).

Reads ``GET /v1/organization/usage/{completions,embeddings,moderations,images,audio_speeches,
audio_transcriptions}``: buckets of ``start_time``/``end_time`` (unix seconds, UTC) holding results
grouped by project, user, API key, model, batch and service tier. Every group field is null unless the
query grouped by it (the API reference's own examples are ungrouped): such rows land unattributed.
Both the current completions shape (``input_uncached_tokens``, ``input_cache_write_tokens``, audio and
image breakdowns) and the older one (``input_tokens``, ``input_cached_tokens``, ``input_audio_tokens``,
``output_audio_tokens``) are read; audio input/output tokens and every endpoint's ``num_model_requests``
land as their own activities, and every token lands exactly once (``completion_token_columns``). The
text/image breakdowns (subsets of the totals) are not landed; vector stores, code-interpreter sessions
and file/web search results are rejected by name (docs/sources.md).
"""

from __future__ import annotations

from datetime import date
from pathlib import PurePath

import polars as pl

from connectors.core.api_connectors import api_pages_connectors
from connectors.core.base import ApiExport, ExportFormatError, ParsedExport
from connectors.core.frames import (
    Measure,
    coerce_columns,
    epoch,
    json_attributes,
    natural_key,
    numeric_columns,
    require_columns,
    unpivot_measures,
)
from connectors.core.http import Credential, get_pages
from connectors.core.json_pages import OPENAI_BUCKETS, bucket_row_columns, read_bucketed_results
from connectors.core.schema import PARSED_SCHEMA, conform
from connectors.core.settings import setting

SOURCE = "openai_usage"
VERSION = "1.0.0"

GROUP_FIELDS: dict[str, pl.DataType] = {
    "project_id": pl.String(),
    "user_id": pl.String(),
    "api_key_id": pl.String(),
    "model": pl.String(),
    "batch": pl.Boolean(),
    "service_tier": pl.String(),
    "size": pl.String(),
    "source": pl.String(),
}

_COMPLETIONS = [
    Measure("_input_uncached", "llm_input_tokens", "tokens", required=True),
    Measure("input_cached_tokens", "llm_cached_input_tokens", "tokens"),
    Measure("input_cache_write_tokens", "llm_cache_write_tokens", "tokens"),
    Measure("output_tokens", "llm_output_tokens", "tokens", required=True),
    Measure("input_audio_tokens", "llm_input_audio_tokens", "tokens"),
    Measure("output_audio_tokens", "llm_output_audio_tokens", "tokens"),
    Measure("num_model_requests", "llm_requests", "requests", required=True),
]


def _with_requests(measure: Measure, requests: str) -> list[Measure]:
    """An endpoint's quantity and its ``num_model_requests`` (its own activity: per-request terms)."""
    return [measure, Measure("num_model_requests", requests, "requests")]


# dataset -> (result object name, measures)
DATASETS: dict[str, tuple[str, list[Measure]]] = {
    "completions": ("organization.usage.completions.result", _COMPLETIONS),
    "embeddings": (
        "organization.usage.embeddings.result",
        _with_requests(
            Measure("input_tokens", "embedding_tokens", "tokens", required=True), "embedding_requests"
        ),
    ),
    "moderations": (
        "organization.usage.moderations.result",
        _with_requests(
            Measure("input_tokens", "moderation_tokens", "tokens", required=True), "moderation_requests"
        ),
    ),
    "images": (
        "organization.usage.images.result",
        _with_requests(Measure("images", "images", "images", required=True), "image_requests"),
    ),
    "audio_speeches": (
        "organization.usage.audio_speeches.result",
        _with_requests(Measure("characters", "tts_characters", "characters", required=True), "tts_requests"),
    ),
    "audio_transcriptions": (
        "organization.usage.audio_transcriptions.result",
        _with_requests(
            Measure("seconds", "audio_seconds", "seconds", required=True), "transcription_requests"
        ),
    ),
}
# every count a result may carry (the completions breakdowns included, read as numbers or quarantined)
MEASURE_FIELDS = [
    "input_tokens",
    "input_cached_tokens",
    "input_cache_write_tokens",
    "input_uncached_tokens",
    "input_audio_tokens",
    "output_tokens",
    "output_audio_tokens",
    "num_model_requests",
    "images",
    "characters",
    "seconds",
]
# the vendor's own fields each endpoint's results must carry (completions' measures are derived from these)
REQUIRED: dict[str, list[str]] = {
    name: [m.column for m in measures if m.required] for name, (_, measures) in DATASETS.items()
} | {"completions": ["input_tokens", "output_tokens", "num_model_requests"]}
_BY_OBJECT = {obj: name for name, (obj, _) in DATASETS.items()}
ATTRIBUTES = ["batch", "service_tier", "size", "source", "num_model_requests"]


def _dataset(results: pl.DataFrame, file: str) -> str:
    """Which usage endpoint the file holds: from the results' ``object``, else from the file name."""
    if "object" in results.columns and results.schema["object"] not in (pl.String, pl.Null):
        raise ExportFormatError(SOURCE, file, "the results' 'object' is not the name of a result type")
    if "object" in results.columns:
        objects = results.get_column("object").drop_nulls().unique().to_list()
        unknown = [o for o in objects if o not in _BY_OBJECT]
        if unknown:
            raise ExportFormatError(SOURCE, file, f"unsupported usage result object(s) {sorted(unknown)}")
        if len(objects) > 1:
            raise ExportFormatError(SOURCE, file, f"mixes results of several endpoints {sorted(objects)}")
        if objects:
            return _BY_OBJECT[objects[0]]
    stem = PurePath(file).name.lower()
    for name in sorted(DATASETS, key=len, reverse=True):
        if stem.startswith(name):
            return name
    raise ExportFormatError(
        SOURCE,
        file,
        "cannot tell which usage endpoint this is (no results and no endpoint name in the file name)",
    )


def parse(raw: bytes, file: str) -> ParsedExport:
    results, days = read_bucketed_results(SOURCE, file, raw, OPENAI_BUCKETS)
    dataset = _dataset(results, file)
    _, measures = DATASETS[dataset]
    if results.is_empty():
        return ParsedExport(dataset, conform(pl.DataFrame(), PARSED_SCHEMA), days, 0)
    require_columns(SOURCE, file, results.columns, REQUIRED[dataset], f"{dataset} usage results")

    results = coerce_columns(results, GROUP_FIELDS)
    results = numeric_columns(results, MEASURE_FIELDS)
    if dataset == "completions":
        results = results.with_columns(completion_token_columns(results))
    attributes = json_attributes(ATTRIBUTES, results)
    key = natural_key(["bucket_start_time", "bucket_end_time", *GROUP_FIELDS])
    wide = results.with_columns(attributes.alias("attributes"), key.alias("_key"))
    long = unpivot_measures(wide, measures)
    rows = long.with_columns(
        pl.concat_str(pl.col("_key"), pl.lit("|"), pl.col("measure")).alias("natural_key"),
        *bucket_row_columns("openai", f"openai.{dataset}", dataset, pl.col("model")),
        pl.col("project_id").alias("project"),
        pl.lit(None, dtype=pl.String).alias("region"),
        pl.lit(None, dtype=pl.String).alias("country"),
    )
    return ParsedExport(dataset, conform(rows, PARSED_SCHEMA), days, results.height)


def completion_token_columns(results: pl.DataFrame) -> list[pl.Expr]:
    """Uncached text+image input (``_input_uncached``) and text+image output (``output_tokens``, replaced), so
    that with the audio counts (their own activities) every token is landed exactly once.

    The current shape (it reports ``input_uncached_tokens``) counts audio inside the totals:
    ``input_tokens = input_uncached_tokens + input_cached_tokens + input_cache_write_tokens`` and
    ``input_uncached_tokens``/``output_tokens`` include the uncached audio input/audio output, which are
    subtracted. The older shape (no ``input_uncached_tokens``) counts text only: ``input_tokens`` is text
    input including cached, audio is reported beside it, so nothing is subtracted but the cached tokens.
    """

    def col(name: str) -> pl.Expr:
        return (
            pl.col(name).cast(pl.Float64, strict=False)
            if name in results.columns
            else pl.lit(None, pl.Float64)
        )

    current = col("input_uncached_tokens").is_not_null()
    older_input = (
        col("input_tokens")
        - col("input_cached_tokens").fill_null(0)
        - col("input_cache_write_tokens").fill_null(0)
    )
    return [
        pl.when(current)
        .then(col("input_uncached_tokens") - col("input_audio_tokens").fill_null(0))
        .otherwise(older_input)
        .alias("_input_uncached"),
        pl.when(current)
        .then(col("output_tokens") - col("output_audio_tokens").fill_null(0))
        .otherwise(col("output_tokens"))
        .alias("output_tokens"),  # text+image output: audio output is its own row
    ]


# --- HTTP: GET {OPENAI_BASE_URL}/organization/usage/<dataset> with an admin key --------------------------

CREDENTIAL = Credential("OPENAI_ADMIN_KEY")
DEFAULT_BASE_URL = "https://api.openai.com/v1"
GROUP_BY = {
    "completions": ["project_id", "user_id", "api_key_id", "model", "batch", "service_tier"],
    "images": ["project_id", "user_id", "api_key_id", "model", "size", "source"],
}
DEFAULT_GROUP_BY = ["project_id", "user_id", "api_key_id", "model"]


def openai_get_pages(source: str, path: str, params: dict, first: date, end: date) -> list[dict]:
    """Every page of one OpenAI organisation report for [first, end), fetched before anything lands."""
    base = (setting("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
    window = {"start_time": epoch(first), "end_time": epoch(end), "bucket_width": "1d", "limit": 31}
    return get_pages(
        f"{base}{path}",
        source=source,
        credential=CREDENTIAL,
        headers={"Authorization": f"Bearer {CREDENTIAL.value(source)}"},
        params=window | params,
    )


def fetch(first: date, end: date) -> list[ApiExport]:
    exports = []
    for dataset in DATASETS:
        group_by = GROUP_BY.get(dataset, DEFAULT_GROUP_BY)
        pages = openai_get_pages(
            SOURCE, f"/organization/usage/{dataset}", {"group_by[]": group_by}, first, end
        )
        exports.append(ApiExport.of_pages(dataset, first, end, pages))
    return exports


# the connectors of organisation report pages, fetched with the admin key
admin_api_connector = api_pages_connectors("openai", CREDENTIAL, "OPENAI_BASE_URL")


CONNECTOR = admin_api_connector(
    SOURCE,
    VERSION,
    parse,
    fetch,
    "OpenAI Usage API pages (completions, embeddings, moderations, images, audio) saved as JSON",
)
