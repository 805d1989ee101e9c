"""Issue #13, the three cloud billing sources (aws_cur, azure_cost, gcp_billing): one named test per class.

Inputs are the conformance corpus's published examples (tests/connectors/corpus/<source>/), damaged or
split the way real files are. Each test names the class it proves; each fails on the code before #13.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.amazon.cur import CONNECTOR as AWS
from connectors.core.base import Connector
from connectors.core.config import Paths
from connectors.google.cloud_billing import CONNECTOR as GCP
from connectors.landing.zone import LandingBatch, ingest_folder, read_manifest
from connectors.microsoft.azure_cost import CONNECTOR as AZURE
from tests.support.corpus import CORPUS
from tests.support.mutations import damaged_csv, damaged_json, land_and_check

AWS_CSV = CORPUS / "aws_cur" / "cur2_bedrock_token_types_discounts_credits" / "bedrock-cur2-2026-08-00001.csv"
AWS_PARTS = CORPUS / "aws_cur" / "cur2_billing_period_in_two_parts"
AZURE_EA = (
    CORPUS / "azure_cost" / "ea_2024_08_01_openai_abbreviated_meters" / "ea_cost_details_2026-08-01.csv"
)
AZURE_PARTS = CORPUS / "azure_cost" / "mca_partitioned_export_two_parts"
GCP_CSV = (
    CORPUS
    / "gcp_billing"
    / "docs_flattening_query_csv_with_credits"
    / "gemini_vertex_flattened_2026-09-01.csv"
)
GCP_SHARDS = CORPUS / "gcp_billing" / "jsonl_nested_credits_two_shards"
# (connector, a published CSV export, a required column of it, its quantity column)
CSV_EXPORTS = [
    pytest.param(AWS, AWS_CSV, "line_item_usage_amount", "line_item_usage_amount", id="aws_cur"),
    pytest.param(AZURE, AZURE_EA, "Quantity", "Quantity", id="azure_cost"),
    pytest.param(GCP, GCP_CSV, "sku_description", "amount_in_pricing_units", id="gcp_billing"),
]


def _land(
    connector: Connector, files: list[tuple[str, bytes]], home: Path
) -> tuple[list, pl.DataFrame, pl.DataFrame]:
    """Land files (name, bytes) in one batch: (results, landed rows, quarantined rows)."""
    paths = Paths(home)
    batch = LandingBatch(connector, paths)
    for name, raw in files:
        batch.add(raw, name)
    results = batch.flush()
    return results, _landed(connector, paths), _quarantined(connector, paths)


def _landed(connector: Connector, paths: Paths) -> pl.DataFrame:
    parts = list(paths.activity.glob(f"source={connector.source}/dataset=*/**/part-0.parquet"))
    return pl.concat([pl.read_parquet(p) for p in parts]) if parts else pl.DataFrame()


def _quarantined(connector: Connector, paths: Paths) -> pl.DataFrame:
    files = list(paths.quarantine.glob(f"source={connector.source}/*.parquet"))
    held = pl.concat([pl.read_parquet(p) for p in files], how="vertical_relaxed") if files else pl.DataFrame()
    return held.filter(pl.col("source_row").is_not_null()) if held.height else held


def _csv_lines(path: Path) -> list[str]:
    return path.read_bytes().decode("utf-8-sig").splitlines()


# ---- class 2: tokens landed as spend ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("meter", "uom", "quantity", "activity_type", "tokens"),
    [
        ("gpt-4o-0513 Inpt glbl 1M Tokens", "1M", "2.5", "llm_input_tokens", 2_500_000.0),
        ("GPT 5 Chat Inpt Glbl 1M Tokens", "1M", "18", "llm_input_tokens", 18_000_000.0),
        ("GPT 5 Chat cchd Inpt Glbl 1M Tokens", "1M", "64", "llm_cached_input_tokens", 64_000_000.0),
        ("GPT 5 Chat outpt Glbl 1M Tokens", "1M", "0.42", "llm_output_tokens", 420_000.0),
        ("gpt 4o 0513 Input Data Zone Tokens", "1K Tokens", "3", "llm_input_tokens", 3_000.0),
        ("MAI-Thinking-1 Cd Inp glbl 1M Tokens", "1M", "3", "llm_cached_input_tokens", 3_000_000.0),
        ("GPT 5.6 Sol short context cache writes input Global", "1M", "1", "llm_cache_write_tokens", 1e6),
    ],
)
def test_class2_azure_abbreviated_token_meters_land_as_tokens_never_as_spend(
    tmp_path, meter, uom, quantity, activity_type, tokens
):
    lines = _csv_lines(AZURE_EA)
    header = lines[0].split(",")
    row = next(
        csv_row for csv_row in _rows(lines) if csv_row["MeterName"] == "GPT 5 Chat Inpt Glbl 1M Tokens"
    )
    row |= {"MeterName": meter, "UnitOfMeasure": uom, "Quantity": quantity}
    raw = _csv_bytes(header, [row])
    _, rows, held = _land(AZURE, [("ea_one_meter.csv", raw)], tmp_path)
    assert held.is_empty()
    assert rows.select("activity_type", "quantity", "unit").rows() == [(activity_type, tokens, "tokens")]


def test_class2_azure_token_meter_without_a_direction_is_quarantined_by_name_never_spend(tmp_path):
    lines = _csv_lines(AZURE_EA)
    row = next(iter(_rows(lines))) | {"MeterName": "gpt-4o-0513 glbl 1M Tokens"}
    _, rows, held = _land(AZURE, [("ea_no_direction.csv", _csv_bytes(lines[0].split(","), [row]))], tmp_path)
    assert rows.is_empty()
    assert held.get_column("reason").to_list() == [
        "token meter 'gpt-4o-0513 glbl 1M Tokens' names no direction (input, output, cached input): its "
        "tokens cannot be classed"
    ]


# ---- class 7: silent drops ---------------------------------------------------------------------------


@pytest.mark.parametrize(("connector", "path", "column", "measure"), CSV_EXPORTS)
def test_class7_a_renamed_required_column_rejects_the_file_naming_it(
    tmp_path, connector, path, column, measure
):
    lines = _csv_lines(path)
    renamed = "\n".join([lines[0].replace(column, column + "_x"), *lines[1:]]) + "\n"
    (result,), rows, _ = _land(connector, [("renamed.csv", renamed.encode())], tmp_path)
    assert result.rejected and rows.is_empty()
    assert f"[{connector.source}] renamed.csv" in result.error
    assert f"(found '{column}_x': renamed?)" in result.error


@pytest.mark.parametrize(("connector", "path", "column", "measure"), CSV_EXPORTS)
def test_class7_a_short_row_is_quarantined_with_its_line_number_and_the_rest_lands(
    tmp_path, connector, path, column, measure
):
    lines = _csv_lines(path)
    short = ",".join(lines[1].split(",")[:5])
    raw = ("\n".join([lines[0], short, *lines[2:]]) + "\n").encode()
    (result,), rows, held = _land(connector, [("short.csv", raw)], tmp_path)
    assert not result.rejected
    assert held.select("source_row", "field").rows() == [("line:2", "record")]
    assert held.get_column("reason").item().startswith("row has 5 fields, the header has ")
    assert result.raw_records == len(lines) - 1  # counted before parsing
    assert result.records_landed + result.records_quarantined + result.records_skipped == result.raw_records
    assert rows.height > 0


@pytest.mark.parametrize(
    ("connector", "path", "skipped"),
    [
        pytest.param(AWS, AWS_CSV, {"not an Amazon Bedrock line (another AWS service)": 1,
                                    "Bedrock Tax line: neither usage nor a credit or discount": 1},
                     id="aws_cur"),
        pytest.param(AZURE, AZURE_EA, {"not an Azure OpenAI / Foundry model line": 1}, id="azure_cost"),
        pytest.param(GCP, GCP_CSV, {"not a Gemini API or Vertex AI line": 1}, id="gcp_billing"),
    ],
)  # fmt: skip
def test_class7_every_record_is_counted_and_lines_of_other_services_are_skipped_by_name(
    tmp_path, connector, path, skipped
):
    (result,), _, _ = _land(connector, [(path.name, path.read_bytes())], tmp_path)
    assert result.raw_records == len(_csv_lines(path)) - 1
    assert dict(result.skip_reasons) == skipped
    assert result.records_landed + result.records_skipped == result.raw_records


# ---- class 8: implausible values ----------------------------------------------------------------------


@pytest.mark.parametrize(("connector", "path", "column", "measure"), CSV_EXPORTS)
def test_class8_an_implausible_token_count_is_quarantined_with_the_bound(
    tmp_path, connector, path, column, measure
):
    lines = _csv_lines(path)
    header = lines[0].lstrip("\ufeff").split(",")
    rows = list(_rows(lines))
    rows[0][measure] = "1e300"
    (result,), landed, held = _land(connector, [("huge.csv", _csv_bytes(header, rows))], tmp_path)
    assert not result.rejected and landed.height > 0
    assert held.get_column("source_row").to_list() == ["line:2"]
    assert "above the plausibility bound" in held.get_column("reason").item()


# ---- class 10: encodings ------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig"])
@pytest.mark.parametrize(("connector", "path", "column", "measure"), CSV_EXPORTS)
def test_class10_an_export_saved_as_utf16_or_with_a_mark_lands_the_same_rows(
    tmp_path, connector, path, column, measure, encoding
):
    text = path.read_bytes().decode("utf-8-sig")
    _, utf8, _ = _land(connector, [(path.name, text.encode())], tmp_path / "utf8")
    _, other, held = _land(connector, [(path.name, text.encode(encoding))], tmp_path / encoding)
    assert held.is_empty() and other.height == utf8.height > 0
    assert other.sort("activity_id").get_column("activity_id").to_list() == (
        utf8.sort("activity_id").get_column("activity_id").to_list()
    )


def test_class10_an_undocumented_encoding_is_a_named_rejection(tmp_path):
    raw = AZURE_EA.read_bytes().replace(b"rg-assistant", "r\u00e9sum\u00e9".encode("latin-1"))
    (result,), rows, _ = _land(AZURE, [("latin1.csv", raw)], tmp_path)
    assert result.rejected and rows.is_empty()
    assert "[azure_cost] latin1.csv: not readable as utf-8 text" in result.error


# ---- class 11: one bad file never blocks the rest -----------------------------------------------------


@pytest.mark.parametrize(
    ("connector", "good", "bad_name"),
    [
        pytest.param(AWS, AWS_CSV, "bedrock-cur2-2026-07-00001.csv", id="aws_cur"),
        pytest.param(AZURE, AZURE_EA, "ea_cost_details_2026-07-01.csv", id="azure_cost"),
        pytest.param(GCP, GCP_SHARDS / "gcp_billing_export_v1_0A1B2C_3D4E5F_6A7B8C-000000000001.jsonl",
                     "broken.jsonl", id="gcp_billing"),
    ],
)  # fmt: skip
def test_class11_an_unreadable_file_is_rejected_alone_and_the_rest_lands(tmp_path, connector, good, bad_name):
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(good, folder / good.name)
    (folder / bad_name).write_bytes(good.read_bytes()[: len(good.read_bytes()) // 3] + b'\x00\xff"{')
    paths = Paths(tmp_path / "home")
    results = {r.original_name: r for r in ingest_folder(connector, folder, paths)}
    assert results[bad_name].rejected and f"[{connector.source}] {bad_name}" in results[bad_name].error
    assert not results[good.name].rejected and results[good.name].rows_landed > 0
    manifest = read_manifest(paths)
    assert manifest.filter(pl.col("status") == "rejected").get_column("original_name").to_list() == [bad_name]


# ---- class 12: split and refreshed exports ------------------------------------------------------------


@pytest.mark.parametrize(
    ("connector", "folder", "name"),
    [
        pytest.param(AWS, AWS_PARTS, "bedrock-cur2.csv", id="aws_cur"),
        pytest.param(AZURE, AZURE_PARTS, "part_0001.csv", id="azure_cost"),
        pytest.param(GCP, GCP_SHARDS, "gcp_billing_export_v1_0A1B2C_3D4E5F_6A7B8C.jsonl", id="gcp_billing"),
    ],
)
def test_class12_the_part_files_of_one_export_land_as_one_export(tmp_path, connector, folder, name):
    inbox = tmp_path / "inbox"
    shutil.copytree(folder, inbox, ignore=shutil.ignore_patterns("*.md", "expected.csv"))
    paths = Paths(tmp_path / "home")
    (result,) = ingest_folder(connector, inbox, paths)
    assert (result.original_name, result.rejected) == (name, False)
    manifest = read_manifest(paths)
    parts = sorted(p.name for p in inbox.iterdir())
    assert json.loads(manifest.get_column("parts").item()) == parts
    assert (
        _landed(connector, paths).height == result.rows_landed == len(_csv_lines(folder / "expected.csv")) - 1
    )


def test_class12_a_refreshed_cur_period_replaces_the_previous_delivery_without_duplicates(tmp_path):
    """AWS rewrites a billing period's parts on each refresh (a new execution, more or fewer parts): the
    refreshed delivery replaces every day of the period; nothing is doubled and nothing of it is lost."""
    paths = Paths(tmp_path / "home")
    first = tmp_path / "delivery-1"
    shutil.copytree(AWS_PARTS, first, ignore=shutil.ignore_patterns("*.md", "expected.csv"))
    ingest_folder(AWS, first, paths)
    assert _landed(AWS, paths).height == 3

    refreshed = tmp_path / "delivery-2"
    refreshed.mkdir()
    part1 = (AWS_PARTS / "bedrock-cur2-00001.csv").read_text().replace(",120000,", ",125000,")
    (refreshed / "bedrock-cur2-00001.csv").write_text(part1)
    lines = _csv_lines(AWS_PARTS / "bedrock-cur2-00002.csv")
    late = (
        lines[1].replace("b03", "b05").replace("input-tokens", "output-tokens").replace(",80000,", ",9000,")
    )
    (refreshed / "bedrock-cur2-00002.csv").write_text("\n".join([*lines, late]) + "\n")
    cached = lines[1].replace("b03", "b06").replace("input-tokens", "cache-read-input-token-count")
    (refreshed / "bedrock-cur2-00003.csv").write_text(lines[0] + "\n" + cached + "\n")
    for path in refreshed.iterdir():  # the refresh is the newer delivery
        os.utime(path, (path.stat().st_mtime + 3600, path.stat().st_mtime + 3600))
    (result,) = ingest_folder(AWS, refreshed, paths)
    assert not result.rejected
    rows = _landed(AWS, paths).sort("usage_date", "activity_type")
    assert rows.select(pl.col("usage_date").cast(pl.String), "activity_type", "quantity").rows() == [
        ("2026-09-01", "llm_input_tokens", 125000.0),  # revised in the refresh
        ("2026-09-01", "llm_output_tokens", 30000.0),
        ("2026-09-02", "llm_cached_input_tokens", 80000.0),  # in the new third part
        ("2026-09-02", "llm_input_tokens", 80000.0),
        ("2026-09-02", "llm_output_tokens", 9000.0),  # late usage added by the refresh
    ]
    assert rows.get_column("activity_id").is_unique().all()
    assert read_manifest(paths).height == 2  # two deliveries, each one export


@pytest.mark.parametrize(
    ("connector", "folder", "part", "old", "new", "quantity"),
    [
        pytest.param(AZURE, AZURE_PARTS, "part_0_0001.csv", "1.265,0.75,1M", "1.265,0.8,1M", 800_000.0,
                     id="azure_cost"),
        pytest.param(GCP, GCP_SHARDS, "gcp_billing_export_v1_0A1B2C_3D4E5F_6A7B8C-000000000000.jsonl",
                     '"amount_in_pricing_units":4000000.0', '"amount_in_pricing_units":4100000.0',
                     4_100_000.0, id="gcp_billing"),
    ],
)  # fmt: skip
def test_class12_a_refreshed_partitioned_export_replaces_the_previous_run(
    tmp_path, connector, folder, part, old, new, quantity
):
    """A re-run of a partitioned export (Azure) or a re-extract (GCP shards) rewrites its part files: the
    newer run replaces the older one's days, nothing doubled, nothing lost."""
    paths = Paths(tmp_path / "home")
    first = tmp_path / "run-1"
    shutil.copytree(folder, first, ignore=shutil.ignore_patterns("*.md", "expected.csv"))
    ingest_folder(connector, first, paths)
    before = _landed(connector, paths).height
    second = tmp_path / "run-2"
    shutil.copytree(first, second)
    revised = (second / part).read_text(encoding="utf-8-sig")
    assert old in revised
    (second / part).write_text(revised.replace(old, new))
    for path in second.iterdir():
        os.utime(path, (path.stat().st_mtime + 3600, path.stat().st_mtime + 3600))
    (result,) = ingest_folder(connector, second, paths)
    rows = _landed(connector, paths)
    assert not result.rejected and rows.height == before
    assert quantity in rows.get_column("quantity").to_list()
    assert rows.get_column("activity_id").is_unique().all()


