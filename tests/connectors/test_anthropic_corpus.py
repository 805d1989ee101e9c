"""Conformance corpus: Anthropic's own published examples and real exports land exactly their hand-written
rows (tests/connectors/corpus/<source>/<case>/, tests/support/corpus.py)."""

from __future__ import annotations

import pytest

from connectors.anthropic_console import CONNECTOR as CONSOLE
from connectors.anthropic_costs import CONNECTOR as COSTS
from connectors.anthropic_usage import CONNECTOR as USAGE
from tests.support.corpus import assert_case, cases

CONNECTORS = {c.source: c for c in (USAGE, COSTS, CONSOLE)}


@pytest.mark.parametrize(
    ("source", "case"),
    [(s, c) for s in CONNECTORS for c in cases(s)],
    ids=lambda v: v if isinstance(v, str) else v.name,
)
def test_published_example_lands_exactly_its_hand_written_rows(source, case):
    assert_case(CONNECTORS[source], case)
