"""A run reads again only the export files that changed since they were hashed (``connectors/landing/
hashed.py``, issue #20): landed files unchanged since are skipped unread, with the same results as when
they were read; a file rewritten in place, even with its old size and times put back, is read and lands;
a source that pseudonymises its exports keeps no record; the record is not landed data."""

from __future__ import annotations

import os
import pathlib
from pathlib import Path

from connectors.anthropic.analytics import CONNECTOR as CLAUDE_ANALYTICS
from connectors.core.config import Paths
from connectors.landing.hashed import hashed_exports
from connectors.landing.zone import ingest_folder, read_manifest
from connectors.openai.usage import CONNECTOR as OPENAI
from tests.support.openai_pages import DAY1, DAY2, DAY3
from tests.support.openai_pages import usage_page as _page
from tests.support.openai_pages import usage_result as _result
from warehouse.build_state import landing_hash


def _three_files(write_json) -> Path:
    write_json("openai_usage", "a.json", _page((DAY1, [_result("gpt-4o-mini", 10)])))
    write_json("openai_usage", "b.json", _page((DAY2, [_result("gpt-4o-mini", 20)])))
    return write_json("openai_usage", "c.json", _page((DAY3, [_result("gpt-4o", 30)]))).parent


def _reads(monkeypatch, folder: Path) -> list[str]:
    """The names of the files under ``folder`` read from now on (a spy: the real read still runs)."""
    read: list[str] = []
    real = pathlib.Path.read_bytes

    def spy(self: pathlib.Path) -> bytes:
        if folder in self.parents:
            read.append(self.name)
        return real(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", spy)
    return read


def _summary(results) -> list[tuple]:
    return [(r.original_name, r.source_sha256, r.skipped, r.rows_landed) for r in results]


def test_landed_files_unchanged_since_are_skipped_unread_as_when_read(paths: Paths, write_json, monkeypatch):
    folder = _three_files(write_json)
    reads = _reads(monkeypatch, folder)
    first = ingest_folder(OPENAI, folder, paths)
    assert sorted(reads) == ["a.json", "b.json", "c.json"]
    reads.clear()
    again = ingest_folder(OPENAI, folder, paths)
    assert reads == []
    assert _summary(again) == [(name, sha, True, 0) for name, sha, _, _ in _summary(first)]
    assert read_manifest(paths).height == 3


def test_a_file_rewritten_with_its_old_size_and_times_is_read_and_lands(
    paths: Paths, write_json, monkeypatch
):
    folder = _three_files(write_json)
    ingest_folder(OPENAI, folder, paths)
    b = folder / "b.json"
    before = b.stat()
    rewritten = b.read_text().replace('"output_tokens": 20', '"output_tokens": 21')  # same length
    assert rewritten != b.read_text() and len(rewritten) == before.st_size
    b.write_text(rewritten)
    os.utime(b, ns=(before.st_atime_ns, before.st_mtime_ns))  # size and times as they were
    reads = _reads(monkeypatch, folder)
    again = ingest_folder(OPENAI, folder, paths)
    assert reads == ["b.json"]  # its status-change time moved: read again
    assert [(r.original_name, r.skipped) for r in again] == [
        ("a.json", True),
        ("b.json", False),
        ("c.json", True),
    ]


def test_a_touched_file_is_read_again_and_skipped_by_its_content(paths: Paths, write_json, monkeypatch):
    folder = _three_files(write_json)
    ingest_folder(OPENAI, folder, paths)
    os.utime(folder / "c.json")
    reads = _reads(monkeypatch, folder)
    again = ingest_folder(OPENAI, folder, paths)
    assert reads == ["c.json"]
    assert [r.skipped for r in again] == [True, True, True]


def test_the_record_is_bookkeeping_not_landed_data(paths: Paths, write_json):
    folder = _three_files(write_json)
    ingest_folder(OPENAI, folder, paths)
    record = paths.landing / ".hashed" / "openai_usage.json"
    assert record.exists()
    with_record = landing_hash(paths)
    record.unlink()
    assert landing_hash(paths) == with_record  # a build is not triggered by it


def test_a_source_that_pseudonymises_its_exports_keeps_no_record(paths: Paths):
    # the hash of a scrubbed export depends on the pseudonymisation key: its files are always read
    assert CLAUDE_ANALYTICS.scrub is not None and hashed_exports(paths, CLAUDE_ANALYTICS) is None
    assert hashed_exports(paths, OPENAI) is not None
