"""AWS Cost and Usage Report (CUR 2.0 and legacy CUR) line items for Amazon Bedrock, CSV or Parquet.

One CUR line item is one usage type of one account in one time bucket (hourly, daily or monthly).
Bedrock inference bills one usage type per token kind (``USE1-Claude3.5Sonnet-input-tokens``,
``...-output-tokens``, ``...-cache-read-input-token-count``, ``...-cache-write-input-token-count``),
with the service tier (``-flex``, ``-priority``, ``-batch``) and cross-region inference
(``-cross-region-global``) in the usage type. Third-party models (Anthropic Claude and others) are
sold through AWS Marketplace: their lines carry ``bill_billing_entity = 'AWS Marketplace'``, a
marketplace product code instead of ``AmazonBedrock``, a product name such as
``Claude 3.5 Sonnet (Amazon Bedrock Edition)`` and usage types such as
``USW2-MP:USW2_InputTokenCount-Units``; they are kept too.

Column names are read in three spellings: CUR 2.0 (``line_item_usage_type``), legacy CUR CSV
(``lineItem/UsageType``) and legacy CUR as integrated with Athena (``product_region``,
``resource_tags_user_team``). The CUR 2.0 ``product`` and ``resource_tags`` columns are maps: a
Parquet MAP, or a JSON object in CSV. Files may be gzip-compressed as AWS delivers them.

Every record is counted. Usage line item types (``Usage``, ``DiscountedUsage``,
``SavingsPlanCoveredUsage``) of Bedrock become activity; Bedrock credit and discount lines (``Credit``,
``Refund``, ``EdpDiscount``, ``BundledDiscount``, ``SppDiscount``...) make ``cost_amount_net``: each counts
against the usage lines of its time interval, account, usage type and operation (shared by gross cost),
plus a line's own ``discount_total_discount``; one that matches no usage line lands as a money-only
``spend`` row (quantity 0, gross 0, net its amount), so net spend reconciles with the invoice. Non-Bedrock
lines and Bedrock tax and fee lines are skipped with a reason; all count towards the days the file covers.
The part files of one delivery (``<export-name>-00001.csv.gz``...) land as one export (``group_files``).
docs/sources.md lists every shape read and every field not landed.
"""

from __future__ import annotations

import polars as pl

from connectors.core import cloud_regions
from connectors.core.base import Connector, ExportFormatError, ParsedExport, numbered_parts
from connectors.core.cloud_ai_models import (
    AWS_TOKEN_ACTIVITIES,
    aws_model_id,
    aws_usage_type_activity,
    aws_usage_type_model,
)
from connectors.core.frames import (
    apportion_credits,
    covered_days,
    gunzip,
    json_attributes,
    natural_key,
    read_parquet_or_csv,
    require_columns,
    skip_records,
)
from connectors.core.schema import MONEY, PARSED_SCHEMA, UTC_TS, conform

SOURCE = "aws_cur"
VERSION = "1.0.0"
DATASET = "bedrock"

