"""The committed samples are exactly what their generators write: every generator, every file, every byte.

Each generator in ``tools/samples`` regenerates into a temporary folder; the files it writes must equal
the committed ``data/samples/<source>/`` files of the sources it owns (none missing, none extra), and
together the generators own every committed sample file. A generator edited without regenerating the
samples, or a sample edited by hand, fails here. Parquet files are compared by what a reader gets (the
schema with its Arrow metadata, every row): their bytes also hold the writing library's version and its
page layout, which a new Polars release changes without changing the sample (2.1 -> 2.2 did).
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tools.samples import GENERATORS

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "data" / "samples"
TOOLS = REPO / "tools" / "samples"


def _committed(sources: tuple[str, ...]) -> set[str]:
    return {
        p.relative_to(SAMPLES).as_posix() for s in sources for p in (SAMPLES / s).rglob("*") if p.is_file()
    }


def test_every_generator_module_is_listed():
    modules = {p.stem for p in TOOLS.glob("*.py") if not p.stem.startswith("_")}
    assert modules == set(GENERATORS)


def test_every_committed_sample_has_exactly_one_generator():
    owners: dict[str, list[str]] = {}
    for name in GENERATORS:
        for source in importlib.import_module(f"tools.samples.{name}").SOURCES:
            owners.setdefault(source, []).append(name)
    committed = {p.name for p in SAMPLES.iterdir() if p.is_dir()}
    assert set(owners) == committed
    assert {s: o for s, o in owners.items() if len(o) > 1} == {}


@pytest.mark.parametrize("name", GENERATORS)
def test_generator_reproduces_its_committed_samples(name: str, tmp_path: Path):
    module = importlib.import_module(f"tools.samples.{name}")
    written = module.write(tmp_path)
    produced = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert {p.relative_to(tmp_path).as_posix() for p in written} == produced  # it says what it wrote
    assert produced == _committed(module.SOURCES)
    changed = sorted(f for f in produced if not _same_sample(tmp_path / f, SAMPLES / f))
    assert changed == [], f"regenerate with: python -m tools.samples.{name}"


def _same_sample(written: Path, committed: Path) -> bool:
    """Byte for byte; a Parquet file by its schema (Arrow metadata included) and rows."""
    if written.read_bytes() == committed.read_bytes():
        return True
    if written.suffix != ".parquet":
        return False
    ours, theirs = pq.read_table(written), pq.read_table(committed)
    return ours.schema.equals(theirs.schema, check_metadata=True) and ours.equals(theirs)


def test_generators_import_no_project_code():
    """A sample is an independent fixture of the vendor's format: no generator reads the connectors'
    constants (a header taken from the parser would agree with the parser whatever the vendor writes)."""
    import ast

    project = {"connectors", "warehouse", "orchestration", "ewh", "factors"}
    found = []
    for path in TOOLS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            found += [f"{path.name}: {n}" for n in names if n.split(".")[0] in project]
    assert found == []
