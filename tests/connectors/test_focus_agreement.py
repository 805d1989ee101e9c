"""The same bill lines, in a cloud's native export shape and in its FOCUS shape, land the same activity.

Each case is a handful of bill lines (usage type, meter or SKU; quantity; cost; day) drawn by Hypothesis
from the clouds' documented vocabularies (the usage types, meters and SKU descriptions of the native
samples and corpus). Each is written twice, as the native reader's export (AWS legacy CUR CSV, Azure EA
cost-details CSV, Google Cloud Billing CSV) and as that cloud's FOCUS export (AWS "FOCUS 1.2 with AWS
columns": the usage type in SkuMeter; Azure FocusCost: tokens in ConsumedQuantity, the 1K/1M block in
PricingUnit; Google FOCUS: the SKU description in ChargeDescription). Both readers must land the same
activity type, quantity, model, day, country, gross and net cost for every line.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.amazon.cur import parse as parse_cur
from connectors.focus.cost_and_usage import parse as parse_focus
from connectors.google.cloud_billing import parse as parse_gcp
from connectors.microsoft.azure_cost import parse as parse_azure
from tests.support.focus import focus_row, rows_csv

COMPARED = ["activity_type", "quantity", "model", "usage_date", "country", "cost_amount", "cost_amount_net"]

# usage type, AWS pricing unit (the native usage amount is in these units)
AWS_USAGE_TYPES = [
    ("USE1-NovaPro-input-tokens", "1K tokens"),
    ("USE1-NovaPro-output-tokens", "1K tokens"),
    ("USE1-Nova2.0Lite-input-tokens-flex", "1K tokens"),
    ("USW2-Llama3-70B-output-tokens", "1K tokens"),
    ("USE1-TitanEmbeddingsV2-Text-input-tokens", "1K tokens"),
    ("USE1-Claude4.6Sonnet-cache-read-input-token-count", "tokens"),
    ("USE1-Claude4.6Sonnet-cache-write-input-token-count", "tokens"),
    ("USE1-NovaPro-input-tokens-cross-region-global", "tokens"),
]
AWS_REGIONS = {"USE1": "us-east-1", "USW2": "us-west-2"}
# meter, unit of measure, meter subcategory, FOCUS ConsumedUnit, native pack size
AZURE_METERS = [
    ("gpt 4.1 Inp glbl Tokens", "1M", "Azure OpenAI", "Tokens", 1e6),
    ("gpt 4.1 Outp glbl Tokens", "1M", "Azure OpenAI", "Tokens", 1e6),
    ("gpt 4.1 cchd Inp glbl Tokens", "1M", "Azure OpenAI", "Tokens", 1e6),
    ("gpt-4o-mini-0718-Batch-Inp-glbl Tokens", "1K", "Azure OpenAI", "Tokens", 1e3),
    ("gpt-4o-mini-0718-Outp-regnl Tokens", "1K", "Azure OpenAI", "Tokens", 1e3),
    ("5.4 inp Gl 1M Tokens", "1M", "Azure OpenAI GPT5", "Tokens", 1e6),
    ("Provisioned Managed Global Unit", "1/Hour", "Azure OpenAI Provisioned", "Hours", 1.0),
]
GCP_SKUS = [
    "Gemini 3 Flash Text Input - Predictions",
    "Gemini 2.5 Flash Text Output - Predictions",
    "Gemini 2.5 Pro Text Input - Predictions",
    "EmbedContent input token count for gemini-embedding-2 text",
]
GCP_REGIONS = ["us-central1", "europe-west4"]
PROVIDER = "Microsoft.CognitiveServices"

amounts = st.integers(min_value=1, max_value=50_000_000)
cents = st.integers(min_value=0, max_value=100_000)  # cost in cents: exact in both shapes
days = st.integers(min_value=0, max_value=27)


def _focus_row(version: str, cost: str, **values) -> dict:
    """A FOCUS row holding every mandatory column of ``version`` (what a line does not state is empty)."""
    return focus_row(
        version,
        cost=cost,
        BillingAccountName="Contoso",
        BillingCurrency="USD",
        BillingPeriodStart="2026-09-01T00:00:00Z",
        BillingPeriodEnd="2026-10-01T00:00:00Z",
        ChargeCategory="Usage",
        ServiceCategory="AI and Machine Learning",
        **values,
    )


def _landed(rows: pl.DataFrame) -> list[tuple]:
    frame = rows.select(
        pl.col("activity_type"),
        pl.col("quantity").round(3),
        pl.col("model"),
        pl.col("usage_date"),
        pl.col("country"),
        pl.col("cost_amount").cast(pl.Float64).round(6),
        pl.col("cost_amount_net").cast(pl.Float64).round(6),
    )
    return sorted(frame.rows(), key=repr)


def _day(offset: int) -> date:
    return date(2026, 9, 1) + timedelta(days=offset)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(AWS_USAGE_TYPES), amounts, cents, days), min_size=1, max_size=6))
def test_aws_cur_and_aws_focus_land_the_same_activity(lines):
    native, focus = [], []
    for i, ((usage_type, unit), amount, cost_cents, offset) in enumerate(lines):
        day = _day(offset)
        start, end = f"{day}T00:00:00Z", f"{day + timedelta(days=1)}T00:00:00Z"
        usage = amount / 1000 if unit == "1K tokens" else amount  # the native amount is in pricing units
        cost = f"{cost_cents / 100:.2f}"
        region = AWS_REGIONS[usage_type[:4]]
        resource = f"arn:aws:bedrock:{region}:111122223333:inference-profile/p{i}"
        native.append(
            {
                "lineItem/UsageStartDate": start,
                "lineItem/UsageEndDate": end,
                "lineItem/UsageAccountId": "111122223333",
                "lineItem/LineItemType": "Usage",
                "lineItem/ProductCode": "AmazonBedrock",
                "lineItem/UsageType": usage_type,
                "lineItem/Operation": "InvokeModelInference",
                "lineItem/ResourceId": resource,
                "lineItem/UsageAmount": repr(usage),
                "lineItem/UnblendedCost": cost,
                "lineItem/CurrencyCode": "USD",
                "product/region": region,
                "pricing/unit": unit,
            }
        )
        focus.append(
            _focus_row(
                "1.2",
                cost,
                BillingAccountId="999988887777",
                SubAccountId="111122223333",
                ChargePeriodStart=start,
                ChargePeriodEnd=end,
                ConsumedQuantity=repr(usage),
                ConsumedUnit=unit,
                PricingQuantity=repr(usage),
                PricingUnit=unit,
                ProviderName="AWS",
                PublisherName="Amazon Web Services, Inc.",
                InvoiceIssuerName="Amazon Web Services, Inc.",
                ServiceName="Amazon Bedrock",
                SkuMeter=usage_type,  # FOCUS 1.2 with AWS columns: the usage type (x_UsageType in 1.0)
                RegionId=region,
                ResourceId=resource,
                BillingAccountType="Payer",
            )
        )
    assert _landed(parse_cur(rows_csv(native), "cur.csv").rows) == _landed(
        parse_focus(rows_csv(focus), "f.csv").rows
    )


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(AZURE_METERS), amounts, cents, days), min_size=1, max_size=6))
def test_azure_cost_details_and_azure_focus_land_the_same_activity(lines):
    native, focus = [], []
    subscription = "6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f"
    for i, ((meter, uom, subcategory, consumed_unit, pack), amount, cost_cents, offset) in enumerate(lines):
        day = _day(offset)
        quantity = amount / pack if pack > 1 else float(amount % 1000)  # packs of tokens, or hours
        cost = f"{cost_cents / 100:.2f}"
        resource = f"/subscriptions/{subscription}/resourceGroups/rg-ai/providers/{PROVIDER}/accounts/a{i}"
        native.append(
            {
                "AccountName": "AI Platform",
                "SubscriptionId": subscription,
                "ResourceGroup": "rg-ai",
                "ResourceLocation": "eastus2",
                "Date": day.strftime("%m/%d/%Y"),
                "ProductName": f"Azure OpenAI - {meter}",
                "MeterCategory": "Foundry Models",
                "MeterSubCategory": subcategory,
                "MeterName": meter,
                "UnitOfMeasure": uom,
                "Quantity": repr(quantity),
                "CostInBillingCurrency": cost,
                "BillingCurrencyCode": "USD",
                "ResourceId": resource,
            }
        )
        start = f"{day}T00:00:00Z"
        focus.append(
            _focus_row(
                "1.2",
                cost,
                BillingAccountId="81234567",
                SubAccountId=f"/subscriptions/{subscription}",
                ChargePeriodStart=start,
                ChargePeriodEnd=f"{day + timedelta(days=1)}T00:00:00Z",
                ConsumedQuantity=repr(quantity * pack) if pack > 1 else repr(quantity),
                ConsumedUnit=consumed_unit,
                PricingQuantity=repr(quantity),
                PricingUnit=uom,
                ProviderName="Microsoft",
                PublisherName="Microsoft",
                InvoiceIssuerName="Microsoft",
                ServiceName="Azure OpenAI",
                SkuMeter=meter,
                x_SkuMeterCategory="Foundry Models",
                x_SkuMeterSubcategory=subcategory,
                RegionId="eastus2",
                ResourceId=resource,
                BillingAccountType="Billing Account",
            )
        )
    native_rows = parse_azure(rows_csv(native), "ea.csv").rows
    assert _landed(native_rows) == _landed(parse_focus(rows_csv(focus), "f.csv").rows)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(GCP_SKUS), st.sampled_from(GCP_REGIONS), amounts, cents, days),
        min_size=1,
        max_size=6,
    )
)
def test_gcp_billing_and_gcp_focus_land_the_same_activity(lines):
    native, focus = [], []
    for sku, region, amount, cost_cents, offset in lines:
        day = _day(offset)
        cost = f"{cost_cents / 100:.2f}"
        native.append(
            {
                "billing_account_id": "01A2B3-C4D5E6-F7A8B9",
                "service.id": "C7E2-9256-1C43",
                "service.description": "Vertex AI",
                "sku.description": sku,
                "usage_start_time": f"{day} 00:00:00 UTC",
                "usage_end_time": f"{day + timedelta(days=1)} 00:00:00 UTC",
                "project.id": "acme-search-prod",
                "location.region": region,
                "cost": cost,
                "currency": "USD",
                "usage.amount": f"{amount}.0",
                "usage.unit": "count",
                "usage.amount_in_pricing_units": f"{amount}.0",
                "usage.pricing_unit": "count",
                "cost_type": "regular",
            }
        )
        focus.append(
            _focus_row(
                "1.0",
                cost,
                BillingAccountId="01A2B3-C4D5E6-F7A8B9",
                SubAccountId="acme-search-prod",
                ChargePeriodStart=f"{day}T00:00:00Z",
                ChargePeriodEnd=f"{day + timedelta(days=1)}T00:00:00Z",
                ChargeDescription=sku,
                ConsumedQuantity=f"{amount}.0",
                ConsumedUnit="count",
                PricingQuantity=f"{amount}.0",
                PricingUnit="count",
                ProviderName="Google Cloud",
                PublisherName="Google Cloud",
                InvoiceIssuerName="Google Cloud",
                ServiceName="Vertex AI",
                RegionId=region,
            )
        )
    assert _landed(parse_gcp(rows_csv(native), "gcp.csv").rows) == _landed(
        parse_focus(rows_csv(focus), "f.csv").rows
    )
