"""Write the bundled Azure Cost Management samples in ``data/samples/azure_cost/`` (deterministic).

* ``ea_cost_details_2026-09-01_2026-09-10.csv``: an Enterprise Agreement cost-details export, schema
  2024-08-01 (all 57 columns in documented order), ``MM/DD/YYYY`` dates, EA-style ``Tags`` without
  braces, ``1K``/``1M``/``100``/``1/Hour`` units, a PTU line, resource-group casing that varies;
* ``mca_cost_details_2026-09-28_2026-10-07.csv``: a Microsoft Customer Agreement Cost Details API report
  (2025-03-01 header, camelCase, UTF-8 BOM), GPT-5.x short meter names (``5.4 inp Gl 1M Tokens``),
  ``1K Tokens``/``10K`` units, a data-zone Sora line, a Foundry non-OpenAI model, Marketplace Claude CCU.

Both carry non-AI lines (VMs, storage, bandwidth, Speech/Translator under Cognitive Services, AI Search)
that the connector must drop.

    python -m tools.samples.azure_cost [SAMPLES_DIR]   # default: data/samples
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta
from pathlib import Path

from tools.samples._common import write_files

EA_COLUMNS = [
    "InvoiceSectionName",
    "AccountName",
    "AccountOwnerId",
    "SubscriptionId",
    "SubscriptionName",
    "ResourceGroup",
    "ResourceLocation",
    "Date",
    "ProductName",
    "MeterCategory",
    "MeterSubCategory",
    "MeterId",
    "MeterName",
    "MeterRegion",
    "UnitOfMeasure",
    "Quantity",
    "EffectivePrice",
    "CostInBillingCurrency",
    "CostCenter",
    "ConsumedService",
    "ResourceId",
    "Tags",
    "OfferId",
    "AdditionalInfo",
    "ServiceInfo1",
    "ServiceInfo2",
    "ResourceName",
    "ReservationId",
    "ReservationName",
    "UnitPrice",
    "ProductOrderId",
    "ProductOrderName",
    "Term",
    "PublisherType",
    "PublisherName",
    "ChargeType",
    "Frequency",
    "PricingModel",
    "AvailabilityZone",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrencyCode",
    "BillingPeriodStartDate",
    "BillingPeriodEndDate",
    "BillingProfileId",
    "BillingProfileName",
    "InvoiceSectionId",
    "IsAzureCreditEligible",
    "PartNumber",
    "PayGPrice",
    "PlanName",
    "ServiceFamily",
    "CostAllocationRuleName",
    "benefitId",
    "benefitName",
    "AccountId",
    "ResourceLocationNormalized",
]
MCA_COLUMNS = [
    "invoiceId",
    "previousInvoiceId",
    "billingAccountId",
    "billingAccountName",
    "billingProfileId",
    "billingProfileName",
    "invoiceSectionId",
    "invoiceSectionName",
    "resellerName",
    "resellerMpnId",
    "costCenter",
    "billingPeriodEndDate",
    "billingPeriodStartDate",
    "servicePeriodEndDate",
    "servicePeriodStartDate",
    "date",
    "serviceFamily",
    "productOrderId",
    "productOrderName",
    "consumedService",
    "meterId",
    "meterName",
    "meterCategory",
    "meterSubCategory",
    "meterRegion",
    "ProductId",
    "ProductName",
    "SubscriptionId",
    "subscriptionName",
    "publisherType",
    "publisherId",
    "publisherName",
    "resourceGroupName",
    "ResourceId",
    "resourceLocation",
    "location",
    "effectivePrice",
    "quantity",
    "unitOfMeasure",
    "chargeType",
    "billingCurrency",
    "pricingCurrency",
    "costInBillingCurrency",
    "costInPricingCurrency",
    "costInUsd",
    "paygCostInBillingCurrency",
    "paygCostInUsd",
    "exchangeRatePricingToBilling",
    "exchangeRateDate",
    "isAzureCreditEligible",
    "serviceInfo1",
    "serviceInfo2",
    "additionalInfo",
    "tags",
    "PayGPrice",
    "frequency",
    "term",
    "reservationId",
    "reservationName",
    "pricingModel",
    "unitPrice",
    "costAllocationRuleName",
    "benefitId",
    "benefitName",
    "provider",
]
assert len(EA_COLUMNS) == 57 and len(MCA_COLUMNS) == 65

# (subscription id, subscription name, resource group (as the export spells it), account, region)
EA_RESOURCES = {
    "prod": (
        "6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f",
        "ai-platform-prod",
        "rg-ai-prod",
        "aoai-prod-eus2",
        "eastus2",
    ),
    "research": (
        "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
        "research-sandbox",
        "rg-research",
        "aoai-research-swc",
        "swedencentral",
    ),
    "docs": (
        "6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f",
        "ai-platform-prod",
        "rg-docsearch",
        "aoai-docsearch-frc",
        "francecentral",
    ),
}
# (resource key, product, meter name, meter region, unit of measure, price per unit,
#  daily units (lo, hi), every n days)
EA_METERS = [
    ("prod", "Azure OpenAI", "gpt-4o-0806-Inp-glbl Tokens", "Global", "1K", 0.0025, (900, 1600), 1),
    ("prod", "Azure OpenAI", "gpt-4o-0806-Outp-glbl Tokens", "Global", "1K", 0.01, (200, 420), 1),
    (
        "prod",
        "Azure OpenAI",
        "gpt-4o-mini-0718-Batch-Inp-glbl Tokens",
        "Global",
        "1K",
        0.000075,
        (4000, 9000),
        2,
    ),
    (
        "prod",
        "Azure OpenAI",
        "gpt-4o-mini-0718-Batch-Outp-glbl Tokens",
        "Global",
        "1K",
        0.0003,
        (600, 1400),
        2,
    ),
    ("prod", "Azure OpenAI", "gpt 4.1 Inp glbl Tokens", "Global", "1M", 2.0, (1.2, 3.4), 1),
    ("prod", "Azure OpenAI", "gpt 4.1 cchd Inp glbl Tokens", "Global", "1M", 0.5, (0.4, 1.6), 1),
    ("prod", "Azure OpenAI", "gpt 4.1 Outp glbl Tokens", "Global", "1M", 8.0, (0.2, 0.7), 1),
    (
        "research",
        "Azure OpenAI",
        "gpt-4o-mini-0718-Inp-regnl Tokens",
        "Sweden Central",
        "1K",
        0.000165,
        (2000, 5000),
        1,
    ),
    (
        "research",
        "Azure OpenAI",
        "gpt-4o-mini-0718-Outp-regnl Tokens",
        "Sweden Central",
        "1K",
        0.00066,
        (300, 900),
        1,
    ),
    (
        "research",
        "Azure OpenAI Media",
        "Image-Dall-E-3 Std LowRes-regnl EP Images",
        "Sweden Central",
        "100",
        4.4,
        (0.12, 0.6),
        3,
    ),
    (
        "docs",
        "Azure OpenAI Embedding",
        "text-embedding-3-large-regional Tokens",
        "France Central",
        "1K",
        0.000143,
        (3000, 12000),
        1,
    ),
]
EA_PTU = (
    "prod",
    "Azure OpenAI Provisioned",
    "Provisioned Managed Global Unit",
    "Global",
    "1/Hour",
    1.0,
    24 * 15,
)

MCA_RESOURCES = {
    "assist": (
        "2b4d6f80-1a3c-4e5f-8a9b-c0d1e2f3a4b5",
        "Contoso-Assist-Prod",
        "RG-Assist",
        "foundry-assist-eus",
        "eastus",
    ),
    "codegen": (
        "2b4d6f80-1a3c-4e5f-8a9b-c0d1e2f3a4b5",
        "Contoso-Assist-Prod",
        "rg-codegen",
        "foundry-codegen-weu",
        "westeurope",
    ),
    "media": (
        "7c9e1a2b-3d4f-4a6b-8c0d-e1f2a3b4c5d6",
        "Contoso-Creative",
        "rg-media",
        "foundry-media-swc",
        "swedencentral",
    ),
}
MCA_METERS = [
    ("assist", "Azure OpenAI GPT5", "5.4 inp Gl 1M Tokens", "Global", "1M", 1.25, (2.0, 6.5), 1),
    ("assist", "Azure OpenAI GPT5", "5.4 out Gl 1M Tokens", "Global", "1M", 10.0, (0.3, 1.1), 1),
    ("assist", "Azure OpenAI GPT5", "5.4 mini cd Inp Gl 1M Tokens", "Global", "1M", 0.025, (1.5, 4.0), 1),
    ("assist", "Azure OpenAI GPT5", "5.4 mini Inp Gl 1M Tokens", "Global", "1M", 0.25, (3.0, 8.0), 1),
    ("assist", "Azure OpenAI GPT5", "5.4 mini out Gl 1M Tokens", "Global", "1M", 2.0, (0.5, 1.5), 1),
    ("codegen", "Azure OpenAI GPT5", "GPT 5.1 inp Rg 1M Tokens", "West Europe", "1M", 1.375, (0.8, 2.4), 1),
    ("codegen", "Azure OpenAI GPT5", "GPT 5.1 Opt Rg 1M Tokens", "West Europe", "1M", 11.0, (0.1, 0.4), 1),
    (
        "codegen",
        "Azure OpenAI GPT5",
        "gpt-5-codex-ccchd-inp-glbl Tokens",
        "Global",
        "1K Tokens",
        0.000125,
        (800, 2400),
        1,
    ),
    (
        "codegen",
        "Azure OpenAI GPT5",
        "gpt-5-codex-inp-glbl Tokens",
        "Global",
        "1K Tokens",
        0.00125,
        (300, 900),
        1,
    ),
    (
        "codegen",
        "Azure OpenAI GPT5",
        "gpt-5-codex-outp-glbl Tokens",
        "Global",
        "1K Tokens",
        0.01,
        (60, 200),
        1,
    ),
    (
        "assist",
        "Azure OpenAI Reasoning",
        "o4-mini-0416-Inp-DZone Tokens",
        "US Data Zone",
        "10K",
        0.0121,
        (40, 120),
        2,
    ),
    (
        "assist",
        "Azure OpenAI Reasoning",
        "o4-mini-0416-Outp-DZone Tokens",
        "US Data Zone",
        "10K",
        0.0484,
        (10, 40),
        2,
    ),
    ("media", "Azure OpenAI Media", "Sora 2 dzone Second", "EU Data Zone", "1 Second", 0.1, (20, 90), 3),
    (
        "codegen",
        "Foundry Models DeepSeek",
        "DeepSeek-R1 Inp glbl 1M Tokens",
        "Global",
        "1M",
        1.35,
        (0.2, 0.9),
        2,
    ),
    (
        "codegen",
        "Foundry Models DeepSeek",
        "DeepSeek-R1 Outp glbl 1M Tokens",
        "Global",
        "1M",
        5.4,
        (0.05, 0.3),
        2,
    ),
]

COGNITIVE = "Microsoft.CognitiveServices"
SAAS = "Microsoft.SaaS/resources"
AI_FAMILY = "AI + Machine Learning"
CLAUDE_METER_ID = "3c1f0a9e-7b2d-4e8a-9f61-0c5d2e7a4b13"
SPEECH_METER_ID, SPEECH_METER = "5e6a1c2d-0000-4000-a000-5e6a1c2d0001", "S1 Neural Text To Speech Characters"
BILLING_ACCOUNT = "a1b2c3d4-0000-4000-a000-000000000000:e5f6a7b8-1111-4111-a111-111111111111_2019-05-31"


def _days(first: date, count: int) -> list[date]:
    return [first + timedelta(days=i) for i in range(count)]


PACK = {"1K": 1e3, "1K Tokens": 1e3, "10K": 1e4, "1M": 1e6, "100": 100.0, "1 Second": 1.0}


def _billed(rng: random.Random, lo: float, hi: float, uom: str) -> float:
    """A billed quantity in packs that is a whole number of base units (tokens, images, seconds)."""
    pack = PACK[uom]
    return round(round(rng.uniform(lo, hi) * pack) / pack, 6)


def _uuid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def _money(value: float) -> str:
    """Costs as the exports print them: full float precision, scientific notation for tiny amounts."""
    return repr(round(value, 10)) if value >= 1e-4 or value == 0 else f"{value:.6E}"


def _resource_id(sub: str, group: str, account: str) -> str:
    return _rid(sub, group, f"{COGNITIVE}/accounts/{account}")


def _rid(sub: str, group: str, provider_path: str) -> str:
    return f"/subscriptions/{sub}/resourceGroups/{group}/providers/{provider_path}"


def _write(rows: list[dict], columns: list[str], bom: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    text = buffer.getvalue()
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


def _ea_line(
    sub: tuple[str, str, str],
    location: tuple[str, str],
    stamp: str,
    meter: tuple[str, str, str, str, str, str, str],
    amounts: tuple[str, str, str],
    owner: tuple[str, str, str, str],
    **extra: str,
) -> dict:
    """One EA cost-details line: subscription (id, name, resource group), location (as written, normalised),
    day, meter (product, category, subcategory, id, name, region, unit of measure), amounts (quantity,
    effective price, cost) and owner (consumed service, resource id, resource name, service family)."""
    sub_id, sub_name, group = sub
    product, category, sub_category, meter_id, meter_name, meter_region, uom = meter
    service, resource_id, resource_name, family = owner
    return {
        "SubscriptionId": sub_id,
        "SubscriptionName": sub_name,
        "ResourceGroup": group,
        "ResourceLocation": location[0],
        "ResourceLocationNormalized": location[1],
        "Date": stamp,
        "ProductName": product,
        "MeterCategory": category,
        "MeterSubCategory": sub_category,
        "MeterId": meter_id,
        "MeterName": meter_name,
        "MeterRegion": meter_region,
        "UnitOfMeasure": uom,
        "Quantity": amounts[0],
        "EffectivePrice": amounts[1],
        "CostInBillingCurrency": amounts[2],
        "ConsumedService": service,
        "ResourceId": resource_id,
        "ResourceName": resource_name,
        "ServiceFamily": family,
    } | extra


def _mca_line(
    stamp: str,
    service: str,
    meter: tuple[str, str, str, str, str, str],
    resource: tuple[str, str, str, str, str],
    amounts: tuple[str, str, str, str, str],
    **extra: str,
) -> dict:
    """One MCA cost-details line: day, consumed service, meter (id, name, category, subcategory, region,
    product name), resource (subscription id and name, resource group, resource id, location) and amounts
    (effective price, quantity, unit of measure, cost in the billing currency, cost in USD)."""
    meter_id, meter_name, category, sub_category, meter_region, product = meter
    sub_id, sub_name, group, resource_id, location = resource
    price, quantity, uom, billed, usd = amounts
    return {
        "date": stamp,
        "consumedService": service,
        "meterId": meter_id,
        "meterName": meter_name,
        "meterCategory": category,
        "meterSubCategory": sub_category,
        "meterRegion": meter_region,
        "ProductName": product,
        "SubscriptionId": sub_id,
        "subscriptionName": sub_name,
        "resourceGroupName": group,
        "ResourceId": resource_id,
        "resourceLocation": location,
        "location": location,
        "effectivePrice": price,
        "quantity": quantity,
        "unitOfMeasure": uom,
        "costInBillingCurrency": billed,
        "costInUsd": usd,
    } | extra


def _model_meter(product: str, meter: str, meter_id: str, region: str, uom: str) -> tuple[str, ...]:
    """A Foundry model meter as ``_ea_line`` takes it."""
    return f"{product} - {meter}", "Foundry Models", product, meter_id, meter, region, uom


def _meter_ids(rng: random.Random, meters) -> dict[str, str]:
    return {m[2]: _uuid(rng) for m in meters}


def ea_export(rng: random.Random) -> bytes:
    days = _days(date(2026, 9, 1), 10)
    meter_ids = _meter_ids(rng, [*EA_METERS, EA_PTU])
    common = {
        "InvoiceSectionName": "Digital",
        "AccountName": "AI Platform Enrollment Account",
        "AccountOwnerId": "cloud-billing@contoso.example",
        "OfferId": "MS-AZR-0017P",
        "BillingAccountId": "81234567",
        "BillingAccountName": "Contoso Ltd",
        "BillingCurrencyCode": "USD",
        "BillingPeriodStartDate": "09/01/2026",
        "BillingPeriodEndDate": "09/30/2026",
        "BillingProfileId": "81234567",
        "BillingProfileName": "Contoso Ltd",
        "InvoiceSectionId": "231045",
        "IsAzureCreditEligible": "True",
        "AccountId": "1200457",
        "Frequency": "UsageBased",
        "ChargeType": "Usage",
        "PricingModel": "On Demand",
        "PublisherType": "Azure",
        "PublisherName": "Microsoft",
        "Term": "",
    }
    rows: list[dict] = []
    for index, day in enumerate(days):
        stamp = day.strftime("%m/%d/%Y")
        for resource, product, meter, meter_region, uom, price, (lo, hi), every in EA_METERS:
            if index % every:
                continue
            sub, sub_name, group, account, region = EA_RESOURCES[resource]
            if resource == "prod" and index % 4 == 3:
                group = group.upper()  # exports spell the same resource group in varying case
            quantity = _billed(rng, lo, hi, uom)
            cost = quantity * price
            line = _ea_line(
                (sub, sub_name, group),
                (region.upper() if resource == "docs" else region, region),
                stamp,
                _model_meter(product, meter, meter_ids[meter], meter_region, uom),
                (repr(quantity), repr(price), _money(cost)),
                (COGNITIVE, _resource_id(sub, group, account), account, AI_FAMILY),
                UnitPrice=repr(price),
                PayGPrice=repr(price),
                CostCenter="CC-4410" if resource == "prod" else "CC-9020",
                Tags='"team": "search","env": "prod"' if resource == "prod" else '"team": "research"',
                PartNumber="AAH-" + meter_ids[meter][:5].upper(),
            )
            rows.append(common | line)
        # provisioned throughput (PTU) billed by the hour: cost only, no token quantity
        resource, product, meter, meter_region, uom, price, hours = EA_PTU
        sub, sub_name, group, account, region = EA_RESOURCES[resource]
        line = _ea_line(
            (sub, sub_name, group),
            (region, region),
            stamp,
            _model_meter(product, meter, meter_ids[meter], meter_region, uom),
            (str(hours), repr(price), _money(hours * price)),
            (COGNITIVE, _resource_id(sub, group, "aoai-ptu-eus2"), "aoai-ptu-eus2", AI_FAMILY),
            UnitPrice=repr(price),
            PayGPrice=repr(price),
        )
        rows.append(common | line)
    # non-AI lines on the same bill, which the connector must drop
    prod_sub, prod_name = EA_RESOURCES["prod"][:2]
    non_ai = [
        (
            "Virtual Machines Dv5 Series",
            "Virtual Machines",
            "Dv5 Series",
            "D4s v5",
            "1 Hour",
            24,
            0.192,
            "Microsoft.Compute",
            "vm-api-01",
        ),
        (
            "Standard SSD Managed Disks",
            "Storage",
            "Standard SSD Managed Disks",
            "E10 LRS Disk",
            "1/Month",
            0.0333,
            9.6,
            "Microsoft.Compute",
            "vm-api-01-osdisk",
        ),
        (
            "Bandwidth - Routing Preference: Internet",
            "Bandwidth",
            "Rtn Preference: MGN",
            "Standard Data Transfer Out",
            "1 GB",
            12.4,
            0.087,
            "Microsoft.Network",
            "pip-api",
        ),
        (
            "Speech",
            "Cognitive Services",
            "Speech",
            "S1 Speech To Text",
            "1 Hour",
            3.5,
            1.0,
            "Microsoft.CognitiveServices",
            "speech-callcenter",
        ),
        (
            "Azure AI Search",
            "Azure Cognitive Search",
            "Standard S1",
            "Standard S1 Unit",
            "1 Day",
            1,
            8.4,
            "Microsoft.Search",
            "srch-docs",
        ),
    ]
    for index, day in enumerate(days[::3]):
        product, category, sub_category, meter, uom, quantity, price, service, name = non_ai[
            index % len(non_ai)
        ]
        line = _ea_line(
            (prod_sub, prod_name, "rg-platform"),
            ("eastus2", "eastus2"),
            day.strftime("%m/%d/%Y"),
            (product, category, sub_category, _uuid(rng), meter, "US East 2", uom),
            (repr(quantity), repr(price), _money(quantity * price)),
            (service, _rid(prod_sub, "rg-platform", f"{service}/r/{name}"), name, "Compute"),
        )
        rows.append(common | line)
    for day in days[1::4]:  # a Speech line under Cognitive Services: AI-ish, but not a model meter
        meter = ("Speech", "Cognitive Services", "Speech", SPEECH_METER_ID, SPEECH_METER, "US East 2", "1M")
        line = _ea_line(
            (prod_sub, prod_name, "rg-contact"),
            ("eastus2", "eastus2"),
            day.strftime("%m/%d/%Y"),
            meter,
            ("0.84", "15", "12.6"),
            (COGNITIVE, _resource_id(prod_sub, "rg-contact", "speech-contact"), "speech-contact", AI_FAMILY),
        )
        rows.append(common | line)
    rows.sort(key=lambda r: (r["Date"], r["SubscriptionId"], r["MeterName"]))
    return _write(rows, EA_COLUMNS, bom=False)


def mca_export(rng: random.Random) -> bytes:
    days = _days(date(2026, 9, 28), 10)
    meter_ids = _meter_ids(rng, MCA_METERS)
    common = {
        "billingAccountId": BILLING_ACCOUNT,
        "billingAccountName": "Contoso Creative GmbH",
        "billingProfileId": "ABCD-EFGH-IJK-LMN",
        "billingProfileName": "Contoso Creative EU",
        "invoiceSectionId": "WXYZ-1234-PQR-STU",
        "invoiceSectionName": "AI Products",
        "serviceFamily": "AI + Machine Learning",
        "chargeType": "Usage",
        "billingCurrency": "EUR",
        "pricingCurrency": "USD",
        "exchangeRatePricingToBilling": "0.9132",
        "exchangeRateDate": "09/01/2026",
        "isAzureCreditEligible": "True",
        "frequency": "UsageBased",
        "pricingModel": "On Demand",
        "publisherType": "Microsoft",
        "publisherName": "Microsoft",
        "provider": "Azure",
    }
    rows: list[dict] = []
    for index, day in enumerate(days):
        stamp = day.strftime("%m/%d/%Y")
        period_start = day.replace(day=1)
        period_end = (period_start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        period = {
            "billingPeriodStartDate": period_start.strftime("%m/%d/%Y"),
            "billingPeriodEndDate": period_end.strftime("%m/%d/%Y"),
            "servicePeriodStartDate": period_start.strftime("%m/%d/%Y"),
            "servicePeriodEndDate": period_end.strftime("%m/%d/%Y"),
        }
        for resource, product, meter, meter_region, uom, price, (lo, hi), every in MCA_METERS:
            if index % every:
                continue
            sub, sub_name, group, account, region = MCA_RESOURCES[resource]
            quantity = _billed(rng, lo, hi, uom)
            usd = quantity * price
            eur = usd * 0.9132
            foundry = product.startswith("Foundry Models")
            line = _mca_line(
                stamp,
                COGNITIVE,
                (meter_ids[meter], meter, "Foundry Models", product, meter_region, f"{product} - {meter}"),
                (sub, sub_name, group, _resource_id(sub, group, account), region),
                (repr(round(price * 0.9132, 8)), repr(quantity), uom, _money(eur), _money(usd)),
                ProductId="DZH318Z0" + meter_ids[meter][:4].upper(),
                publisherName="DeepSeek" if foundry else "Microsoft",
                costInPricingCurrency=_money(usd),
                paygCostInBillingCurrency=_money(eur),
                paygCostInUsd=_money(usd),
                tags='{"app":"assistant"}' if resource == "assist" else '{"app":"' + resource + '"}',
                PayGPrice=repr(price),
                unitPrice=repr(price),
            )
            rows.append(common | period | line)
        if index % 2 == 0:  # Claude on Foundry: one Marketplace CCU meter, no per-model detail
            sub, sub_name, group, account, region = MCA_RESOURCES["codegen"]
            ccu = round(rng.uniform(800, 2600), 2)
            usd = ccu / 100
            line = _mca_line(
                stamp,
                "Microsoft.SaaS",
                (CLAUDE_METER_ID, "Claude CCU", "", "", "", "Claude in Microsoft Foundry"),
                (sub, sub_name, group, _rid(sub, group, f"{SAAS}/claude-codegen"), "global"),
                ("0.009132", repr(ccu), "100", _money(usd * 0.9132), _money(usd)),
                serviceFamily="",
                publisherType="Marketplace",
                publisherId="anthropic",
                publisherName="Anthropic",
                costInPricingCurrency=_money(usd),
                paygCostInBillingCurrency=_money(usd * 0.9132),
                paygCostInUsd=_money(usd),
                PayGPrice="0.01",
                unitPrice="0.01",
                isAzureCreditEligible="False",
            )
            rows.append(common | period | line)
    sub, sub_name = MCA_RESOURCES["assist"][:2]
    non_ai = [
        (
            "Microsoft.Compute",
            "Virtual Machines",
            "Dasv5 Series",
            "D8as v5",
            "Virtual Machines Dasv5 Series",
            "1 Hour",
            24,
            0.344,
        ),
        (
            "Microsoft.Storage",
            "Storage",
            "Hot Block Blob",
            "Hot LRS Data Stored",
            "Blob Storage",
            "1 GB/Month",
            42.1,
            0.0184,
        ),
        (
            "Microsoft.CognitiveServices",
            "Cognitive Services",
            "Translator",
            "S1 Characters",
            "Translator Text",
            "1M",
            2.3,
            10.0,
        ),
        (
            "Microsoft.Search",
            "Azure Cognitive Search",
            "Basic",
            "Basic Unit",
            "Azure AI Search",
            "1 Day",
            1,
            2.26,
        ),
        (
            "Microsoft.Network",
            "Bandwidth",
            "Inter-Region",
            "Intra Continent Data Transfer Out",
            "Bandwidth",
            "1 GB",
            3.7,
            0.02,
        ),
    ]
    for index, day in enumerate(days[::2]):
        service, category, sub_category, meter, product, uom, quantity, price = non_ai[index % len(non_ai)]
        line = _mca_line(
            day.strftime("%m/%d/%Y"),
            service,
            (_uuid(rng), meter, category, sub_category, "US East", f"{product} - {meter}"),
            (sub, sub_name, "rg-shared", _rid(sub, "rg-shared", f"{service}/r/shared-{index}"), "eastus"),
            (repr(price), repr(quantity), uom, _money(quantity * price * 0.9132), _money(quantity * price)),
            serviceFamily="Compute",
        )
        rows.append(common | line)
    rows.sort(key=lambda r: (r["date"][6:] + r["date"][:5], r["SubscriptionId"], r["meterName"]))
    return _write(rows, MCA_COLUMNS, bom=True)


SOURCES = ("azure_cost",)


def write(out: Path) -> list[Path]:
    rng = random.Random(20260901)
    files = {
        "ea_cost_details_2026-09-01_2026-09-10.csv": ea_export(rng),
        "mca_cost_details_2026-09-28_2026-10-07.csv": mca_export(rng),
    }
    return write_files(out / "azure_cost", files)


if __name__ == "__main__":
    from tools.samples._cli import run

    run(write)
