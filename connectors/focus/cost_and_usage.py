"""FinOps FOCUS cost-and-usage exports, spec 1.0 to 1.4, CSV or Parquet (gzip too), from any provider.

The version is read from the header (``spec.detect_version``: 1.3 adds ServiceProviderName and
HostProviderName beside the deprecated ProviderName/PublisherName, 1.4 drops those two) and the file must
hold every column that version marks Mandatory; it is rejected by name otherwise. Rows:

* ``ServiceCategory`` other than "AI and Machine Learning": skipped with the category as reason.
* AI usage rows (``ChargeCategory`` Usage, ``ChargeClass`` not Correction) whose ``ConsumedUnit`` counts
  tokens, images, characters or seconds become activity: ``ConsumedQuantity`` times the unit's block
  (``1000 Tokens`` -> x1000; hours and minutes -> seconds). The kind (input, output, cached input, cache
  write, embedding) and the model come from ``SkuPriceDetails`` (``TokenDirection``, ``TokenCacheAction``,
  ``ModelId``) when the provider states them, else from the provider's own vocabulary, shared with the
  native readers (``connectors.core.cloud_ai_models``): the AWS usage type (``x_UsageType``), the Azure
  meter (``SkuMeter`` or ``x_SkuMeterName``), the Google SKU description (``ChargeDescription``), else from
  ``SkuMeter`` words. A token row with no readable direction is quarantined by name.
* Other AI rows (PTU hours, requests, a null ConsumedQuantity) and AI Purchase rows: ``spend`` (the
  spend-based fallback) with the BilledCost as quantity; a negative one (a refund) is money only.
* Credit and Adjustment rows count against the usage rows of the same account, period, SKU and resource
  (``cost_amount_net``); unmatched ones, and every ``ChargeClass = Correction`` row (a correction to an
  earlier billing period), land as money-only ``spend`` rows (quantity 0, gross 0, net their BilledCost).
  Tax rows are skipped with a reason.

``cost_amount`` is BilledCost, ``cost_amount_net`` BilledCost plus the credits matched to it; ListCost,
EffectiveCost and ContractedCost, the SKU and pricing columns, ``Tags`` and every ``x_`` column are kept
in ``attributes``. ``vendor`` is the host provider (HostProviderName, else ProviderName, else the
invoice issuer) as the canonical vendor (AWS -> aws, Microsoft -> azure, Google -> google...); a provider
the schema does not know is quarantined with its name. The dataset is ``cost_and_usage.<vendor>`` (vendors
joined by ``+`` when one file holds several) so the report-family seed can rank a native export above
FOCUS for the same bill and day.
"""

from __future__ import annotations

import polars as pl

from connectors.core import cloud_regions
from connectors.core.base import Connector, ExportFormatError, ParsedExport
from connectors.core.cloud_ai_models import (
    aws_model_id,
    aws_usage_type_activity,
    aws_usage_type_model,
    azure_meter_facts,
    gcp_sku_activity,
    gcp_sku_model,
)
from connectors.core.frames import (
    apportion_credits,
    covered_days,
    gunzip,
    json_attributes,
    natural_key,
    normalise_model,
    read_parquet_or_csv,
    require_columns,
    skip_records,
)
from connectors.core.schema import ACTIVITY_UNITS, MONEY, PARSED_SCHEMA, UTC_TS, VENDORS, conform
from connectors.core.wording import first_match
from connectors.focus import spec

SOURCE = "focus"
VERSION = "1.0.0"
DATASET_PREFIX = "cost_and_usage"

