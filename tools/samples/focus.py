"""Write the bundled FinOps FOCUS samples in ``data/samples/focus/`` (deterministic).

Two providers' FOCUS cost-and-usage exports of the same two days (2026-09-15 and 16), each the same file
as a case of the connector corpus (``tests/connectors/corpus/focus/*/PROVENANCE.md``, taken 2026-12-06):

* ``focus-1-0-aws-2026-09-15_2026-09-16.csv``: AWS Data Exports "FOCUS 1.0 with AWS columns". Column set:
  FOCUS 1.0 (FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec tag v1.0, ``specification/columns/*.md``) plus the
  five AWS columns of https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-focus-1-0-aws.html
  (x_CostCategories, x_Discounts, x_Operation, x_ServiceCode, x_UsageType), in alphabetical order. Usage
  types as "Understanding your Amazon Bedrock Cost and Usage Report data" names them
  (https://docs.aws.amazon.com/bedrock/latest/userguide/cost-mgmt-understanding-cur-data.html).
  Bedrock tokens (ConsumedUnit repeats AWS's pricing unit, ``1K tokens``), a 10 % EDP discount credit on
  the first line, an EC2 instance day (Compute) and a tax line.
* ``focus-1-2-azure-2026-09-15_2026-09-16.parquet``: Azure Cost Management FocusCost 1.2-preview. Column
  set: FOCUS 1.2 as Microsoft's dataset lists it
  (https://learn.microsoft.com/en-us/azure/cost-management-billing/dataset-schema/cost-usage-details-focus,
  https://learn.microsoft.com/en-us/cloud-computing/finops/focus/metadata) with Microsoft's x_SkuMeter*,
  x_PricingBlockSize and x_ResourceGroupName columns; meters as the Azure cost-details docs name them;
  ConsumedQuantity in tokens with the 1K/1M block only in PricingUnit/x_PricingBlockSize (as
  DigitalPebble/spruce PR #267 documents for Azure's FOCUS rows). Azure OpenAI tokens, PTU hours, a
  correction to an earlier period (ChargeClass ``Correction``) and a VM day (Compute). Every row shares the
  account's base columns (resource, SKU and meter ids), as the case was written.

No FOCUS sample file of either provider was taken: these are the documented column sets completed into
whole files; accounts, ids, quantities and days are written for the
case. Every cost is ConsumedQuantity / block x the unit price below (list prices, us-east-1 / East US 2),
the same in BilledCost, EffectiveCost, ContractedCost and ListCost.

The Parquet file is Polars' ``write_parquet`` with its defaults (one row group, zstd, statistics, no
timestamps in the metadata; ``created_by`` names the Polars version, so a Polars upgrade can change the
bytes: regenerate then).

    python -m tools.samples.focus [SAMPLES_DIR]   # default: data/samples
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl

from tools.samples._common import write_files

SOURCES = ("focus",)

# --- AWS, FOCUS 1.0 with AWS columns (CSV) ---------------------------------------------------------

AWS_COLUMNS = sorted(
    [
        "AvailabilityZone", "BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency",
        "BillingPeriodEnd", "BillingPeriodStart", "ChargeCategory", "ChargeClass", "ChargeDescription",
        "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart", "CommitmentDiscountCategory",
        "CommitmentDiscountId", "CommitmentDiscountName", "CommitmentDiscountStatus",
        "CommitmentDiscountType", "ConsumedQuantity", "ConsumedUnit", "ContractedCost",
        "ContractedUnitPrice", "EffectiveCost", "InvoiceIssuerName", "ListCost", "ListUnitPrice",
        "PricingCategory", "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName", "RegionId",
        "RegionName", "ResourceId", "ResourceName", "ResourceType", "ServiceCategory", "ServiceName",
        "SkuId", "SkuPriceId", "SubAccountId", "SubAccountName", "Tags",
        "x_CostCategories", "x_Discounts", "x_Operation", "x_ServiceCode", "x_UsageType",
    ]
)  # fmt: skip
AWS_ACCOUNT = {
    "BillingAccountId": "999988887777",
    "BillingAccountName": "Contoso Payer",
    "BillingCurrency": "USD",
    "BillingPeriodStart": "2026-09-01T00:00:00Z",
    "BillingPeriodEnd": "2026-10-01T00:00:00Z",
    "InvoiceIssuerName": "Amazon Web Services, Inc.",
    "ProviderName": "AWS",
    "PublisherName": "Amazon Web Services, Inc.",
    "RegionId": "us-east-1",
    "RegionName": "US East (N. Virginia)",
    "SubAccountId": "111122223333",
    "SubAccountName": "search-prod",
    "Tags": '{"user:project":"search-ranking"}',
    "x_CostCategories": "{}",
}
BEDROCK = {
    "ServiceCategory": "AI and Machine Learning",
    "ServiceName": "Amazon Bedrock",
    "ResourceId": "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/search-ranking",
    "x_Operation": "InvokeModelInference",
    "x_ServiceCode": "AmazonBedrock",
}
EC2 = {
    "ServiceCategory": "Compute",
    "ServiceName": "Amazon Elastic Compute Cloud",
    "x_Operation": "RunInstances",
    "x_ServiceCode": "AmazonEC2",
}
# usage type -> (service, pricing unit, USD per pricing unit): AWS list prices, us-east-1
AWS_PRICES = {
    "USE1-NovaPro-input-tokens": (BEDROCK, "1K tokens", "0.0008"),
    "USE1-NovaPro-output-tokens": (BEDROCK, "1K tokens", "0.0032"),
    "USE1-Claude4.6Sonnet-cache-read-input-token-count": (BEDROCK, "tokens", "0.0000003"),  # 0.30 / 1M
    "USE1-TitanEmbeddingsV2-Text-input-tokens": (BEDROCK, "1K tokens", "0.00002"),
    "USE1-BoxUsage:m7g.large": (EC2, "Hrs", "0.0816"),
}
# (charge day, usage type, quantity in the pricing unit)
AWS_USAGE = [
    (15, "USE1-NovaPro-input-tokens", 12_000),
    (15, "USE1-NovaPro-output-tokens", 1_500),
    (15, "USE1-Claude4.6Sonnet-cache-read-input-token-count", 4_000_000),
    (15, "USE1-TitanEmbeddingsV2-Text-input-tokens", 20_000),
    (16, "USE1-NovaPro-input-tokens", 10_000),
    (16, "USE1-BoxUsage:m7g.large", 24),
]
EDP_DISCOUNT = Decimal("0.10")  # on the first Bedrock line, the day it was charged
TAX = (16, "Tax for Amazon Bedrock", Decimal("0.85"))  # on the Bedrock usage, the last day


def _aws_row(day: int, category: str, description: str, cost: Decimal, usage_type: str) -> dict:
    service = AWS_PRICES[usage_type][0]
    row = (
        AWS_ACCOUNT
        | service
        | {
            "ChargeCategory": category,
            "ChargeDescription": description,
            "ChargeFrequency": "One-Time" if category == "Tax" else "Usage-Based",
            "ChargePeriodStart": f"2026-09-{day:02d}T00:00:00Z",
            "ChargePeriodEnd": f"2026-09-{day + 1:02d}T00:00:00Z",
            "x_UsageType": usage_type,
        }
    )
    money = str(float(cost))  # AWS writes 8.0, 1.9584, -0.96
    return row | {"BilledCost": money, "EffectiveCost": money, "ContractedCost": money, "ListCost": money}


def aws_rows() -> list[dict]:
    """Each day's usage lines; the EDP credit of the first line closes its day; the tax closes the file."""
    first_day, first_type, first_quantity = AWS_USAGE[0]
    rows = []
    for day in sorted({d for d, _, _ in AWS_USAGE}):
        for _, usage_type, quantity in (u for u in AWS_USAGE if u[0] == day):
            service, unit, price = AWS_PRICES[usage_type]
            description = f"{service['ServiceName']}: {usage_type}"
            row = _aws_row(day, "Usage", description, quantity * Decimal(price), usage_type)
            measured = {"ConsumedQuantity": quantity, "ConsumedUnit": unit, "PricingQuantity": quantity,
                        "PricingUnit": unit, "PricingCategory": "Standard"}  # fmt: skip
            rows.append(row | measured)
        if day == first_day:
            credit = -(first_quantity * Decimal(AWS_PRICES[first_type][2]) * EDP_DISCOUNT)
            rows.append(_aws_row(day, "Credit", "EDP discount", credit, first_type))
    day, description, amount = TAX
    rows.append(_aws_row(day, "Tax", description, amount, first_type))
    return rows


