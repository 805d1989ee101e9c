"""Conformance corpus: AWS CUR, Azure cost details and GCP billing exports land their hand-written rows.

Each case under tests/connectors/corpus/<source>/<case>/ is a vendor's own published example (a sample
export, or a documented snippet completed into a whole file) with its provenance; the runner is
tests/support/corpus.py. A case with several part files lands them as one export (the source's
``group_files``).
"""

from __future__ import annotations

import pytest

from connectors.aws_cur import CONNECTOR as AWS
from connectors.azure_cost import CONNECTOR as AZURE
from connectors.gcp_billing import CONNECTOR as GCP
from tests.support.corpus import assert_case, cases

CONNECTORS = {c.source: c for c in (AWS, AZURE, GCP)}


@pytest.mark.parametrize(
    ("source", "case"),
    [(s, c) for s in CONNECTORS for c in cases(s)],
    ids=lambda v: v if isinstance(v, str) else v.name,
)
def test_published_example_lands_exactly_its_hand_written_rows(source, case):
    assert_case(CONNECTORS[source], case)
