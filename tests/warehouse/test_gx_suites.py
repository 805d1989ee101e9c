"""The ad-hoc GX suites of the mart checks: failures named by row; GX left unloaded for an empty mart and
for an input already validated (the memo)."""

import json
import subprocess
import sys

import polars as pl

from warehouse.gx_suites import expectation_results


def _share_at_most(limit: float) -> list:
    return [("ExpectColumnValuesToBeBetween", {"column": "share", "min_value": 0, "max_value": limit})]


def test_a_value_over_the_limit_fails_and_names_its_row():
    frame = pl.DataFrame({"quarter": ["2026Q2", "2026Q3"], "share": [0.2, 0.7]})
    (failure,) = expectation_results(frame, _share_at_most(0.5))
    assert failure["expectation"] == "expect_column_values_to_be_between"
    assert failure["unexpected_count"] == 1
    assert failure["rows"] == [{"quarter": "2026Q3", "share": "0.7"}]


def test_values_within_the_limit_pass():
    frame = pl.DataFrame({"quarter": ["2026Q2", "2026Q3"], "share": [0.2, 0.5]})
    assert expectation_results(frame, _share_at_most(0.5)) == []


def _in_new_process(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_an_empty_mart_passes_without_loading_gx():
    """An empty warehouse (a new home, an empty export set) checks nothing: GX takes seconds to import."""
    code = (
        "import sys, polars as pl\n"
        "from warehouse.gx_suites import expectation_results\n"
        "assert expectation_results(pl.DataFrame({'share': []}), [('NoSuchExpectation', {})]) == []\n"
        "print('great_expectations' in sys.modules)\n"
    )
    assert _in_new_process(code) == "False"


def test_the_memo_answers_the_same_input_without_gx_and_any_change_validates_again(tmp_path):
    memo = tmp_path / "memo" / "share.json"
    frame = pl.DataFrame({"quarter": ["2026Q2", "2026Q3"], "share": [0.2, 0.7]})
    (first,) = expectation_results(frame, _share_at_most(0.5), memo=memo)
    assert json.loads(memo.read_text())["failures"][0]["rows"] == [{"quarter": "2026Q3", "share": "0.7"}]

    # the same frame and limit, in a new process: the kept result, GX never imported
    code = (
        "import sys, polars as pl\n"
        "from pathlib import Path\n"
        "from warehouse.gx_suites import expectation_results\n"
        "frame = pl.DataFrame({'quarter': ['2026Q2', '2026Q3'], 'share': [0.2, 0.7]})\n"
        "spec = [('ExpectColumnValuesToBeBetween', {'column': 'share', 'min_value': 0, 'max_value': 0.5})]\n"
        f"(failure,) = expectation_results(frame, spec, memo=Path({str(memo)!r}))\n"
        "print(failure['unexpected_count'], 'great_expectations' in sys.modules)\n"
    )
    assert _in_new_process(code) == "1 False"

    # a new limit, then a new value: validated again, and the memo follows
    assert expectation_results(frame, _share_at_most(0.8), memo=memo) == []
    assert json.loads(memo.read_text())["failures"] == []
    changed = frame.with_columns(pl.Series("share", [0.9, 0.7]))
    assert len(expectation_results(changed, _share_at_most(0.8), memo=memo)[0]["rows"]) == 1
    assert first["unexpected_count"] == 1


def test_an_unreadable_memo_is_validated_again(tmp_path):
    memo = tmp_path / "share.json"
    memo.write_text("{not json")
    frame = pl.DataFrame({"quarter": ["2026Q3"], "share": [0.7]})
    assert len(expectation_results(frame, _share_at_most(0.5), memo=memo)) == 1


def test_the_memo_ignores_the_last_bits_of_a_float_sum(tmp_path):
    """A parallel sum may differ in its last bits from one query to the next: still the same input."""
    memo = tmp_path / "share.json"
    frame = pl.DataFrame({"quarter": ["2026Q3"], "share": [0.1 + 0.2]})  # 0.30000000000000004
    assert expectation_results(frame, _share_at_most(0.25), memo=memo)[0]["unexpected_count"] == 1
    kept = json.loads(memo.read_text())
    memo.write_text(json.dumps(kept | {"failures": [{"marker": "answered by the memo"}]}))
    same = pl.DataFrame({"quarter": ["2026Q3"], "share": [0.3]})
    assert expectation_results(same, _share_at_most(0.25), memo=memo) == [{"marker": "answered by the memo"}]
    other = pl.DataFrame({"quarter": ["2026Q3"], "share": [0.3001]})
    assert expectation_results(other, _share_at_most(0.25), memo=memo)[0]["unexpected_count"] == 1


def test_gx_does_not_fingerprint_the_rows_of_a_batch(monkeypatch):
    """GX hashes every row of a pandas batch for a batch marker unless told not to (half the landing gate's
    time at 10M rows); the batch is still validated whole."""
    from great_expectations.execution_engine import pandas_execution_engine

    hashed = []
    original = pandas_execution_engine.hash_pandas_dataframe
    monkeypatch.setattr(
        pandas_execution_engine, "hash_pandas_dataframe", lambda df: hashed.append(len(df)) or original(df)
    )
    frame = pl.DataFrame({"quarter": ["2026Q2", "2026Q3", "2026Q4"], "share": [0.2, 0.7, 0.9]})
    (failure,) = expectation_results(frame, _share_at_most(0.5))
    assert failure["unexpected_count"] == 2
    assert hashed == []