# canonical field -> the column names it has in CUR 2.0, legacy CUR CSV and legacy CUR in Athena
COLUMNS: dict[str, tuple[str, ...]] = {
    "line_item_id": ("identity_line_item_id", "identity/LineItemId"),
    "time_interval": ("identity_time_interval", "identity/TimeInterval"),
    "billing_entity": ("bill_billing_entity", "bill/BillingEntity"),
    "payer_account": ("bill_payer_account_id", "bill/PayerAccountId"),
    "usage_account": ("line_item_usage_account_id", "lineItem/UsageAccountId"),
    "line_item_type": ("line_item_line_item_type", "lineItem/LineItemType"),
    "start": ("line_item_usage_start_date", "lineItem/UsageStartDate"),
    "end": ("line_item_usage_end_date", "lineItem/UsageEndDate"),
    "product_code": ("line_item_product_code", "lineItem/ProductCode"),
    "usage_type": ("line_item_usage_type", "lineItem/UsageType"),
    "operation": ("line_item_operation", "lineItem/Operation"),
    "resource_id": ("line_item_resource_id", "lineItem/ResourceId"),
    "usage_amount": ("line_item_usage_amount", "lineItem/UsageAmount"),
    "unblended_rate": ("line_item_unblended_rate", "lineItem/UnblendedRate"),
    "unblended_cost": ("line_item_unblended_cost", "lineItem/UnblendedCost"),
    "currency": ("line_item_currency_code", "lineItem/CurrencyCode"),
    "description": ("line_item_line_item_description", "lineItem/LineItemDescription"),
    "iam_principal": ("line_item_iam_principal", "lineItem/IamPrincipal"),
    "region_code": ("product_region_code", "product/regionCode", "product/region", "product_region"),
    "product_name": ("product_product_name", "product/ProductName", "product_servicename"),
    "product_family": ("product_product_family", "product/productFamily"),
    "service_code": ("product_servicecode", "product/servicecode"),
    "pricing_unit": ("pricing_unit", "pricing/unit"),
    "net_unblended_cost": ("line_item_net_unblended_cost", "lineItem/NetUnblendedCost"),
    "discount_total": ("discount_total_discount", "discount/TotalDiscount"),
}
REQUIRED = ("start", "end", "product_code", "usage_type", "usage_amount", "unblended_cost")
# keys looked up inside the CUR 2.0 ``product`` map when there is no flat column for them
PRODUCT_MAP_KEYS = {"product_name": "product_name", "region_code": "region"}
# resource tag keys (CUR 2.0 map key / legacy column suffix) that name the project
PROJECT_TAGS = ("user_project", "user:project")

BEDROCK_PRODUCT_CODES = ("AmazonBedrock", "AmazonBedrockService", "AmazonBedrockFoundationModels")
USAGE_LINE_TYPES = ("Usage", "DiscountedUsage", "SavingsPlanCoveredUsage")
# money lines that lower what usage costs: credits, refunds, discounts (with "manual discount
# compatibility" CUR 2.0 and legacy CUR state discounts as their own line items) and the Savings Plan
# negation of covered usage; they make ``cost_amount_net``, never activity
CREDIT_LINE_TYPES = (
    "Credit",
    "Refund",
    "EdpDiscount",
    "BundledDiscount",
    "SppDiscount",
    "PrivateRateDiscount",
    "DistributorDiscount",
    "Discount",
    "SavingsPlanNegation",
)
# a credit or discount line counts against the usage lines of the same bucket, account and usage type
CREDIT_MATCH = ["_interval_key", "usage_account", "product_code", "usage_type", "operation"]
# Marketplace listings of Bedrock models: product name, or a token-count usage type of a marketplace
# listing, or a product name naming a model vendor sold on Bedrock
BEDROCK_EDITION = r"(?i)amazon bedrock edition"
MARKETPLACE_TOKEN_USAGE = (
    r"(?i)-MP:.*(input_?token|output_?token|cache_?read|cache_?write|tokencount|_tokens_)"
)
MODEL_VENDOR_NAME = r"(?i)\b(claude|anthropic)\b"

# The usage-type region prefix AWS bills under -> region code
USAGE_TYPE_REGIONS = {
    "USE1": "us-east-1",
    "USE2": "us-east-2",
    "USW1": "us-west-1",
    "USW2": "us-west-2",
    "UGW1": "us-gov-west-1",
    "UGE1": "us-gov-east-1",
    "CAN1": "ca-central-1",
    "CAN2": "ca-west-1",
    "EUC1": "eu-central-1",
    "EUC2": "eu-central-2",
    "EUW1": "eu-west-1",
    "EUW2": "eu-west-2",
    "EUW3": "eu-west-3",
    "EUN1": "eu-north-1",
    "EUS1": "eu-south-1",
    "EUS2": "eu-south-2",
    "APN1": "ap-northeast-1",
    "APN2": "ap-northeast-2",
    "APN3": "ap-northeast-3",
    "APS1": "ap-southeast-1",
    "APS2": "ap-southeast-2",
    "APS3": "ap-south-1",
    "APS4": "ap-southeast-3",
    "APS5": "ap-south-2",
    "APS6": "ap-southeast-4",
    "APE1": "ap-east-1",
    "SAE1": "sa-east-1",
    "MEC1": "me-central-1",
    "MES1": "me-south-1",
    "AFS1": "af-south-1",
    "ILC1": "il-central-1",
}
# AWS region -> ISO 3166 alpha-3 country of its data centres
REGION_COUNTRIES = cloud_regions.AWS_REGION_COUNTRY
# a marketplace "Units" price of at least this much per unit cannot be per token (the dearest token
# costs under $0.0002), so the unit is the price list's million tokens
MARKETPLACE_PER_MILLION_RATE = 0.001