def test_class12_two_identical_lines_in_different_parts_both_land(tmp_path):
    """AWS splits a delivery by size: two lines with the same dimensions can fall in different parts.
    Both are usage; neither may be quarantined as a duplicate of the other."""
    lines = _csv_lines(AWS_PARTS / "bedrock-cur2-00001.csv")
    parts = [
        ("bedrock-cur2-00001.csv", (lines[0] + "\n" + lines[1] + "\n").encode()),
        ("bedrock-cur2-00002.csv", (lines[0] + "\n" + lines[1].replace("b01", "b07") + "\n").encode()),
    ]
    paths = Paths(tmp_path)
    batch = LandingBatch(AWS, paths)
    batch.add_parts([(raw, name) for name, raw in parts], "bedrock-cur2.csv")
    (result,) = batch.flush()
    assert (result.rejected, result.rows_landed, result.rows_quarantined) == (False, 2, 0)
    assert _landed(AWS, paths).get_column("activity_id").n_unique() == 2


# ---- class 13: gross and net --------------------------------------------------------------------------


def test_class13_aws_discount_lines_lower_the_net_of_the_usage_they_match(tmp_path):
    _, rows, _ = _land(AWS, [(AWS_CSV.name, AWS_CSV.read_bytes())], tmp_path)
    by_row = {r["source_row"]: r for r in rows.iter_rows(named=True)}
    assert (by_row["line:2"]["cost_amount"], by_row["line:2"]["cost_amount_net"]) == (
        Decimal(6),
        Decimal("5.4"),
    )
    credit = by_row["line:10"]  # the month's credit, tied to no usage type
    assert (credit["activity_type"], credit["quantity"], credit["cost_amount_net"]) == (
        "spend",
        0.0,
        Decimal(-25),
    )
    assert json.loads(by_row["line:2"]["attributes"])["credit_lines"] == "EdpDiscount"
    assert sum(rows.get_column("cost_amount_net")) == sum(rows.get_column("cost_amount")) - Decimal("25.6")


