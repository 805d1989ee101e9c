"""Azure Cost Management cost-details exports (EA and MCA), reduced to Azure OpenAI / Foundry model lines.

A cost-details CSV (scheduled export, portal download or Cost Details API report) has one line per
day x resource x meter x charge. Two header sets exist and are detected from the header:

* **EA** (Enterprise Agreement, schema 2024-08-01 and the reordered 2021-10-01): PascalCase
  (``Date``, ``ResourceGroup``, ``ResourceLocation``, ``CostInBillingCurrency``, ``BillingCurrencyCode``);
* **MCA** (Microsoft Customer Agreement, Cost Details API 2025-03-01): mostly camelCase with a UTF-8
  BOM (``date``, ``resourceGroupName``, ``resourceLocation``, ``costInBillingCurrency``,
  ``billingCurrency``, ``invoiceId``, ``costInUsd``...).

Columns are matched by name, case-insensitively, never by position. Only Azure OpenAI / Foundry model
lines are kept (see ``_is_ai_line``); every other Azure charge is dropped. ``UnitOfMeasure`` is a pack
size (``1K``, ``1M``, ``10K``, ``1K Tokens``, ``100``, ``1 Second``, ``1/Hour``): quantities are
multiplied out to base units (tokens, images, seconds). The meter name encodes model, direction
(``Inp``/``Inpt``/``Input``, ``Outp``/``outpt``/``Opt``), cache (``cached``/``cchd``/``cd``, ``cache
writes``), batch and deployment type (``glbl``/``Gl``, ``DZone``/``Dz``, ``regnl``/``Rg``). A token meter
whose direction cannot be read is quarantined by name, never landed as spend. Lines with cost but no
mappable usage (PTU hours, Marketplace Claude CCU, unused reservations) become ``spend`` rows.

Every record is counted; non-AI lines are skipped with a reason. Cost details state no credit per line, so
``cost_amount_net`` = ``cost_amount`` = ``CostInBillingCurrency`` (actual or amortized, as exported; the
pay-as-you-go cost stays in attributes). The parts of a partitioned export run (``part_0_0001.csv``...)
land as one export. docs/sources.md lists every shape read and every field not landed.
"""

from __future__ import annotations

import polars as pl

from connectors.core import cloud_regions
from connectors.core.base import Connector, ExportFormatError, ParsedExport, numbered_parts
from connectors.core.cloud_ai_models import AZURE_UNKNOWN_TOKENS as UNKNOWN_TOKENS
from connectors.core.cloud_ai_models import azure_meter_facts
from connectors.core.frames import (
    gunzip,
    json_attributes,
    natural_key,
    normalise_model,
    read_csv_rows,
    require_columns,
    skip_records,
)
from connectors.core.schema import ACTIVITY_UNITS, MONEY, PARSED_SCHEMA, UTC_TS, conform

SOURCE = "azure_cost"
VERSION = "1.0.0"
VENDOR = "azure"

# internal name -> accepted header names (lower case), first present wins
COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("date", "usagedate", "usagedatetime"),
    "subscription_id": ("subscriptionid", "subscriptionguid"),
    "subscription_name": ("subscriptionname",),
    "resource_group": ("resourcegroup", "resourcegroupname"),
    "resource_location": ("resourcelocation",),
    "location_normalized": ("resourcelocationnormalized", "location"),
    "resource_id": ("resourceid", "instanceid"),
    "resource_name": ("resourcename",),
    "product_name": ("productname", "product"),
    "meter_category": ("metercategory",),
    "meter_subcategory": ("metersubcategory",),
    "meter_id": ("meterid",),
    "meter_name": ("metername",),
    "meter_region": ("meterregion",),
    "unit_of_measure": ("unitofmeasure",),
    "quantity": ("quantity", "usagequantity"),
    "cost": ("costinbillingcurrency", "cost", "pretaxcost"),
    "currency": ("billingcurrencycode", "billingcurrency", "currency"),
    "consumed_service": ("consumedservice",),
    "charge_type": ("chargetype",),
    "pricing_model": ("pricingmodel",),
    "reservation_id": ("reservationid",),
    "benefit_id": ("benefitid",),
    "publisher_name": ("publishername",),
    "publisher_type": ("publishertype",),
    "effective_price": ("effectiveprice",),
    "cost_in_usd": ("costinusd",),
    "tags": ("tags",),
    "additional_info": ("additionalinfo",),
    "cost_allocation_rule": ("costallocationrulename",),
    "payg_cost": ("paygcostinbillingcurrency",),
    "payg_price": ("paygprice",),
    "frequency": ("frequency",),
}
REQUIRED = ("date", "subscription_id", "meter_name", "unit_of_measure", "quantity", "cost", "currency")
# at least one of these must be present to tell AI lines from the rest of the bill
CLASSIFIERS = ("meter_category", "meter_subcategory", "product_name", "consumed_service")

