"""Runway API organization credit usage, ``POST /v1/organization/usage`` responses saved to a file.

Request body ``{"startDate": "YYYY-MM-DD", "beforeDate": "YYYY-MM-DD"}`` (UTC, ``beforeDate`` exclusive,
at most 90 days). Response, as Runway documents it (``runwayml/skills`` ``rw-check-org-details``) and
its SDK types it (``runwayml/sdk-python``, ``types/organization_retrieve_usage_response.py``)::

    {"models": ["gen4_turbo", ...],
     "results": [{"date": "2026-09-01", "usedCredits": [{"model": "gen4_turbo", "amount": 50}]}],
     "apiKeys": [...], "resultsByApiKey": [{"date", "usedCredits": [{"apiKeyId", "amount"}]}]}

``amount`` is the day's **net credits** for the model (an integer; a day whose refunds exceed its
charges is negative). A file may hold one response or a JSON array of them (several 90-day windows).
The response has no organization or workspace field, so those keys stay null. ``resultsByApiKey``
("reserved for future use") breaks the same credits down by API key instead of model: each of its
records is counted and skipped with a reason, since landing it too would count the credits twice.

Every ``usedCredits`` element is a record (``_record`` = its JSON pointer; ``raw_records`` counts both
lists): a null element is skipped with a reason, an unreadable amount quarantines its record, and a day
or credit entry without ``date``/``usedCredits`` or ``model``/``amount`` rejects the file naming the key.

Credits are not activity. Each model's documented credit price per unit of output turns them into the
canonical quantity: ``quantity = max(amount, 0) x per_units / credits``. Rates are Runway's published
API prices (https://docs.dev.runwayml.com/guides/pricing, read through a public mirror of Runway's API
reference; the research notes give no rates, so they are UNCONFIRMED against the live page):

======================== ================ ===================== ===================================
model                    activity_type    credits per unit      note
======================== ================ ===================== ===================================
seedance2                video_seconds    36 / second
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
(``eleven_text_to_sound_v2`` is priced per generation; the newer models of the SDK enum, kling, seedream,
gpt_image_2..., have no rate in the published tables) land as ``spend``: their credits x USD 0.01, with
``quantity_basis = no_credit_rate``, the money real, the seconds never guessed. No request counts: the
report states credits, not generations.

Cost: Runway sells API credits at USD 0.01 each ("a minimum payment of $10 (at $0.01 per credit)",
https://docs.dev.runwayml.com/guides/setup), so ``cost_amount = amount x 0.01 USD`` (negative on
net-refund days) with ``attributes.cost_basis`` = ``list_price``; the amounts are already net of refunds
and no other discount is stated, so ``cost_amount_net`` = ``cost_amount``. The signed credits stay in
``attributes.credits``.
"""

from __future__ import annotations

import polars as pl

from connectors.core.base import Connector, ExportFormatError, ParsedExport
from connectors.core.frames import (
    covered_days,
    ensure_columns,
    explode_indexed,
    json_attributes,
    natural_key,
    normalise_model,
    require_columns,
    skip_records,
)
from connectors.core.json_pages import explode_pages, read_pages
from connectors.core.schema import MONEY, PARSED_SCHEMA, UTC_TS, conform

SOURCE = "runway_usage"
VERSION = "1.0.0"
DATASET = "organization_usage"
CREDIT_PRICE_USD = "0.01"
BY_API_KEY = "resultsByApiKey"

# model -> (service product, activity_type, unit, credits, per_units, credits_max)
# credits / per_units is the rate used; credits_max / per_units is the dearest documented rate.
RATES: dict[str, tuple[str, str, str, float, float, float | None]] = {
    "seedance2": ("video", "video_seconds", "seconds", 36, 1, None),
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


def _read(raw: bytes, file: str) -> pl.DataFrame:
    pages = read_pages(SOURCE, file, raw)
    if "results" not in pages.columns:
        raise ExportFormatError(SOURCE, file, "no 'results' array: not an organization usage response")
    for name in ("results", BY_API_KEY):
        if name not in pages.columns:
            continue
        dtype = pages.schema[name]
        if not isinstance(dtype, (pl.Null, pl.List)) or (
            isinstance(dtype, pl.List) and not isinstance(dtype.inner, (pl.Struct, pl.Null))
        ):
            raise ExportFormatError(SOURCE, file, f"'{name}' is not an array of days")
        if isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct):
            fields = [f.name for f in dtype.inner.fields]
            require_columns(SOURCE, file, fields, ["date", "usedCredits"], f"'{name}'")
    return pages


def _days_of(pages: pl.DataFrame, column: str) -> pl.DataFrame:
    """One row per day object of ``column`` (``results`` or ``resultsByApiKey``), with its JSON pointer."""
    dtype = pages.schema.get(column)
    if not (isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct)):
        return pl.DataFrame(schema={"_date": pl.Date, "_pointer": pl.String, "usedCredits": pl.Null})
    return (
        explode_pages(pages, pl.col(column), column, column)
        .filter(pl.col(column).is_not_null())  # a null day object has no usage in it
        .unnest(column)
        .with_columns(
            pl.col("date").cast(pl.String).str.slice(0, 10).str.to_date(strict=False).alias("_date"),
        )
        .select("_date", "_pointer", "usedCredits")
    )


