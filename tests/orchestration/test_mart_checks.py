"""Mart gates: fallback share, quarter-over-quarter and cost reconciliation pass or fail when they should."""

from __future__ import annotations

import shutil

import duckdb
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


def test_cost_reconciliation_warns_on_a_planted_difference_and_counts_it_once(
    warehouse, pipeline_home, tmp_path
):
    """A 5 % error planted on one OpenAI Costs API day is one more difference, and nothing else moves.

    The expectation is the planted fact, not ``ewh reconcile``'s output: the bundled Costs API sample was
    priced from the usage sample (tools/samples/openai_anthropic_api.py), so 2026-09-03 reconciles
    before the plant and differs by 0.05 / 1.05 after it, over the 1 % tolerance.
    """
    tolerance = SettingsResource(reconcile_tolerance="0.01")
    clean = cost_reconciliation_check(warehouse=warehouse, settings=tolerance)
    assert clean.severity.value == "WARN"

    home = tmp_path / "home"  # a copy of the session's home: other tests read the original
    shutil.copytree(pipeline_home, home, ignore=shutil.ignore_patterns(".dagster", "*.lock"))
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    try:
        changed = con.execute(
            "update fct_vendor_costs set cost_amount = cost_amount * 1.05 "
            "where source = 'openai_costs' and usage_date = date '2026-09-03'"
        ).fetchall()[0][0]
    finally:
        con.close()
    assert changed > 0
    planted = WarehouseResource(home=str(home), exports_dir=str(BUNDLED_SAMPLES))
    result = cost_reconciliation_check(warehouse=planted, settings=tolerance)

    assert not result.passed
    assert result.severity.value == "WARN"
    assert result.metadata["differences"].value == clean.metadata["differences"].value + 1
    assert result.metadata["rows_compared"].value == clean.metadata["rows_compared"].value
    # nothing differs by a billion times
    relaxed = cost_reconciliation_check(
        warehouse=planted, settings=SettingsResource(reconcile_tolerance="1e9")
    )
    assert relaxed.passed and relaxed.metadata["differences"].value == 0