ATTRIBUTES = [
    "line_item_id",
    "time_interval",
    "billing_entity",
    "payer_account",
    "line_item_type",
    "product_code",
    "usage_type",
    "operation",
    "resource_id",
    "iam_principal",
    "product_name",
    "product_family",
    "service_code",
    "pricing_unit",
    "usage_amount",
    "unit_multiplier",
    "unblended_rate",
    "description",
    "net_unblended_cost",
    "discount_total",
    "credit_lines",
    "service_tier",
    "cross_region",
    "resource_tags",
]
KEY_FIELDS = [
    "_interval_key",
    "payer_account",
    "usage_account",
    "billing_entity",
    "product_code",
    "usage_type",
    "operation",
    "resource_id",
    "iam_principal",
    "line_item_type",
]


def _read(raw: bytes, file: str) -> pl.DataFrame:
    """The file as a frame with ``_pointer``: Parquet (``PAR1`` magic) or CSV, either possibly gzipped."""
    return read_parquet_or_csv(SOURCE, file, gunzip(SOURCE, file, raw))


def _text(frame: pl.DataFrame, column: str) -> pl.Expr:
    dtype = frame.schema[column]
    if isinstance(dtype, pl.Datetime):
        return pl.col(column).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return pl.col(column).cast(pl.String)


def _map_text(frame: pl.DataFrame, column: str, key: str) -> pl.Expr | None:
    """One key of a CUR 2.0 map column: a Parquet MAP, a list of key/value structs, or CSV JSON text."""
    if column not in frame.columns:
        return None
    dtype = frame.schema[column]
    if isinstance(dtype, pl.Map):
        return pl.col(column).map.get(key).cast(pl.String)
    if isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct):
        return (
            pl.col(column)
            .list.eval(pl.element().filter(pl.element().struct.field("key") == key).struct.field("value"))
            .list.first()
            .cast(pl.String)
        )
    if dtype == pl.String:
        return pl.col(column).str.json_path_match(f"$.{key}")
    return None


def _select_fields(frame: pl.DataFrame, file: str) -> pl.DataFrame:
    """Every canonical field under one name, whichever CUR spelling the file uses."""
    fields: dict[str, pl.Expr] = {}
    for name, candidates in COLUMNS.items():
        present = [_text(frame, c) for c in candidates if c in frame.columns]
        if name in PRODUCT_MAP_KEYS:
            mapped = _map_text(frame, "product", PRODUCT_MAP_KEYS[name])
            if mapped is not None:
                present.append(mapped)
        fields[name] = pl.coalesce(present) if present else pl.lit(None, dtype=pl.String)
    discount = _map_text(frame, "discount", "total_discount")
    if discount is not None:
        fields["discount_total"] = pl.coalesce(fields["discount_total"], discount)
    missing = [COLUMNS[name][0] for name in REQUIRED if not any(c in frame.columns for c in COLUMNS[name])]
    require_columns(SOURCE, file, frame.columns, missing, "Cost and Usage Report (CUR 2.0 or legacy names)")
    exprs = [e.cast(pl.String).str.strip_chars().replace("", None).alias(n) for n, e in fields.items()]
    bookkeeping = [pl.col(c) for c in ("_record", "_problem", "_raw") if c in frame.columns]
    return frame.select(
        *exprs,
        _timestamp(frame, COLUMNS["start"]).alias("_start"),
        _timestamp(frame, COLUMNS["end"]).alias("_end"),
        _resource_tags(frame).alias("resource_tags"),
        _project(frame).alias("project"),
        pl.col("_pointer"),
        *bookkeeping,
    )


