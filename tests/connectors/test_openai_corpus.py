"""Conformance corpus: OpenAI's own published examples (API reference, cookbook captures) and the dashboard
export's published fixture land exactly their hand-written rows (tests/connectors/corpus/<source>/<case>/,
tests/support/corpus.py)."""

from __future__ import annotations

import pytest

from connectors.openai_costs import CONNECTOR as COSTS
from connectors.openai_dashboard import CONNECTOR as DASHBOARD
from connectors.openai_usage import CONNECTOR as USAGE
from tests.support.corpus import assert_case, cases

CONNECTORS = {c.source: c for c in (USAGE, COSTS, DASHBOARD)}


@pytest.mark.parametrize(
    ("source", "case"),
    [(s, c) for s in CONNECTORS for c in cases(s)],
    ids=lambda v: v if isinstance(v, str) else v.name,
)
def test_published_example_lands_exactly_its_hand_written_rows(source, case):
    assert_case(CONNECTORS[source], case)
