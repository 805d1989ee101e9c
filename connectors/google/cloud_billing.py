"""Google Cloud Billing export to BigQuery, saved to a file: Gemini API and Vertex AI lines.

Reads the standard (``gcp_billing_export_v1_<ACCOUNT>``) and detailed
(``gcp_billing_export_resource_v1_<ACCOUNT>``) usage cost tables as a user takes them out of BigQuery:

* CSV of a query result: BigQuery cannot export nested or repeated fields to CSV, so the file holds
  flattened columns, either as the console names them (``service.description``, ``usage.amount``,
  ``location.region``...) or as the documented flattening query aliases them (``service_description``,
  ``usage_amount``, ``amount_in_pricing_units``, ``region``, ``credits_amount``, ``labels_json``...).
  Repeated fields (``labels``, ``credits``) may be present as ``TO_JSON_STRING`` text.
* JSON lines (``bq extract --destination_format NEWLINE_DELIMITED_JSON``) or a JSON array (the
  console's "save results as JSON"): nested records and repeated ``{key, value}`` lists.
* Parquet (``bq extract --destination_format PARQUET``): nested structs and lists.

The format is detected from the content (``PAR1`` magic, ``{`` or ``[``, else CSV); gzip-compressed
exports are decompressed first. The grain is one row per SKU x project x hour (plus labels, and plus
resource in the detailed table). Only AI lines are kept: service ``Gemini API`` (formerly
``Generative Language API``) and ``Vertex AI``. Each kept line becomes one canonical row: its
``sku.description`` names the token class (input, cached input, output), modality and model, because
Google's unit strings for these SKUs are not reliable; the quantity is
``usage.amount_in_pricing_units`` multiplied out of its pricing unit (``1000 count`` -> x1000), else
``usage.amount``. AI lines whose SKU is not a generative-AI measure (context-cache storage, node hours,
tax and adjustments) become ``spend`` rows.

Every record is counted; lines of other services are skipped with a reason. ``cost_amount_net`` = ``cost``
+ the sum of the (negative) ``credits`` amounts, Google's net-cost formula. The shards of one ``bq
extract`` (``<name>-000000000000.csv``...) land as one export. docs/sources.md lists every shape read and
every field not landed.
"""

from __future__ import annotations

import io

import polars as pl

from connectors.core import cloud_regions
from connectors.core.base import Connector, ExportFormatError, ParsedExport, numbered_parts
from connectors.core.cloud_ai_models import gcp_sku_activity, gcp_sku_model
from connectors.core.frames import (
    covered_days,
    ensure_columns,
    gunzip,
    json_attributes,
    json_problem,
    natural_key,
    read_csv_rows,
    read_table_rows,
    require_columns,
    skip_records,
)
from connectors.core.schema import ACTIVITY_UNITS, MONEY, PARSED_SCHEMA, UTC_TS, conform
from connectors.core.wording import first_match

SOURCE = "gcp_billing"
VERSION = "1.0.0"
VENDOR = "google"

# service.description (lower case) -> canonical service
AI_SERVICES = {
    "gemini api": "google.gemini_api",
    "generative language api": "google.gemini_api",  # the Gemini API's earlier billing name
    "vertex ai": "google.vertex_ai",
}
VERTEX_SERVICE_ID = "C7E2-9256-1C43"

