"""Trace, close, restatements, verify, audit pack, reconciliation and quarantine on the real pipeline.

One warehouse per module: a copy of the session's ``pipeline_home`` (the bundled samples run through
``ewh run``), with 2026Q3 closed. No test depends on another having run: the restatement test, which
lands a late export and re-runs the pipeline, works on its own copy of that home.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from connectors.core.config import BUNDLED_SAMPLES, Paths
from connectors.core.schema import QUARANTINE_SCHEMA
from ewh.cli import main
from ewh.trust.audit_pack import PARTS, write_audit_pack
from ewh.trust.close import check_restatements, close_quarter, decompose, load_snapshot
from ewh.trust.common import TrustError
from ewh.trust.quarantine import quarantined_rows
from ewh.trust.trace import trace_cell
from ewh.trust.verify import verify_quarter
from tests.support.warehouse import query_frame
from warehouse.reconcile import reconcile

QUARTER = "2026Q3"
CELL = {"vendor": "openai", "model": "gpt-4o-mini", "project": "proj_Mk7aQ2marketingCopy", "country": "USA"}


@pytest.fixture(scope="module")
def home(pipeline_home: Path, tmp_path_factory: pytest.TempPathFactory):
    """A private copy of the pipeline's home and exports, with EWH_HOME pointing at it and 2026Q3 closed."""
    root = tmp_path_factory.mktemp("trust")
    shutil.copytree(pipeline_home, root / "home", ignore=shutil.ignore_patterns(".dagster"))
    shutil.copytree(BUNDLED_SAMPLES, root / "exports")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EWH_HOME", str(root / "home"))
        mp.delenv("EWH_WAREHOUSE_PATH", raising=False)
        mp.delenv("DAGSTER_HOME", raising=False)
        close_quarter(Paths(root / "home"), QUARTER)
        yield root / "home"


@pytest.fixture
def paths(home: Path) -> Paths:
    return Paths(home)


def _query(paths: Paths, sql: str, **params) -> pl.DataFrame:
    return query_frame(paths.warehouse, sql, params)


def test_trace_returns_exactly_the_cells_rows(paths: Paths):
    result = trace_cell(paths, QUARTER, **CELL)
    cell = _query(
        paths,
        "select * from mart_quarterly_emissions where quarter = $quarter and vendor = $vendor "
        "and model = $model and project_or_workspace = $project and country = $country",
        quarter=QUARTER,
        **CELL,
    ).row(0, named=True)
    expected_ids = _query(
        paths,
        "select activity_id from fct_activity_impacts where quarter = $quarter and vendor = $vendor "
        "and model = $model and coalesce(project, workspace) = $project and electricity_country = $country",
        quarter=QUARTER,
        **CELL,
    ).get_column("activity_id")
    assert result.rows.height == cell["activity_rows"] == expected_ids.len() > 0
    assert set(result.rows.get_column("activity_id")) == set(expected_ids)
    for metric in ("energy_kwh", "co2e_location_kg", "water_l", "co2e_embodied_kg"):
        assert result.rows.get_column(metric).sum() == pytest.approx(cell[metric], rel=1e-9)
    assert result.check() == []
    # every row's raw file is in the manifest and its factors are found in the seeds, with licences
    assert set(result.files.get_column("source_sha256")) == set(result.rows.get_column("source_sha256"))
    assert result.files.get_column("original_name").null_count() == 0
    assert all(Path(p).exists() for p in result.files.get_column("archived_path"))
    model_ids = set(result.rows.get_column("model_factor_id").drop_nulls())
    assert model_ids <= set(result.factors.get_column("factor_id"))
    assert result.factors.get_column("licence").null_count() == 0


def test_trace_without_project_sums_every_matching_cell(paths: Paths):
    result = trace_cell(paths, QUARTER, "openai", "gpt-4o-mini")
    assert result.figure.height > 1
    assert result.check() == []
    with pytest.raises(TrustError, match="no cell"):
        trace_cell(paths, QUARTER, "openai", "no-such-model")


def test_trace_command_writes_csv(paths: Paths, tmp_path: Path, capsys):
    out = tmp_path / "trace.csv"
    assert main(
        ["trace", "--quarter", QUARTER, "--vendor", "openai", "--model", "gpt-4o-mini",
         "--project", CELL["project"], "--csv", str(out)]
    ) == 0  # fmt: skip
    printed = capsys.readouterr().out
    assert "rows add up to the cell: yes" in printed
    frame = pl.read_csv(out)
    # the cell's rows, read straight from the fact table (not through trace_cell, which the command calls)
    expected = _query(
        paths,
        "select activity_id from fct_activity_impacts where quarter = $q and vendor = 'openai' "
        "and model = 'gpt-4o-mini' and coalesce(project, workspace) = $p",
        q=QUARTER,
        p=CELL["project"],
    ).get_column("activity_id")
    assert frame.height == expected.len() > 0
    assert set(frame.get_column("activity_id")) == set(expected)
    assert {"source_row", "source_sha256", "original_name", "grid_factor_id"} <= set(frame.columns)


