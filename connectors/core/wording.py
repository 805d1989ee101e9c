"""What a vendor's free text says, as a label: the first of a list of regular expressions it matches.

Billing exports describe a line in words (a FOCUS ``SkuMeter``, a Google SKU description) rather than in
a coded column; a reader states its rules as ``(pattern, label)`` pairs, in the order they are tried.
"""

from __future__ import annotations

import polars as pl


def first_match(text: pl.Expr, rules: list[tuple[str, str]]) -> pl.Expr:
    """The label of the first pattern ``text`` contains (``str.contains``); null when none matches or the
    text is null."""
    (pattern, label), *rest = rules
    labelled = pl.when(text.str.contains(pattern)).then(pl.lit(label))
    for pattern, label in rest:
        labelled = labelled.when(text.str.contains(pattern)).then(pl.lit(label))
    return labelled