def aws_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=AWS_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(aws_rows())
    return buffer.getvalue().encode()


# --- Azure, FocusCost 1.2-preview (Parquet) --------------------------------------------------------

TIME = pl.Datetime("ms", "UTC")
AZURE_SCHEMA = {
    "BilledCost": pl.Float64, "BillingAccountId": pl.String, "BillingAccountName": pl.String,
    "BillingAccountType": pl.String, "BillingCurrency": pl.String, "BillingPeriodStart": TIME,
    "BillingPeriodEnd": TIME, "ChargeCategory": pl.String, "ChargeClass": pl.String,
    "ChargeDescription": pl.String, "ChargeFrequency": pl.String, "ChargePeriodStart": TIME,
    "ChargePeriodEnd": TIME, "ContractedCost": pl.Float64, "EffectiveCost": pl.Float64,
    "InvoiceIssuerName": pl.String, "ListCost": pl.Float64, "PricingQuantity": pl.Float64,
    "PricingUnit": pl.String, "ProviderName": pl.String, "PublisherName": pl.String,
    "ServiceCategory": pl.String, "ServiceName": pl.String, "ServiceSubcategory": pl.String,
    "ConsumedQuantity": pl.Float64, "ConsumedUnit": pl.String, "PricingCategory": pl.String,
    "RegionId": pl.String, "RegionName": pl.String, "ResourceId": pl.String, "ResourceName": pl.String,
    "ResourceType": pl.String, "SkuId": pl.String, "SkuMeter": pl.String, "SkuPriceDetails": pl.Null,
    "SkuPriceId": pl.String, "SubAccountId": pl.String, "SubAccountName": pl.String,
    "SubAccountType": pl.String, "Tags": pl.String, "InvoiceId": pl.Null, "PricingCurrency": pl.String,
    "PricingCurrencyContractedUnitPrice": pl.Null, "PricingCurrencyEffectiveCost": pl.Float64,
    "PricingCurrencyListUnitPrice": pl.Null, "CapacityReservationId": pl.Null,
    "CapacityReservationStatus": pl.Null, "CommitmentDiscountQuantity": pl.Null,
    "CommitmentDiscountUnit": pl.Null, "x_SkuMeterCategory": pl.String, "x_SkuMeterSubcategory": pl.String,
    "x_SkuMeterId": pl.String, "x_PricingBlockSize": pl.Float64, "x_ResourceGroupName": pl.String,
}  # fmt: skip
SUBSCRIPTION = "/subscriptions/6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f"
AZURE_ACCOUNT = {
    "BillingAccountId": "81234567",
    "BillingAccountName": "Contoso Ltd",
    "BillingAccountType": "Billing Account",
    "BillingCurrency": "USD",
    "BillingPeriodStart": datetime(2026, 9, 1, tzinfo=UTC),
    "BillingPeriodEnd": datetime(2026, 10, 1, tzinfo=UTC),
    "ChargeCategory": "Usage",
    "ChargeFrequency": "Usage-Based",
    "InvoiceIssuerName": "Microsoft",
    "ProviderName": "Microsoft",
    "PublisherName": "Microsoft",
    "PricingCategory": "Standard",
    "RegionId": "eastus2",
    "RegionName": "East US 2",
    "ResourceId": f"{SUBSCRIPTION}/resourceGroups/rg-ai-prod/providers/Microsoft.CognitiveServices"
    "/accounts/aoai-prod-eus2",
    "ResourceName": "aoai-prod-eus2",
    "ResourceType": "Azure OpenAI",
    "SkuId": "DZH318Z0BSN6",
    "SkuPriceId": "DZH318Z0BSN6/0001",
    "SubAccountId": SUBSCRIPTION,
    "SubAccountName": "ai-platform-prod",
    "SubAccountType": "Subscription",
    "Tags": '{"team":"search","env":"prod"}',
    "PricingCurrency": "USD",
    "x_SkuMeterId": "94c8f0c4-407d-4e54-a8e9-7aa15744d89e",
    "x_ResourceGroupName": "rg-ai-prod",
}
# (ServiceCategory, ServiceName, ServiceSubcategory, x_SkuMeterCategory)
AOAI = ("AI and Machine Learning", "Azure OpenAI", "Generative AI", "Foundry Models")
VM = ("Compute", "Virtual Machines", "Virtual Machines", "Virtual Machines")
# meter -> (service, x_SkuMeterSubcategory, ConsumedUnit, PricingUnit, block size, USD per pricing unit)
AZURE_METERS = {
    "gpt 4.1 Inp glbl Tokens": (AOAI, "Azure OpenAI", "Tokens", "1M Tokens", 1_000_000, "2.00"),
    "gpt 4.1 Outp glbl Tokens": (AOAI, "Azure OpenAI", "Tokens", "1M Tokens", 1_000_000, "8.00"),
    "gpt 4.1 cchd Inp glbl Tokens": (AOAI, "Azure OpenAI", "Tokens", "1M Tokens", 1_000_000, "0.50"),
    "gpt-4o-mini-0718-Batch-Inp-glbl Tokens": (
        AOAI,
        "Azure OpenAI",
        "Tokens",
        "1K Tokens",
        1_000,
        "0.000075",
    ),
    "Provisioned Managed Global Unit": (AOAI, "Azure OpenAI Provisioned", "Hours", "1 Hour", None, "1.00"),
    "D4s v5": (VM, "Dv5 Series", "Hours", "1 Hour", None, "0.192"),
}
# (charge day, meter, ConsumedQuantity, ChargeClass)
AZURE_USAGE = [
    (15, "gpt 4.1 Inp glbl Tokens", 2_500_000, None),
    (15, "gpt 4.1 Outp glbl Tokens", 400_000, None),
    (15, "gpt 4.1 cchd Inp glbl Tokens", 1_000_000, None),
    (15, "gpt-4o-mini-0718-Batch-Inp-glbl Tokens", 4_000_000, None),
    (15, "Provisioned Managed Global Unit", 360, None),  # PTU-hours of the day
    (16, "gpt 4.1 Inp glbl Tokens", 1_000_000, None),
    (16, "gpt 4.1 Inp glbl Tokens", -200_000, "Correction"),  # corrects an earlier billing period
    (16, "D4s v5", 24, None),
]


