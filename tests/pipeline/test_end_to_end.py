"""The whole pipeline on the bundled samples: Dagster run -> landing -> GX -> dbt marts.

The energy check recomputes a model's quarter from the raw sample JSON with EcoLogits itself, without
using any of the project's parsing or factor code.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from ecologits.tracers.utils import llm_impacts

from connectors.core.config import BUNDLED_SAMPLES, Paths
from ewh.cli import main

pytestmark = pytest.mark.slow

# documented prefill extension (docs/methodology.md): weights relative to an output token
WEIGHTS = {"uncached": 0.2, "cache_write": 0.2, "cached": 0.02}
# activity types the samples hold that have no energy method yet: they land with the no_factor tier and
# null figures (Anthropic web searches; the request counts of OpenAI embeddings and images, issue #13
# class 6; docs/sources.md), never with invented ones. OpenAI audio tokens are counted like the model's text
# tokens (audio_as_text): in the current usage shape they are part of input and output tokens, so the
# EcoLogits recomputation below, which treats every token as text, still holds.
NO_METHOD = (
    "embedding_requests",
    "image_requests",
    "web_search_requests",
)


def _query(home: Path, sql: str):
    con = duckdb.connect(str(Paths(home).warehouse), read_only=True)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def _ecologits_openai_quarter(model_raw: str, quarter_months: set[int]) -> float:
    """Central energy (kWh) of every bucket of ``model_raw`` in the samples, straight from EcoLogits."""
    total = 0.0
    for path in sorted((BUNDLED_SAMPLES / "openai_usage").glob("completions_*.json")):
        payload = json.loads(path.read_text())
        for page in payload if isinstance(payload, list) else [payload]:
            for bucket in page["data"]:
                month = datetime.fromtimestamp(bucket["start_time"], UTC).month
                for r in bucket["results"]:
                    if r["model"] != model_raw or month not in quarter_months:
                        continue
                    requests, output = r["num_model_requests"], r["output_tokens"]
                    per_request = llm_impacts("openai", model_raw, output / requests, math.inf).energy.value
                    total += requests * (per_request.min + per_request.max) / 2
                    one = llm_impacts("openai", model_raw, 1000, math.inf).energy.value
                    zero = llm_impacts("openai", model_raw, 0, math.inf).energy.value
                    per_token = ((one.min - zero.min) + (one.max - zero.max)) / 2 / 1000
                    cached = r.get("input_cached_tokens", 0)
                    write = r.get("input_cache_write_tokens", 0)
                    uncached = r.get("input_uncached_tokens", r["input_tokens"] - cached - write)
                    total += per_token * (
                        WEIGHTS["uncached"] * uncached
                        + WEIGHTS["cache_write"] * write
                        + WEIGHTS["cached"] * cached
                    )
    return total


def test_mart_energy_matches_ecologits_computed_independently(pipeline_home):
    # Q3 openai_usage days (July and 1-14 September) are covered by no other route of the same report
    (ours,) = _query(
        pipeline_home,
        "select sum(energy_kwh) from fct_activity_impacts where quarter = '2026Q3' "
        "and source = 'openai_usage' and model = 'gpt-4o-mini'",
    )[0]
    expected = _ecologits_openai_quarter("gpt-4o-mini-2024-07-18", {7, 8, 9})
    assert expected > 0
    assert ours == pytest.approx(expected, rel=0.005)


def test_a_report_arriving_by_two_routes_is_counted_once(pipeline_home):
    """Anthropic usage comes from the Admin API JSON and the console CSV; they overlap on 1-5 October."""
    per_day = _query(
        pipeline_home,
        "select usage_date, count(distinct source) from fct_activity_impacts "
        "where vendor = 'anthropic' and channel = 'api_usage' "  # seat usage is another purchase (#18)
        "group by usage_date having count(distinct source) > 1",
    )
    assert per_day == []
    ((superseded_days,),) = _query(
        pipeline_home,
        "select count(distinct usage_date) from int_activity_superseded where vendor = 'anthropic' "
        "and activity_type <> 'spend'",
    )
    assert superseded_days == 5


def test_an_organisation_wide_and_a_workspace_export_of_the_same_days_count_once(pipeline_home):
    """Mistral September arrives org-wide and, for one workspace, on its own: the org-wide export counts
    (source_report_families precedence); October exists only per workspace and counts as such."""
    counted = _query(
        pipeline_home,
        "select strftime(usage_date, '%Y-%m') as month, dataset from fct_activity_impacts "
        "where vendor = 'mistral' group by 1, 2 order by 1, 2",
    )
    workspace = "billing_usage_workspace_8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    assert counted == [
        ("2026-09", "billing_usage"),
        ("2026-10", "billing_usage_workspace_2f0c8d7e-5b1a-4c3e-9d2f-6a7b8c9d0e1f"),
        ("2026-10", workspace),
    ]
    ((landed,),) = _query(
        pipeline_home,
        f"select count(*) from int_activity_landed "
        f"where dataset = '{workspace}' and usage_date < '2026-10-01'",
    )
    ((superseded,),) = _query(
        pipeline_home, f"select count(*) from int_activity_superseded where dataset = '{workspace}'"
    )
    assert landed > 0 and superseded == landed


def test_rows_in_equal_rows_landed_plus_quarantined(pipeline_home):
    landing = Paths(pipeline_home).landing
    ((rows_in, landed, quarantined),) = _query(
        pipeline_home,
        f"select sum(rows_in), sum(rows_landed), sum(rows_quarantined) from '{landing}/manifest.parquet'",
    )
    ((fact_rows,),) = _query(pipeline_home, "select count(*) from fct_activity_impacts")
    ((spend_outside,),) = _query(
        pipeline_home,
        "select count(*) from fct_vendor_costs where activity_type = 'spend' "
        "and activity_id not in (select activity_id from fct_activity_impacts)",
    )
    ((superseded,),) = _query(pipeline_home, "select count(*) from int_activity_superseded")
    ((emission_rows,),) = _query(pipeline_home, "select count(*) from stg_landing__vendor_emissions")
    ((quarantine_rows,),) = _query(pipeline_home, "select count(*) from stg_landing__quarantine")
    assert rows_in == landed + quarantined
    assert spend_outside > 0 and emission_rows > 0 and superseded > 0
    # each landed row is in exactly one place: impacts, cost-only covered by usage, superseded, vendor figures
    assert fact_rows + spend_outside + superseded + emission_rows == landed
    assert quarantine_rows == quarantined == 0


def test_cost_report_token_lines_are_never_counted_beside_the_usage_reports(pipeline_home):
    """The dashboard Cost sample states token quantities (issue #13 class 2: they land as tokens); the
    usage samples cover the same days, so those tokens are superseded there, never estimated twice."""
    ((counted,),) = _query(
        pipeline_home,
        "select count(*) from fct_activity_impacts as c where c.dataset = 'costs' "
        "and c.activity_type <> 'spend' and exists (select 1 from fct_activity_impacts as u "
        "where u.vendor = c.vendor and u.usage_date = c.usage_date and u.dataset <> 'costs' "
        "and u.activity_type <> 'spend')",
    )
    ((listed,),) = _query(
        pipeline_home,
        "select count(*) from int_activity_superseded where source = 'openai_dashboard' "
        "and dataset = 'costs' and activity_type = 'llm_input_tokens' and cost_amount > 0",
    )
    assert counted == 0 and listed > 0


def test_every_row_has_figures_and_factor_ids(pipeline_home):
    ((missing,),) = _query(
        pipeline_home,
        f"""
        select count(*) from fct_activity_impacts
        where (co2e_location_kg is null or co2e_market_kg is null or provider_factor_id is null
           or (method_tier <> 'spend_based'
               and (energy_kwh is null or water_l is null
                    or grid_factor_id is null or water_factor_id is null))
           or (activity_type like 'llm%' and model_factor_id is null)
           or method_tier = 'no_factor')
          and activity_type not in {NO_METHOD}""",
    )
    assert missing == 0
    no_method = _query(
        pipeline_home,
        "select activity_type, count(*), count(energy_kwh) from fct_activity_impacts "
        "where method_tier = 'no_factor' group by 1",
    )
    assert {t for t, _, _ in no_method} == set(NO_METHOD)
    assert all(rows > 0 and with_energy == 0 for _, rows, with_energy in no_method)
    # audio tokens of a registry model take the audio_as_text weight; of an unknown model, its range
    audio = _query(
        pipeline_home,
        "select distinct activity_type, method_tier, dq_score, energy_kwh is not null "
        "from fct_activity_impacts where activity_type like '%audio_tokens'",
    )
    assert {(t, tier) for t, tier, _, _ in audio} >= {
        ("llm_input_audio_tokens", "audio_as_text"),
        ("llm_output_audio_tokens", "audio_as_text"),
    }
    assert all(tier in ("audio_as_text", "unknown_model") and dq == 5 and has for _, tier, dq, has in audio)


def test_only_truly_unknown_models_are_listed(pipeline_home):
    """The bundled samples' models no EcoLogits registry (current or retired) and no name size identify.

    Expected by hand: Amazon publishes no architecture for Nova and Titan, and no EcoLogits release ever
    registered o3; every other sample model is in a registry (Llama 3 70B in the Hugging Face one,
    claude-sonnet-4-20250514 and gemini-2.0-flash as retired snapshots, DeepSeek-R1 from its model card).
    """
    rows = set(
        _query(
            pipeline_home, "select vendor, model_raw, method_tier, model_factor_id from mart_unmapped_models"
        )
    )
    models = {r for r in rows if r[2] != "no_factor"}
    assert models == {
        ("aws", "Nova2.0Lite", "unknown_model", "llm_tier.unknown"),
        ("aws", "NovaPro", "unknown_model", "llm_tier.unknown"),
        ("aws", "TitanTextExpress", "unknown_model", "llm_tier.unknown"),
        ("openai", "o3-2025-04-16", "unknown_model", "llm_tier.unknown"),
    }
    # the other rows name activity types without an energy method (web searches, audio tokens, request
    # counts without a per-request term), never a model
    listed = _query(
        pipeline_home,
        "select distinct activity_without_method from mart_unmapped_models where method_tier = 'no_factor'",
    )
    assert sorted(t for (t,) in listed) == sorted(NO_METHOD)
    ((dq,),) = _query(pipeline_home, "select distinct dq_score from fct_activity_impacts where model = 'o3'")
    assert dq == 5


def test_dated_and_open_models_resolve_to_their_own_registry_rows(pipeline_home):
    rows = dict(
        _query(
            pipeline_home,
            "select distinct model_raw, model_factor_id from fct_activity_impacts "
            "where model_raw in ('mistral-large-2411', 'mistral-small-2506', 'Llama3-70B', "
            "'claude-sonnet-4-20250514')",
        )
    )
    assert rows == {
        "mistral-large-2411": "llm.mistral.mistral-large-2411",  # not today's mistral-large-latest
        "mistral-small-2506": "llm.mistral.mistral-small-2506",
        "Llama3-70B": "llm.huggingface.meta-llama/Meta-Llama-3-70B",
        "claude-sonnet-4-20250514": "llm.anthropic.claude-sonnet-4-20250514",
    }


def test_summary_prints_the_quarter(pipeline_home, capsys, monkeypatch):
    monkeypatch.setenv("EWH_HOME", str(pipeline_home))
    assert main(["summary", "--quarter", "2026Q4"]) == 0
    out = capsys.readouterr().out
    # every row in its purchase channel (seed activity_channels): API usage and the ad platforms apart
    assert re.search(r"\| 2026Q4 +\| api_usage +\| anthropic +\| claude-haiku-4-5 ", out)
    assert re.search(r"\| 2026Q4 +\| advertising +\| meta +\|", out)
    assert "2026Q3" not in out
    # the one data-quality figure, as the mart has it (the report and the check read the same mart)
    con = duckdb.connect(str(pipeline_home / "warehouse.duckdb"), read_only=True)
    try:
        ((share,),) = con.sql(
            "select primary_data_share from mart_quarterly_data_quality where quarter = '2026Q4'"
        ).fetchall()
    finally:
        con.close()
    assert "Primary-data share" in out and f"| {round(100 * share, 1)}" in out


def _same_figures(a: list[tuple], b: list[tuple]) -> bool:
    """Equal row by row; floats within 1e-9 relative (parallel float sums may differ in the last bits)."""
    return len(a) == len(b) and all(
        len(x) == len(y)
        and all(
            math.isclose(u, v, rel_tol=1e-9) if isinstance(u, float) else u == v
            for u, v in zip(x, y, strict=True)
        )
        for x, y in zip(a, b, strict=True)
    )


def test_second_run_is_idempotent(session_home_in_place, monkeypatch, capsys):
    """A second `ewh run` on the same exports, on a copy of the session's home (which other tests read)."""
    home = session_home_in_place
    exports = home.parent / "exports"
    before = _query(home, "select * from mart_quarterly_emissions order by all")
    monkeypatch.setenv("EWH_HOME", str(home))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("EWH_WAREHOUSE_PATH", raising=False)
    capsys.readouterr()
    assert main(["run", "--samples", str(exports)]) == 0
    # nothing new landed, the dbt project and seeds are the same: dbt is not run, and the run says so
    out = capsys.readouterr().out
    assert (
        "dbt not run: landed data, dbt project and seeds unchanged since the last successful build" in out
    ), [line for line in out.splitlines() if "dbt build" in line or "changed" in line]
    assert len(list((home / "dbt" / "runs").iterdir())) == 1  # only the first run's dbt target
    # decided before the dbt run was created: no Dagster run of this `ewh run` planned or started the
    # dbt step (planning its ~450 assets and tests alone cost seconds), yet the mart checks ran again
    steps = _steps_of_runs(Paths(home).dagster_home)
    assert steps and not any("ewh_dbt_models" in s for s in steps), sorted(steps)
    assert any(s.startswith("ingest_") for s in steps)
    assert any("fallback_share" in s for s in steps), sorted(steps)
    assert _same_figures(_query(home, "select * from mart_quarterly_emissions order by all"), before)
    ((files,),) = _query(home, f"select count(*) from '{Paths(home).manifest}'")
    from connectors.core.registry import CONNECTORS

    bundled = sum(len(c.find_files(exports / source)) for source, c in CONNECTORS.items())
    assert files == bundled


def _steps_of_runs(dagster_home: Path) -> set[str]:
    """The step keys every run recorded in this (freshly copied, so second-run-only) Dagster home."""
    from dagster import DagsterEventType, DagsterInstance

    with DagsterInstance.from_config(str(dagster_home)) as instance:
        return {
            record.event_log_entry.step_key
            for run in instance.get_runs()
            for record in instance.get_records_for_run(
                run.run_id, of_type=DagsterEventType.STEP_START
            ).records
        }


def test_the_run_warns_about_unknown_models_apart_from_activity_without_a_method(pipeline_home, capsys):
    """`ewh run`'s summary lists the unknown models as estimated with a fallback tier, and the activity
    types with no energy method apart, as carrying no figure (a web search count is no unknown model)."""
    from ewh.commands.pipeline import _report_run

    _report_run(Paths(pipeline_home))
    out = capsys.readouterr().out
    models, _, rest = out.partition("activity type(s) of a model with no energy method")
    assert "WARNING: 4 model(s) in no EcoLogits registry" in models
    assert all(name in models for name in ("Nova2.0Lite", "NovaPro", "TitanTextExpress", "o3-2025-04-16"))
    assert not any(activity in models for activity in NO_METHOD)
    listed = rest.split("Quarterly footprint")[0]
    assert all(activity in listed for activity in NO_METHOD)
