"""The Dagster graph: loadable, one connected graph from ingest assets through checks to the marts."""

from __future__ import annotations

import dagster as dg

from orchestration.definitions import ALL_JOB, build_definitions

defs = build_definitions()


def test_definitions_load_and_the_all_job_runs_every_asset():
    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    materializable = {k for k in graph.get_all_asset_keys() if graph.get(k).is_materializable}
    assert set(defs.resolve_job_def(ALL_JOB).asset_layer.executable_asset_keys) == materializable
    assert dg.AssetKey(["landing", "openai_usage"]) in materializable
    assert dg.AssetKey(["fct_activity_impacts"]) in materializable


def test_dbt_sources_are_wired_to_the_ingest_assets():
    graph = defs.resolve_asset_graph()
    for source in ("openai_usage", "anthropic_usage"):
        landing = dg.AssetKey(["landing", source])
        staging = dg.AssetKey([f"stg_landing__{source}"])
        assert graph.get(landing).is_materializable
        assert landing in graph.get(staging).parent_keys
        assert (
            dg.AssetKey(["quarantine", source])
            in graph.get(dg.AssetKey(["stg_landing__quarantine"])).parent_keys
        )
    mart = graph.get(dg.AssetKey(["mart_quarterly_emissions"]))
    assert dg.AssetKey(["fct_activity_impacts"]) in mart.parent_keys
    assert graph.get(mart.key).group_name == "marts"


def test_landing_checks_are_blocking_gx_checks():
    graph = defs.resolve_asset_graph()
    for source in ("openai_usage", "anthropic_usage"):
        key = dg.AssetCheckKey(dg.AssetKey(["landing", source]), "gx_canonical_activity")
        assert graph.get_check_spec(key).blocking
