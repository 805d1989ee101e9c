"""``ewh export --format focus``: the FOCUS columns of activity rows, checked against the spec's column rules.

The rules (``connectors.focus.spec``) are written from the spec text: the mandatory columns of 1.3, which may
be null, the allowed values of ChargeCategory, ChargeClass, ChargeFrequency, PricingCategory and
ServiceCategory, decimal and ISO 8601 UTC formats, ISO 4217 currencies, x_ prefixes for custom columns.
The warehouse-level test (a real quarter through ``ewh export``) is in tests/pipeline/test_export_focus.py.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import polars as pl
import pytest

from connectors.core.schema import UNITS, VENDORS
from connectors.focus import spec
from connectors.focus.cost_and_usage import parse
from ewh.choices import EXPORT_FORMATS
from ewh.export_focus import FOCUS_VERSION, PROVIDER_NAMES, UNIT_NAMES, focus_rows


def test_every_vendor_and_unit_of_the_canonical_schema_has_a_focus_name():
    assert set(PROVIDER_NAMES) >= VENDORS, sorted(VENDORS - set(PROVIDER_NAMES))
    assert set(UNIT_NAMES) >= UNITS, sorted(UNITS - set(UNIT_NAMES))
    assert "focus" in EXPORT_FORMATS


def _impact(**values) -> dict:
    row = {
        "activity_id": "a1",
        "usage_start": datetime(2026, 9, 3, tzinfo=UTC),
        "usage_end": datetime(2026, 9, 4, tzinfo=UTC),
        "usage_date": date(2026, 9, 3),
        "vendor": "azure",
        "service": "azure.openai",
        "model": "gpt-4.1",
        "activity_type": "llm_input_tokens",
        "quantity": 2_500_000.0,
        "unit": "tokens",
        "region": "eastus2",
        "country": None,
        "account": "6f1c2d3e",
        "project": "rg-ai-prod",
        "workspace": None,
        "cost_amount": Decimal("5.000000000000"),
        "cost_amount_net": Decimal("4.500000000000"),
        "cost_currency": "USD",
        "method_tier": "ecologits",
        "dq_score": 2.0,
        "market_basis": "residual_mix",
        "factor_release": "2026.12",
        "factor_release_sha256": "abc",
        "source_file": "f.csv",
        "source_row": "line:2",
    }
    for figure in ("energy_kwh", "co2e_location_kg", "co2e_market_kg", "water_l", "co2e_embodied_kg"):
        row |= {figure: 1.0, f"{figure}_low": 0.5, f"{figure}_high": 2.0}
    return row | values


def _frame(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame(
        list(rows),
        schema_overrides={
            "cost_amount": pl.Decimal(38, 12),
            "cost_amount_net": pl.Decimal(38, 12),
            "usage_start": pl.Datetime("us", "UTC"),
            "usage_end": pl.Datetime("us", "UTC"),
        },
        infer_schema_length=None,
    )


def test_activity_rows_become_focus_rows_with_their_figures():
    impacts = _frame(
        _impact(),
        _impact(activity_id="a2", activity_type="spend", unit="currency", quantity=360.0, model=None),
        _impact(
            activity_id="a3",
            activity_type="spend",
            unit="currency",
            quantity=0.0,
            cost_amount=Decimal(0),
            cost_amount_net=Decimal("-0.4"),
        ),
        _impact(
            activity_id="a4", vendor="openai", cost_amount=None, cost_amount_net=None, cost_currency=None
        ),
        _impact(
            activity_id="a5", vendor="meta", activity_type="ad_impressions", unit="impressions", quantity=1e5
        ),
    )
    out = focus_rows(impacts)
    assert spec.violations(out, FOCUS_VERSION) == []
    first = out.row(0, named=True)
    # by hand: BilledCost is the net (5.00 gross - 0.50 credits), ListCost the gross; 2.5M tokens consumed
    assert (first["BilledCost"], first["ListCost"], first["ChargeCategory"]) == (4.5, 5.0, "Usage")
    assert (first["ConsumedQuantity"], first["ConsumedUnit"]) == (2_500_000.0, "Tokens")
    assert (first["ProviderName"], first["ServiceProviderName"], first["HostProviderName"]) == (
        "Microsoft",
    ) * 3
    assert (first["ChargePeriodStart"], first["BillingPeriodStart"]) == (
        "2026-09-03T00:00:00Z",
        "2026-09-01T00:00:00Z",
    )
    assert (first["x_Co2eLocationKg"], first["x_Co2eLocationKg_Low"], first["x_WaterL_High"]) == (
        1.0,
        0.5,
        2.0,
    )
    assert first["x_FactorRelease"] == "2026.12"
    rows = {r["x_ActivityId"]: r for r in out.iter_rows(named=True)}
    assert rows["a2"]["ConsumedQuantity"] is None and rows["a2"]["PricingUnit"] == "Currency Units"
    assert (rows["a3"]["ChargeCategory"], rows["a3"]["BilledCost"]) == ("Credit", -0.4)
    assert (rows["a4"]["BilledCost"], rows["a4"]["x_CostStated"], rows["a4"]["BillingCurrency"]) == (
        0.0,
        False,
        "USD",
    )
    assert (rows["a5"]["ServiceCategory"], rows["a5"]["ConsumedUnit"]) == ("Other", "Impressions")


def test_the_export_reads_back_through_the_focus_reader():
    out = focus_rows(
        _frame(_impact(), _impact(activity_id="a2", activity_type="llm_output_tokens", quantity=4e5))
    )
    buffer = io.BytesIO()
    out.write_csv(buffer)
    back = parse(buffer.getvalue(), "focus.csv").rows.sort("quantity")
    assert back.select("vendor", "activity_type", "quantity").rows() == [
        ("azure", "llm_output_tokens", 400_000.0),
        ("azure", "llm_input_tokens", 2_500_000.0),
    ]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda f: f.drop("ServiceProviderName"), "mandatory column ServiceProviderName missing"),
        (lambda f: f.with_columns(pl.lit("Refund").alias("ChargeCategory")), "ChargeCategory value 'Refund'"),
        (lambda f: f.with_columns(pl.lit(None, pl.String).alias("ProviderName")), "ProviderName has 1 null"),
        (
            lambda f: f.with_columns(pl.lit("2026-09-03").alias("ChargePeriodStart")),
            "ChargePeriodStart holds",
        ),
        (lambda f: f.with_columns(pl.lit("usd").alias("BillingCurrency")), "ISO 4217"),
        (lambda f: f.with_columns(pl.lit("x").alias("Carbon")), "column Carbon is neither"),
        (lambda f: f.with_columns(pl.lit("ten").alias("BilledCost")), "BilledCost holds a value"),
    ],
)
def test_the_column_rules_catch_what_the_spec_forbids(change, problem):
    good = focus_rows(_frame(_impact()))
    assert spec.violations(good, FOCUS_VERSION) == []
    assert any(problem in v for v in spec.violations(change(good), FOCUS_VERSION))