# Flattened column names as a query result may carry them (after lower-casing and '.' -> '_') -> ours
ALIASES = {
    "service": "service_description",
    "sku": "sku_description",
    "amount_in_pricing_units": "usage_amount_in_pricing_units",
    "pricing_unit": "usage_pricing_unit",
    "region": "location_region",
    "labels_json": "labels",
    "system_labels_json": "system_labels",
    "credits_json": "credits",
    "credits_sum": "credits_amount",
}
TEXT_FIELDS = [
    "billing_account_id",
    "service_id",
    "service_description",
    "sku_id",
    "sku_description",
    "project_id",
    "project_number",
    "project_name",
    "location_location",
    "location_region",
    "location_zone",
    "location_country",
    "usage_unit",
    "usage_pricing_unit",
    "currency",
    "cost_type",
    "invoice_month",
    "transaction_type",
    "seller_name",
    "resource_name",
    "resource_global_name",
    "adjustment_info_id",
    "adjustment_info_description",
]
NUMBER_FIELDS = [
    "usage_amount",
    "usage_amount_in_pricing_units",
    "cost",
    "credits_amount",
    "currency_conversion_rate",
    "cost_at_list",
    "price_effective_price",
]
REQUIRED = ["usage_start_time", "usage_end_time", "service_description", "sku_description", "cost"]
KEY_LIST = pl.List(pl.Struct({"key": pl.String, "value": pl.String}))
CREDIT_LIST = pl.List(
    pl.Struct(
        {"name": pl.String, "amount": pl.Float64, "full_name": pl.String, "id": pl.String, "type": pl.String}
    )
)
# The record's natural key: one row per SKU x project x hour x location x labels (x resource in the
# detailed table); rows written later for the same hour differ by export_time, adjustments by cost_type.
KEY_FIELDS = [
    "billing_account_id",
    "project_id",
    "service_id",
    "service_description",
    "sku_id",
    "sku_description",
    "_start_iso",
    "_end_iso",
    "location_location",
    "location_region",
    "location_zone",
    "cost_type",
    "adjustment_info_id",
    "resource_name",
    "_labels_key",
    "_system_labels_key",
    "_export_iso",
]
ATTRIBUTES = [
    "service_id",
    "service_description",
    "sku_id",
    "sku_description",
    "usage_amount",
    "usage_unit",
    "usage_amount_in_pricing_units",
    "usage_pricing_unit",
    "cost_type",
    "cost_at_list",
    "credits_amount",
    "cost_net",
    "credits",
    "currency_conversion_rate",
    "invoice_month",
    "export_time",
    "project_number",
    "project_name",
    "location_location",
    "location_zone",
    "location_country",
    "labels",
    "system_labels",
    "transaction_type",
    "seller_name",
    "resource_name",
    "resource_global_name",
    "price_effective_price",
    "adjustment_info_id",
    "adjustment_info_description",
    "modality",
    "context",
    "mode",
    "thinking",
    "global_endpoint",
    "tokens_from_characters",
]
DERIVED = {"cost_net", "modality", "context", "mode", "thinking", "global_endpoint", "tokens_from_characters"}
CHARS_PER_TOKEN = 4.0  # Google's rule of thumb for Gemini; used only for legacy character-priced SKUs

# GCP region -> ISO 3166 alpha-3 country of its data centres; multi-regions (us, eu, asia) and
# "global" pin no grid and stay null.
REGION_COUNTRY = cloud_regions.GCP_REGION_COUNTRY


# --------------------------------------------------------------------------------------------- reading
def _read(raw: bytes, file: str) -> tuple[pl.DataFrame, str]:
    """The export as a frame with ``_pointer``, whatever its format; returns the format name too."""
    raw = gunzip(SOURCE, file, raw, "unreadable gzip")
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if not head:
        raise ExportFormatError(SOURCE, file, "file is empty")
    if raw[:4] == b"PAR1":
        return read_table_rows(SOURCE, file, raw), "parquet"
    if head == b"{":
        return read_table_rows(SOURCE, file, raw.lstrip(b"\xef\xbb\xbf")), "jsonl"
    if head == b"[":
        try:
            frame = pl.read_json(io.BytesIO(raw), infer_schema_length=None)
        except Exception as exc:
            raise ExportFormatError(SOURCE, file, json_problem(raw, exc)) from exc
        pointer = pl.concat_str(pl.lit("/"), pl.int_range(pl.len()).cast(pl.String))
        return frame.with_columns(pointer.alias("_pointer"), pointer.alias("_record")), "json"
    return read_csv_rows(SOURCE, file, raw), "csv"


def _flatten(frame: pl.DataFrame) -> pl.DataFrame:
    """Nested records -> ``<record>_<field>`` columns; flattened names -> the same snake-case names."""
    frame = frame.rename(
        {c: c.strip().lower().replace(".", "_") for c in frame.columns if not c.startswith("_")}
    )
    for _ in range(3):  # records nest at most two levels deep (project.labels is a list, not a record)
        structs = [c for c, dtype in frame.schema.items() if isinstance(dtype, pl.Struct)]
        if not structs:
            break
        frame = frame.with_columns(
            pl.col(c).struct.unnest().name.prefix(f"{c}_") for c in structs if frame.schema[c].fields
        ).drop(structs)
    renames = {old: new for old, new in ALIASES.items() if old in frame.columns and new not in frame.columns}
    return frame.rename(renames)  # a plain `service`/`sku` text column is a query's alias of the description


