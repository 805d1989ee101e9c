"""Markdown tables for Dagster metadata (the UI renders them), from rows or a Polars frame.

Written here rather than with pandas' ``to_markdown``: that needs pandas and tabulate loaded, a second
or so of a run that only evaluates checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import polars as pl


def md_table(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    """A Markdown table (pipes inside cells escaped; nulls shown empty)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def frame_md(frame: pl.DataFrame) -> str:
    return md_table(frame.columns, frame.rows())


def _cell(value) -> str:
    return "" if value is None else str(value).replace("|", "/")
