"""Conformance corpus: every source's published examples land exactly their hand-written rows.

Each case under tests/connectors/corpus/<source>/<case>/ is a vendor's own published example (API
reference or OpenAPI example, SDK or client test fixture, documented sample export, or a documented
snippet completed into a whole file) with its PROVENANCE.md; the runner is tests/support/corpus.py. A case
with several part files lands them as one export (the source's ``group_files``).
"""

from __future__ import annotations

import pytest

from connectors.core.registry import CONNECTORS
from tests.support.corpus import CORPUS, assert_case, cases


@pytest.mark.parametrize(
    ("source", "case"),
    [(s, c) for s in sorted(CONNECTORS) for c in cases(s)],
    ids=lambda v: v if isinstance(v, str) else v.name,
)
def test_published_example_lands_exactly_its_hand_written_rows(source, case):
    assert_case(CONNECTORS[source], case)


def test_every_registered_source_has_a_corpus_and_every_case_its_provenance():
    assert sorted(p.name for p in CORPUS.iterdir() if p.is_dir()) == sorted(CONNECTORS)
    for source in CONNECTORS:
        assert cases(source), f"{source}: no published example in the corpus"
        for case in cases(source):
            assert (case / "PROVENANCE.md").read_text().strip(), f"{source}/{case.name}: no provenance"
