"""Landing any export file: nothing dropped without a word, and one bad file never blocks the rest.

The shared mechanism every source goes through (connectors/core/frames.py readers,
connectors/landing/zone.py):
encodings, short and ragged rows, required columns, implausible values, records counted before the
parser runs, a newer export winning a day, a shrinking re-export, identical content for two reports,
multi-part exports. Source-specific shapes live in each source's own tests.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given

from connectors.anthropic.console import CONNECTOR as CONSOLE
from connectors.core.config import BUNDLED_SAMPLES, Paths
from connectors.landing.zone import (
    LandingBatch,
    ingest_file,
    ingest_folder,
    landed_totals,
    read_manifest,
    read_revisions,
)
from connectors.openai.usage import CONNECTOR as OPENAI
from tests.support.mutations import damage_settings, damaged_csv, damaged_json, land_and_check

# The Console token-usage export's columns (shared/research/vendor-formats.md §2, observed in the
# aiecon example parser); two days, two models.
TOKENS_HEADER = (
    "usage_date_utc,model_version,api_key,workspace,usage_type,context_window,usage_input_tokens_no_cache,"
    "usage_input_tokens_cache_write_5m,usage_input_tokens_cache_write_1h,usage_input_tokens_cache_read,"
    "usage_output_tokens,web_search_count,inference_geo,speed"
)
TOKENS_ROWS = [
    "2026-09-24,claude-haiku-4-5-20251001,prod,Default,standard,≤ 200k,100,10,20,300,50,0,global,standard",
    "2026-09-24,claude-sonnet-4-20250514,prod,Default,standard,≤ 200k,200,0,0,0,70,1,global,standard",
    "2026-09-25,claude-haiku-4-5-20251001,prod,Default,standard,≤ 200k,400,0,0,100,90,0,global,standard",
]
NAME = "claude_api_tokens_2026-09-24_to_2026-09-25.csv"


def _tokens_csv(rows: list[str] = TOKENS_ROWS, header: str = TOKENS_HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def _landed(paths: Paths, source: str = "anthropic_console") -> pl.DataFrame:
    files = list(paths.activity.glob(f"source={source}/dataset=*/**/part-0.parquet"))
    return pl.concat([pl.read_parquet(f) for f in files]) if files else pl.DataFrame()


def _quarantined(paths: Paths, source: str = "anthropic_console") -> pl.DataFrame:
    return pl.read_parquet(paths.quarantine / f"source={source}" / "*.parquet")


def _land(paths: Paths, raw: bytes, name: str = NAME, connector=CONSOLE):
    batch = LandingBatch(connector, paths)
    batch.add(raw, name)
    (result,) = batch.flush()
    return result


# ---- encodings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
        lambda text: text.encode("utf-16"),  # with its byte-order mark (Excel's "Unicode text")
        lambda text: text.encode("utf-16-le"),  # without one
        lambda text: text.encode("utf-16-be"),
        lambda text: text.encode("utf-32"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-bom", "utf-16-le-no-bom", "utf-16-be-no-bom", "utf-32-bom"],
)
def test_every_unicode_encoding_lands_the_same_rows(paths, encode):
    result = _land(paths, encode(_tokens_csv()))
    assert not result.rejected, result.error
    # 3 records of 5 token measures and a web-search count each (a reported 0 is a measure too)
    assert (result.raw_records, result.records_landed, result.rows_landed) == (3, 3, 18)
    assert sorted(_landed(paths).get_column("model_raw").unique()) == [
        "claude-haiku-4-5-20251001",
        "claude-sonnet-4-20250514",
    ]


def test_a_file_in_an_undocumented_encoding_is_rejected_by_name(paths):
    text = _tokens_csv().replace("Default", "Défault").replace("≤ 200k", "0-200k")
    result = _land(paths, text.encode("latin-1"))
    assert result.rejected
    assert result.error.startswith(f"[anthropic_console] {NAME}: not readable as utf-8 text: byte 0xe9")
    assert "export it again as UTF-8 CSV" in result.error


# ---- short and ragged rows --------------------------------------------------------------------------


def test_a_short_row_is_quarantined_with_its_line_and_the_rest_lands(paths):
    short = "2026-09-24,claude-opus-4-6,prod,Default,standard"  # 5 of 14 fields
    result = _land(paths, _tokens_csv([TOKENS_ROWS[0], short, TOKENS_ROWS[1], TOKENS_ROWS[2]]).encode())

    assert not result.rejected, result.error
    assert (result.raw_records, result.records_landed, result.records_quarantined) == (4, 3, 1)
    quarantine = _quarantined(paths)
    assert quarantine.select("source_row", "field", "reason", "record").rows() == [
        ("line:3#usage_input_tokens_no_cache", "record", "row has 5 fields, the header has 14", short)
    ]
    assert _landed(paths).height == 18  # 3 records x (5 token measures + web_search_count)


def test_a_row_with_too_many_fields_and_a_quoted_newline_keep_true_line_numbers(paths):
    quoted = (
        '2026-09-24,claude-sonnet-4-20250514,"prod\nkey",Default,standard,≤ 200k,1,0,0,0,2,0,global,standard'
    )
    long = TOKENS_ROWS[2] + ",surplus"
    result = _land(paths, _tokens_csv([quoted, long, TOKENS_ROWS[0]]).encode())

    assert (result.records_landed, result.records_quarantined) == (2, 1)
    assert _quarantined(paths).select("source_row", "reason").row(0) == (
        "line:4#usage_input_tokens_no_cache",  # the quoted newline makes line 2 span lines 2-3
        "row has 15 fields, the header has 14",
    )
    landed = _landed(paths)
    assert sorted(landed.get_column("source_row").str.extract(r"^(line:\d+)").unique()) == [
        "line:2",
        "line:5",
    ]


def test_a_file_cut_off_mid_row_lands_the_whole_rows_and_quarantines_the_last(paths):
    text = _tokens_csv()
    result = _land(paths, text[: text.rindex(",global")].encode())
    assert (result.records_landed, result.records_quarantined) == (2, 1)
    assert _quarantined(paths).get_column("reason").unique().to_list() == [
        "row has 12 fields, the header has 14"
    ]


# ---- required columns ---------------------------------------------------------------------------------


def test_a_missing_required_column_rejects_the_file_naming_it(paths):
    header = TOKENS_HEADER.replace(",usage_output_tokens", "")
    rows = [",".join(r.split(",")[:10] + r.split(",")[11:]) for r in TOKENS_ROWS]
    result = _land(paths, _tokens_csv(rows, header).encode())
    assert result.rejected
    assert f"[anthropic_console] {NAME}:" in result.error and "usage_output_tokens" in result.error
    assert _landed(paths).is_empty()


def test_a_renamed_required_column_rejects_the_file_and_names_the_near_miss(paths):
    header = TOKENS_HEADER.replace("usage_output_tokens", "usage_output_token")
    result = _land(paths, _tokens_csv(header=header).encode())
    assert result.rejected
    assert "'usage_output_tokens' (found 'usage_output_token': renamed?)" in result.error


# ---- implausible values ---------------------------------------------------------------------------------


def test_an_implausible_quantity_is_quarantined_with_the_bound_and_its_file(paths):
    huge = TOKENS_ROWS[1].replace(",70,1,", ",1e300,1,")
    result = _land(paths, _tokens_csv([TOKENS_ROWS[0], huge]).encode())

    reasons = _quarantined(paths).filter(pl.col("field") == "quantity").get_column("reason").to_list()
    assert reasons == [
        "quantity 1e+300 above the plausibility bound 1e+13 for llm_output_tokens per row "
        "(plausibility_bounds.csv)"
    ]
    assert result.records_landed == 2  # the record's other measures land; only the implausible row is held
    assert _landed(paths).get_column("quantity").max() < 1e13


def test_plausibility_bounds_can_be_overridden_by_file(paths, tmp_path, monkeypatch):
    from connectors.core import schema

    bounds = tmp_path / "bounds.csv"
    rows = [f"{t},{1e15 if t == 'llm_output_tokens' else 1e13},test" for t in schema.ACTIVITY_TYPES]
    bounds.write_text("activity_type,max_quantity_per_row,rationale\n" + "\n".join(rows) + "\n")
    monkeypatch.setenv("EWH_PLAUSIBILITY_BOUNDS", str(bounds))
    big = TOKENS_ROWS[1].replace(",70,1,", ",1e14,1,")
    result = _land(paths, _tokens_csv([big]).encode())
    assert result.rows_quarantined == 0


# ---- records counted before the parser runs ----------------------------------------------------------------


def test_a_parser_that_drops_records_gets_its_file_rejected(paths):
    def dropping(raw: bytes, name: str):
        parsed = CONSOLE.parse(raw, name)
        # the bug class of a missing optional column: a record yields no row and no word about it
        kept = parsed.rows.filter(~pl.col("source_row").str.starts_with("line:3#"))
        return dataclasses.replace(parsed, rows=kept)

    buggy = dataclasses.replace(CONSOLE, parse=dropping)
    result = _land(Paths(paths.home), _tokens_csv().encode(), connector=buggy)
    assert result.rejected
    assert "3 records in the file but 2 landed + 0 quarantined + 0 skipped: 1 record(s) unaccounted for" in (
        result.error
    )


def test_records_skipped_on_purpose_are_counted_with_their_reason(paths):
    def skipping(raw: bytes, name: str):
        parsed = CONSOLE.parse(raw, name)
        line3 = pl.col("source_row").str.starts_with("line:3#")
        skipped = pl.DataFrame({"_record": ["line:3"], "reason": ["a test's totals line"]})
        return dataclasses.replace(parsed, rows=parsed.rows.filter(~line3), skipped=skipped)

    result = _land(paths, _tokens_csv().encode(), connector=dataclasses.replace(CONSOLE, parse=skipping))
    assert not result.rejected, result.error
    assert (result.records_landed, result.records_skipped) == (2, 1)
    assert dict(result.skip_reasons) == {"a test's totals line": 1}
    manifest = read_manifest(paths)
    assert json.loads(manifest.get_column("skip_reasons").item()) == {"a test's totals line": 1}


# ---- two exports of the same days ------------------------------------------------------------------------

DAY1, DAY2 = 1788220800, 1788307200  # 2026-09-01, -02 UTC


def _page(*buckets) -> dict:
    return {
        "object": "page",
        "has_more": False,
        "next_page": None,
        "data": [
            {"object": "bucket", "start_time": s, "end_time": s + 86400, "results": results}
            for s, results in buckets
        ],
    }


def _completion(output: int, model: str = "gpt-4o-mini-2024-07-18", project: str = "proj_a") -> dict:
    return {
        "object": "organization.usage.completions.result",
        "input_tokens": 100,
        "output_tokens": output,
        "num_model_requests": 1,
        "project_id": project,
        "user_id": None,
        "api_key_id": None,
        "model": model,
        "batch": None,
        "service_tier": None,
    }


def _write(folder: Path, name: str, payload: dict, mtime: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(payload))
    os.utime(path, (mtime, mtime))
    return path


def _outputs(paths: Paths) -> dict:
    landed = _landed(paths, "openai_usage").filter(pl.col("activity_type") == "llm_output_tokens")
    return dict(landed.group_by("usage_date").agg(pl.col("quantity").sum()).rows())


def test_the_newer_export_wins_a_day_whatever_the_file_names(paths, tmp_path):
    folder = tmp_path / "exports"
    # the corrected download is the newer file, but "X (1).json" sorts after "X.json"
    _write(folder, "completions_x (1).json", _page((DAY1, [_completion(10)])), mtime=1_790_000_000)
    _write(folder, "completions_x.json", _page((DAY1, [_completion(99)])), mtime=1_790_000_600)

    results = ingest_folder(OPENAI, folder, paths)

    assert _outputs(paths) == {date(2026, 9, 1): 99.0}
    stale = next(r for r in results if r.original_name == "completions_x (1).json")
    assert stale.days_kept_newer == (date(2026, 9, 1),)
    manifest = read_manifest(paths).sort("exported_at")
    assert manifest.get_column("exported_at").to_list() == [
        datetime.fromtimestamp(1_790_000_000, UTC),
        datetime.fromtimestamp(1_790_000_600, UTC),
    ]


def test_an_older_export_arriving_later_does_not_replace_a_newer_day(paths, tmp_path):
    newer = _write(
        tmp_path / "a", "completions_new.json", _page((DAY1, [_completion(99)])), mtime=1_790_000_600
    )
    older = _write(
        tmp_path / "b", "completions_old.json", _page((DAY1, [_completion(10)])), mtime=1_790_000_000
    )
    ingest_file(OPENAI, newer, paths)
    result = ingest_file(OPENAI, older, paths)

    assert _outputs(paths) == {date(2026, 9, 1): 99.0}
    assert result.days_kept_newer == (date(2026, 9, 1),)
    assert landed_totals(paths, "openai_usage").get_column("rows_landed").item() == 3


def test_a_re_export_that_shrinks_a_day_is_logged_with_its_rows(paths, tmp_path):
    full = _page((DAY1, [_completion(10, project=f"proj_{i}") for i in range(4)]))
    truncated = _page((DAY1, [_completion(10, project="proj_0")]))
    ingest_file(OPENAI, _write(tmp_path / "a", "completions_a.json", full, 1_790_000_000), paths)
    result = ingest_file(
        OPENAI, _write(tmp_path / "b", "completions_b.json", truncated, 1_790_000_600), paths
    )

    assert result.revised_days == (("completions", date(2026, 9, 1), 12, 3),)
    assert result.shrunk_days(0.25) == [("completions", date(2026, 9, 1), 12, 3)]
    assert result.shrunk_days(0.80) == []
    log = read_revisions(paths)
    assert log.select("day", "previous_name", "previous_rows", "original_name", "rows").rows() == [
        (date(2026, 9, 1), "completions_a.json", 12, "completions_b.json", 3)
    ]
    # totals count what is landed now, not what each export once landed (12 + 3 in the manifest)
    assert landed_totals(paths, "openai_usage").get_column("rows_landed").item() == 3
    assert read_manifest(paths).get_column("rows_landed").sum() == 15


def test_identical_bytes_for_two_reports_land_both(paths, tmp_path):
    # a window with no usage: the embeddings and images pages are byte for byte the same
    empty = _page((DAY1, []), (DAY2, []))
    images = _page(
        (
            DAY1,
            [
                {
                    "object": "organization.usage.images.result",
                    "images": 2,
                    "num_model_requests": 2,
                    "model": "dall-e-3",
                }
            ],
        )
    )
    ingest_file(OPENAI, _write(tmp_path / "a", "images_a.json", images, 1_790_000_000), paths)
    folder = tmp_path / "b"
    _write(folder, "embeddings_b.json", empty, 1_790_000_600)
    _write(folder, "images_b.json", empty, 1_790_000_600)

    results = ingest_folder(OPENAI, folder, paths)

    assert [(r.original_name, r.skipped, r.dataset) for r in results] == [
        ("embeddings_b.json", False, "embeddings"),
        ("images_b.json", False, "images"),  # the revision to zero is not mistaken for a duplicate
    ]
    assert _landed(paths, "openai_usage").is_empty()


def test_a_multi_part_export_lands_as_one_and_keeps_each_part_as_provenance(paths, tmp_path):
    part1 = _write(tmp_path, "completions_p1.json", _page((DAY1, [_completion(10)])), 1_790_000_000)
    part2 = _write(tmp_path, "completions_p2.json", _page((DAY2, [_completion(20)])), 1_790_000_000)
    batch = LandingBatch(OPENAI, paths)
    batch.add_parts([(p.read_bytes(), p.name) for p in (part1, part2)], "completions_period")
    (result,) = batch.flush()

    assert (result.raw_records, result.records_landed, result.days) == (
        2,
        2,
        (date(2026, 9, 1), date(2026, 9, 2)),
    )
    landed = _landed(paths, "openai_usage")
    # each row points at its own part's archived copy (and its hash), not at the export as a whole
    by_day = dict(landed.group_by("usage_date").agg(pl.col("source_file").unique()).rows())
    assert by_day == {
        date(2026, 9, 1): [f"raw/openai_usage/{hashlib.sha256(part1.read_bytes()).hexdigest()}.json"],
        date(2026, 9, 2): [f"raw/openai_usage/{hashlib.sha256(part2.read_bytes()).hexdigest()}.json"],
    }
    assert (paths.landing / by_day[date(2026, 9, 2)][0]).read_bytes() == part2.read_bytes()
    manifest = read_manifest(paths)
    assert json.loads(manifest.get_column("parts").item()) == ["completions_p1.json", "completions_p2.json"]


# ---- properties: damage never ends in an exception or a vanished record ------------------------------

CONSOLE_SAMPLE = BUNDLED_SAMPLES / "anthropic_console" / "claude_api_tokens_2026-09-24_to_2026-10-05.csv"
OPENAI_SAMPLE = BUNDLED_SAMPLES / "openai_usage" / "embeddings_usage_2026-09-01_2026-09-14.json"
PROPERTY = damage_settings(60)


@PROPERTY
@given(raw=damaged_csv(CONSOLE_SAMPLE.read_bytes()[:2500].rsplit(b"\n", 1)[0] + b"\n"))
def test_damaged_console_csv_lands_quarantines_or_is_rejected(raw):
    land_and_check(CONSOLE, raw, CONSOLE_SAMPLE.name)


@PROPERTY
@given(raw=damaged_json(OPENAI_SAMPLE.read_bytes()))
def test_damaged_usage_json_lands_quarantines_or_is_rejected(raw):
    land_and_check(OPENAI, raw, OPENAI_SAMPLE.name)


def test_partitions_landed_under_the_previous_schema_are_migrated_once(paths, tmp_path):
    from connectors.core.schema import ACTIVITY_SCHEMA
    from connectors.landing.zone import partition_path

    ingest_file(
        OPENAI, _write(tmp_path, "completions_a.json", _page((DAY1, [_completion(10)])), 1_790_000_000), paths
    )
    part = partition_path(paths, "openai_usage", "completions", date(2026, 9, 1))
    pl.read_parquet(part).drop("cost_amount_net").write_parquet(part)  # as schema 1 wrote it
    (paths.landing / ".schema-activity").unlink()

    ingest_file(
        OPENAI, _write(tmp_path, "completions_b.json", _page((DAY2, [_completion(5)])), 1_790_000_000), paths
    )

    migrated = pl.read_parquet(part)
    assert dict(migrated.schema) == dict(ACTIVITY_SCHEMA)
    assert migrated.get_column("cost_amount_net").null_count() == migrated.height
    assert (paths.landing / ".schema-activity").read_text() == "3"  # 3: the seat activity types (#18)
