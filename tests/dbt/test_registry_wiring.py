"""Every registered source is wired end to end: folder of samples, dbt source, staging model, quarantine."""

from __future__ import annotations

import yaml

from connectors.core.config import BUNDLED_SAMPLES, REPO_ROOT
from connectors.core.registry import ACTIVITY_SOURCES, CONNECTORS, EMISSION_SOURCES

DBT = REPO_ROOT / "dbt_project"


def _sources() -> dict[str, set[str]]:
    spec = yaml.safe_load((DBT / "models/staging/_landing__sources.yml").read_text())
    return {s["name"]: {t["name"] for t in s["tables"]} for s in spec["sources"]}


def test_dbt_sources_match_the_registry():
    sources = _sources()
    assert sources["landing"] == set(ACTIVITY_SOURCES)
    assert sources["vendor_emissions"] == set(EMISSION_SOURCES)
    assert sources["quarantine"] == set(CONNECTORS)


def test_dbt_vars_list_every_source():
    project = yaml.safe_load((DBT / "dbt_project.yml").read_text())
    assert project["vars"]["activity_sources"] == ACTIVITY_SOURCES
    assert project["vars"]["emission_sources"] == EMISSION_SOURCES


def test_every_activity_source_has_a_staging_model_and_bundled_samples():
    for source in ACTIVITY_SOURCES:
        model = DBT / f"models/staging/stg_landing__{source}.sql"
        assert model.read_text().strip() == f"{{{{ stage_activity('{source}') }}}}", source
    for source, connector in CONNECTORS.items():
        assert connector.find_files(BUNDLED_SAMPLES / source), f"no bundled sample for {source}"


def test_every_activity_source_has_one_purchase_channel():
    """The channel's one home (seed activity_channels) names each registered activity source once, so
    fct_activity_impacts.channel is never null and no source falls into a channel by default."""
    import polars as pl

    from factors.release import seed_path

    channels = pl.read_csv(seed_path("activity_channels"), infer_schema=False)
    assert sorted(channels.get_column("source").to_list()) == sorted(ACTIVITY_SOURCES)
    assert set(channels.get_column("channel")) == {
        "api_usage",
        "advertising",
        "ai_assistant_seats",
        "ai_tools_creative",
    }
    # one label per channel (the report and summary print it)
    assert channels.group_by("channel").agg(pl.col("label").n_unique()).get_column("label").max() == 1