# provider name (lower case) pattern -> canonical vendor; the first match wins
PROVIDER_VENDORS: list[tuple[str, str]] = [
    (r"\bamazon\b|\baws\b", "aws"),
    (r"\bmicrosoft\b|\bazure\b", "azure"),
    (r"\bgoogle\b", "google"),
    (r"\bopenai\b", "openai"),
    (r"\banthropic\b", "anthropic"),
    (r"\bmistral\b", "mistral"),
    (r"\brunway\b", "runway"),
]
REGION_COUNTRY = {
    "aws": cloud_regions.AWS_REGION_COUNTRY,
    "azure": cloud_regions.AZURE_REGION_COUNTRY,
    "google": cloud_regions.GCP_REGION_COUNTRY,
}
# ConsumedUnit word -> (unit family, seconds per unit for time units)
UNIT_WORDS = {
    "token": "tokens",
    "image": "images",
    "character": "characters",
    "second": "seconds",
    "sec": "seconds",
    "minute": "seconds",
    "min": "seconds",
    "hour": "seconds",
    "hr": "seconds",
}
SECONDS_PER = {"minute": 60.0, "min": 60.0, "hour": 3600.0, "hr": 3600.0}
TOKEN_TYPES = [t for t, u in ACTIVITY_UNITS.items() if u == "tokens"]
CREDIT_CATEGORIES = ("Credit", "Adjustment")
# a credit or adjustment row counts against the usage rows with the same values here
CREDIT_MATCH = [
    "BillingAccountId",
    "SubAccountId",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "ServiceName",
    "SkuId",
    "SkuMeter",
    "x_UsageType",
    "ResourceId",
    "RegionId",
]
KEY_COLUMNS = [
    "BillingAccountId",
    "SubAccountId",
    "_start_iso",
    "_end_iso",
    "ChargeCategory",
    "ChargeClass",
    "ServiceName",
    "SkuId",
    "SkuPriceId",
    "SkuMeter",
    "x_UsageType",
    "ResourceId",
    "RegionId",
    "CommitmentDiscountId",
    "PricingCategory",
]
# FOCUS columns kept in attributes when the export has them (plus every x_ column)
ATTRIBUTE_COLUMNS = [
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "ServiceName",
    "ServiceCategory",
    "ServiceSubcategory",
    "ProviderName",
    "PublisherName",
    "ServiceProviderName",
    "HostProviderName",
    "InvoiceIssuerName",
    "InvoiceId",
    "BillingAccountName",
    "SubAccountName",
    "SkuId",
    "SkuMeter",
    "SkuPriceId",
    "SkuPriceDetails",
    "ConsumedQuantity",
    "ConsumedUnit",
    "PricingQuantity",
    "PricingUnit",
    "PricingCategory",
    "ListCost",
    "ListUnitPrice",
    "EffectiveCost",
    "ContractedCost",
    "ContractedUnitPrice",
    "CommitmentDiscountId",
    "CommitmentDiscountType",
    "RegionName",
    "AvailabilityZone",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "Tags",
    "BillingPeriodStart",
    "BillingPeriodEnd",
]
DERIVED_ATTRIBUTES = ["focus_version", "credit_lines", "correction", "tokens_per_unit"]
DATETIME_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%.fZ",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M:%S%.f%:z",
    "%Y-%m-%dT%H:%M:%S%z",
)


# --------------------------------------------------------------------------------------------- reading
def _read(raw: bytes, file: str) -> pl.DataFrame:
    raw = gunzip(SOURCE, file, raw)
    if not raw.strip():
        raise ExportFormatError(SOURCE, file, "file is empty")
    return read_parquet_or_csv(SOURCE, file, raw)


def _timestamp(frame: pl.DataFrame, column: str) -> pl.Expr:
    """A FOCUS date/time (ISO 8601 UTC text, or a Parquet timestamp) as UTC."""
    dtype = frame.schema[column]
    if isinstance(dtype, pl.Datetime):
        col = pl.col(column)
        col = col.dt.replace_time_zone("UTC") if dtype.time_zone is None else col.dt.convert_time_zone("UTC")
        return col.cast(UTC_TS)
    text = pl.col(column).cast(pl.String).str.strip_chars()
    parsed = [text.str.strptime(UTC_TS, fmt, strict=False) for fmt in DATETIME_FORMATS]
    parsed += [
        text.str.strptime(pl.Datetime("us"), fmt, strict=False).dt.replace_time_zone("UTC").cast(UTC_TS)
        for fmt in ("%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d")
    ]
    return pl.coalesce(parsed)