def test_class13_aws_cur2_discount_columns_lower_the_net_of_their_own_line(tmp_path):
    """CUR 2.0 without "manual discount compatibility" states discounts in columns of the discounted line."""
    lines = _csv_lines(AWS_PARTS / "bedrock-cur2-00001.csv")
    header = lines[0] + ",discount_total_discount,discount_bundled_discount"
    body = [lines[1] + ",-0.096,-0.096", lines[2] + ",,"]
    _, rows, held = _land(AWS, [("bedrock-cur2-00001.csv", "\n".join([header, *body]).encode())], tmp_path)
    assert held.is_empty()
    assert sorted(rows.select("cost_amount", "cost_amount_net").rows()) == [
        (Decimal("0.396"), Decimal("0.3")),
        (Decimal("0.495"), Decimal("0.495")),
    ]


def test_class13_gcp_net_is_cost_plus_the_credits_array(tmp_path):
    shards = sorted(GCP_SHARDS.glob("*.jsonl"))
    _, rows, _ = _land(GCP, [(p.name, p.read_bytes()) for p in shards], tmp_path)
    assert sorted(rows.select("cost_amount", "cost_amount_net").rows()) == [
        (Decimal("1.2"), Decimal(0)),
        (Decimal("1.25"), Decimal("0.9")),
    ]