def test_closing_twice_is_refused_without_force(paths: Paths):
    with pytest.raises(TrustError, match="--force"):
        close_quarter(paths, QUARTER)
    header = load_snapshot(paths, QUARTER, "closed_quarters").row(0, named=True)
    release = _query(paths, "select * from meta_factor_release").row(0, named=True)
    assert header["factor_release_sha256"] == release["factor_release_sha256"]
    assert header["code_version"]
    files = load_snapshot(paths, QUARTER, "closed_raw_files")
    rows = load_snapshot(paths, QUARTER, "closed_activity_impacts")
    assert set(rows.get_column("source_sha256")) <= set(files.get_column("source_sha256"))


def test_verify_passes_on_an_untouched_quarter(paths: Paths):
    result = verify_quarter(paths, QUARTER)
    # the session built and closed the quarter from the seeds in this tree: every part must pass
    assert result.integrity_ok and result.rebuild_ok and result.figures_ok, result.summary()
    assert result.factor_release_ok and result.ok, result.summary()
    assert result.problems == []
    assert result.cells_compared == load_snapshot(paths, QUARTER, "closed_quarterly_emissions").height


def test_audit_pack_contains_every_part(paths: Paths, tmp_path: Path):
    out = tmp_path / "pack"  # runs verify itself when no result for this snapshot is recorded yet
    index = write_audit_pack(paths, QUARTER, out)
    names = {p["file"] for p in index["parts"]}
    assert names == set(PARTS)
    for part in index["parts"]:
        assert (out / part["file"]).stat().st_size > 0, part["file"]
    readme = (out / "README.md").read_text()
    assert all(p["sha256"] in readme for p in index["parts"])
    figures = pl.read_csv(out / "quarterly_figures.csv")
    assert figures.get_column("quarter").unique().to_list() == [QUARTER]
    factors = pl.read_csv(out / "factor_rows.csv", infer_schema=False)
    uncited = factors.filter(pl.col("source_url").is_null()).get_column("factor_id").to_list()
    assert factors.height > 0 and uncited == []
    manifest = pl.read_csv(out / "raw_file_manifest.csv")
    assert manifest.get_column("sha256_verified_now").all()
    verify = json.loads((out / "verify.json").read_text())
    assert verify["figures_ok"] is True and verify["integrity_ok"] is True
    assert "success" in json.loads((out / "gx_validation.json").read_text())
    assert "results" in json.loads((out / "dbt_run_results.json").read_text())
    assert (out / "methodology.md").read_text().startswith("# Methodology")


def test_verify_detects_a_tampered_raw_file(paths: Paths):
    files = load_snapshot(paths, QUARTER, "closed_raw_files")
    victim = files.filter(pl.col("contributes_rows")).row(0, named=True)
    archived = paths.landing / victim["source_file"]
    original = archived.read_bytes()
    try:
        archived.write_bytes(original.replace(b"0", b"1", 1))
        result = verify_quarter(paths, QUARTER)
    finally:
        archived.write_bytes(original)
    assert not result.ok and not result.integrity_ok
    message = "\n".join(result.problems)
    assert "tampered" in message
    assert victim["source_file"] in message and victim["original_name"] in message


def test_reconciliation_flags_a_planted_difference(paths: Paths, tmp_path: Path):
    clean = reconcile(paths)
    priced = clean.filter(pl.col("check") == "usage_priced_vs_cost_report", pl.col("vendor") == "openai")
    day = datetime(2026, 9, 3).date()
    assert priced.filter(pl.col("usage_date") == day).get_column("status").to_list() == ["ok"]
    # the Costs API sample was priced from the usage sample: the API days reconcile
    api_days = priced.filter(
        pl.col("usage_date").is_between(datetime(2026, 9, 1).date(), datetime(2026, 9, 14).date())
    )
    assert api_days.height >= 10 and not api_days.get_column("flagged").any()

    planted = tmp_path / "planted.duckdb"
    shutil.copyfile(paths.warehouse, planted)
    con = duckdb.connect(str(planted))
    con.execute(
        "update fct_vendor_costs set cost_amount = cost_amount * 1.05 "
        "where source = 'openai_costs' and usage_date = date '2026-09-03'"
    )
    con.close()
    flagged = reconcile(Paths(paths.home, warehouse_override=planted)).filter(pl.col("flagged"))
    hit = flagged.filter(pl.col("check") == "usage_priced_vs_cost_report", pl.col("vendor") == "openai")
    assert hit.get_column("usage_date").to_list().count(day) == 1
    assert hit.filter(pl.col("usage_date") == day).get_column("relative_difference").item() == pytest.approx(
        0.05 / 1.05, rel=1e-6
    )
    # a looser tolerance lets it pass
    loose = reconcile(Paths(paths.home, warehouse_override=planted), tolerance=0.10)
    assert day not in loose.filter(pl.col("flagged"), pl.col("vendor") == "openai").get_column("usage_date")