def _json(value: pl.Expr) -> pl.Expr:
    """Any value (nested too) as its JSON text: wrapped in a one-field struct, encoded, unwrapped."""
    return pl.struct(value.alias("v")).struct.json_encode().str.slice(5).str.head(-1)


def _is_key_value_list(dtype: pl.DataType) -> bool:
    return (
        isinstance(dtype, pl.List)
        and isinstance(dtype.inner, pl.Struct)
        and [f.name for f in dtype.inner.fields] == ["key", "value"]
    )


def _texts(frame: pl.DataFrame) -> pl.DataFrame:
    """Every FOCUS column as stripped text (nulls for empty cells); nested Parquet columns as JSON text: a
    map (key/value list: AWS and Azure write Tags so) as a JSON object, a struct or list as its JSON."""
    exprs = []
    for name, dtype in frame.schema.items():
        if name.startswith("_"):
            continue
        if isinstance(dtype, pl.Datetime):
            exprs.append(pl.col(name).dt.strftime("%Y-%m-%dT%H:%M:%SZ").alias(name))
        elif _is_key_value_list(dtype):
            pairs = pl.col(name).list.eval(
                pl.concat_str(
                    _json(pl.element().struct.field("key").cast(pl.String)),
                    pl.lit(":"),
                    _json(pl.element().struct.field("value")),
                )
            )
            exprs.append(pl.concat_str(pl.lit("{"), pairs.list.join(","), pl.lit("}")).alias(name))
        elif dtype.is_nested():
            exprs.append(_json(pl.col(name)).alias(name))
        else:
            exprs.append(pl.col(name).cast(pl.String).str.strip_chars().replace("", None).alias(name))
    return frame.with_columns(exprs)


def _number(column: str) -> pl.Expr:
    return pl.col(column).str.replace_all(",", "").cast(pl.Float64, strict=False)


def _vendor(provider: pl.Expr) -> pl.Expr:
    lower = provider.str.to_lowercase()
    vendor: pl.Expr = pl.lit(None, dtype=pl.String)
    for pattern, name in reversed(PROVIDER_VENDORS):
        vendor = pl.when(lower.str.contains(pattern)).then(pl.lit(name)).otherwise(vendor)
    return vendor


def _slug(text: pl.Expr) -> pl.Expr:
    return text.str.to_lowercase().str.replace_all(r"[^a-z0-9]+", "_").str.strip_chars("_")


# ------------------------------------------------------------------------------------------- mapping
def _unit() -> tuple[pl.Expr, pl.Expr]:
    """(unit family, base units per ConsumedUnit) from ConsumedUnit, per the spec's UnitFormat.

    ``Tokens`` -> (tokens, 1); ``1000 Tokens``, ``1K Tokens`` -> (tokens, 1000); ``Hours`` -> (seconds, 3600)
    """
    unit = pl.col("ConsumedUnit").str.to_lowercase().str.replace_all(",", "")
    parts = unit.str.extract_groups(r"^\s*(\d+(?:\.\d+)?)?\s*([kmb])?\s*([a-z]*)")
    number = parts.struct.field("1").cast(pl.Float64, strict=False).fill_null(1.0)
    scale = parts.struct.field("2").replace_strict(
        {"k": 1e3, "m": 1e6, "b": 1e9}, default=1.0, return_dtype=pl.Float64
    )
    word = parts.struct.field("3").str.replace(r"s$", "")
    family = word.replace_strict(UNIT_WORDS, default=None, return_dtype=pl.String)
    seconds = word.replace_strict(SECONDS_PER, default=1.0, return_dtype=pl.Float64)
    return family, number * scale.fill_null(1.0) * seconds


def _price_detail(key: str) -> pl.Expr:
    return pl.col("SkuPriceDetails").str.json_path_match(f"$.{key}")


