"""Conformance corpus: Mistral, Runway and the clouds' carbon exports land exactly their hand-written rows.

Each case under tests/connectors/corpus/<source>/<case>/ is a vendor's own published example (API
reference or OpenAPI example, SDK or client test fixture, documented sample) with its provenance; the
runner is tests/support/corpus.py.
"""

from __future__ import annotations

import pytest

from connectors.cloud_carbon import CONNECTORS as CARBON
from connectors.mistral_usage import CONNECTOR as MISTRAL
from connectors.runway_usage import CONNECTOR as RUNWAY
from tests.support.corpus import assert_case, cases

CONNECTORS = {c.source: c for c in (MISTRAL, RUNWAY, *CARBON)}


@pytest.mark.parametrize(
    ("source", "case"),
    [(s, c) for s in CONNECTORS for c in cases(s)],
    ids=lambda v: v if isinstance(v, str) else v.name,
)
def test_published_example_lands_exactly_its_hand_written_rows(source, case):
    assert_case(CONNECTORS[source], case)
