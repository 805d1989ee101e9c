"""Batch landing: one manifest write per batch, crash safety, and the same result as one file at a time."""

from __future__ import annotations

import dataclasses
import re
import shutil
from datetime import date

import polars as pl
import pytest

import connectors.landing.zone as landing
from connectors.core.config import Paths
from connectors.landing.zone import (
    LandingBatch,
    ingest_file,
    ingest_folder,
    read_manifest,
)
from connectors.openai.usage import CONNECTOR as OPENAI
from tests.support.openai_pages import DAY1, DAY2, DAY3
from tests.support.openai_pages import usage_page as _page
from tests.support.openai_pages import usage_result as _result

DAY4 = DAY3 + 86400


def _landed(paths: Paths) -> pl.DataFrame:
    return pl.read_parquet(paths.activity / "source=openai_usage" / "**" / "*.parquet").sort("activity_id")


def _count_manifest_writes(monkeypatch, paths: Paths) -> list:
    writes = []
    real = landing.atomic_write_parquet

    def counting(frame, target):
        if target == paths.manifest:
            writes.append(frame.height)
        real(frame, target)

    monkeypatch.setattr(landing, "atomic_write_parquet", counting)
    return writes


def _three_files(write_json):
    write_json("openai_usage", "a.json", _page((DAY1, [_result("gpt-4o-mini", 10)])))
    write_json("openai_usage", "b.json", _page((DAY2, [_result("gpt-4o-mini", 20)])))
    return write_json("openai_usage", "c.json", _page((DAY3, [_result("gpt-4o", 30)]))).parent


def test_a_folder_of_n_files_is_recorded_with_one_manifest_write(paths, write_json, monkeypatch):
    folder = _three_files(write_json)
    writes = _count_manifest_writes(monkeypatch, paths)

    results = ingest_folder(OPENAI, folder, paths)

    assert writes == [3]  # one write, holding all three rows
    manifest = read_manifest(paths).sort("original_name")
    assert manifest.get_column("original_name").to_list() == ["a.json", "b.json", "c.json"]
    assert manifest.get_column("rows_landed").to_list() == [4, 4, 4]
    assert manifest.get_column("first_day").to_list() == [
        date(2025, 9, 1),
        date(2025, 9, 2),
        date(2025, 9, 3),
    ]
    assert [(r.original_name, r.skipped, r.rows_landed) for r in results] == [
        ("a.json", False, 4),
        ("b.json", False, 4),
        ("c.json", False, 4),
    ]
    assert _landed(paths).height == 12

    # re-ingesting the folder lands nothing and does not rewrite the manifest
    again = ingest_folder(OPENAI, folder, paths)
    assert [r.skipped for r in again] == [True, True, True]
    assert writes == [3]
    assert read_manifest(paths).height == 3


def test_batches_split_by_row_budget_write_the_manifest_once_each(paths, write_json, monkeypatch):
    folder = _three_files(write_json)
    writes = _count_manifest_writes(monkeypatch, paths)
    monkeypatch.setattr(landing, "BATCH_ROWS", 8)  # 4 rows a file: flush after the second file

    ingest_folder(OPENAI, folder, paths)

    assert writes == [2, 3]
    assert read_manifest(paths).height == 3


def test_a_crash_before_the_manifest_write_re_lands_idempotently(paths, write_json, monkeypatch):
    folder = _three_files(write_json)

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed before the manifest was written")

    with monkeypatch.context() as m:
        m.setattr(LandingBatch, "_record", crash)
        with pytest.raises(KeyboardInterrupt):
            ingest_folder(OPENAI, folder, paths)
    # the partitions and raw copies are there, but no export is recorded
    assert not paths.manifest.exists()
    after_crash = _landed(paths)
    assert after_crash.height == 12
    assert len(list((paths.raw / "openai_usage").glob("*.json"))) == 3

    results = ingest_folder(OPENAI, folder, paths)

    assert [(r.skipped, r.rows_landed) for r in results] == [(False, 4), (False, 4), (False, 4)]
    relanded = _landed(paths)
    assert relanded.get_column("activity_id").to_list() == after_crash.get_column("activity_id").to_list()
    assert relanded.drop("ingested_at").equals(after_crash.drop("ingested_at"))
    manifest = read_manifest(paths)
    assert manifest.height == 3
    assert manifest.select(pl.col("rows_in").sum()).item() == 12
    assert [r.skipped for r in ingest_folder(OPENAI, folder, paths)] == [True, True, True]


def _exports_with_corrections(write_json):
    write_json(
        "openai_usage",
        "a_original.json",
        _page(
            (DAY1, [_result("gpt-4o-mini", 10)]),
            (DAY2, [_result("gpt-4o-mini", 20)]),
            (DAY3, [_result("gpt-4o", 30)]),
        ),
    )
    # the vendor revised day 2 (with a negative and a duplicated record) and found no usage on day 3
    corrected = write_json(
        "openai_usage",
        "b_corrected.json",
        _page(
            (
                DAY2,
                [
                    _result("gpt-4o-mini", 25),
                    _result("gpt-4o-mini", -1, project_id="proj_b"),
                    _result("gpt-4o-mini", 25),
                ],
            ),
            (DAY3, []),
        ),
    )
    shutil.copy(corrected, corrected.parent / "c_same_bytes.json")  # already landed as b: skipped
    write_json("openai_usage", "d_later.json", _page((DAY4, [_result("gpt-4o", 40)])))
    return corrected.parent