def _stated_activity() -> pl.Expr:
    """Token kind the provider states in SkuPriceDetails (``TokenDirection`` or the earlier draft's
    ``TokenType``, with ``TokenCacheAction`` Read/Write); null when it states none."""
    direction = pl.coalesce(_price_detail("TokenDirection"), _price_detail("TokenType")).str.to_lowercase()
    cache = _price_detail("TokenCacheAction").str.to_lowercase()
    return (
        pl.when((direction == "input") & (cache == "read"))
        .then(pl.lit("llm_cached_input_tokens"))
        .when((direction == "input") & (cache == "write"))
        .then(pl.lit("llm_cache_write_tokens"))
        .when(direction == "input")
        .then(pl.lit("llm_input_tokens"))
        .when(direction == "output")
        .then(pl.lit("llm_output_tokens"))
    )


# SkuMeter words -> token kind, the first that matches
METER_ACTIVITIES = [
    (r"embed", "embedding_tokens"),
    (r"cache\s*(read|hit)|cached", "llm_cached_input_tokens"),
    (r"cache\s*writ", "llm_cache_write_tokens"),
    (r"\binput\b|\bprompt\b", "llm_input_tokens"),
    (r"\boutput\b|\bcompletion\b", "llm_output_tokens"),
]


def _named_activity(meter: pl.Expr) -> pl.Expr:
    """Token kind from SkuMeter words (the spec's examples: "Input Tokens", "Output Tokens", "Cache Read
    Input Tokens", "Cache Write Input Tokens"); null when they name none."""
    words = meter.str.to_lowercase().str.replace_all(r"[-_]+", " ")
    return first_match(words, METER_ACTIVITIES)


def _vendor_facts(frame: pl.DataFrame) -> pl.DataFrame:
    """Activity kind and model as each cloud's native reader would read them (shared vocabulary)."""

    def col(name: str) -> pl.Expr:
        return pl.col(name) if name in frame.columns else pl.lit(None, dtype=pl.String)

    vendor = pl.col("vendor")
    usage_type = pl.coalesce(col("x_UsageType"), col("SkuMeter"))  # FOCUS 1.2 with AWS columns: SkuMeter
    aws_activity, _ = aws_usage_type_activity(usage_type)
    aws_raw = pl.coalesce(
        aws_usage_type_model(usage_type),
        pl.when(col("ServiceName").str.contains(r"(?i)amazon bedrock edition")).then(col("ServiceName")),
    )
    meter = pl.coalesce(col("x_SkuMeterName"), col("SkuMeter"))

    def lower(e: pl.Expr) -> pl.Expr:
        return e.str.to_lowercase().fill_null("")

    az_activity, _, az_deployment, _, az_model = azure_meter_facts(
        lower(meter),
        lower(pl.coalesce(col("x_SkuMeterSubcategory"), col("ServiceName"))),
        lower(col("x_SkuMeterCategory")),
        lower(pl.coalesce(col("x_PricingUnitDescription"), col("ConsumedUnit"))),
        lower(col("RegionId")),
    )
    sku_text = pl.coalesce(col("x_SkuDescription"), col("ChargeDescription"), col("SkuMeter"))
    g_raw, g_model = gcp_sku_model(sku_text)
    g_activity = gcp_sku_activity(sku_text, g_model)
    is_aws, is_azure, is_google = vendor == "aws", vendor == "azure", vendor == "google"
    # global and data-zone deployments (Azure), cross-region inference (AWS) pin no grid: no country
    no_grid = (
        pl.when(is_aws)
        .then(usage_type.str.contains(r"(?i)(cross-region|global)"))
        .when(is_azure)
        .then(az_deployment.is_in(["global", "data_zone"]))
        .otherwise(pl.lit(False))
        .fill_null(False)
    )
    return frame.with_columns(
        no_grid.alias("_no_grid"),
        pl.when(is_aws & (aws_activity != "spend"))
        .then(aws_activity)
        .when(is_azure & ~az_activity.is_in(["spend", "tokens_of_unknown_direction"]))
        .then(az_activity)
        .when(is_google)
        .then(g_activity)
        .alias("_vendor_activity"),
        pl.when(is_aws)
        .then(aws_raw)
        .when(is_azure)
        .then(meter)
        .when(is_google)
        .then(g_raw)
        .alias("_vendor_model_raw"),
        pl.when(is_aws)
        .then(aws_model_id(aws_raw))
        .when(is_azure)
        .then(normalise_model(az_model))
        .when(is_google)
        .then(g_model)
        .alias("_vendor_model"),
    )


