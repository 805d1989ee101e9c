"""Settings and credentials reach Dagster as resources with EnvVar fields (orchestration/defs/resources.py):
the UI sees each variable by name and never its value; nothing of a secret lands in Dagster's storage; the
connectors get the values as plain strings, never from Dagster."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
from dagster._core.remote_representation.external_data import RepositorySnap, ResourceConfigEnvVarSnap
from dagster_shared.serdes import serialize_value

from connectors.core.http import Credential
from connectors.core.settings import setting
from orchestration.definitions import ALL_JOB, build_definitions
from orchestration.defs.resources import SettingsResource, connector_settings, connector_variables

SECRET = "sk-admin-never-shown-4b1e9c7d2a"
WEBHOOK = "https://hooks.example.invalid/services/T000/B000/token-never-shown-77"


@pytest.fixture
def secrets(monkeypatch):
    monkeypatch.setenv("OPENAI_ADMIN_KEY", SECRET)
    monkeypatch.setenv("EWH_ALERT_WEBHOOK_URL", WEBHOOK)
    monkeypatch.setenv("EWH_MAX_FALLBACK_SHARE", "0.4")
    monkeypatch.setenv("EWH_PSEUDONYM_KEY", SECRET + "-pseudonym")


def _resource_snaps(defs: dg.Definitions) -> dict:
    snap = RepositorySnap.from_def(defs.get_repository_def())
    return {r.name: r for r in snap.resources}


def test_the_ui_shows_set_variables_by_name_never_by_value(secrets, tmp_path):
    defs = build_definitions(home=tmp_path / "home", exports_dir=tmp_path / "exports")
    resources = _resource_snaps(defs)
    connectors = resources["connector_settings"].configured_values
    settings = resources["settings"].configured_values
    assert connectors["openai_admin_key"] == ResourceConfigEnvVarSnap(name="OPENAI_ADMIN_KEY")
    assert connectors["ewh_pseudonym_key"] == ResourceConfigEnvVarSnap(name="EWH_PSEUDONYM_KEY")
    assert settings["alert_webhook_url"] == ResourceConfigEnvVarSnap(name="EWH_ALERT_WEBHOOK_URL")
    assert settings["max_fallback_share"] == ResourceConfigEnvVarSnap(name="EWH_MAX_FALLBACK_SHARE")
    # what the UI is sent: the whole repository snapshot holds the names and none of the values
    serialized = serialize_value(RepositorySnap.from_def(defs.get_repository_def()))
    assert "OPENAI_ADMIN_KEY" in serialized and "EWH_ALERT_WEBHOOK_URL" in serialized
    assert SECRET not in serialized and "token-never-shown" not in serialized


def test_unset_variables_keep_their_documented_defaults(monkeypatch):
    for name in ("EWH_MAX_FALLBACK_SHARE", "EWH_MAX_QOQ_RATIO", "EWH_SOURCES", "EWH_ALERT_WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = SettingsResource.from_env()
    assert (settings.fallback_limit, settings.qoq_ratio, settings.sources) == (0.5, 3.0, "")
    assert settings.enabled("openai_usage")
    assert SettingsResource(sources="openai_usage, meta_ads").enabled("meta_ads")
    assert not SettingsResource(sources="openai_usage").enabled("meta_ads")


def test_a_field_per_registered_api_source_credential():
    """Generic over the registry: every connector's credential variable is a field of the resource."""
    from connectors.core.registry import CONNECTORS

    fields = type(connector_settings()).model_fields
    for connector in CONNECTORS.values():
        if connector.credential_variable:
            assert connector.credential_variable.lower() in fields
    assert len(set(connector_variables())) == len(connector_variables())


def test_connectors_read_the_resource_values_as_plain_strings(monkeypatch):
    monkeypatch.delenv("OPENAI_ADMIN_KEY", raising=False)
    monkeypatch.setenv("EWH_HTTP_DEADLINE", "12")
    resource = type(connector_settings())(openai_admin_key="from-the-resource")
    assert resource.values() == {"OPENAI_ADMIN_KEY": "from-the-resource"}
    with resource.handed_to_connectors():
        assert Credential("OPENAI_ADMIN_KEY").value("openai_usage") == "from-the-resource"
        assert setting("EWH_HTTP_DEADLINE") == "12"  # not handed in: the environment still answers
    assert not Credential("OPENAI_ADMIN_KEY").is_set()  # outside the block, the environment again


def _all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_secrets_never_reach_dagster_storage(secrets, tmp_path, monkeypatch):
    """An ingest run with the key and webhook set: the instance's run, event and compute-log storage
    holds neither value (run configuration carries no resources' values, the UI none either)."""
    exports = tmp_path / "exports" / "openai_usage"
    exports.mkdir(parents=True)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9")  # never reached: no API window below
    defs = build_definitions(home=tmp_path / "home", exports_dir=exports.parent)
    job = defs.resolve_job_def(ALL_JOB)
    selection = [dg.AssetKey(["landing", "openai_costs"]), dg.AssetKey(["quarantine", "openai_costs"])]
    storage = tmp_path / "dagster"
    storage.mkdir()
    with dg.DagsterInstance.local_temp(str(storage)) as instance:
        result = job.execute_in_process(
            instance=instance,
            asset_selection=selection,
            partition_key="2025-01-01",  # the API window would be 2025: never fetched in this test
            raise_on_error=False,
            run_config={"resources": {"settings": {"config": {"sources": "openai_costs_not_here"}}}},
        )
        assert result.success
        run = instance.get_run_by_id(result.run_id)
        assert SECRET not in str(run.run_config) and "token-never-shown" not in str(run.run_config)
    stored = _all_bytes(storage)
    assert stored  # the run was recorded
    assert SECRET.encode() not in stored
    assert b"token-never-shown" not in stored


def test_each_vendor_setting_is_a_resource_field_shown_by_name_never_by_value(monkeypatch, tmp_path):
    """Every variable a connector declares besides its credential (``Connector.settings``: accounts,
    base URLs, API versions, Meta's report shape) is a field of ``connector_settings``; set, the UI
    snapshot names the variable and holds none of the values, and the connectors read the values."""
    from connectors.core.registry import CONNECTORS

    declared = sorted({name for c in CONNECTORS.values() for name in c.settings})
    assert {"META_LEVEL", "GOOGLE_ADS_CUSTOMER_IDS", "LINKEDIN_API_VERSION", "TIKTOK_BASE_URL"} <= set(
        declared
    )
    values = {name: f"value-of-{name.lower().replace('_', '-')}-9f3e" for name in declared}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    defs = build_definitions(home=tmp_path / "home", exports_dir=tmp_path / "exports")
    shown = _resource_snaps(defs)["connector_settings"].configured_values
    assert {name: shown.get(name.lower()) for name in declared} == {
        name: ResourceConfigEnvVarSnap(name=name) for name in declared
    }
    serialized = serialize_value(RepositorySnap.from_def(defs.get_repository_def()))
    assert [name for name in declared if name not in serialized] == []
    assert [value for value in values.values() if value in serialized] == []
    # the resource's values are what the connectors read (here through a resource built by hand,
    # the environment saying otherwise)
    resource = type(connector_settings())(meta_level="adset", linkedin_api_version="202601")
    with resource.handed_to_connectors():
        assert (setting("META_LEVEL"), setting("LINKEDIN_API_VERSION")) == ("adset", "202601")
        assert setting("TIKTOK_BASE_URL") == values["TIKTOK_BASE_URL"]  # not handed in: the environment
