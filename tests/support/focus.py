"""FOCUS rows and CSV files written in a test, for the FOCUS reader's tests."""

from __future__ import annotations

import csv
import io

from connectors.focus.spec import MANDATORY


def rows_csv(rows: list[dict]) -> bytes:
    """The rows as a CSV file: every column any row has, in first-seen order (a missing cell is empty)."""
    out = io.StringIO()
    writer = csv.DictWriter(
        out, list(dict.fromkeys(k for r in rows for k in r)), restval="", lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def focus_row(version: str, *, cost: str | None = None, **values) -> dict:
    """A FOCUS row holding every mandatory column of ``version`` (empty unless given); ``cost`` fills the
    four cost columns (BilledCost, EffectiveCost, ListCost, ContractedCost) at once."""
    row = dict.fromkeys(MANDATORY[version], "")
    if cost is not None:
        row.update(BilledCost=cost, EffectiveCost=cost, ListCost=cost, ContractedCost=cost)
    row.update(values)
    return row