@pytest.mark.parametrize("read_ahead", [0, 8])  # exports parsed on worker threads ahead of landing, or not
@pytest.mark.parametrize("batch_rows", [250_000, 1])
def test_a_batch_lands_what_one_file_at_a_time_lands(
    tmp_path, write_json, monkeypatch, batch_rows, read_ahead
):
    folder = _exports_with_corrections(write_json)
    monkeypatch.setattr(landing, "BATCH_ROWS", batch_rows)
    monkeypatch.setattr(landing, "READ_AHEAD", read_ahead)
    batched, single = Paths(tmp_path / "batched"), Paths(tmp_path / "single")

    results = ingest_folder(OPENAI, folder, batched)
    one_by_one = [ingest_file(OPENAI, p, single) for p in OPENAI.find_files(folder)]

    summary = [(r.original_name, r.skipped, r.rows_in, r.rows_landed, r.rows_quarantined) for r in results]
    assert summary == [
        ("a_original.json", False, 12, 12, 0),
        ("b_corrected.json", False, 12, 7, 5),  # the negative output row + the duplicate's 4 rows
        ("c_same_bytes.json", True, 0, 0, 0),
        ("d_later.json", False, 4, 4, 0),
    ]
    assert summary == [
        (r.original_name, r.skipped, r.rows_in, r.rows_landed, r.rows_quarantined) for r in one_by_one
    ]
    landed = _landed(batched)
    outputs = dict(
        landed.filter(pl.col("activity_type") == "llm_output_tokens").select("usage_date", "quantity").rows()
    )
    assert outputs == {date(2025, 9, 1): 10.0, date(2025, 9, 2): 25.0, date(2025, 9, 4): 40.0}
    assert landed.drop("ingested_at").equals(_landed(single).drop("ingested_at"))

    def partitions(paths):
        return sorted(p.relative_to(paths.landing).as_posix() for p in paths.activity.rglob("part-0.parquet"))

    assert (
        partitions(batched)
        == partitions(single)
        == [
            f"activity/source=openai_usage/dataset=completions/usage_date=2025-09-0{d}/part-0.parquet"
            for d in (1, 2, 4)
        ]
    )

    def quarantine(paths):
        frame = pl.read_parquet(paths.quarantine / "source=openai_usage" / "*.parquet")
        return frame.drop("quarantined_at", "record").sort("source_row", "reason")

    assert quarantine(batched).equals(quarantine(single))
    assert sorted(quarantine(batched).get_column("reason").to_list()) == [
        *["duplicate natural key within the export"] * 4,
        "negative quantity",
    ]
    manifest_columns = [c for c in landing.MANIFEST_SCHEMA.names() if c != "ingested_at"]
    assert (
        read_manifest(batched).select(manifest_columns).equals(read_manifest(single).select(manifest_columns))
    )


def test_an_unreadable_export_mid_folder_is_rejected_alone_and_the_others_land(paths, write_json):
    write_json("openai_usage", "a.json", _page((DAY1, [_result("gpt-4o-mini", 10)])))
    bad = write_json("openai_usage", "b.json", {})
    bad.write_text('{"object": "page", "data": [{"start_time": 1')
    write_json("openai_usage", "c.json", _page((DAY3, [_result("gpt-4o", 30)])))

    results = ingest_folder(OPENAI, bad.parent, paths)

    assert [(r.original_name, r.rejected) for r in results] == [
        ("a.json", False),
        ("b.json", True),
        ("c.json", False),
    ]
    assert re.search(r"\[openai_usage\] b\.json: malformed JSON: the document ends early", results[1].error)
    manifest = read_manifest(paths).sort("original_name")
    assert manifest.select("original_name", "status").rows() == [
        ("a.json", "landed"),
        ("b.json", "rejected"),
        ("c.json", "landed"),
    ]
    assert "truncated" in manifest.filter(pl.col("status") == "rejected").get_column("error").item()
    assert sorted(_landed(paths).get_column("usage_date").unique().to_list()) == [
        date(2025, 9, 1),
        date(2025, 9, 3),
    ]
    # the rejected file is archived too (auditors can open it), and is tried again next run
    assert len(list((paths.raw / "openai_usage").glob("*.json"))) == 3
    again = ingest_folder(OPENAI, bad.parent, paths)
    assert [(r.original_name, r.skipped, r.rejected) for r in again] == [
        ("a.json", True, False),
        ("b.json", False, True),
        ("c.json", True, False),
    ]


def test_an_export_losing_rows_is_rejected_alone(paths, write_json):
    def parse(raw: bytes, name: str):
        parsed = OPENAI.parse(raw, name)
        # a connector bug: b's rows are dated on a day its export does not cover
        return dataclasses.replace(parsed, days=[date(2025, 8, 1)]) if name == "b.json" else parsed

    buggy = dataclasses.replace(OPENAI, parse=parse)
    folder = _three_files(write_json)

    results = ingest_folder(buggy, folder, paths)

    assert [(r.original_name, r.rejected) for r in results] == [
        ("a.json", False),
        ("b.json", True),
        ("c.json", False),
    ]
    assert "b.json: rows outside covered days" in results[1].error
    manifest = read_manifest(paths).sort("original_name")
    assert manifest.select("original_name", "status", "rows_landed").rows() == [
        ("a.json", "landed", 4),
        ("b.json", "rejected", 0),
        ("c.json", "landed", 4),
    ]
    assert sorted(_landed(paths).get_column("usage_date").unique().to_list()) == [
        date(2025, 9, 1),
        date(2025, 9, 3),
    ]