# headers only the MCA cost-details file has / only the EA file has (lower case)
MCA_MARKERS = frozenset(
    {"invoiceid", "previousinvoiceid", "costinusd", "paygcostinbillingcurrency", "pricingcurrency"}
    | {"exchangeratepricingtobilling", "resourcegroupname", "billingcurrency"}
)
EA_MARKERS = frozenset({"accountownerid", "billingcurrencycode", "resourcelocationnormalized", "accountname"})

# Meter categories that hold Azure OpenAI / Foundry model meters (cost exports show either name).
AI_CATEGORIES = ["foundry models", "cognitive services", "azure openai", "azure ai foundry"]
OPENAI_PATTERN = r"(?i)openai"
MARKETPLACE_MODEL_PATTERN = r"(?i)\b(claude|anthropic)\b"

# Azure region (normalised: lower case, no spaces) -> ISO 3166 alpha-3 of its datacentres.
REGION_COUNTRY = cloud_regions.AZURE_REGION_COUNTRY
# older display spellings of region names seen in exports -> the normalised name
REGION_ALIASES = cloud_regions.AZURE_REGION_ALIASES


def _resolve(frame: pl.DataFrame) -> dict[str, str]:
    """Internal name -> the file's header for it (case-insensitive, first accepted alias present)."""
    by_lower: dict[str, str] = {}
    for name in frame.columns:
        by_lower.setdefault(name.strip().lower(), name)
    found = {}
    for internal, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in by_lower:
                found[internal] = by_lower[alias]
                break
    return found


def _variant(frame: pl.DataFrame, found: dict[str, str]) -> str:
    lower = {c.strip().lower() for c in frame.columns}
    if lower & MCA_MARKERS:
        return "mca"
    if lower & EA_MARKERS:
        return "ea"
    return "mca" if found["date"] == "date" else "ea"


def _text(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.String).str.strip_chars()


def _lower(column: str) -> pl.Expr:
    return _text(column).str.to_lowercase().fill_null("")


def _usage_date() -> pl.Expr:
    """``MM/DD/YYYY`` (Cost Management exports), ``YYYY-MM-DD`` or an ISO timestamp (API reports)."""
    text = _text("date")
    return pl.coalesce(
        text.str.strptime(pl.Date, "%m/%d/%Y", strict=False),
        text.str.slice(0, 10).str.strptime(pl.Date, "%Y-%m-%d", strict=False),
    )


def _region() -> pl.Expr:
    """Normalised Azure region: the normalised column if present, else the display name squashed."""
    squashed = [
        _text(c).str.to_lowercase().str.replace_all(r"[\s_-]", "")
        for c in ("location_normalized", "resource_location")
    ]
    region = pl.coalesce([pl.when(s != "").then(s) for s in squashed])
    return region.replace(REGION_ALIASES)