# words of a row billed in seconds -> video or audio seconds, the first that matches
SECONDS_ACTIVITIES = [
    (r"video|sora|\bveo\b", "video_seconds"),
    (r"transcri|whisper|speech to text|speech-to-text|\bstt\b|audio", "audio_seconds"),
]


def _activity() -> pl.Expr:
    """The canonical activity of an AI usage row: null means the spend-based fallback."""
    family = pl.col("_unit_family")
    # what the provider states first, then its own vocabulary (the native readers'), then SkuMeter words
    stated = pl.coalesce(pl.col("_stated_activity"), pl.col("_vendor_activity"), pl.col("_named_activity"))
    described = pl.concat_str(
        [pl.col("_meter"), pl.col("ChargeDescription"), pl.col("ServiceName")],
        separator=" ",
        ignore_nulls=True,
    ).str.to_lowercase()
    seconds = first_match(described, SECONDS_ACTIVITIES)
    return (
        pl.when(family == "tokens")
        .then(pl.when(stated.is_in(TOKEN_TYPES)).then(stated).otherwise(pl.lit("_unknown_tokens")))
        .when(family == "images")
        .then(pl.lit("images"))
        .when(family == "characters")
        .then(pl.lit("tts_characters"))
        .when(family == "seconds")
        .then(seconds)
        .when(family.is_null())
        .then(stated)  # no unit word this reader knows: the provider's vocabulary decides, else spend
    )


def _with_credits(rows: pl.DataFrame) -> pl.DataFrame:
    """Credit and adjustment rows counted against the usage rows they match (``CREDIT_MATCH``), shared by
    BilledCost; one that matches none stays as a money-only row."""
    usage = pl.col("_kind") == "usage"
    return apportion_credits(rows, CREDIT_MATCH, pl.col("_billed"), "ChargeCategory", usage=usage)


