"""The ad-hoc GX suites of the mart checks: failures named by row; GX left unloaded for an empty mart."""

import subprocess
import sys

import pandas as pd

from warehouse.gx_suites import expectation_results


def _share_at_most(limit: float):
    return lambda e: [e.ExpectColumnValuesToBeBetween(column="share", min_value=0, max_value=limit)]


def test_a_value_over_the_limit_fails_and_names_its_row():
    frame = pd.DataFrame({"quarter": ["2026Q2", "2026Q3"], "share": [0.2, 0.7]})
    (failure,) = expectation_results(frame, _share_at_most(0.5))
    assert failure["expectation"] == "expect_column_values_to_be_between"
    assert failure["unexpected_count"] == 1
    assert failure["rows"] == [{"quarter": "2026Q3", "share": "0.7"}]


def test_values_within_the_limit_pass():
    frame = pd.DataFrame({"quarter": ["2026Q2", "2026Q3"], "share": [0.2, 0.5]})
    assert expectation_results(frame, _share_at_most(0.5)) == []


def test_an_empty_mart_passes_without_loading_gx():
    """An empty warehouse (a new home, an empty export set) checks nothing: GX takes seconds to import."""
    code = (
        "import sys, pandas as pd\n"
        "from warehouse.gx_suites import expectation_results\n"
        "assert expectation_results(pd.DataFrame({'share': []}), lambda e: 1 / 0) == []\n"
        "print('great_expectations' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