def test_class13_azure_net_is_the_billed_cost(tmp_path):
    _, rows, _ = _land(AZURE, [(AZURE_EA.name, AZURE_EA.read_bytes())], tmp_path)
    assert rows.filter(pl.col("cost_amount_net") != pl.col("cost_amount")).is_empty()
    assert rows.get_column("cost_amount_net").null_count() == 0


# ---- properties: damage ends in rows, quarantine or a named rejection, never a vanished record -----------

PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
GCP_JSONL = GCP_SHARDS / "gcp_billing_export_v1_0A1B2C_3D4E5F_6A7B8C-000000000000.jsonl"


@PROPERTY
@given(raw=damaged_csv(AWS_CSV.read_bytes()))
def test_damaged_aws_cur_export_lands_quarantines_or_is_rejected(raw):
    with tempfile.TemporaryDirectory() as home:
        land_and_check(AWS, raw, "bedrock-cur2-2026-08-00001.csv", Path(home))


@PROPERTY
@given(raw=damaged_csv(AZURE_EA.read_bytes()))
def test_damaged_azure_cost_export_lands_quarantines_or_is_rejected(raw):
    with tempfile.TemporaryDirectory() as home:
        land_and_check(AZURE, raw, "ea_cost_details_2026-08-01.csv", Path(home))


@PROPERTY
@given(raw=st.one_of(damaged_csv(GCP_CSV.read_bytes()), damaged_json(GCP_JSONL.read_bytes())))
def test_damaged_gcp_billing_export_lands_quarantines_or_is_rejected(raw):
    name = "gcp_billing_export.jsonl" if raw.lstrip()[:1] == b"{" else "gcp_billing_export.csv"
    with tempfile.TemporaryDirectory() as home:
        land_and_check(GCP, raw, name, Path(home))


# ---- helpers ---------------------------------------------------------------------------------------------


def _rows(lines: list[str]):
    return csv.DictReader(io.StringIO("\n".join(lines).lstrip("\ufeff")))


def _csv_bytes(header: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return codecs.encode(out.getvalue(), "utf-8")