# -------------------------------------------------------------------------------------------- parse
def parse(raw: bytes, file: str) -> ParsedExport:
    frame = _read(raw, file)
    version = spec.detect_version(frame.columns)
    require_columns(SOURCE, file, frame.columns, list(spec.MANDATORY[version]), f"FOCUS {version} export")
    frame = frame.with_columns(
        _timestamp(frame, "ChargePeriodStart").alias("_start"),
        _timestamp(frame, "ChargePeriodEnd").alias("_end"),
    )
    frame = _texts(frame)
    x_columns = sorted(c for c in frame.columns if c.startswith("x_"))  # passed through as attributes
    for name in {
        *CREDIT_MATCH,
        *KEY_COLUMNS,
        *ATTRIBUTE_COLUMNS,
        "ConsumedQuantity",
        "ConsumedUnit",
        "RegionId",
    }:
        if name not in frame.columns and not name.startswith("_"):
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(name))
    if "_problem" not in frame.columns:
        frame = frame.with_columns(
            pl.lit(None, pl.String).alias("_problem"), pl.lit(None, pl.String).alias("_raw")
        )
    days = covered_days(frame.get_column("_start"))
    provider_columns = [
        c for c in ("HostProviderName", "ProviderName", "InvoiceIssuerName") if c in frame.columns
    ]
    provider = pl.coalesce([pl.col(c) for c in provider_columns])
    frame = frame.with_columns(provider.alias("_provider"), _vendor(provider).alias("vendor"))
    vendors = sorted(v for v in frame.get_column("vendor").unique().to_list() if v is not None)
    dataset = ".".join([DATASET_PREFIX, "+".join(vendors)]) if vendors else DATASET_PREFIX

    is_ai = (pl.col("ServiceCategory") == spec.AI_SERVICE_CATEGORY).fill_null(False)
    category = pl.col("ChargeCategory")
    correction = (pl.col("ChargeClass") == "Correction").fill_null(False)
    kind = (
        pl.when(pl.col("_problem").is_not_null())
        .then(pl.lit("usage"))
        .when(~is_ai)
        .then(pl.lit(None, pl.String))
        .when(correction & (category != "Tax"))
        .then(pl.lit("correction"))
        .when(category == "Usage")
        .then(pl.lit("usage"))
        .when(category == "Purchase")
        .then(pl.lit("purchase"))
        .when(category.is_in(CREDIT_CATEGORIES))
        .then(pl.lit("credit"))
    )
    frame = frame.with_columns(kind.alias("_kind"))
    reason = (
        pl.when(~is_ai)
        .then(
            pl.format(
                "not an AI and Machine Learning row (ServiceCategory '{}')",
                pl.col("ServiceCategory").fill_null(""),
            )
        )
        .otherwise(
            pl.format(
                "AI {} row: tax, not usage, purchase or credit", category.fill_null("(no ChargeCategory)")
            )
        )
    )
    skipped = skip_records(frame.filter(pl.col("_kind").is_null()), reason)
    rows = frame.filter(pl.col("_kind").is_not_null())
    if rows.is_empty():
        return ParsedExport(dataset, conform(pl.DataFrame(), PARSED_SCHEMA), days, frame.height, skipped)

    family, per_unit = _unit()
    rows = rows.with_columns(
        _number("BilledCost").alias("_billed"),
        _number("ConsumedQuantity").alias("_consumed"),
        family.alias("_unit_family"),
        per_unit.alias("tokens_per_unit"),
        pl.coalesce(
            pl.col("x_SkuMeterName") if "x_SkuMeterName" in rows.columns else pl.lit(None, pl.String),
            pl.col("SkuMeter"),
        ).alias("_meter"),
        pl.lit(version).alias("focus_version"),
        correction.alias("correction"),
    )
    rows = _vendor_facts(rows).with_columns(
        _stated_activity().alias("_stated_activity"),
        _named_activity(pl.col("_meter")).alias("_named_activity"),
    )
    usage = pl.col("_kind") == "usage"
    activity = pl.when(usage & pl.col("_consumed").is_not_null()).then(_activity())
    rows = rows.with_columns(activity.alias("_activity"))
    rows = _with_credits(rows)

    is_activity = pl.col("_activity").is_not_null() & (pl.col("_activity") != "_unknown_tokens")
    # credits, corrections and refunds (a negative Usage or Purchase charge, "including refunds" in the
    # ChargeCategory definition) are money only: never a negative quantity
    refund = ~is_activity & (pl.col("_billed") < 0).fill_null(False)
    money_only = pl.col("_kind").is_in(["credit", "correction"]) | refund
    model_raw = pl.coalesce(_price_detail("ModelId"), pl.col("_vendor_model_raw"))
    model = pl.coalesce(normalise_model(_price_detail("ModelId")), pl.col("_vendor_model"))
    activity_type = pl.when(money_only | ~is_activity).then(pl.lit("spend")).otherwise(pl.col("_activity"))
    billed = pl.col("_billed")
    quantity = (
        pl.when(money_only)
        .then(0.0)
        .when(is_activity)
        .then((pl.col("_consumed") * pl.col("tokens_per_unit")).round(6))
        .otherwise(billed)
    )
    problem = pl.coalesce(
        pl.col("_problem"),
        pl.when(pl.col("vendor").is_null()).then(
            pl.format(
                "provider '{}' is not a vendor this warehouse knows ({})",
                pl.col("_provider").fill_null("(none)"),
                pl.lit(", ".join(sorted(VENDORS))),
            )
        ),
        pl.when(pl.col("_activity") == "_unknown_tokens").then(
            pl.format(
                "token row (SkuMeter '{}') names no direction (input, output, cached input)",
                pl.col("_meter").fill_null(""),
            )
        ),
    )
    region = pl.col("RegionId").str.to_lowercase()
    country = pl.lit(None, dtype=pl.String)
    for vendor_name, table in REGION_COUNTRY.items():
        country = (
            pl.when(pl.col("vendor") == vendor_name)
            .then(region.replace_strict(table, default=None, return_dtype=pl.String))
            .otherwise(country)
        )
    project = (
        pl.when(pl.col("vendor") == "google")
        .then(pl.col("SubAccountId"))
        .when(pl.col("vendor") == "azure")
        .then(pl.col("ResourceId").str.extract(r"(?i)/resourcegroups/([^/]+)", 1).str.to_lowercase())
        .otherwise(
            pl.coalesce(
                pl.col("Tags").str.json_path_match("$['user:project']"),
                pl.col("Tags").str.json_path_match("$.project"),
            )
        )
    )
    # the native readers' account: GCP billing account, Azure subscription id, AWS usage account
    account = (
        pl.when(pl.col("vendor") == "google")
        .then(pl.col("BillingAccountId"))
        .otherwise(pl.coalesce("SubAccountId", "BillingAccountId").str.replace(r"(?i)^/subscriptions/", ""))
    )
    rows = rows.with_columns(
        pl.col("_start").dt.strftime("%Y-%m-%dT%H:%M:%SZ").alias("_start_iso"),
        pl.col("_end").dt.strftime("%Y-%m-%dT%H:%M:%SZ").alias("_end_iso"),
        activity_type.alias("activity_type"),
    )
    key = pl.concat_str(natural_key(KEY_COLUMNS), pl.lit("|"), pl.col("activity_type"))
    ordinal = pl.int_range(pl.len()).over(key)
    net = (
        pl.when(money_only)
        .then(pl.coalesce(pl.col("_credit"), billed))
        .otherwise(billed + pl.col("_credit").fill_null(0.0))
    )
    out = rows.with_columns(
        json_attributes([*ATTRIBUTE_COLUMNS, *DERIVED_ATTRIBUTES, *x_columns], rows).alias("attributes"),
        pl.when(ordinal > 0)
        .then(pl.concat_str(key, pl.lit("#"), ordinal.cast(pl.String)))
        .otherwise(key)
        .alias("natural_key"),
        problem.alias("_problem"),
        pl.lit(dataset).alias("dataset"),
        pl.concat_str(pl.col("vendor").fill_null("unknown"), pl.lit("."), _slug(pl.col("ServiceName"))).alias(
            "service"
        ),
        model_raw.alias("model_raw"),
        model.alias("model"),
        pl.col("activity_type")
        .replace_strict(ACTIVITY_UNITS, default=None, return_dtype=pl.String)
        .alias("unit"),
        quantity.alias("quantity"),
        pl.col("_start").alias("usage_start"),
        pl.col("_end").alias("usage_end"),
        pl.col("_start").dt.date().alias("usage_date"),
        region.alias("region"),
        pl.when(pl.col("_no_grid")).then(pl.lit(None, pl.String)).otherwise(country).alias("country"),
        account.alias("account"),
        project.alias("project"),
        pl.when(money_only).then(pl.lit(0.0)).otherwise(billed).round(10).cast(MONEY).alias("cost_amount"),
        net.round(10).cast(MONEY).alias("cost_amount_net"),
        pl.col("BillingCurrency").str.to_uppercase().alias("cost_currency"),
        pl.col("_pointer").alias("source_row"),
    )
    return ParsedExport(dataset, conform(out, PARSED_SCHEMA), days, frame.height, skipped)


CONNECTOR = Connector(
    source=SOURCE,
    vendor="focus",
    version=VERSION,
    file_patterns=("*.csv", "*.csv.gz", "*.parquet"),
    parse=parse,
    description="FinOps FOCUS 1.0-1.4 cost and usage exports (CSV, Parquet), AI and Machine Learning rows",
)
