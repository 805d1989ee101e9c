"""The conformance corpus: vendors' own published examples, each with the rows it must land as.

Layout, one folder per case::

    tests/connectors/corpus/<source>/<case>/
        PROVENANCE.md        where the input comes from: URL or repository + path + commit, date taken,
                             and what was changed (only ever: values anonymised, a published snippet
                             completed into a whole file) -- written by hand
        <input file>         the export exactly as published (its name is the export's file name); the
                             part files of a multi-part export (the source's ``group_files``) land as one
        expected.csv         the canonical rows it must land as, written by hand from the vendor's
                             documented semantics (never produced by the parser under test)
        expected_outcome.txt optional: ``rejected: <text the error must contain>`` for a file that
                             must be rejected, or ``quarantined: <n>`` when n rows must be quarantined

``expected.csv`` holds any subset of the canonical columns (``activity_type``, ``quantity``, ``unit``,
``usage_date``, ``model_raw``, ``project``, ``cost_amount``, ``source_row``...); the landed rows are
compared on exactly those columns, as text, order ignored, so a case says precisely what it pins and
nothing more. An empty ``expected.csv`` (header only) means the export lands no rows.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl
import pytest

from connectors.core.base import Connector
from connectors.core.config import Paths
from connectors.core.pseudonym import KEY_VARIABLE
from connectors.landing.zone import LandingBatch

CORPUS = Path(__file__).resolve().parent.parent / "connectors" / "corpus"
CORPUS_PSEUDONYM_KEY = "corpus-test-key-not-a-secret"
META_FILES = {"PROVENANCE.md", "expected.csv", "expected_outcome.txt"}


def cases(source: str) -> list[Path]:
    """Every case folder of a source (pytest ids: the folder names)."""
    return sorted(p for p in (CORPUS / source).iterdir() if p.is_dir())


def inputs(case: Path) -> list[Path]:
    files = sorted(p for p in case.iterdir() if p.is_file() and p.name not in META_FILES)
    assert files, f"{case}: no input file"
    return files


def land_case(connector: Connector, case: Path) -> tuple[list, pl.DataFrame, pl.DataFrame]:
    """Land a case's input file(s) in a fresh home: (results, landed rows, quarantined rows)."""
    assert (case / "PROVENANCE.md").is_file(), f"{case}: every case says where its input comes from"
    with tempfile.TemporaryDirectory() as home, pytest.MonkeyPatch.context() as env:
        # seat exports hold user identifiers: landing pseudonymises them with a key from the environment
        env.setenv(KEY_VARIABLE, CORPUS_PSEUDONYM_KEY)
        paths = Paths(Path(home))
        batch = LandingBatch(connector, paths)
        for name, parts in connector.group_parts(inputs(case)):  # a multi-part export lands as one
            if len(parts) == 1 and parts[0].name == name:
                batch.add(parts[0].read_bytes(), name)
            else:
                batch.add_parts([(p.read_bytes(), p.name) for p in parts], name)
        results = batch.flush()
        table = connector.table
        landed = list(paths.landing.glob(f"{table}/source={connector.source}/dataset=*/**/part-0.parquet"))
        quarantined = list(paths.quarantine.glob(f"source={connector.source}/*.parquet"))
        rows = pl.concat([pl.read_parquet(p) for p in landed]) if landed else pl.DataFrame()
        held = pl.concat([pl.read_parquet(p) for p in quarantined], how="vertical_relaxed")
        return results, rows, held.filter(pl.col("source_file").is_not_null()) if held.height else held


def assert_case(connector: Connector, case: Path) -> None:
    """The case's input lands exactly its hand-written rows (or is rejected / quarantined as stated)."""
    results, rows, held = land_case(connector, case)
    outcome = (
        (case / "expected_outcome.txt").read_text().strip()
        if (case / "expected_outcome.txt").exists()
        else ""
    )
    if outcome.startswith("rejected:"):
        rejected = [r for r in results if r.rejected]
        assert rejected, f"{case.name}: expected a rejection, got {results}"
        assert outcome.removeprefix("rejected:").strip() in rejected[0].error, rejected[0].error
        return
    assert not any(r.rejected for r in results), [r.error for r in results if r.rejected]
    expected_held = (
        int(outcome.removeprefix("quarantined:").strip()) if outcome.startswith("quarantined:") else 0
    )
    assert held.height == expected_held, held.select("source_row", "field", "reason").rows()
    expected = pl.read_csv(case / "expected.csv", infer_schema=False)
    columns = expected.columns
    if rows.is_empty():
        assert expected.is_empty(), f"{case.name}: nothing landed, {expected.height} rows expected"
        return
    missing = [c for c in columns if c not in rows.columns]
    assert not missing, f"expected.csv names columns the canonical table lacks: {missing}"
    actual = rows.select([_text(c, rows.schema[c]) for c in columns]).sort(columns, nulls_last=True)
    wanted = expected.select([pl.col(c).replace("", None) for c in columns]).sort(columns, nulls_last=True)
    assert actual.rows() == wanted.rows(), _diff(actual, wanted)


def _text(column: str, dtype: pl.DataType) -> pl.Expr:
    """A landed column as the text expected.csv writes: numbers without trailing zeros, dates ISO."""
    if dtype.is_float():
        return pl.col(column).map_elements(lambda v: f"{v:.12g}", return_dtype=pl.String).alias(column)
    if isinstance(dtype, pl.Decimal):
        return pl.col(column).cast(pl.String).str.replace(r"\.?0+$", "").alias(column)
    return pl.col(column).cast(pl.String).alias(column)


def _diff(actual: pl.DataFrame, wanted: pl.DataFrame) -> str:
    extra = actual.join(wanted, on=actual.columns, how="anti", nulls_equal=True)
    missing = wanted.join(actual, on=actual.columns, how="anti", nulls_equal=True)
    return f"\nlanded but not expected:\n{extra}\nexpected but not landed:\n{missing}"
