"""Landing: quarantine with reasons, row conservation, idempotent re-ingest and corrected re-exports."""

from __future__ import annotations

import json
from datetime import date

import polars as pl

from connectors.core.schema import ACTIVITY_SCHEMA
from connectors.landing.zone import ingest_file, ingest_folder, read_manifest
from connectors.openai.usage import CONNECTOR as OPENAI
from tests.support.openai_pages import COMPLETIONS_PAGE, DAY1, DAY2, DAY3
from tests.support.openai_pages import usage_page as _page
from tests.support.openai_pages import usage_result as _result


def _landed(paths) -> pl.DataFrame:
    return pl.read_parquet(paths.activity / "source=openai_usage" / "**" / "*.parquet")


def _quarantined(paths) -> pl.DataFrame:
    return pl.read_parquet(paths.quarantine / "source=openai_usage" / "*.parquet")


def test_invalid_rows_are_quarantined_with_field_reason_file_and_row(paths, write_json):
    page = _page(
        (DAY1, [_result("gpt-4o-mini", 10), _result("gpt-4o-mini", -5, project_id="proj_b")]),
        (None, [_result("gpt-4o-mini", 7, project_id="proj_c")]),
        (DAY2, [_result("gpt-4o-mini", None, project_id="proj_d")]),
    )
    page["data"][1]["end_time"] = DAY1
    path = write_json("openai_usage", "completions_bad.json", page)
    result = ingest_folder(OPENAI, path.parent, paths)[0]

    # 4 records x 4 measures (input, cached, output, requests) = 16 candidate rows
    assert result.rows_in == 16
    assert result.rows_in == result.rows_landed + result.rows_quarantined
    quarantine = _quarantined(paths).sort("source_row")
    reasons = {(r["source_row"], r["field"], r["reason"]) for r in quarantine.iter_rows(named=True)}
    assert ("/data/0/results/1#output_tokens", "quantity", "negative quantity") in reasons
    assert ("/data/2/results/0#output_tokens", "quantity", "quantity missing or not a number") in reasons
    assert ("/data/1/results/0#output_tokens", "usage_start", "usage date missing or unparseable") in reasons
    assert set(quarantine.get_column("source_file")) == {f"raw/openai_usage/{result.source_sha256}.json"}
    # the whole record with the missing date is quarantined, measure by measure; nothing else is lost
    assert quarantine.height == 1 + 4 + 1
    assert _landed(paths).height == result.rows_landed == 10
    record = json.loads(quarantine.filter(pl.col("reason") == "negative quantity").item(0, "record"))
    assert record["project"] == "proj_b" and record["quantity"] == -5.0


def test_malformed_file_is_rejected_by_name_and_lands_nothing(paths, write_json):
    path = write_json("openai_usage", "completions.json", {"object": "page"})
    path.write_text('{"object": "page", "data": [{"start_time": 1')
    (result,) = ingest_folder(OPENAI, path.parent, paths)
    assert result.rejected and "completions.json: malformed JSON" in result.error
    manifest = read_manifest(paths)
    assert manifest.select("status", "rows_landed").rows() == [("rejected", 0)]
    assert not list(paths.activity.glob("source=openai_usage/dataset=*"))


def test_ingesting_the_same_file_twice_changes_nothing(paths, write_json):
    path = write_json("openai_usage", "completions.json", COMPLETIONS_PAGE)
    first = ingest_file(OPENAI, path, paths)
    before = _landed(paths).sort("activity_id")
    second = ingest_file(OPENAI, path, paths)
    assert (first.skipped, second.skipped) == (False, True)
    assert _landed(paths).sort("activity_id").equals(before)
    assert read_manifest(paths).height == 1


def test_corrected_re_export_replaces_its_days_and_keeps_the_others(paths, write_json):
    original = write_json(
        "openai_usage",
        "completions_a.json",
        _page(
            (DAY1, [_result("gpt-4o-mini", 10)]),
            (DAY2, [_result("gpt-4o-mini", 20)]),
            (DAY3, [_result("gpt-4o", 30)]),
        ),
    )
    ingest_file(OPENAI, original, paths)
    # the vendor revised day 2 and found no usage on day 3
    corrected = write_json(
        "openai_usage", "completions_b.json", _page((DAY2, [_result("gpt-4o-mini", 25)]), (DAY3, []))
    )
    result = ingest_file(OPENAI, corrected, paths)
    assert result.days == (date(2025, 9, 2), date(2025, 9, 3))

    landed = _landed(paths)
    assert landed.get_column("activity_id").is_unique().all()
    outputs = dict(
        landed.filter(pl.col("activity_type") == "llm_output_tokens").select("usage_date", "quantity").rows()
    )
    assert outputs == {date(2025, 9, 1): 10.0, date(2025, 9, 2): 25.0}
    # same natural key on the same day -> the same activity_id as before
    assert landed.filter(pl.col("usage_date") == date(2025, 9, 2)).height == 4
    manifest = read_manifest(paths)
    assert manifest.select(pl.col("rows_in").sum()).item() == 12 + 4


def test_duplicate_records_within_one_export_are_quarantined_not_double_counted(paths, write_json):
    page = _page((DAY1, [_result("gpt-4o-mini", 10), _result("gpt-4o-mini", 10)]))
    result = ingest_file(OPENAI, write_json("openai_usage", "dup.json", page), paths)
    assert (result.rows_landed, result.rows_quarantined) == (4, 4)
    assert set(_quarantined(paths).get_column("reason")) == {"duplicate natural key within the export"}


def test_bundled_samples_land_completely(paths):
    from connectors.core.config import BUNDLED_SAMPLES

    results = ingest_folder(OPENAI, BUNDLED_SAMPLES / "openai_usage", paths)
    assert len(results) == 5
    assert all(r.rows_in == r.rows_landed + r.rows_quarantined for r in results)
    assert sum(r.rows_quarantined for r in results) == 0
    assert _landed(paths).height == sum(r.rows_landed for r in results)


def test_a_source_without_exports_folder_still_gets_its_typed_placeholders(paths, tmp_path):
    """dbt's read_parquet globs need a file per source: a never-exported source must not break the build."""
    from connectors.core.registry import CONNECTORS
    from connectors.landing.ingest import ingest_source

    connector = CONNECTORS["mistral_usage"]  # files only: no API to fall back on
    assert ingest_source(connector, paths, folders=[tmp_path / "missing"]) == []
    activity = paths.activity / "source=mistral_usage" / "_empty.parquet"
    quarantine = paths.quarantine / "source=mistral_usage" / "_empty.parquet"
    assert pl.read_parquet(activity).schema == ACTIVITY_SCHEMA
    assert pl.read_parquet(quarantine).height == 0