def _is_ai_line() -> pl.Expr:
    """Azure OpenAI / Foundry model lines.

    * meter category ``Foundry Models`` (the current name): every line;
    * meter category ``Cognitive Services``/``Azure OpenAI``, or consumed service
      ``Microsoft.CognitiveServices`` with no category: lines whose subcategory, product or meter names
      Azure OpenAI (Speech, Vision, Translator... under Cognitive Services are not model lines);
    * Marketplace Claude on Foundry (publisher/product/meter naming Anthropic or Claude).
    """
    category = _lower("meter_category")
    described = pl.concat_str(
        [_lower("meter_subcategory"), _lower("product_name"), _lower("meter_name")], separator=" "
    )
    is_openai = described.str.contains(OPENAI_PATTERN)
    cognitive = _lower("consumed_service") == "microsoft.cognitiveservices"
    marketplace = pl.concat_str([described, _lower("publisher_name")], separator=" ").str.contains(
        MARKETPLACE_MODEL_PATTERN
    )
    return (
        (category == "foundry models")
        | (category.is_in(AI_CATEGORIES) & is_openai)
        | ((category == "") & cognitive & is_openai)
        | marketplace
    )


def _require(lines: pl.DataFrame, found: dict[str, str], file: str) -> None:
    """Reject a file without a column its rows need, naming it (and a near miss: a renamed header)."""
    missing = [COLUMNS[name][0] for name in REQUIRED if name not in found]
    require_columns(SOURCE, file, lines.columns, missing, "Azure cost-details export")
    if not any(name in found for name in CLASSIFIERS):
        raise ExportFormatError(
            SOURCE,
            file,
            "no MeterCategory, MeterSubCategory, ProductName or ConsumedService column to tell AI lines",
        )


