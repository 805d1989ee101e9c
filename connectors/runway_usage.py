"""Runway API organization credit usage, ``POST /v1/organization/usage`` responses saved to a file.

Request body ``{"startDate": "YYYY-MM-DD", "beforeDate": "YYYY-MM-DD"}`` (UTC, ``beforeDate`` exclusive,
at most 90 days). Response, per the official SDK (``runwayml/sdk-python``,
``types/organization_retrieve_usage_response.py``)::

    {"models": ["gen4_turbo", ...],
     "results": [{"date": "2026-09-01", "usedCredits": [{"model": "gen4_turbo", "amount": 50}]}]}

``amount`` is the day's **net credits** for the model (an integer; a day whose refunds exceed its
charges is negative). A file may hold one response or a JSON array of them (several 90-day windows).
The response has no organization, workspace or API-key field, so those keys stay null.

Credits are not activity. Each model's documented credit price per unit of output turns them into the
canonical quantity: ``quantity = max(amount, 0) x per_units / credits``. Rates are Runway's published
API prices (https://docs.dev.runwayml.com/guides/pricing, read through a public mirror of Runway's API
reference; the research notes give no rates, so they are UNCONFIRMED against the live page):

======================== ================ ===================== ===================================
model                    activity_type    credits per unit      note
======================== ================ ===================== ===================================
gen4.5                   video_seconds    12 / second
gen4_turbo               video_seconds    5 / second
gen3a_turbo              video_seconds    5 / second
gen4_aleph               video_seconds    15 / second           video-to-video, output seconds
act_two                  video_seconds    5 / second            character performance
upscale_v1               video_seconds    2 / second            video upscale (older SDK enum)
veo3                     video_seconds    40 / second
veo3.1                   video_seconds    20-40 / second        40 with audio: **20 used**
veo3.1_fast              video_seconds    10-15 / second        15 with audio: **10 used**
gen4_image               images           5-8 / image           8 at 1080p: **5 used**
gen4_image_turbo         images           2 / image
gemini_2.5_flash         images           5 / image
eleven_multilingual_v2   tts_characters   1 / 50 characters
eleven_voice_isolation   audio_seconds    1 / 6 seconds         input audio processed
eleven_voice_dubbing     audio_seconds    1 / 2 seconds         input audio processed
eleven_multilingual_sts_v2 audio_seconds  1 / 3 seconds         speech-to-speech, input audio
======================== ================ ===================== ===================================

Where the price depends on an option the usage export does not report (audio on/off, resolution), the
cheapest documented rate is used, so the quantity is an upper bound; ``attributes.quantity_basis`` says
``upper_bound`` and ``credit_rate_max`` gives the other end. Models with no per-unit rate
(``eleven_text_to_sound_v2`` is priced per generation) or not in the table get no activity type, so
validation quarantines them with the credits in the record instead of guessing.

Cost: Runway sells API credits at USD 0.01 each (list price; the notes mark it UNCONFIRMED), so
``cost_amount = amount x 0.01 USD`` (negative on net-refund days) with ``attributes.cost_basis`` =
``list_price``. The signed credits stay in ``attributes.credits``.
"""

from __future__ import annotations

import io

import polars as pl

from connectors.base import Connector, ExportFormatError, ParsedExport
from connectors.frames import covered_days, ensure_columns, json_attributes, natural_key, normalise_model
from connectors.schema import MONEY, PARSED_SCHEMA, UTC_TS, conform

SOURCE = "runway_usage"
VERSION = "1.0.0"
DATASET = "organization_usage"
CREDIT_PRICE_USD = "0.01"

# model -> (service product, activity_type, unit, credits, per_units, credits_max)
# credits / per_units is the rate used; credits_max / per_units is the dearest documented rate.
RATES: dict[str, tuple[str, str, str, float, float, float | None]] = {
    "gen4.5": ("video", "video_seconds", "seconds", 12, 1, None),
    "gen4_turbo": ("video", "video_seconds", "seconds", 5, 1, None),
    "gen3a_turbo": ("video", "video_seconds", "seconds", 5, 1, None),
    "gen4_aleph": ("video", "video_seconds", "seconds", 15, 1, None),
    "act_two": ("video", "video_seconds", "seconds", 5, 1, None),
    "upscale_v1": ("video", "video_seconds", "seconds", 2, 1, None),
    "veo3": ("video", "video_seconds", "seconds", 40, 1, None),
    "veo3.1": ("video", "video_seconds", "seconds", 20, 1, 40),
    "veo3.1_fast": ("video", "video_seconds", "seconds", 10, 1, 15),
    "gen4_image": ("image", "images", "images", 5, 1, 8),
    "gen4_image_turbo": ("image", "images", "images", 2, 1, None),
    "gemini_2.5_flash": ("image", "images", "images", 5, 1, None),
    "eleven_multilingual_v2": ("audio", "tts_characters", "characters", 1, 50, None),
    "eleven_voice_isolation": ("audio", "audio_seconds", "seconds", 1, 6, None),
    "eleven_voice_dubbing": ("audio", "audio_seconds", "seconds", 1, 2, None),
    "eleven_multilingual_sts_v2": ("audio", "audio_seconds", "seconds", 1, 3, None),
}
RATE_TABLE = pl.DataFrame(
    [(model, *spec) for model, spec in RATES.items()],
    schema={
        "model": pl.String,
        "product": pl.String,
        "activity_type": pl.String,
        "unit": pl.String,
        "rate_credits": pl.Float64,
        "rate_per_units": pl.Float64,
        "rate_credits_max": pl.Float64,
    },
    orient="row",
)
ATTRIBUTES = ["credits", "credit_rate", "credit_rate_max", "quantity_basis", "cost_basis"]


