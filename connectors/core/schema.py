"""The canonical activity schema: one row per measured quantity of one kind of purchased activity.

Every connector produces frames in this schema; ``docs/schema.md`` documents each column. The closed
sets below are the contract with the dbt models and the data-quality checks.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl

from connectors.core.settings import setting

CONNECTOR_SCHEMA_VERSION = "3"  # 2: cost_amount_net; 3: seat-tool activity types (#18)

# activity_type -> the only unit it may carry
ACTIVITY_UNITS: dict[str, str] = {
    "llm_input_tokens": "tokens",
    "llm_cached_input_tokens": "tokens",
    "llm_cache_write_tokens": "tokens",
    "llm_output_tokens": "tokens",
    "llm_requests": "requests",
    # audio tokens of multimodal chat models (OpenAI input/output_audio_tokens): kept apart from text
    "llm_input_audio_tokens": "tokens",
    "llm_output_audio_tokens": "tokens",
    "embedding_tokens": "tokens",
    "embedding_requests": "requests",
    "moderation_tokens": "tokens",
    "moderation_requests": "requests",
    "images": "images",
    "image_requests": "requests",
    "audio_seconds": "seconds",
    "transcription_requests": "requests",
    "tts_characters": "characters",
    "tts_requests": "requests",
    "video_seconds": "seconds",
    # server-side tool calls billed per request (Anthropic server_tool_use.web_search_requests)
    "web_search_requests": "requests",
    "ad_impressions": "impressions",
    "video_views": "views",
    "ad_view_seconds": "seconds",
    "spend": "currency",
    # seat-based AI assistants (#18): what a seat export counts when it has no tokens
    "assistant_messages": "messages",  # ChatGPT Enterprise messages sent (workspace analytics)
    "assistant_events": "events",  # Gemini in Workspace feature uses (Admin SDK Reports)
    "assistant_active_user_days": "active_user_days",  # Microsoft 365 Copilot: last-activity dates only
    # creative tools that report their own units, not physical ones (issue #18): converted to images,
    # video seconds or tokens in dbt (seed factor_activity_conversions), never here
    "generative_credits": "credits",
    "generations": "generations",
}
ACTIVITY_TYPES = frozenset(ACTIVITY_UNITS)
UNITS = frozenset(ACTIVITY_UNITS.values())
DEVICES = frozenset({"mobile", "tablet", "desktop", "tv", "other"})
AD_FORMATS = frozenset({"display", "video", "ctv", "search", "social", "native", "audio"})
VENDORS = frozenset(
    {"openai", "anthropic", "google", "azure", "aws", "mistral", "runway", "meta", "linkedin", "tiktok"}
    | {"elevenlabs", "jasper", "adobe"}  # creative tools (issue #18)
    | {"microsoft", "amazon"}  # the ad businesses (Microsoft Advertising, Amazon Ads), apart from the clouds
)

UTC_TS = pl.Datetime("us", "UTC")
MONEY = pl.Decimal(38, 12)

# the last columns of every landed table: the row's vendor attributes, then where it came from
PROVENANCE = {
    "attributes": pl.String,
    "source_file": pl.String,
    "source_row": pl.String,
    "source_sha256": pl.String,
    "connector_version": pl.String,
    "ingested_at": UTC_TS,
}

ACTIVITY_SCHEMA = pl.Schema(
    {
        "activity_id": pl.String,
        "source": pl.String,
        "dataset": pl.String,
        "vendor": pl.String,
        "service": pl.String,
        "model": pl.String,
        "model_raw": pl.String,
        "activity_type": pl.String,
        "quantity": pl.Float64,
        "unit": pl.String,
        "usage_start": UTC_TS,
        "usage_end": UTC_TS,
        "usage_date": pl.Date,
        "region": pl.String,
        "country": pl.String,
        "account": pl.String,
        "project": pl.String,
        "workspace": pl.String,
        "api_key_id": pl.String,
        "user_id": pl.String,
        "campaign_id": pl.String,
        "device": pl.String,
        "ad_format": pl.String,
        "placement": pl.String,
        "cost_amount": MONEY,  # gross: list/usage cost before credits and discounts
        "cost_amount_net": MONEY,  # net: after the credits and discounts the export itself states
        "cost_currency": pl.String,
        **PROVENANCE,
    }
)

# Columns a parser may add beside the canonical ones, for landing's bookkeeping only (never landed):
# the vendor record each row came from (``_record``, or ``_records`` when rows aggregate several
# records), and a record-level problem (``_problem``, with the record's raw text in ``_raw``) that
# quarantines the row whatever its values.
BOOKKEEPING = {"_record": pl.String, "_records": pl.List(pl.String), "_problem": pl.String, "_raw": pl.String}

LANDING_FILLED = {"source", "dataset", "source_file", "source_sha256", "connector_version", "ingested_at"}


def parsed_schema(landed: pl.Schema, id_column: str, *, keep: frozenset[str] = frozenset()) -> pl.Schema:
    """What a parser returns for a landed table: its columns minus the id and what landing fills in
    (source, provenance, ingest time), plus the natural key the id is derived from."""
    dropped = (LANDING_FILLED - keep) | {id_column}
    return pl.Schema({n: t for n, t in landed.items() if n not in dropped} | {"natural_key": pl.String})


# activity parsers also set `dataset` per row (landing writes the same value)
PARSED_SCHEMA = parsed_schema(ACTIVITY_SCHEMA, "activity_id", keep=frozenset({"dataset"}))

# Emissions the vendors report themselves (cloud carbon exports): landed beside our estimates, never
# mixed into them. One row per vendor x account x service x region x month x basis.
VENDOR_EMISSIONS_SCHEMA = pl.Schema(
    {
        "record_id": pl.String,
        "source": pl.String,
        "dataset": pl.String,
        "vendor": pl.String,
        "account": pl.String,
        "project": pl.String,
        "service": pl.String,
        "region": pl.String,
        "country": pl.String,
        "period_start": pl.Date,
        "period_end": pl.Date,
        "basis": pl.String,  # location | market
        "scope": pl.String,  # scope1, scope2, scope3, total, or a two-scope sum such as scope1+scope3
        "kgco2e": pl.Float64,
        "energy_kwh": pl.Float64,
        "methodology": pl.String,
        **PROVENANCE,
    }
)

# What a carbon-export parser returns.
PARSED_EMISSIONS_SCHEMA = parsed_schema(VENDOR_EMISSIONS_SCHEMA, "record_id")

QUARANTINE_SCHEMA = pl.Schema(
    {
        "source": pl.String,
        "dataset": pl.String,
        "source_file": pl.String,
        "source_row": pl.String,
        "source_sha256": pl.String,
        "field": pl.String,
        "reason": pl.String,
        "record": pl.String,
        "quarantined_at": UTC_TS,
    }
)


def conform(frame: pl.DataFrame, schema: pl.Schema) -> pl.DataFrame:
    """Add missing columns as nulls, cast to the declared dtypes and order the columns.

    Casts are non-strict: a value that cannot be cast becomes null and is then caught by validation,
    so a bad cell quarantines its row instead of failing the whole file. ``BOOKKEEPING`` columns a
    parser set are kept (after the schema's); landing drops them before writing.
    """
    found = frame.schema  # built once: a DataFrame's schema is rebuilt on every access
    missing = [pl.lit(None, dtype=dtype).alias(name) for name, dtype in schema.items() if name not in found]
    kept = [pl.col(name).cast(dtype) for name, dtype in BOOKKEEPING.items() if name in found]
    return frame.with_columns(missing).select(
        [_lenient_cast(name, dtype, found.get(name)) for name, dtype in schema.items()] + kept
    )


def _lenient_cast(name: str, dtype: pl.DataType, source: pl.DataType | None) -> pl.Expr:
    """A non-strict cast; a number too large for a decimal column becomes null too (Polars raises
    on decimal overflow even when the cast is non-strict)."""
    column = pl.col(name)
    if isinstance(dtype, pl.Decimal) and source is not None and source.is_numeric():
        limit = 10 ** ((dtype.precision or 38) - (dtype.scale or 0))
        column = pl.when(column.abs() < limit).then(column)
    return column.cast(dtype, strict=False)


def _rules() -> list[tuple[pl.Expr, str, str]]:
    """(is_bad, field, reason) in the order they are reported; the first failing rule wins."""
    expected_unit = pl.col("activity_type").replace_strict(ACTIVITY_UNITS, default=None)
    bounds = plausibility_bounds()
    bound = pl.col("activity_type").replace_strict(bounds, default=None, return_dtype=pl.Float64)
    bound_text = pl.col("activity_type").replace_strict(
        {t: f"{b:g}" for t, b in bounds.items()}, default=None, return_dtype=pl.String
    )
    implausible = pl.format(
        "quantity {} above the plausibility bound {} for {} per row ({})",
        pl.col("quantity"),
        bound_text,
        pl.col("activity_type"),
        pl.lit(Path(bounds_origin()).name),
    )
    return [
        (pl.col("activity_type").is_null(), "activity_type", "activity type missing"),
        (~pl.col("activity_type").is_in(sorted(ACTIVITY_TYPES)), "activity_type", "unknown activity type"),
        (pl.col("unit").is_null(), "unit", "unit missing"),
        (~pl.col("unit").is_in(sorted(UNITS)), "unit", "unknown unit"),
        (pl.col("unit") != expected_unit, "unit", "unit does not match activity type"),
        (pl.col("quantity").is_null(), "quantity", "quantity missing or not a number"),
        (~pl.col("quantity").is_finite(), "quantity", "quantity is not finite"),
        (pl.col("quantity") < 0, "quantity", "negative quantity"),
        (pl.col("quantity") > bound, "quantity", implausible),
        (pl.col("usage_start").is_null(), "usage_start", "usage date missing or unparseable"),
        (pl.col("usage_end").is_null(), "usage_end", "usage end missing or unparseable"),
        (pl.col("usage_end") < pl.col("usage_start"), "usage_end", "usage ends before it starts"),
        (pl.col("usage_date") < pl.date(2000, 1, 1), "usage_start", "usage date before 2000"),
        (pl.col("usage_date") > pl.date(2100, 1, 1), "usage_start", "usage date after 2100"),
        (~pl.col("device").is_in(sorted(DEVICES)), "device", "unknown device"),
        (~pl.col("ad_format").is_in(sorted(AD_FORMATS)), "ad_format", "unknown ad format"),
        (pl.col("vendor").is_null(), "vendor", "vendor missing"),
        (~pl.col("vendor").is_in(sorted(VENDORS)), "vendor", "unknown vendor"),
    ]


def split_by_rules(
    frame: pl.DataFrame, rules: list[tuple[pl.Expr, str, str | pl.Expr]]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split rows into (valid, invalid); invalid rows carry ``_field`` and ``_reason``.

    Vectorised: each rule is one boolean expression, and the first failing rule names the reason. A
    record-level problem the reader found (``_problem``: a short row, say) comes before every rule.
    """
    field: pl.Expr = pl.lit(None, dtype=pl.String)
    reason: pl.Expr = pl.lit(None, dtype=pl.String)
    if "_problem" in frame.columns:
        rules = [(pl.col("_problem").is_not_null(), "record", pl.col("_problem")), *rules]
    for is_bad, name, why in reversed(rules):
        bad = is_bad.fill_null(False)
        field = pl.when(bad).then(pl.lit(name)).otherwise(field)
        reason = pl.when(bad).then(why if isinstance(why, pl.Expr) else pl.lit(why)).otherwise(reason)
    flagged = frame.with_columns(field.alias("_field"), reason.alias("_reason"))
    valid = flagged.filter(pl.col("_reason").is_null()).drop("_field", "_reason")
    invalid = flagged.filter(pl.col("_reason").is_not_null())
    return valid, invalid


def validate(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Canonical activity rows: (valid, invalid with ``_field``/``_reason``)."""
    return split_by_rules(frame, _rules())


BASES = ("location", "market")
# a vendor figure's scope: one scope, ``total`` (all three), or the sum of two the vendor reports only
# together (Azure's API returns the sum of the requested scopes): never added to single-scope rows
SCOPES = ("scope1", "scope2", "scope3", "total", "scope1+scope2", "scope1+scope3", "scope2+scope3")


def _emission_rules() -> list[tuple[pl.Expr, str, str]]:
    return [
        (
            pl.col("vendor").is_null() | ~pl.col("vendor").is_in(sorted(VENDORS)),
            "vendor",
            "vendor missing or unknown",
        ),
        (pl.col("basis").is_null() | ~pl.col("basis").is_in(BASES), "basis", "basis missing or unknown"),
        (pl.col("scope").is_null() | ~pl.col("scope").is_in(SCOPES), "scope", "scope missing or unknown"),
        (pl.col("kgco2e").is_null(), "kgco2e", "emissions missing, not a number or in an unknown unit"),
        (~pl.col("kgco2e").is_finite(), "kgco2e", "emissions not finite"),
        (pl.col("kgco2e") < 0, "kgco2e", "negative emissions"),
        (pl.col("period_start").is_null(), "period_start", "period start missing or unparseable"),
        (pl.col("period_end").is_null(), "period_end", "period end missing or unparseable"),
        (pl.col("period_end") < pl.col("period_start"), "period_end", "period ends before it starts"),
        (pl.col("period_start") < pl.date(2000, 1, 1), "period_start", "period before 2000"),
        (pl.col("period_start") > pl.date(2100, 1, 1), "period_start", "period after 2100"),
    ]


def validate_emissions(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Vendor-reported emission rows: (valid, invalid with ``_field``/``_reason``)."""
    return split_by_rules(frame, _emission_rules())


# Largest quantity one canonical row (one vendor record: a day or less of one key) may carry; above it
# a row is quarantined as implausible (a 1e300 token count must never reach a quarterly figure).
PLAUSIBILITY_FILE = Path(__file__).with_name("plausibility_bounds.csv")


@cache
def _bounds(path: str) -> dict[str, float]:
    frame = pl.read_csv(path, schema_overrides={"max_quantity_per_row": pl.Float64})
    unknown = set(frame.get_column("activity_type")) - ACTIVITY_TYPES
    if unknown:
        raise ValueError(f"{path}: unknown activity type(s) {sorted(unknown)}")
    return dict(frame.select("activity_type", "max_quantity_per_row").iter_rows())


def bounds_origin() -> str:
    """The bounds file in force: ``EWH_PLAUSIBILITY_BOUNDS`` (a CSV like the default), else the default."""
    return setting("EWH_PLAUSIBILITY_BOUNDS") or str(PLAUSIBILITY_FILE)


def plausibility_bounds() -> dict[str, float]:
    return _bounds(bounds_origin())