def parse(raw: bytes, file: str) -> ParsedExport:
    raw = gunzip(SOURCE, file, raw)  # exports with compression "Gzip"
    lines = read_csv_rows(SOURCE, file, raw)
    found = _resolve(lines)
    _require(lines, found, file)
    variant = _variant(lines, found)
    dataset = f"{variant}_cost_details"
    frame = lines.select(
        *[pl.col(header).alias(internal) for internal, header in found.items()],
        "_pointer",
        "_record",
        "_problem",
        "_raw",
    )
    for internal in COLUMNS:
        if internal not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(internal))
    frame = frame.with_columns(_usage_date().alias("_date"))
    days = frame.get_column("_date").drop_nulls().unique().sort().to_list()

    # every record is counted: AI lines land, lines the reader could not split are quarantined, the rest
    # of the bill (virtual machines, storage...) is skipped with a reason
    keep = _is_ai_line() | pl.col("_problem").is_not_null()
    skipped = skip_records(frame.filter(~keep), "not an Azure OpenAI / Foundry model line")
    ai = frame.filter(keep)
    if ai.is_empty():
        return ParsedExport(dataset, conform(pl.DataFrame(), PARSED_SCHEMA), days, frame.height, skipped)

    ai = ai.with_columns(
        *azure_meter_facts(
            _lower("meter_name"),
            _lower("product_name"),
            _lower("meter_subcategory"),
            _lower("unit_of_measure"),
            _lower("meter_region"),
        ),
        _region().alias("_region"),
        _text("cost").str.replace_all(",", "").cast(MONEY, strict=False).alias("_cost"),
        _text("quantity").cast(pl.Float64, strict=False).alias("_quantity"),
        _text("resource_id").str.to_lowercase().alias("_resource_id"),
        _text("date").alias("_date_text"),
        pl.col("quantity").alias("billed_quantity"),
    )
    ai = ai.with_columns(
        pl.col("_date").cast(pl.Datetime("us")).dt.replace_time_zone("UTC").alias("usage_start")
    )
    is_spend = pl.col("activity_type") == "spend"
    key = natural_key(
        [
            "_day_key",
            "subscription_id",
            "_resource_id",
            "meter_id",
            "_meter_key",
            "charge_type",
            "pricing_model",
            "reservation_id",
            "benefit_id",
            "cost_allocation_rule",
            "activity_type",
        ]
    )
    ai = ai.with_columns(
        pl.coalesce(pl.col("_date").cast(pl.String), pl.col("_date_text")).alias("_day_key"),
        pl.col("meter_name").str.strip_chars().str.to_lowercase().alias("_meter_key"),
    )
    service = (
        pl.when(
            pl.concat_str(
                [_lower("meter_subcategory"), _lower("product_name"), _lower("meter_name")], separator=" "
            ).str.contains(OPENAI_PATTERN)
        )
        .then(pl.lit("azure.openai"))
        .otherwise(pl.lit("azure.foundry"))
    )
    workspace = pl.coalesce(
        pl.when(_text("resource_name") != "").then(_text("resource_name")),
        _text("resource_id").str.extract(r"(?i)/accounts/([^/]+)"),
    )
    country = (
        pl.when(pl.col("deployment_type").is_in(["global", "data_zone"]))
        .then(pl.lit(None, dtype=pl.String))
        .otherwise(pl.col("_region").replace_strict(REGION_COUNTRY, default=None, return_dtype=pl.String))
    )
    attributes = json_attributes(
        [
            "subscription_name",
            "meter_category",
            "meter_subcategory",
            "meter_id",
            "meter_region",
            "product_name",
            "unit_of_measure",
            "billed_quantity",
            "deployment_type",
            "batch",
            "charge_type",
            "pricing_model",
            "consumed_service",
            "resource_id",
            "effective_price",
            "cost_in_usd",
            "payg_cost",
            "payg_price",
            "publisher_name",
            "tags",
        ],
        ai,
    )
    unknown_direction = pl.col("activity_type") == UNKNOWN_TOKENS
    problem = pl.coalesce(
        pl.col("_problem"),
        pl.when(unknown_direction).then(
            pl.format(
                "token meter '{}' names no direction (input, output, cached input): its tokens cannot be "
                "classed",
                pl.col("meter_name"),
            )
        ),
    )
    rows = ai.with_columns(
        problem.alias("_problem"),
        key.alias("natural_key"),
        pl.col("_pointer").alias("source_row"),
        pl.lit(dataset).alias("dataset"),
        pl.lit(VENDOR).alias("vendor"),
        service.alias("service"),
        pl.col("meter_name").alias("model_raw"),
        normalise_model(pl.col("_model")).alias("model"),
        pl.col("activity_type").replace_strict(ACTIVITY_UNITS, default=None).alias("unit"),
        pl.when(is_spend)
        .then(pl.col("_cost").cast(pl.Float64))
        .otherwise((pl.col("_quantity") * pl.col("_multiplier")).round(6))  # drop float noise of x1000
        .alias("quantity"),
        pl.col("usage_start").cast(UTC_TS),
        (pl.col("usage_start") + pl.duration(days=1)).cast(UTC_TS).alias("usage_end"),
        pl.col("_date").alias("usage_date"),
        pl.col("_region").alias("region"),
        country.alias("country"),
        pl.col("subscription_id").str.strip_chars().alias("account"),
        _text("resource_group").str.to_lowercase().alias("project"),
        workspace.alias("workspace"),
        pl.col("_cost").alias("cost_amount"),
        # the line's billed cost: Azure states no credit per line (prepayment and credits settle on the
        # invoice), so net = gross; the pay-as-you-go cost stays in attributes
        pl.col("_cost").alias("cost_amount_net"),
        _text("currency").str.to_uppercase().alias("cost_currency"),
        attributes.alias("attributes"),
    )
    return ParsedExport(dataset, conform(rows, PARSED_SCHEMA), days, frame.height, skipped)


# the parts of one partitioned export run (exports API 2023-07-01 and later, next to its manifest.json):
# ``part_0_0001.csv``, ``part_1_0001.csv``... (``.csv.gz`` when compressed)
PART_FILES = r"(?P<stem>.*part)_(?P<part>\d+)_\d+(?P<ext>\.csv(\.gz)?)"

CONNECTOR = Connector(
    source=SOURCE,
    vendor=VENDOR,
    version=VERSION,
    file_patterns=("*.csv", "*.csv.gz"),
    group_files=numbered_parts(PART_FILES),
    parse=parse,
    description="Azure Cost Management cost-details exports (EA and MCA CSV), Azure OpenAI / Foundry lines",
)