def _items(days: pl.DataFrame, file: str, key: str) -> pl.DataFrame:
    """One row per element of each day's ``usedCredits`` (null elements kept: they are records too).

    ``key`` is what an element is attributed to: ``model`` in ``results``, ``apiKeyId`` in
    ``resultsByApiKey``; an element without it, or without ``amount``, rejects the file by name.
    """
    dtype = days.schema["usedCredits"]
    if not (isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct)):
        return pl.DataFrame(schema={"_date": pl.Date, "_record": pl.String, "_null_item": pl.Boolean})
    fields = [f.name for f in dtype.inner.fields]
    require_columns(SOURCE, file, fields, [key, "amount"], "'usedCredits'")
    items = explode_indexed(days, "usedCredits", "_item")
    return items.with_columns(
        pl.concat_str(pl.col("_pointer"), pl.lit("/usedCredits/"), pl.col("_item").cast(pl.String)).alias(
            "_record"
        ),
        pl.col("usedCredits").is_null().alias("_null_item"),
    ).unnest("usedCredits")


def parse(raw: bytes, file: str) -> ParsedExport:
    pages = _read(raw, file)
    days_frame = _days_of(pages, "results")
    days = covered_days(days_frame.get_column("_date").cast(UTC_TS))
    items = _items(days_frame, file, "model")
    by_key = _items(_days_of(pages, BY_API_KEY), file, "apiKeyId")
    skipped = pl.concat(
        [
            skip_records(items.filter("_null_item"), "null entry in usedCredits (no usage to land)"),
            # the same credits again, per API key instead of per model: landing both would count them twice
            skip_records(
                by_key, "per-API-key breakdown of the per-model credits (resultsByApiKey): not landed"
            ),
        ]
    )
    raw_records = items.height + by_key.height
    used = items.filter(~pl.col("_null_item"))
    if used.is_empty():
        return ParsedExport(DATASET, conform(pl.DataFrame(), PARSED_SCHEMA), days, raw_records, skipped)
    used = (
        ensure_columns(used, {"model": pl.String(), "amount": pl.Float64()})
        .with_columns(
            pl.col("model").cast(pl.String),
            pl.col("amount").cast(pl.Float64, strict=False).alias("credits"),
        )
        .join(RATE_TABLE, on="model", how="left")
    )

    rated = pl.col("rate_credits").is_not_null()
    money = pl.col("credits").cast(MONEY) * pl.lit(CREDIT_PRICE_USD).cast(MONEY)
    start = pl.col("_date").cast(UTC_TS)
    rows = used.with_columns(
        pl.when(rated)
        .then(pl.col("credits").clip(lower_bound=0) * pl.col("rate_per_units") / pl.col("rate_credits"))
        .otherwise(money.cast(pl.Float64))
        .alias("quantity"),
        pl.coalesce(pl.col("activity_type"), pl.lit("spend")).alias("activity_type"),
        pl.coalesce(pl.col("unit"), pl.lit("currency")).alias("unit"),
        (pl.col("rate_credits") / pl.col("rate_per_units")).alias("credit_rate"),
        (pl.col("rate_credits_max") / pl.col("rate_per_units")).alias("credit_rate_max"),
        pl.when(~rated)
        .then(pl.lit("no_credit_rate"))
        .when(pl.col("rate_credits_max").is_not_null())
        .then(pl.lit("upper_bound"))
        .otherwise(pl.lit("rate"))
        .alias("quantity_basis"),
        pl.lit("list_price").alias("cost_basis"),
        money.alias("cost_amount"),
        # the amounts are already net of refunds and Runway states no other discount: net = gross
        money.alias("cost_amount_net"),
        pl.when(pl.col("credits").is_not_null()).then(pl.lit("USD")).alias("cost_currency"),
    )
    rows = rows.with_columns(
        json_attributes(ATTRIBUTES, rows).alias("attributes"),
        natural_key(["_date", "model", "activity_type"]).alias("natural_key"),
        pl.col("_record").alias("source_row"),
        start.alias("usage_start"),
        start.dt.offset_by("1d").alias("usage_end"),
        pl.col("_date").alias("usage_date"),
        pl.lit("runway").alias("vendor"),
        pl.concat_str(pl.lit("runway."), pl.col("product").fill_null("unknown")).alias("service"),
        pl.col("model").alias("model_raw"),
        normalise_model(pl.col("model")).alias("model"),
        pl.lit(DATASET).alias("dataset"),
    )
    return ParsedExport(DATASET, conform(rows, PARSED_SCHEMA), days, raw_records, skipped)


CONNECTOR = Connector(
    source=SOURCE,
    vendor="runway",
    version=VERSION,
    file_patterns=("*.json",),
    parse=parse,
    description="Runway API organization credit usage (credits per model per day) saved as JSON",
)
