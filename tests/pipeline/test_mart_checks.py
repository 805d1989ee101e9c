"""Mart gates: fallback share, quarter-over-quarter and cost reconciliation pass or fail when they should."""

from __future__ import annotations

import pytest

from connectors.core.config import BUNDLED_SAMPLES
from orchestration.defs.resources import SettingsResource, WarehouseResource
from orchestration.defs.warehouse.mart_checks import fallback_share_check, quarter_over_quarter_check
from orchestration.defs.warehouse.reconcile_checks import cost_reconciliation_check

pytestmark = pytest.mark.slow


@pytest.fixture
def warehouse(pipeline_home):
    return WarehouseResource(home=str(pipeline_home), exports_dir=str(BUNDLED_SAMPLES))


def test_fallback_share_passes_under_the_limit_and_fails_over_it(warehouse):
    assert fallback_share_check(
        warehouse=warehouse, settings=SettingsResource(max_fallback_share="0.99")
    ).passed
    result = fallback_share_check(warehouse=warehouse, settings=SettingsResource(max_fallback_share="0.0001"))
    assert not result.passed
    assert result.severity.value == "ERROR"
    failures = result.metadata["failures"].value
    assert failures[0]["column"] == "fallback_share" and failures[0]["unexpected_count"] >= 1


def test_quarter_over_quarter_jump_is_a_warning(warehouse):
    assert quarter_over_quarter_check(
        warehouse=warehouse, settings=SettingsResource(max_qoq_ratio="1000")
    ).passed
    # any change at all counts as a jump
    result = quarter_over_quarter_check(
        warehouse=warehouse, settings=SettingsResource(max_qoq_ratio="1.0001")
    )
    assert not result.passed
    assert result.severity.value == "WARN"


def test_cost_reconciliation_warns_with_the_differences_ewh_reconcile_flags(warehouse):
    """The bundled console CSVs were generated apart from the API samples, so some of their days differ."""
    from warehouse.reconcile import reconcile

    expected = reconcile(warehouse.paths, tolerance=0.01)
    flagged = expected.filter(expected["flagged"]).height
    assert flagged > 0
    result = cost_reconciliation_check(
        warehouse=warehouse, settings=SettingsResource(reconcile_tolerance="0.01")
    )
    assert not result.passed
    assert result.severity.value == "WARN"
    assert result.metadata["differences"].value == flagged
    assert result.metadata["rows_compared"].value == expected.height
    # nothing differs by a billion times
    relaxed = cost_reconciliation_check(
        warehouse=warehouse, settings=SettingsResource(reconcile_tolerance="1e9")
    )
    assert relaxed.passed and relaxed.metadata["differences"].value == 0
