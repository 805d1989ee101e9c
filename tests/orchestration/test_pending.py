"""Which sources `ewh run` runs an ingest step for (orchestration/lib/pending.py), and which are in use."""

from __future__ import annotations

import time

import polars as pl
import pytest

from connectors.core.registry import CONNECTORS
from connectors.landing.validated import mark_validated
from connectors.landing.zone import init_landing
from orchestration.lib.pending import pending_sources, sources_in_use


@pytest.fixture
def quiet_env(monkeypatch):
    """No vendor key and no source choice from the machine running the tests."""
    for connector in CONNECTORS.values():
        if connector.credential_variable:
            monkeypatch.delenv(connector.credential_variable, raising=False)
    monkeypatch.delenv("EWH_SOURCES", raising=False)


@pytest.fixture
def ready(paths, quiet_env):
    """A home whose landing zone is initialised for every source, with nothing landed."""
    for connector in CONNECTORS.values():
        init_landing(paths, [connector.source], connector.table)
    return paths


def test_a_new_home_initialises_every_source(paths, quiet_env, tmp_path):
    pending = pending_sources(paths, tmp_path / "exports")
    assert set(pending) == set(CONNECTORS)
    assert all(reasons == ["landing zone not initialised"] for reasons in pending.values())


def test_nothing_to_land_means_no_ingest_step(ready, tmp_path):
    exports = tmp_path / "exports"
    for source in CONNECTORS:
        (exports / source).mkdir(parents=True)
    (exports / "openai_usage" / "notes.txt").write_text("not an export: no pattern of the source matches")
    assert pending_sources(ready, exports) == {}


def test_an_export_file_an_api_key_or_an_unchecked_partition_is_work(ready, tmp_path, monkeypatch):
    exports = tmp_path / "exports"
    (exports / "openai_usage").mkdir(parents=True)
    (exports / "openai_usage" / "usage_2026-10.json").write_text("{}")
    monkeypatch.setenv("ANTHROPIC_ADMIN_KEY", "sk-ant-admin-test")
    part = (
        ready.activity / "source=mistral_usage" / "dataset=usage" / "usage_date=2026-10-01" / "part-0.parquet"
    )
    part.parent.mkdir(parents=True)
    pl.DataFrame({"x": [1]}).write_parquet(part)

    pending = pending_sources(ready, exports)

    # the Anthropic admin key serves two sources: usage and costs
    assert pending == {
        "openai_usage": [f"1 export file(s) in {exports / 'openai_usage'}"],
        "anthropic_usage": ["ANTHROPIC_ADMIN_KEY is set"],
        "anthropic_costs": ["ANTHROPIC_ADMIN_KEY is set"],
        "mistral_usage": ["1 landed partition(s) not yet through the GX check"],
    }
    # the GX check passed after the partition was written: nothing left for it
    mark_validated(ready, "mistral_usage", time.time() + 1)
    assert "mistral_usage" not in pending_sources(ready, exports)


def test_a_source_left_out_by_ewh_sources_has_no_work(ready, tmp_path, monkeypatch):
    exports = tmp_path / "exports"
    (exports / "openai_usage").mkdir(parents=True)
    (exports / "openai_usage" / "usage_2026-10.json").write_text("{}")
    monkeypatch.setenv("EWH_SOURCES", "anthropic_usage")
    assert pending_sources(ready, exports) == {}


def test_in_use_means_named_or_landed(ready):
    assert sources_in_use(ready, "") == set()
    assert sources_in_use(ready, "openai_usage, anthropic_usage") == {"openai_usage", "anthropic_usage"}


def test_only_a_landing_zone_to_initialise_lands_no_rows_for_the_gx_gate():
    """``ewh run`` starts a GX worker only when rows may land (an empty home's first run has none)."""
    from orchestration.lib.pending import NOT_INITIALISED, rows_may_land

    assert not rows_may_land({})
    assert not rows_may_land({"openai_usage": [NOT_INITIALISED], "tiktok_ads": [NOT_INITIALISED]})
    assert rows_may_land({"openai_usage": [NOT_INITIALISED], "tiktok_ads": ["2 export file(s) in x"]})
