"""``ewh export --format focus``: a quarter's activity rows as a FinOps FOCUS 1.3 cost-and-usage dataset,
with their energy, carbon and water, so finance and ESG read one ledger.

    ewh export --quarter 2026Q3 --format focus --out exports/2026Q3      -> focus-cost-and-usage-2026Q3.csv
    ewh export --quarter 2026Q3 --format focus --out q3-focus.parquet     -> one Parquet file

One row per row of ``fct_activity_impacts`` in the quarter (every activity the footprint counts, so the
x_ figures add up to the marts). FOCUS columns (1.3: every mandatory column, ProviderName/PublisherName
beside their 1.3 replacements ServiceProviderName/HostProviderName so 1.2 and 1.4 readers find theirs):

* BilledCost = EffectiveCost = the net cost (after the credits the export stated), ListCost =
  ContractedCost = the gross cost; a source that states no cost gives 0 and ``x_CostStated`` false.
* ChargeCategory Usage, or Credit for a money-only row with a negative net; ChargeClass null.
* ConsumedQuantity / ConsumedUnit the activity's quantity and FOCUS unit name (``UNIT_NAMES``); spend rows
  carry no consumed quantity (PricingQuantity holds the amount, PricingUnit "Currency Units").
* Provider columns: the vendor's name (``PROVIDER_NAMES``); ServiceName the service; ServiceCategory
  "AI and Machine Learning" for AI vendors and "Other" for ad platforms.
* x_ columns: ``x_EnergyKwh``, ``x_Co2eLocationKg``, ``x_Co2eMarketKg``, ``x_WaterL`` each with ``_Low`` and
  ``_High``, ``x_Co2eEmbodiedKg``, ``x_MethodTier``, ``x_DqScore``, ``x_Model``, ``x_ActivityType``,
  ``x_FactorRelease``, ``x_FactorReleaseSha256``, ``x_SourceFile``, ``x_SourceRow``, ``x_ActivityId``.

The file is written under a temporary name and renamed into place. ``connectors.focus.spec.violations``
holds the spec's column rules; the export refuses to write a dataset that breaks them.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from connectors.core.config import Paths
from connectors.focus import spec

FOCUS_VERSION = "1.3"
# canonical vendor -> the name FOCUS provider columns carry (every vendor of connectors/core/schema.py)
PROVIDER_NAMES: dict[str, str] = {
    "openai": "OpenAI",
    "anthropic": "Anthropic",
    "google": "Google Cloud",
    "azure": "Microsoft",
    "aws": "AWS",
    "mistral": "Mistral AI",
    "runway": "Runway",
    "meta": "Meta",
    "linkedin": "LinkedIn",
    "tiktok": "TikTok",
    "elevenlabs": "ElevenLabs",
    "jasper": "Jasper",
    "adobe": "Adobe",
    "microsoft": "Microsoft Advertising",
    "amazon": "Amazon Ads",
}
AD_VENDORS = frozenset({"meta", "linkedin", "tiktok", "microsoft", "amazon"})
# canonical unit -> FOCUS UnitFormat name (plural count nouns, "Seconds" from the time units)
UNIT_NAMES: dict[str, str] = {
    "tokens": "Tokens",
    "requests": "Requests",
    "images": "Images",
    "seconds": "Seconds",
    "characters": "Characters",
    "impressions": "Impressions",
    "views": "Views",
    "currency": "Currency Units",
    "credits": "Credits",
    "generations": "Generations",
    "messages": "Messages",
    "events": "Events",
    "active_user_days": "Active User Days",
}
AD_ACTIVITIES = ("ad_impressions", "video_views", "ad_view_seconds")
# activity type -> SkuMeter, in the words of the spec's AI billing examples ("Input Tokens", "Output
# Tokens", "Cache Read Input Tokens", "Cache Write Input Tokens"), so a FOCUS reader can tell the kind
SKU_METERS = {
    "llm_input_tokens": "Input Tokens",
    "llm_output_tokens": "Output Tokens",
    "llm_cached_input_tokens": "Cache Read Input Tokens",
    "llm_cache_write_tokens": "Cache Write Input Tokens",
    "embedding_tokens": "Embedding Tokens",
}
FIGURES = {
    "energy_kwh": "x_EnergyKwh",
    "co2e_location_kg": "x_Co2eLocationKg",
    "co2e_market_kg": "x_Co2eMarketKg",
    "water_l": "x_WaterL",
}
TIMESTAMP = "%Y-%m-%dT%H:%M:%SZ"


class FocusExportError(RuntimeError):
    """The FOCUS dataset cannot be written (no rows, or it would break the spec's column rules)."""


def focus_rows(impacts: pl.DataFrame) -> pl.DataFrame:
    """``fct_activity_impacts`` rows as FOCUS columns plus the x_ figures, in a stable order."""
    vendor_name = pl.col("vendor").replace_strict(PROVIDER_NAMES, default=None, return_dtype=pl.String)
    unit_name = pl.col("unit").replace_strict(UNIT_NAMES, default=None, return_dtype=pl.String)
    gross = pl.col("cost_amount").cast(pl.Float64)
    net = pl.coalesce(pl.col("cost_amount_net").cast(pl.Float64), gross)
    is_spend = pl.col("unit") == "currency"
    credit = (net < 0).fill_null(False)
    month = pl.col("usage_start").dt.truncate("1mo")
    currency = pl.col("cost_currency").str.to_uppercase().fill_null("USD")
    description = pl.concat_str(
        [pl.col("activity_type"), pl.col("model")], separator=" of ", ignore_nulls=True
    )
    columns = {
        "BilledCost": net.fill_null(0.0),
        "BillingAccountId": pl.coalesce("account", "workspace", "project", pl.lit("unassigned")),
        "BillingAccountName": pl.lit(None, pl.String),
        "BillingCurrency": currency,
        "BillingPeriodStart": month.dt.strftime(TIMESTAMP),
        "BillingPeriodEnd": month.dt.offset_by("1mo").dt.strftime(TIMESTAMP),
        "ChargeCategory": pl.when(credit).then(pl.lit("Credit")).otherwise(pl.lit("Usage")),
        "ChargeClass": pl.lit(None, pl.String),
        "ChargeDescription": description,
        "ChargeFrequency": pl.when(credit).then(pl.lit("One-Time")).otherwise(pl.lit("Usage-Based")),
        "ChargePeriodStart": pl.col("usage_start").dt.strftime(TIMESTAMP),
        "ChargePeriodEnd": pl.col("usage_end").dt.strftime(TIMESTAMP),
        "ConsumedQuantity": pl.when(~is_spend).then(pl.col("quantity")),
        "ConsumedUnit": pl.when(~is_spend).then(unit_name),
        "ContractedCost": gross.fill_null(0.0),
        "EffectiveCost": net.fill_null(0.0),
        "HostProviderName": vendor_name,
        "InvoiceIssuerName": vendor_name,
        "ListCost": gross.fill_null(0.0),
        "PricingQuantity": pl.when(~credit).then(pl.col("quantity")),
        "PricingUnit": pl.when(~credit).then(unit_name),
        "ProviderName": vendor_name,
        "PublisherName": vendor_name,
        "RegionId": pl.col("region"),
        "ServiceCategory": pl.when(
            pl.col("vendor").is_in(list(AD_VENDORS)) | pl.col("activity_type").is_in(list(AD_ACTIVITIES))
        )
        .then(pl.lit("Other"))
        .otherwise(pl.lit(spec.AI_SERVICE_CATEGORY)),
        "ServiceName": pl.coalesce("service", "vendor"),
        "ServiceProviderName": vendor_name,
        "SkuMeter": pl.col("activity_type").replace_strict(SKU_METERS, default=None, return_dtype=pl.String),
        # the model as the spec's AI examples state it (SkuPriceDetails.ModelId)
        "SkuPriceDetails": pl.when(pl.col("model").is_not_null()).then(
            pl.struct(pl.col("model").alias("ModelId")).struct.json_encode()
        ),
        "SubAccountId": pl.coalesce("project", "workspace"),
        "x_ActivityId": pl.col("activity_id"),
        "x_ActivityType": pl.col("activity_type"),
        "x_Model": pl.col("model"),
        "x_Country": pl.col("country"),
        "x_CostStated": pl.col("cost_amount").is_not_null() | pl.col("cost_amount_net").is_not_null(),
    }
    for column, name in FIGURES.items():
        columns[name] = pl.col(column)
        columns[f"{name}_Low"] = pl.col(f"{column}_low")
        columns[f"{name}_High"] = pl.col(f"{column}_high")
    columns |= {
        "x_Co2eEmbodiedKg": pl.col("co2e_embodied_kg"),
        "x_MarketBasis": pl.col("market_basis"),
        "x_MethodTier": pl.col("method_tier"),
        "x_DqScore": pl.col("dq_score"),
        "x_FactorRelease": pl.col("factor_release"),
        "x_FactorReleaseSha256": pl.col("factor_release_sha256"),
        "x_SourceFile": pl.col("source_file"),
        "x_SourceRow": pl.col("source_row"),
    }
    return impacts.sort("usage_start", "activity_id").select(
        expr.alias(name) for name, expr in columns.items()
    )


def read_impacts(paths: Paths, quarter: str) -> pl.DataFrame:
    from warehouse.connection import connect

    con = connect(paths.warehouse)
    try:
        return con.sql("select * from fct_activity_impacts where quarter = $q", params={"q": quarter}).pl()
    finally:
        con.close()


def export_focus(paths: Paths, quarter: str, out: Path) -> list[Path]:
    """Write the quarter's FOCUS dataset to ``out`` (a .csv or .parquet file, or a folder); return it."""
    frame = focus_rows(read_impacts(paths, quarter))
    if frame.is_empty():
        raise FocusExportError(f"fct_activity_impacts has no rows for {quarter}")
    problems = spec.violations(frame, FOCUS_VERSION)
    if problems:
        raise FocusExportError("the FOCUS dataset would break the spec: " + "; ".join(problems[:5]))
    target = (
        out if out.suffix.lower() in (".csv", ".parquet") else out / f"focus-cost-and-usage-{quarter}.csv"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        if target.suffix.lower() == ".parquet":
            frame.write_parquet(tmp)
        else:
            frame.write_csv(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return [target]
