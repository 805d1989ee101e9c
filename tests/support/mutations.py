"""Property-based damage to vendor exports, and the one invariant every parser must keep under it.

Whatever happens to an export (truncated at any byte, a column dropped or renamed, a cell of the wrong
type, another text encoding, empty or huge values), landing it must end in landed rows, quarantined
rows or a named file rejection: never an uncaught exception, never a record that disappears. The
strategies work on the bytes of a real (published or bundled) export of the source under test.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import tempfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.core.base import Connector, ExportFormatError
from connectors.core.config import Paths
from connectors.landing.zone import LandingBatch, read_manifest


def damage_settings(max_examples: int) -> settings:
    """Hypothesis settings of a damaged-export property: ``max_examples`` examples, no deadline (landing
    one export takes longer than Hypothesis' default allows)."""
    return settings(max_examples=max_examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def head(path: Path, lines: int) -> bytes:
    """The first ``lines`` lines of an export (a short real file keeps each example fast)."""
    return b"".join(path.read_bytes().removeprefix(codecs.BOM_UTF8).splitlines(keepends=True)[:lines])


# ---- damage to CSV exports ------------------------------------------------------------------------


def _csv_table(raw: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def _csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


@st.composite
def damaged_csv(draw, raw: bytes) -> bytes:
    """One kind of damage to a CSV export, chosen by Hypothesis."""
    table = _csv_table(raw)
    header, body = table[0], table[1:]
    kind = draw(
        st.sampled_from(
            [
                "truncate",
                "drop_column",
                "rename_column",
                "swap_type",
                "encode",
                "empty_cell",
                "huge_value",
                "short_row",
                "long_row",
            ]
        )
    )
    if kind == "truncate":
        return raw[: draw(st.integers(0, len(raw)))]
    if kind == "encode":
        encoding = draw(st.sampled_from(["utf-16", "utf-16-le", "utf-8-sig", "latin-1", "utf-32"]))
        text = raw.decode("utf-8-sig")
        bom = codecs.BOM_UTF16_LE if encoding == "utf-16-le" and draw(st.booleans()) else b""
        return bom + text.encode(encoding, errors="replace")
    col = draw(st.integers(0, len(header) - 1))
    if kind == "drop_column":
        return _csv_bytes([[c for i, c in enumerate(r) if i != col] for r in table])
    if kind == "rename_column":
        renamed = header.copy()
        renamed[col] = draw(st.sampled_from([renamed[col] + "_x", renamed[col].upper(), "", "Unnamed"]))
        return _csv_bytes([renamed, *body])
    if not body:
        return raw
    row = draw(st.integers(0, len(body) - 1))
    rows = [r.copy() for r in body]
    if kind in ("swap_type", "empty_cell", "huge_value") and col < len(rows[row]):
        rows[row][col] = {
            "swap_type": draw(st.sampled_from(["abc", "1e", "{}", "true", "-", "NaN"])),
            "empty_cell": "",
            "huge_value": draw(st.sampled_from(["1e300", "9" * 40, "-1e300", "inf"])),
        }[kind]
    elif kind == "short_row":
        rows[row] = rows[row][: draw(st.integers(0, max(len(rows[row]) - 1, 0)))]
    elif kind == "long_row":
        rows[row] = [*rows[row], "extra"]
    return _csv_bytes([header, *rows])


# ---- damage to JSON exports -----------------------------------------------------------------------


def _walk(node, path=()):
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, (*path, i))


def _set(doc, path, value):
    node = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value


def _delete(doc, path):
    node = doc
    for step in path[:-1]:
        node = node[step]
    del node[path[-1]]


@st.composite
def damaged_json(draw, raw: bytes) -> bytes:
    """One kind of damage to a JSON export (a saved API response), chosen by Hypothesis."""
    kind = draw(
        st.sampled_from(["truncate", "drop_key", "rename_key", "swap_type", "huge_value", "null_value"])
    )
    if kind == "truncate":
        return raw[: draw(st.integers(0, len(raw)))]
    doc = json.loads(raw)
    leaves = [p for p, _ in _walk(doc) if p and isinstance(p[-1], str)]
    if not leaves:
        return raw
    path = draw(st.sampled_from(leaves))
    if kind == "drop_key":
        _delete(doc, path)
    elif kind == "rename_key":
        node = doc
        for step in path[:-1]:
            node = node[step]
        node[path[-1] + "_renamed"] = node.pop(path[-1])
    elif kind == "swap_type":
        _set(doc, path, draw(st.sampled_from(["abc", 12, 1.5, True, [], {}, "1e3"])))
    elif kind == "huge_value":
        _set(doc, path, draw(st.sampled_from([1e300, 10**30, -1e300, "1e300"])))
    else:
        _set(doc, path, None)
    return json.dumps(doc).encode()


# ---- the invariant --------------------------------------------------------------------------------


def land_and_check(connector: Connector, raw: bytes, name: str, home: Path | None = None) -> str:
    """Land one (possibly damaged) export in a fresh home (``home``, else a temporary folder); assert
    nothing vanished; say how it ended.

    Returns ``"rejected"``, ``"landed"``, ``"quarantined"`` or ``"empty"`` (a valid export with no records).
    """
    if home is None:
        with tempfile.TemporaryDirectory() as temporary:
            return land_and_check(connector, raw, name, Path(temporary))
    paths = Paths(home)
    batch = LandingBatch(connector, paths)
    batch.add(raw, name)  # must not raise: an unreadable file is a rejection, not an exception
    (result,) = batch.flush()
    manifest = read_manifest(paths)
    assert manifest.height == 1, manifest
    if result.rejected:
        assert result.error and name in result.error and f"[{connector.source}]" in result.error
        assert manifest.get_column("status").item() == "rejected"
        assert not list(paths.landing.glob(f"{connector.table}/source={connector.source}/dataset=*"))
        return "rejected"
    assert result.rows_in == result.rows_landed + result.rows_quarantined
    accounted = result.records_landed + result.records_quarantined + result.records_skipped
    assert accounted == result.raw_records, result
    landed = [p for p in paths.landing.glob(f"{connector.table}/source={connector.source}/**/part-0.parquet")]
    rows = pl.concat([pl.read_parquet(p) for p in landed]) if landed else None
    assert (0 if rows is None else rows.height) == result.rows_landed
    if result.rows_quarantined:
        return "quarantined"
    return "landed" if result.rows_landed else "empty"


def parse_and_land_check(connector: Connector, raw: bytes, name: str) -> str:
    """``land_and_check``, and the parser itself fails only with a named ExportFormatError (any other
    exception would be a parser bug that landing merely turns into "could not be read")."""
    with contextlib.suppress(ExportFormatError):
        connector.parse(raw, name)
    return land_and_check(connector, raw, name)


def damage_property(connector: Connector, damage: st.SearchStrategy[bytes], name: str, max_examples: int):
    """A test (assign it to a ``test_...`` name): ``max_examples`` exports drawn from ``damage`` (damage to
    a real export named ``name``) each land, quarantine or are rejected by name (``land_and_check``)."""

    @damage_settings(max_examples)
    @given(raw=damage)
    def test(raw: bytes) -> None:
        land_and_check(connector, raw, name)

    return test


def damage_properties(damaged: dict[str, tuple[Connector, st.SearchStrategy[bytes], str]], max_examples: int):
    """A test (assign it to a ``test_...`` name), one property a key of ``damaged`` (connector, damage to a
    real export, its file name): each damaged export parses or fails with a named error, and lands,
    quarantines or is rejected by name (``parse_and_land_check``)."""

    @pytest.mark.parametrize("export", sorted(damaged))
    @damage_settings(max_examples)
    @given(data=st.data())
    def test(export: str, data: st.DataObject) -> None:
        connector, damage, name = damaged[export]
        parse_and_land_check(connector, data.draw(damage, label="raw"), name)

    return test