def _timestamp(frame: pl.DataFrame, candidates: tuple[str, ...]) -> pl.Expr:
    """A CUR timestamp as UTC: a Parquet timestamp, or ISO 8601 text (``2026-09-01T00:00:00Z``...)."""
    parsed = []
    for column in (c for c in candidates if c in frame.columns):
        dtype = frame.schema[column]
        if isinstance(dtype, pl.Datetime):
            col = pl.col(column)
            col = (
                col.dt.replace_time_zone("UTC")
                if dtype.time_zone is None
                else col.dt.convert_time_zone("UTC")
            )
            parsed.append(col.cast(UTC_TS))
            continue
        text = pl.col(column).cast(pl.String).str.strip_chars()
        parsed.extend(
            text.str.strptime(UTC_TS, fmt, strict=False)
            for fmt in ("%Y-%m-%dT%H:%M:%S%.fZ", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S%z")
        )
        parsed.extend(
            text.str.strptime(pl.Datetime("us"), fmt, strict=False).dt.replace_time_zone("UTC")
            for fmt in ("%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d")
        )
    return pl.coalesce(parsed) if parsed else pl.lit(None, dtype=UTC_TS)


def _resource_tags(frame: pl.DataFrame) -> pl.Expr:
    """Resource tags as a map: CUR 2.0 ``resource_tags`` map, or legacy ``resourceTags/user:*`` columns."""
    if "resource_tags" in frame.columns:
        dtype = frame.schema["resource_tags"]
        if isinstance(dtype, pl.Map):
            return pl.col("resource_tags").cast(pl.Map(pl.String, pl.String))
        if isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct):
            return pl.col("resource_tags").list.to_map()
        return pl.col("resource_tags").cast(pl.String)
    legacy = [c for c in frame.columns if c.startswith(("resourceTags/", "resource_tags_"))]
    if not legacy:
        return pl.lit(None, dtype=pl.Map(pl.String, pl.String))
    entries = [
        pl.struct(
            key=pl.lit(c.split("/", 1)[1] if "/" in c else c.removeprefix("resource_tags_")),
            value=pl.col(c).cast(pl.String).replace("", None),
        )
        for c in legacy
    ]
    return (
        pl.concat_list(entries)
        .list.eval(pl.element().filter(pl.element().struct.field("value").is_not_null()))
        .list.to_map()
    )


def _project(frame: pl.DataFrame) -> pl.Expr:
    found = []
    for key in PROJECT_TAGS:
        mapped = _map_text(frame, "resource_tags", key)
        if mapped is not None:
            found.append(mapped)
        for column in (f"resourceTags/{key}", f"resource_tags_{key.replace(':', '_')}"):
            if column in frame.columns:
                found.append(pl.col(column).cast(pl.String))
    return pl.coalesce(found).replace("", None) if found else pl.lit(None, dtype=pl.String)


def _tags_as_json(lines: pl.DataFrame) -> pl.DataFrame:
    """CSV map text becomes a real map where it is valid JSON, so attributes nest it as an object."""
    if lines.schema["resource_tags"] != pl.String:
        return lines
    text = pl.col("resource_tags").str.strip_chars()
    is_object = text.str.contains(r"^\{.*\}$").fill_null(False)
    try:
        return lines.with_columns(
            pl.when(is_object).then(text).str.json_decode(pl.Map(pl.String, pl.String)).alias("resource_tags")
        )
    except Exception:  # a malformed tag cell keeps the raw text rather than failing the file
        return lines


def _is_bedrock() -> pl.Expr:
    product_code = pl.col("product_code")
    marketplace = (
        pl.col("product_name").str.contains(BEDROCK_EDITION)
        | pl.col("usage_type").str.contains(MARKETPLACE_TOKEN_USAGE)
        | (
            pl.col("billing_entity").str.contains("(?i)marketplace")
            & pl.col("product_name").str.contains(MODEL_VENDOR_NAME)
        )
    ).fill_null(False)
    return product_code.is_in(BEDROCK_PRODUCT_CODES).fill_null(False) | marketplace


def _unit_multiplier() -> pl.Expr:
    """Tokens per unit of ``usage_amount``: from the pricing unit (``1K tokens``, ``1M tokens``...).

    A marketplace token line priced in plain ``Units`` at a per-million price (the AWS Price List
    quotes Marketplace Bedrock tokens per million) counts millions of tokens.
    """
    pricing = pl.col("pricing_unit").str.to_lowercase().str.replace_all(r"[\s,]", "")
    rate = pl.col("unblended_rate").cast(pl.Float64, strict=False)
    is_tokens = pl.col("activity_type").is_in(AWS_TOKEN_ACTIVITIES)
    marketplace = ~pl.col("product_code").is_in(BEDROCK_PRODUCT_CODES).fill_null(False)
    return (
        pl.when(~is_tokens)
        .then(1.0)
        .when(pricing.str.contains(r"^(1k|1000|thousand|per1k)").fill_null(False))
        .then(1e3)
        .when(pricing.str.contains(r"^(1m|1000000|million|per1m|mtok)").fill_null(False))
        .then(1e6)
        .when(
            marketplace
            & pricing.fill_null("units").str.contains(r"^units?$")
            & (rate >= MARKETPLACE_PER_MILLION_RATE).fill_null(False)
        )
        .then(1e6)
        .otherwise(1.0)
    )