def azure_rows() -> list[dict]:
    rows = []
    for day, meter, quantity, charge_class in AZURE_USAGE:
        service, subcategory, unit, pricing_unit, block, price = AZURE_METERS[meter]
        pricing_quantity = quantity / (block or 1)
        cost = float(Decimal(quantity) / Decimal(block or 1) * Decimal(price))
        category, name, service_subcategory, meter_category = service
        rows.append(AZURE_ACCOUNT | {
            "BilledCost": cost, "ContractedCost": cost, "EffectiveCost": cost, "ListCost": cost,
            "PricingCurrencyEffectiveCost": cost,
            "ChargeClass": charge_class,
            "ChargeDescription": f"{name} - {meter}",
            "ChargePeriodStart": datetime(2026, 9, day, tzinfo=UTC),
            "ChargePeriodEnd": datetime(2026, 9, day + 1, tzinfo=UTC),
            "PricingQuantity": float(pricing_quantity), "PricingUnit": pricing_unit,
            "ServiceCategory": category, "ServiceName": name, "ServiceSubcategory": service_subcategory,
            "ConsumedQuantity": float(quantity), "ConsumedUnit": unit,
            "SkuMeter": meter, "x_SkuMeterCategory": meter_category, "x_SkuMeterSubcategory": subcategory,
            "x_PricingBlockSize": None if block is None else float(block),
        })  # fmt: skip
    return rows


def azure_parquet() -> bytes:
    buffer = io.BytesIO()
    pl.DataFrame(azure_rows(), schema=AZURE_SCHEMA).write_parquet(buffer)
    return buffer.getvalue()


def write(root: Path) -> list[Path]:
    files = {
        "focus-1-0-aws-2026-09-15_2026-09-16.csv": aws_csv(),
        "focus-1-2-azure-2026-09-15_2026-09-16.parquet": azure_parquet(),
    }
    return write_files(root / "focus", files)


if __name__ == "__main__":
    from tools.samples._cli import run

    run(write)
