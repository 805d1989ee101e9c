"""The one quarter parser: labels, normalisation, previous quarter and bounds (hand-written calendar)."""

from __future__ import annotations

from datetime import date

import pytest

from warehouse.quarters import QuarterError, parse_quarter, previous_quarter, quarter_bounds, quarter_of


@pytest.mark.parametrize(
    ("value", "previous", "bounds"),
    [
        ("2026Q1", "2025Q4", ("2026-01-01", "2026-03-31")),
        ("2026q3", "2026Q2", ("2026-07-01", "2026-09-30")),
        ("2024Q4", "2024Q3", ("2024-10-01", "2024-12-31")),
        (" 2028q1 ", "2027Q4", ("2028-01-01", "2028-03-31")),
    ],
)
def test_quarter_arithmetic(value, previous, bounds):
    assert previous_quarter(value) == previous
    assert tuple(d.isoformat() for d in quarter_bounds(value)) == bounds


@pytest.mark.parametrize("bad", ["2026Q5", "26Q3", "Q3-2026", "Q3 2026", "2026-07", ""])
def test_anything_else_is_refused_with_the_expected_form(bad):
    with pytest.raises(QuarterError, match="quarter must look like 2026Q3"):
        parse_quarter(bad)


def test_labels_are_normalised():
    assert parse_quarter(" 2026q3 ") == "2026Q3"


@pytest.mark.parametrize(
    ("day", "quarter"),
    [(date(2026, 3, 31), "2026Q1"), (date(2026, 4, 1), "2026Q2"), (date(2026, 12, 31), "2026Q4")],
)
def test_quarter_of_a_day(day, quarter):
    assert quarter_of(day) == quarter