def _money(column: str) -> pl.Expr:
    text = pl.col(column).str.strip_chars()
    return pl.coalesce(
        text.cast(MONEY, strict=False), text.cast(pl.Float64, strict=False).cast(MONEY, strict=False)
    )


def _kinds(lines: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The lines this source lands (``_kind``: usage, or credit for a credit or discount line), and every
    other record skipped with why: another AWS service, or a Bedrock tax, fee or purchase line."""
    if "_problem" not in lines.columns:
        lines = lines.with_columns(
            pl.lit(None, pl.String).alias("_problem"), pl.lit(None, pl.String).alias("_raw")
        )
    line_type = pl.col("line_item_type")
    bedrock = _is_bedrock()
    kind = (
        pl.when(pl.col("_problem").is_not_null())
        .then(pl.lit("usage"))  # a line the reader could not split: quarantined with its line number
        .when(bedrock & (line_type.is_null() | line_type.is_in(USAGE_LINE_TYPES)))
        .then(pl.lit("usage"))
        .when(bedrock & line_type.is_in(CREDIT_LINE_TYPES))
        .then(pl.lit("credit"))
    )
    reason = (
        pl.when(~bedrock)
        .then(pl.lit("not an Amazon Bedrock line (another AWS service)"))
        .otherwise(pl.format("Bedrock {} line: neither usage nor a credit or discount", line_type))
    )
    lines = lines.with_columns(kind.alias("_kind"))
    skipped = skip_records(lines.filter(pl.col("_kind").is_null()), reason)
    return lines.filter(pl.col("_kind").is_not_null()), skipped


def _with_credits(lines: pl.DataFrame) -> pl.DataFrame:
    """Credit and discount lines counted against the usage lines they match (``CREDIT_MATCH``), shared by
    gross cost; a credit line that matches no usage line stays, as a money-only row."""
    return apportion_credits(
        lines, CREDIT_MATCH, _money("unblended_cost"), "line_item_type", usage=pl.lit(True)
    )


def _net(cost: pl.Expr) -> pl.Expr:
    """Net cost: the gross cost, plus the line's own stated discount (CUR 2.0 ``discount_total_discount``),
    plus the credit and discount lines counted against it; a money-only credit row is its amount."""
    stated = pl.col("discount_total").str.strip_chars().cast(pl.Float64, strict=False).fill_null(0.0)
    credit = pl.col("_credit").fill_null(0.0)
    usage_net = (cost.cast(pl.Float64) + stated + credit).round(10).cast(MONEY)
    return (
        pl.when(pl.col("_kind") == "credit")
        .then(pl.col("_credit").round(10).cast(MONEY))
        .otherwise(usage_net)
    )


def parse(raw: bytes, file: str) -> ParsedExport:
    if not raw:
        raise ExportFormatError(SOURCE, file, "file is empty")
    frame = _read(raw, file)
    lines = _select_fields(frame, file)
    days = covered_days(lines.get_column("_start"))
    lines, skipped = _kinds(lines)
    if lines.is_empty():
        return ParsedExport(DATASET, conform(pl.DataFrame(), PARSED_SCHEMA), days, frame.height, skipped)
    lines = _tags_as_json(lines)

    activity, unit = aws_usage_type_activity(pl.col("usage_type"))
    first_party = pl.col("product_code").is_in(BEDROCK_PRODUCT_CODES).fill_null(False)
    model_raw = (
        pl.when(first_party)
        .then(aws_usage_type_model(pl.col("usage_type")))
        .otherwise(pl.coalesce("product_name", aws_usage_type_model(pl.col("usage_type"))))
    )
    region_prefix = pl.col("usage_type").str.extract(r"^([A-Z]{2,4}\d)-", 1)
    region = pl.coalesce(
        pl.col("region_code"),
        region_prefix.replace_strict(USAGE_TYPE_REGIONS, default=None, return_dtype=pl.String),
    )
    cross_region = pl.col("usage_type").str.contains(r"(?i)(cross-region|global)").fill_null(False)
    is_credit = pl.col("_kind") == "credit"
    lines = lines.with_columns(
        pl.when(is_credit).then(pl.lit("spend")).otherwise(activity).alias("activity_type"),
        pl.when(is_credit).then(pl.lit("currency")).otherwise(unit).alias("unit"),
        model_raw.alias("model_raw"),
        region.alias("region"),
        cross_region.alias("cross_region"),
        pl.col("usage_type")
        .str.extract(r"(?i)[-_](flex|priority|batch|reserved)(?:[-_]|$)", 1)
        .str.to_lowercase()
        .alias("service_tier"),
        pl.coalesce(
            pl.col("time_interval"),
            pl.concat_str(
                pl.col("_start").dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
                pl.lit("/"),
                pl.col("_end").dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
            ),
        ).alias("_interval_key"),
    )
    lines = _with_credits(lines.with_columns(_unit_multiplier().alias("unit_multiplier")))

    cost = _money("unblended_cost")
    amount = pl.col("usage_amount").str.strip_chars().cast(pl.Float64, strict=False)
    is_credit = pl.col("_kind") == "credit"
    quantity = (
        pl.when(is_credit)
        .then(0.0)  # a credit or discount no usage line holds: money only, no activity
        .when(pl.col("activity_type") == "spend")
        .then(cost.cast(pl.Float64))
        .otherwise((amount * pl.col("unit_multiplier")).round(6))  # 1234.567 K tokens, without float noise
    )
    # the CUR has no stable line id (identity_line_item_id changes between deliveries), so the key is the
    # line's own dimensions; a repeat of the same dimensions within the file gets an ordinal
    key = natural_key(KEY_FIELDS)
    ordinal = pl.int_range(pl.len()).over(key)
    rows = lines.with_columns(
        json_attributes(ATTRIBUTES, lines).alias("attributes"),
        pl.concat_str(
            key,
            pl.when(ordinal > 0)
            .then(pl.concat_str(pl.lit("#"), ordinal.cast(pl.String)))
            .otherwise(pl.lit("")),
            pl.lit("|"),
            pl.col("activity_type"),
        ).alias("natural_key"),
        quantity.alias("quantity"),
        pl.when(is_credit).then(pl.lit(0, MONEY)).otherwise(cost).alias("cost_amount"),
        _net(cost).alias("cost_amount_net"),
        pl.col("currency").str.to_uppercase().alias("cost_currency"),
        pl.col("_start").alias("usage_start"),
        pl.col("_end").alias("usage_end"),
        pl.col("_start").dt.date().alias("usage_date"),
        pl.lit("aws").alias("vendor"),
        pl.lit("aws.bedrock").alias("service"),
        aws_model_id(pl.col("model_raw")).alias("model"),
        pl.when(pl.col("cross_region"))
        .then(pl.lit(None, dtype=pl.String))
        .otherwise(pl.col("region").replace_strict(REGION_COUNTRIES, default=None, return_dtype=pl.String))
        .alias("country"),
        pl.col("usage_account").alias("account"),
        pl.col("_pointer").alias("source_row"),
        pl.lit(DATASET).alias("dataset"),
    )
    return ParsedExport(DATASET, conform(rows, PARSED_SCHEMA), days, frame.height, skipped)


# the part files of one delivery: CUR 2.0 ``<export-name>-00001.csv.gz`` / ``-00001.snappy.parquet``,
# legacy CUR ``<report-name>-1.csv.gz``
PART_FILES = r"(?P<stem>.+)-(?P<part>\d{5}|[1-9]\d{0,2})(?P<ext>(\.snappy)?\.parquet|\.csv(\.gz)?)"

CONNECTOR = Connector(
    source=SOURCE,
    vendor="aws",
    version=VERSION,
    file_patterns=("*.parquet", "*.csv", "*.csv.gz"),
    parse=parse,
    group_files=numbered_parts(PART_FILES),
    description="Amazon Bedrock lines (Marketplace models too) of AWS Cost and Usage Reports",
)
