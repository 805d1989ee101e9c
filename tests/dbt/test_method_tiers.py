"""The estimation hierarchy has one home, the ``method_tiers`` seed; docs/methodology.md repeats it and must
say the same tiers and the same fallbacks (marked †)."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from factors.release import seed_path

ROOT = Path(__file__).resolve().parents[2]
SEED = seed_path("method_tiers")
METHODOLOGY = ROOT / "docs" / "methodology.md"


def _documented() -> dict[str, bool]:
    """method_tier -> marked as a fallback, from the "Hierarchy" table's third column."""
    section = METHODOLOGY.read_text().split("**Hierarchy**", 1)[1].split("\n## ", 1)[0]
    out = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and (match := re.match(r"`([a-z_]+)`( †)?", cells[2])):
            out[match.group(1)] = match.group(2) is not None
    return out


def test_methodology_table_lists_the_seeds_tiers_and_fallbacks():
    seed = pl.read_csv(SEED)
    assert dict(zip(seed["method_tier"], seed["is_fallback"], strict=True)) == _documented()


def test_the_seed_marks_exactly_the_estimates_without_data_about_the_model_as_fallbacks():
    seed = pl.read_csv(SEED)
    fallbacks = set(seed.filter(pl.col("is_fallback"))["method_tier"])
    # seat_active_user_day: a seat tool that says only who was active, no data about the use itself (#18)
    assert fallbacks == {"size_tier", "unknown_model", "spend_based", "no_factor", "seat_active_user_day"}
