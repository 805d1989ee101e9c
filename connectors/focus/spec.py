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


# Rules a dataset's values must meet (columns' "Content constraints" and requirement lists, v1.2; 1.3 adds
# the service/host provider columns, Mandatory, ServiceProviderName not null)
ISO_DATETIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"  # DateTimeFormat: ISO 8601 UTC, "Z"
CURRENCY = r"^[A-Z]{3}$"  # CurrencyFormat: ISO 4217 alphabetic code
ALLOWED_VALUES: dict[str, tuple[str, ...]] = {
    "ChargeCategory": CHARGE_CATEGORIES,
    "ChargeClass": CHARGE_CLASSES,
    "ChargeFrequency": CHARGE_FREQUENCIES,
    "PricingCategory": PRICING_CATEGORIES,
    "ServiceCategory": SERVICE_CATEGORIES,
}


def violations(frame, version: str) -> list[str]:
    """Every way a FOCUS dataset (a Polars frame of text or typed columns) breaks the column rules of
    ``version``: a mandatory column missing, a null where the column allows none, a value not allowed, a
    decimal or date/time not in its format, a charge period ending before it starts, a custom column not
    prefixed ``x_``. Empty when the dataset conforms (as far as these rules go)."""
    import polars as pl

    found: list[str] = []
    known = set(MANDATORY[version]) | CONDITIONAL_COLUMNS
    for name in MANDATORY[version]:
        if name not in frame.columns:
            found.append(f"mandatory column {name} missing")
    for name in frame.columns:
        if name not in known and not name.startswith("x_"):
            found.append(f"column {name} is neither a FOCUS column nor a custom column prefixed x_")
    text = frame.select(pl.col(c).cast(pl.String) for c in frame.columns)
    for name in set(MANDATORY[version]) & set(frame.columns):
        if name not in NULLABLE and text[name].null_count():
            found.append(f"{name} has {text[name].null_count()} null value(s)")
    for name, allowed in ALLOWED_VALUES.items():
        if name in frame.columns:
            bad = text.filter(pl.col(name).is_not_null() & ~pl.col(name).is_in(list(allowed)))[name].unique()
            found.extend(f"{name} value {v!r} not allowed" for v in bad.to_list())
    for name in DECIMAL & set(frame.columns):
        values = text[name].drop_nulls()
        if values.cast(pl.Float64, strict=False).null_count():
            found.append(f"{name} holds a value that is not a decimal number")
    for name in DATETIME & set(frame.columns):
        if frame.schema[name] == pl.String and (~text[name].drop_nulls().str.contains(ISO_DATETIME)).any():
            found.append(f"{name} holds a value not in ISO 8601 UTC (YYYY-MM-DDTHH:MM:SSZ)")
    if (
        "BillingCurrency" in frame.columns
        and (~text["BillingCurrency"].drop_nulls().str.contains(CURRENCY)).any()
    ):
        found.append("BillingCurrency holds a value that is not an ISO 4217 code")
    periods = {"ChargePeriodStart", "ChargePeriodEnd"} <= set(frame.columns)
    if periods and (text["ChargePeriodEnd"] < text["ChargePeriodStart"]).any():
        found.append("a charge period ends before it starts")
    return found


# the Conditional and Recommended columns of 1.0-1.3 (not mandatory, allowed in a dataset)
CONDITIONAL_COLUMNS = frozenset(
    {
        "AvailabilityZone",
        "BillingAccountType",
        "CapacityReservationId",
        "CapacityReservationStatus",
        "ChargeFrequency",
        "CommitmentDiscountCategory",
        "CommitmentDiscountId",
        "CommitmentDiscountName",
        "CommitmentDiscountQuantity",
        "CommitmentDiscountStatus",
        "CommitmentDiscountType",
        "CommitmentDiscountUnit",
        "ConsumedQuantity",
        "ConsumedUnit",
        "ContractedUnitPrice",
        "InvoiceId",
        "ListUnitPrice",
        "PricingCategory",
        "PricingCurrency",
        "PricingCurrencyContractedUnitPrice",
        "PricingCurrencyEffectiveCost",
        "PricingCurrencyListUnitPrice",
        "RegionId",
        "RegionName",
        "ResourceId",
        "ResourceName",
        "ResourceType",
        "ServiceSubcategory",
        "SkuId",
        "SkuMeter",
        "SkuPriceDetails",
        "SkuPriceId",
        "SubAccountId",
        "SubAccountName",
        "SubAccountType",
        "Tags",
    }
)