def _read(raw: bytes, file: str) -> tuple[pl.DataFrame, bool]:
    text = raw.lstrip()
    if not text:
        raise ExportFormatError(SOURCE, file, "file is empty")
    is_array = text[:1] == b"["
    try:
        pages = pl.read_json(io.BytesIO(raw), infer_schema_length=None)
    except Exception as exc:  # polars raises several error types for bad JSON
        raise ExportFormatError(SOURCE, file, f"malformed JSON ({exc})") from exc
    if "results" not in pages.columns:
        raise ExportFormatError(SOURCE, file, "no 'results' array: not an organization usage response")
    dtype = pages.schema["results"]
    if isinstance(dtype, pl.Null):
        return pages.clear().select("results"), is_array
    if not (isinstance(dtype, pl.List) and isinstance(dtype.inner, (pl.Struct, pl.Null))):
        raise ExportFormatError(SOURCE, file, "'results' is not an array of days")
    if isinstance(dtype.inner, pl.Struct):
        fields = {f.name for f in dtype.inner.fields}
        missing = sorted({"date", "usedCredits"} - fields)
        if missing:
            raise ExportFormatError(SOURCE, file, f"results have no {missing} field(s)")
    return pages, is_array


def _explode(frame: pl.DataFrame, column: str, index: str) -> pl.DataFrame:
    return (
        frame.with_columns(pl.int_ranges(pl.col(column).list.len()).alias(index))
        .explode(column, index)
        .filter(pl.col(column).is_not_null())
    )


def parse(raw: bytes, file: str) -> ParsedExport:
    pages, is_array = _read(raw, file)
    if not isinstance(pages.schema["results"], pl.List) or not isinstance(
        pages.schema["results"].inner, pl.Struct
    ):
        return ParsedExport(DATASET, conform(pl.DataFrame(), PARSED_SCHEMA), [], 0)

    page_prefix = pl.concat_str(pl.lit("/"), pl.col("_page").cast(pl.String)) if is_array else pl.lit("")
    days_frame = (
        _explode(pages.with_row_index("_page").select("_page", "results"), "results", "_day")
        .unnest("results")
        .with_columns(
            pl.col("date").cast(pl.String).str.slice(0, 10).str.to_date(strict=False).alias("_date"),
            pl.concat_str(page_prefix, pl.lit("/results/"), pl.col("_day").cast(pl.String)).alias("_pointer"),
        )
    )
    days = covered_days(days_frame.get_column("_date").cast(UTC_TS))
    if not isinstance(days_frame.schema["usedCredits"], pl.List) or not isinstance(
        days_frame.schema["usedCredits"].inner, pl.Struct
    ):
        return ParsedExport(DATASET, conform(pl.DataFrame(), PARSED_SCHEMA), days, 0)

    used = _explode(days_frame.select("_date", "_pointer", "usedCredits"), "usedCredits", "_item").unnest(
        "usedCredits"
    )
    used = (
        ensure_columns(used, {"model": pl.String(), "amount": pl.Float64()})
        .with_columns(
            pl.col("model").cast(pl.String),
            pl.col("amount").cast(pl.Float64, strict=False).alias("credits"),
        )
        .join(RATE_TABLE, on="model", how="left")
    )

    rate = pl.col("rate_credits") / pl.col("rate_per_units")
    start = pl.col("_date").cast(UTC_TS)
    rows = used.with_columns(
        (pl.col("credits").clip(lower_bound=0) * pl.col("rate_per_units") / pl.col("rate_credits")).alias(
            "quantity"
        ),
        rate.alias("credit_rate"),
        (pl.col("rate_credits_max") / pl.col("rate_per_units")).alias("credit_rate_max"),
        pl.when(pl.col("rate_credits").is_null())
        .then(pl.lit(None, dtype=pl.String))
        .when(pl.col("rate_credits_max").is_not_null())
        .then(pl.lit("upper_bound"))
        .otherwise(pl.lit("rate"))
        .alias("quantity_basis"),
        pl.lit("list_price").alias("cost_basis"),
        (pl.col("credits").cast(MONEY) * pl.lit(CREDIT_PRICE_USD).cast(MONEY)).alias("cost_amount"),
        pl.when(pl.col("credits").is_not_null()).then(pl.lit("USD")).alias("cost_currency"),
    )
    rows = rows.with_columns(
        json_attributes(ATTRIBUTES, rows).alias("attributes"),
        natural_key(["_date", "model", "activity_type"]).alias("natural_key"),
        pl.concat_str(pl.col("_pointer"), pl.lit("/usedCredits/"), pl.col("_item").cast(pl.String)).alias(
            "source_row"
        ),
        start.alias("usage_start"),
        start.dt.offset_by("1d").alias("usage_end"),
        pl.col("_date").alias("usage_date"),
        pl.lit("runway").alias("vendor"),
        pl.concat_str(pl.lit("runway."), pl.col("product").fill_null("unknown")).alias("service"),
        pl.col("model").alias("model_raw"),
        normalise_model(pl.col("model")).alias("model"),
        pl.lit(DATASET).alias("dataset"),
    )
    return ParsedExport(DATASET, conform(rows, PARSED_SCHEMA), days, used.height)


CONNECTOR = Connector(
    source=SOURCE,
    vendor="runway",
    version=VERSION,
    file_patterns=("*.json",),
    parse=parse,
    description="Runway API organization credit usage (credits per model per day) saved as JSON",
)