def _quarantined(source: str, source_row: str, reason: str) -> dict:
    """One quarantine row as the landing writes it (``QUARANTINE_SCHEMA``)."""
    return {
        "source": source,
        "dataset": "completions",
        "source_file": f"raw/{source}/abc.json",
        "source_row": source_row,
        "source_sha256": "abc",
        "field": "quantity",
        "reason": reason,
        "record": "{}",
        "quarantined_at": datetime(2026, 10, 2, 6, 30, tzinfo=UTC),
    }


def _landed_quarantine(paths: Paths, row: dict) -> None:
    target = paths.quarantine / f"source={row['source']}" / "abc.parquet"
    target.parent.mkdir(parents=True)
    pl.DataFrame([row], schema=QUARANTINE_SCHEMA).write_parquet(target)


def test_quarantine_reads_the_landing_files_without_a_warehouse(tmp_path: Path):
    paths = Paths(tmp_path / "h")
    _landed_quarantine(
        paths, _quarantined("openai_usage", "/0/data/0/results/1#output_tokens", "negative quantity")
    )
    frame, origin = quarantined_rows(paths)
    assert "landing Parquet" in origin
    assert frame.select("reason", "source", "source_row").row(0) == (
        "negative quantity",
        "openai_usage",
        "/0/data/0/results/1#output_tokens",
    )
    assert quarantined_rows(paths, "anthropic_usage")[0].is_empty()


def test_quarantine_reads_the_warehouse_view_when_there_is_one(tmp_path: Path):
    """With a warehouse, its ``stg_landing__quarantine`` view is the source (a landing file is not)."""
    paths = Paths(tmp_path / "h")
    row = _quarantined(
        "anthropic_usage", "/0/data/2/results/0#output_tokens", "quantity above the plausible maximum"
    )
    _landed_quarantine(
        paths, _quarantined("openai_usage", "/0/data/0/results/1#output_tokens", "negative quantity")
    )
    planted = pl.DataFrame([row], schema=QUARANTINE_SCHEMA)  # noqa: F841  (read by DuckDB below)
    con = duckdb.connect(str(paths.warehouse))
    con.execute("create table quarantined as select * from planted")
    con.execute("create view stg_landing__quarantine as select * from quarantined")
    con.close()

    frame, origin = quarantined_rows(paths)
    assert "stg_landing__quarantine" in origin
    assert frame.select("source", "source_row", "reason").rows() == [
        ("anthropic_usage", "/0/data/2/results/0#output_tokens", "quantity above the plausible maximum")
    ]


def test_decompose_splits_activity_and_factor_change():
    base = {c: None for c in ("project", "workspace", "model_factor_id", "activity_factor_id",
                              "provider_factor_id", "water_factor_id", "market_factor_id")}  # fmt: skip
    base |= {"quarter": QUARTER, "vendor": "openai", "model": "m", "electricity_country": "USA"}
    old = pl.DataFrame(
        [
            base | {"activity_id": "a", "quantity": 10.0, "co2e_location_kg": 1.0, "grid_factor_id": "g1"},
            base | {"activity_id": "b", "quantity": 5.0, "co2e_location_kg": 0.5, "grid_factor_id": "g1"},
        ]
    )
    new = pl.DataFrame(
        [
            # quantity doubled at the same intensity: activity only
            base | {"activity_id": "a", "quantity": 20.0, "co2e_location_kg": 2.0, "grid_factor_id": "g1"},
            # same quantity, new grid factor: factor only
            base | {"activity_id": "b", "quantity": 5.0, "co2e_location_kg": 0.8, "grid_factor_id": "g2"},
            # a late row: activity
            base | {"activity_id": "c", "quantity": 1.0, "co2e_location_kg": 0.1, "grid_factor_id": "g2"},
        ]
    )
    row = decompose(old, new, "co2e_location_kg").row(0, named=True)
    assert row["old_value"] == pytest.approx(1.5) and row["new_value"] == pytest.approx(2.9)
    assert row["activity_effect"] == pytest.approx(1.1)
    assert row["factor_effect"] == pytest.approx(0.3)
    assert (row["rows_added"], row["rows_quantity_changed"], row["rows_factor_ids_changed"]) == (1, 1, 1)


