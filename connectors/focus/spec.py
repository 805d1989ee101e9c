"""The FOCUS column rules this project reads and writes, per spec version, from the spec's own text.

Source: FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec (CC BY 4.0). 1.0, 1.1 and 1.2: the tagged releases'
``specification/columns/*.md`` ("Content constraints": feature level, allows nulls, data type; allowed-values
tables). 1.3: ``specification/datasets/cost_and_usage/columns/serviceprovidername.md`` ("Introduced 1.3 as a
replacement for ProviderName", Mandatory, not null) and ``providername.md`` ("Deprecated 1.3, replaced by
ServiceProviderName"); HostProviderName likewise introduced in 1.3. 1.4 removes the deprecated ProviderName
and PublisherName (finops-toolkit issue #2120; research notes field-2026-12.md section 1).
"""

from __future__ import annotations

VERSIONS = ("1.0", "1.1", "1.2", "1.3", "1.4")

# Mandatory in 1.0, 1.1 and 1.2 alike (the 21 columns whose "Feature level" is Mandatory)
_MANDATORY_1_0 = (
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "ContractedCost",
    "EffectiveCost",
    "InvoiceIssuerName",
    "ListCost",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "ServiceCategory",
    "ServiceName",
)
_WITHOUT_PROVIDER = tuple(c for c in _MANDATORY_1_0 if c not in ("ProviderName", "PublisherName"))
MANDATORY: dict[str, tuple[str, ...]] = {
    "1.0": _MANDATORY_1_0,
    "1.1": _MANDATORY_1_0,
    "1.2": _MANDATORY_1_0,
    "1.3": (*_MANDATORY_1_0, "ServiceProviderName", "HostProviderName"),
    "1.4": (*_WITHOUT_PROVIDER, "ServiceProviderName", "HostProviderName"),
}
# columns that first appear in a version: how an export's version is told from its header
INTRODUCED: dict[str, tuple[str, ...]] = {
    "1.1": (
        "SkuMeter",
        "SkuPriceDetails",
        "ServiceSubcategory",
        "CapacityReservationId",
        "CommitmentDiscountQuantity",
    ),
    "1.2": ("BillingAccountType", "SubAccountType", "InvoiceId", "PricingCurrency"),
}

# Mandatory columns that may be null ("Allows nulls: True" in the column's content constraints)
NULLABLE = frozenset(
    {
        "BillingAccountName",
        "ChargeClass",
        "ChargeDescription",
        "PricingQuantity",
        "PricingUnit",
        "HostProviderName",
    }
)
DECIMAL = frozenset(
    {"BilledCost", "ContractedCost", "EffectiveCost", "ListCost", "PricingQuantity", "ConsumedQuantity"}
)
DATETIME = frozenset({"BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd"})

# Allowed values (each column's "Allowed values" table, v1.2)
CHARGE_CATEGORIES = ("Usage", "Purchase", "Tax", "Credit", "Adjustment")
CHARGE_CLASSES = ("Correction",)
CHARGE_FREQUENCIES = ("One-Time", "Recurring", "Usage-Based")
PRICING_CATEGORIES = ("Standard", "Dynamic", "Committed", "Other")
SERVICE_CATEGORIES = (
    "AI and Machine Learning",
    "Analytics",
    "Business Applications",
    "Compute",
    "Databases",
    "Developer Tools",
    "Multicloud",
    "Identity",
    "Integration",
    "Internet of Things",
    "Management and Governance",
    "Media",
    "Migration",
    "Mobile",
    "Networking",
    "Security",
    "Storage",
    "Web",
    "Other",
)
AI_SERVICE_CATEGORY = "AI and Machine Learning"


def detect_version(columns: list[str] | set[str]) -> str:
    """The spec version an export's header says: 1.4 has ServiceProviderName without the deprecated
    ProviderName, 1.3 has both, 1.2/1.1 have the columns those versions introduced, else 1.0."""
    present = set(columns)
    if "ServiceProviderName" in present:
        return "1.3" if "ProviderName" in present else "1.4"
    for version in ("1.2", "1.1"):
        if present & set(INTRODUCED[version]):
            return version
    return "1.0"