def _key_value_list(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """A repeated ``{key, value}`` field as a list of structs, from a list or its TO_JSON_STRING text."""
    if column not in frame.columns:
        return frame.with_columns(pl.lit(None, dtype=KEY_LIST).alias(column))
    return _as_list(frame, column, KEY_LIST)


def _as_list(frame: pl.DataFrame, column: str, dtype: pl.List) -> pl.DataFrame:
    current = frame.schema[column]
    if current == pl.String:
        text = pl.col(column).str.strip_chars()
        cleaned = pl.when(text.str.starts_with("[")).then(text).otherwise(pl.lit(None, pl.String))
        try:
            return frame.with_columns(cleaned.str.json_decode(dtype).alias(column))
        except Exception:  # a malformed cell: keep the text (it still lands in attributes and the key)
            return frame
    if isinstance(current, pl.List) and current.inner == pl.Null:
        return frame.with_columns(pl.lit(None, dtype=dtype).alias(column))
    try:
        return frame.with_columns(pl.col(column).cast(dtype, strict=False))
    except Exception:
        return frame


def _list_key(frame: pl.DataFrame, column: str) -> pl.Expr:
    """Sorted ``key=value`` pairs: the same labels give the same key whatever the file format."""
    if frame.schema[column] == pl.String:
        return pl.col(column)
    pairs = pl.col(column).list.eval(
        pl.concat_str(
            pl.element().struct.field("key").fill_null(""),
            pl.lit("="),
            pl.element().struct.field("value").fill_null(""),
        )
    )
    return pairs.list.sort().list.join(";")


def _timestamp(frame: pl.DataFrame, column: str) -> pl.Expr:
    """BigQuery ``2026-09-01 10:00:00 UTC``, RFC 3339 or a Parquet timestamp, as UTC."""
    dtype = frame.schema[column]
    if isinstance(dtype, pl.Datetime):
        value = pl.col(column)
        value = value.dt.replace_time_zone("UTC") if dtype.time_zone is None else value
        return value.dt.convert_time_zone("UTC").cast(UTC_TS)
    text = pl.col(column).cast(pl.String).str.strip_chars()
    text = text.str.replace(r"\s*(UTC|Z)$", "+00:00").str.replace("T", " ")
    text = pl.when(text.str.contains(r"[+-]\d\d:?\d\d$")).then(text).otherwise(text + "+00:00")
    parsed = text.str.to_datetime("%Y-%m-%d %H:%M:%S%.f%z", time_zone="UTC", strict=False, time_unit="us")
    return parsed.cast(UTC_TS)


def _number(column: str) -> pl.Expr:
    return (
        pl.col(column)
        .cast(pl.String)
        .str.strip_chars()
        .str.replace_all(",", "")
        .cast(pl.Float64, strict=False)
    )


# ------------------------------------------------------------------------------------------- mapping
def _unit_multiplier(unit: pl.Expr, *, seconds: pl.Expr) -> pl.Expr:
    """How many base units one vendor unit is: ``1000 count`` -> 1000, ``1M tokens`` -> 1e6,
    ``minute`` -> 60 (for time measures only). A missing or plain unit (``count``) is 1."""
    text = unit.str.strip_chars().str.to_lowercase()
    number = text.str.extract(r"^(\d[\d,]*(?:\.\d+)?)", 1).str.replace_all(",", "").cast(pl.Float64)
    scale = (
        pl.when(text.str.contains(r"^\d[\d,.]*\s*k\b|\bk\b|thousand"))
        .then(1e3)
        .when(text.str.contains(r"^\d[\d,.]*\s*m\b|\bm\b|million"))
        .then(1e6)
        .when(text.str.contains(r"billion"))
        .then(1e9)
        .otherwise(1.0)
    )
    time = (
        pl.when(seconds & text.str.contains(r"\bhours?\b|\bh\b"))
        .then(3600.0)
        .when(seconds & text.str.contains(r"\bmin(ute)?s?\b"))
        .then(60.0)
        .otherwise(1.0)
    )
    return number.fill_null(1.0) * scale * time


# words of a SKU description -> its context length and its mode, the first that matches
SKU_CONTEXTS = [(r"\blong\b", "long"), (r"\bshort\b", "short")]
SKU_MODES = [(r"\bbatch\b", "batch"), (r"\bpriority\b", "priority"), (r"\bflex\b", "flex")]


def _sku_details(sku: pl.Expr) -> list[pl.Expr]:
    """What the SKU description says beyond the token class: modality, context length, mode, endpoint."""
    d = sku.str.to_lowercase()
    modality = d.str.extract(r"\b(text|image|audio|video)\s+(?:input|output)\b", 1)
    modality = pl.coalesce(modality, d.str.extract(r"\b(?:input|output)\s+(text|image|audio|video)\b", 1))
    return [
        modality.alias("modality"),
        first_match(d, SKU_CONTEXTS).alias("context"),
        first_match(d, SKU_MODES).alias("mode"),
        d.str.contains(r"thinking").alias("thinking"),
        d.str.contains(r"\bglobal\b").alias("global_endpoint"),
    ]


def _country(region: pl.Expr) -> pl.Expr:
    return region.replace_strict(REGION_COUNTRY, default=None, return_dtype=pl.String)


# -------------------------------------------------------------------------------------------- parse
def parse(raw: bytes, file: str) -> ParsedExport:
    frame, _ = _read(raw, file)
    frame = _flatten(frame)
    required = list(REQUIRED)
    if not {"usage_amount", "usage_amount_in_pricing_units"} & set(frame.columns):
        required.append("usage.amount or usage.amount_in_pricing_units")
    require_columns(SOURCE, file, frame.columns, required, "Cloud Billing export")
    dataset = "detailed_usage_cost" if "resource_name" in frame.columns else "standard_usage_cost"
    exported = set(frame.columns)  # attributes list only the fields the export has
    frame = ensure_columns(frame, dict.fromkeys([*TEXT_FIELDS, *NUMBER_FIELDS, "export_time"], pl.String()))
    frame = frame.with_columns(
        _timestamp(frame, "usage_start_time").alias("_start"),
        _timestamp(frame, "usage_end_time").alias("_end"),
        _timestamp(frame, "export_time").alias("_export"),
    )
    days = covered_days(frame.get_column("_start"))  # every day the export covers, AI usage or not

    service = pl.col("service_description").cast(pl.String).str.strip_chars()
    is_ai = service.str.to_lowercase().is_in(list(AI_SERVICES)) | (
        pl.col("service_id").cast(pl.String).str.strip_chars() == VERTEX_SERVICE_ID
    )
    # every record is counted: AI lines land, lines the reader could not split are quarantined, the rest
    # of the bill (Compute Engine, BigQuery...) is skipped with a reason
    frame = ensure_columns(frame, {"_problem": pl.String(), "_raw": pl.String()})
    keep = is_ai.fill_null(False) | pl.col("_problem").is_not_null()
    skipped = skip_records(frame.filter(~keep), "not a Gemini API or Vertex AI line")
    ai = frame.filter(keep)
    if ai.is_empty():
        return ParsedExport(dataset, conform(pl.DataFrame(), PARSED_SCHEMA), days, frame.height, skipped)

    ai = ai.with_columns(
        [pl.col(c).cast(pl.String).str.strip_chars() for c in TEXT_FIELDS]
        + [_number(c) for c in NUMBER_FIELDS if ai.schema[c] != pl.Float64]
    )
    for column in ("labels", "system_labels"):
        ai = _key_value_list(ai, column)
    if "credits" in ai.columns:
        ai = _as_list(ai, "credits", CREDIT_LIST)
        if isinstance(ai.schema["credits"], pl.List):
            summed = pl.col("credits").list.eval(pl.element().struct.field("amount")).list.sum()
            ai = ai.with_columns(pl.coalesce("credits_amount", summed).alias("credits_amount"))
            exported.add("credits_amount")

    model_raw, model = gcp_sku_model(pl.col("sku_description"))
    ai = ai.with_columns(
        model_raw.alias("model_raw"),
        model.alias("model"),
        *_sku_details(pl.col("sku_description")),
        pl.col("service_description")
        .str.to_lowercase()
        .replace_strict(AI_SERVICES, default="google.vertex_ai", return_dtype=pl.String)
        .alias("service"),
    )
    ai = ai.with_columns(
        pl.when(pl.col("cost_type").is_null() | (pl.col("cost_type").str.to_lowercase() == "regular"))
        .then(gcp_sku_activity(pl.col("sku_description"), pl.col("model")))
        .alias("_activity")
    )
    seconds = pl.col("_activity") == "video_seconds"
    usage = pl.coalesce(
        pl.col("usage_amount_in_pricing_units")
        * _unit_multiplier(pl.col("usage_pricing_unit"), seconds=seconds),
        pl.col("usage_amount") * _unit_multiplier(pl.col("usage_unit"), seconds=seconds),
    )
    characters = (
        pl.col("_activity").is_in(
            ["llm_input_tokens", "llm_cached_input_tokens", "llm_output_tokens", "embedding_tokens"]
        )
        & pl.concat_str(
            pl.col("sku_description"), pl.col("usage_pricing_unit"), pl.col("usage_unit"), ignore_nulls=True
        ).str.contains(r"(?i)\bcharacters?\b")
    ).fill_null(False)
    cost = pl.col("cost").cast(MONEY, strict=False)
    ai = ai.with_columns(
        pl.when(pl.col("_activity").is_null())
        .then(pl.col("cost"))
        .when(characters)
        .then(usage / CHARS_PER_TOKEN)
        .otherwise(usage)
        .alias("quantity"),
        pl.when(characters).then(pl.lit(True)).alias("tokens_from_characters"),
        pl.col("_activity").fill_null("spend").alias("activity_type"),
        (pl.col("cost") + pl.col("credits_amount").fill_null(0.0)).round(12).alias("cost_net"),
        _list_key(ai, "labels").alias("_labels_key"),
        _list_key(ai, "system_labels").alias("_system_labels_key"),
        pl.col("_start").dt.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").alias("_start_iso"),
        pl.col("_end").dt.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").alias("_end_iso"),
        pl.col("_export").dt.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").alias("_export_iso"),
    ).with_columns(pl.col("_export_iso").alias("export_time"))
    # Identical keys can remain (a query that dropped export_time and labels): number the repeats so
    # no line is lost, in file order; the repeats are interchangeable, so their ids stay stable.
    key = pl.concat_str(natural_key(KEY_FIELDS), pl.lit("|"), pl.col("activity_type"))
    repeat = pl.int_range(pl.len()).over(key)
    region = pl.coalesce(pl.col("location_region"), pl.col("location_location")).str.to_lowercase()
    region = region.str.replace(r"^([a-z]+-[a-z]+\d+)-[a-z]$", "$1")  # a zone -> its region
    rows = ai.with_columns(
        pl.when(repeat == 0)
        .then(key)
        .otherwise(pl.concat_str(key, pl.lit("#"), repeat.cast(pl.String)))
        .alias("natural_key"),
    )
    rows = rows.with_columns(
        json_attributes([a for a in ATTRIBUTES if a in exported or a in DERIVED], rows).alias("attributes"),
        pl.col("_pointer").alias("source_row"),
        pl.lit(VENDOR).alias("vendor"),
        pl.col("activity_type")
        .replace_strict(ACTIVITY_UNITS, default=None, return_dtype=pl.String)
        .alias("unit"),
        pl.col("_start").alias("usage_start"),
        pl.col("_end").alias("usage_end"),
        pl.col("_start").dt.date().alias("usage_date"),
        region.alias("region"),
        _country(region).alias("country"),
        pl.col("billing_account_id").alias("account"),
        pl.col("project_id").alias("project"),
        cost.alias("cost_amount"),
        # net = cost + the sum of the (negative) credits: promotions, sustained-use and committed-use
        # discounts, free tier (Google's documented net-cost formula)
        pl.col("cost_net").cast(MONEY, strict=False).alias("cost_amount_net"),
        pl.col("currency").str.to_uppercase().alias("cost_currency"),
        pl.lit(dataset).alias("dataset"),
    )
    return ParsedExport(dataset, conform(rows, PARSED_SCHEMA), days, frame.height, skipped)


# the shards of one ``bq extract`` to a wildcard URI: ``<name>-000000000000.csv``, ``-000000000001.csv``...
SHARD_FILES = r"(?P<stem>.+)-(?P<part>\d{12})(?P<ext>\.(csv|jsonl|ndjson|json|parquet)(\.gz)?)"

CONNECTOR = Connector(
    source=SOURCE,
    vendor=VENDOR,
    version=VERSION,
    group_files=numbered_parts(SHARD_FILES),
    file_patterns=(
        "*.csv",
        "*.jsonl",
        "*.ndjson",
        "*.json",
        "*.parquet",
        "*.csv.gz",
        "*.jsonl.gz",
        "*.json.gz",
    ),
    parse=parse,
    description="Cloud Billing export to BigQuery (CSV, JSON lines, Parquet): Gemini API and Vertex AI lines",
)