def test_late_row_restates_without_touching_the_snapshot(home: Path, tmp_path: Path, monkeypatch):
    """Lands a corrected OpenAI export for September and re-runs the pipeline, on a copy of the module's
    closed home so the other tests see the quarter as closed, whatever the order they run in."""
    from dagster_dbt.dbt_manifest import read_manifest_path

    shutil.copytree(home, tmp_path / "home", ignore=shutil.ignore_patterns(".dagster", "*.lock"))
    shutil.copytree(home.parent / "exports", tmp_path / "exports")
    monkeypatch.setenv("EWH_HOME", str(tmp_path / "home"))
    paths = Paths(tmp_path / "home")
    tables = ("closed_quarters", "closed_quarterly_emissions", "closed_activity_impacts", "closed_raw_files")
    before = {t: load_snapshot(paths, QUARTER, t) for t in tables}
    assert check_restatements(paths).is_empty()

    exports = paths.home.parent / "exports"
    name = "completions_usage_2026-09-01_2026-09-14.json"
    payload = json.loads((BUNDLED_SAMPLES / "openai_usage" / name).read_text())
    result = payload[0]["data"][0]["results"][0]
    assert result["model"].startswith("gpt-4o-mini") and result["project_id"] == CELL["project"]
    result["output_tokens"] += 200_000
    result["output_text_tokens"] += 200_000
    (exports / "openai_usage" / name.replace(".json", "_corrected.json")).write_text(json.dumps(payload))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    read_manifest_path.cache_clear()  # a dbt model added to the tree since the session's first run
    assert main(["run", "--samples", str(exports)]) == 0  # `ewh run` checks and records restatements

    found = _query(paths, "select * from restatements")
    assert found.height > 0
    co2 = found.filter(
        pl.col("metric") == "co2e_location_kg",
        pl.col("vendor") == "openai",
        pl.col("model") == "gpt-4o-mini",
        pl.col("project_or_workspace") == CELL["project"],
    ).row(0, named=True)
    assert co2["new_value"] > co2["old_value"]
    assert co2["activity_share"] == pytest.approx(1.0, abs=1e-9)
    assert co2["factor_effect"] == pytest.approx(0.0, abs=1e-12)
    assert co2["rows_quantity_changed"] == 1
    # only that cell moved, and a second check records nothing new
    assert set(found.get_column("project_or_workspace")) == {CELL["project"]}
    assert check_restatements(paths).is_empty()
    recorded = _query(paths, "select count(*) from restatements").item()
    assert recorded == found.height
    # the closed snapshot is untouched
    for table in tables:
        assert load_snapshot(paths, QUARTER, table).equals(before[table]), table
    # and the marts do show the new figure
    current = trace_cell(paths, QUARTER, **CELL)
    assert current.figure.get_column("co2e_location_kg").item() == pytest.approx(co2["new_value"], rel=1e-9)


def test_a_quarter_closed_before_the_channel_compares_with_the_rebuild_summed_over_channels():
    """A snapshot without the purchase channel (closed before #18) is compared cell by cell with the rebuild
    summed over its channels: an unchanged quarter agrees, a moved figure is still found."""
    from ewh.trust.verify import compare_figures

    cell = {"quarter": "2026Q3", "vendor": "anthropic", "model": "claude-sonnet-4-5"}
    cell |= {"project_or_workspace": "(none)", "country": "USA"}
    closed = pl.DataFrame([cell | {"activity_rows": 5}])
    rebuilt = pl.DataFrame(
        [
            cell | {"channel": "api_usage", "activity_rows": 3},
            cell | {"channel": "ai_assistant_seats", "activity_rows": 2},
        ]
    )
    assert compare_figures(closed, rebuilt) == []
    moved = rebuilt.with_columns(
        pl.when(pl.col("channel") == "api_usage").then(4).otherwise(2).alias("activity_rows")
    )
    (mismatch,) = compare_figures(closed, moved)
    assert (mismatch["metric"], mismatch["closed"], mismatch["rebuilt"]) == ("activity_rows", 5.0, 6.0)


def test_cell_keys_are_the_mart_grain_from_its_yml():
    """The trust cell is mart_quarterly_emissions' grain, whose one home is its unique_combination test
    (dbt_project/models/marts/_marts__models.yml): the prepared manifest and the yml both give it."""
    from ewh.trust.common import CELL_EXPR, CELL_KEYS, METRICS
    from warehouse.dbt import MANIFEST, _manifest_grain, _yml_grain

    manifest_grain = _manifest_grain("mart_quarterly_emissions", MANIFEST)
    assert manifest_grain == _yml_grain("mart_quarterly_emissions")
    assert tuple(c for c in manifest_grain if c not in METRICS) == CELL_KEYS
    assert CELL_KEYS == ("quarter", "channel", "vendor", "model", "project_or_workspace", "country")
    assert set(CELL_EXPR) == set(CELL_KEYS)  # every key of the grain is derived from a fact row
