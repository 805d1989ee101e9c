"""Calendar quarters, the reporting period of every mart: one parser, one set of bounds.

A quarter is written ``2026Q3`` everywhere (marts, CLI arguments, file names); ``2026q3`` and
surrounding spaces are accepted and normalised. dbt derives the same label with ``quarter_label``.
"""

from __future__ import annotations

import re
from datetime import date

QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")


class QuarterError(ValueError):
    """Not a quarter label; the message shows the expected form."""


def parse_quarter(value: str) -> str:
    """``" 2026q3 "`` -> ``"2026Q3"``; anything else raises ``QuarterError`` before a file is opened."""
    label = value.strip().upper()
    if not QUARTER_RE.match(label):
        raise QuarterError(f"quarter must look like 2026Q3, not {value!r}")
    return label


def quarter_parts(quarter: str) -> tuple[int, int]:
    match = QUARTER_RE.match(parse_quarter(quarter))
    assert match is not None
    return int(match.group(1)), int(match.group(2))


def previous_quarter(quarter: str) -> str:
    year, q = quarter_parts(quarter)
    return f"{year - 1}Q4" if q == 1 else f"{year}Q{q - 1}"


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """First and last day of the quarter."""
    year, q = quarter_parts(quarter)
    start = date(year, 3 * q - 2, 1)
    end = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def quarter_of(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"
