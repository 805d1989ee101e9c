"""`dbt docs generate` on the pipeline's warehouse: the site is built and every mart column is described.

The catalog lists the columns each table really has, the manifest the descriptions the yml gives, so a
column added to a mart without a description fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.core.config import Paths
from orchestration.lib.dbt_project import DBT_PROJECT_DIR
from tests.support.dbt_cli import run_dbt

pytestmark = pytest.mark.slow

MARTS = "models/marts/"


@pytest.fixture(scope="module")
def docs_target(pipeline_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("dbt-docs")
    run_dbt(Paths(pipeline_home), "docs", "generate", target=target)
    return target


def _mart_models(target: Path) -> tuple[dict, dict]:
    manifest = json.loads((target / "manifest.json").read_text())
    catalog = json.loads((target / "catalog.json").read_text())
    models = {
        uid: node
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["original_file_path"].startswith(MARTS)
    }
    return models, catalog["nodes"]


def test_docs_site_is_generated(docs_target):
    index = docs_target / "index.html"
    assert index.is_file() and index.stat().st_size > 10_000
    assert (docs_target / "catalog.json").is_file() and (docs_target / "manifest.json").is_file()


def test_every_mart_is_built_and_described(docs_target):
    models, catalog = _mart_models(docs_target)
    on_disk = {p.stem for p in (DBT_PROJECT_DIR / MARTS).rglob("*.sql")}  # marts/<domain>/*.sql
    assert {m["name"] for m in models.values()} == on_disk
    assert "mart_quarterly_equivalents" in on_disk
    not_built = sorted(models[uid]["name"] for uid in models if uid not in catalog)
    assert not_built == [], f"marts missing from the warehouse catalog: {not_built}"
    undescribed = sorted(m["name"] for m in models.values() if not m["description"].strip())
    assert undescribed == [], f"marts without a description: {undescribed}"


def test_every_column_of_every_mart_has_a_description(docs_target):
    models, catalog = _mart_models(docs_target)
    missing = []
    for uid, node in models.items():
        described = {name.lower(): col.get("description", "") for name, col in node["columns"].items()}
        for column in catalog[uid]["columns"]:
            text = described.get(column.lower(), "")
            if not text.strip() or "{{" in text:  # an unrendered doc() reference counts as missing
                missing.append(f"{node['name']}.{column}")
    assert missing == [], "columns without a description in _marts__models.yml:\n" + "\n".join(missing)


def test_shared_figures_read_the_same_in_every_mart(docs_target):
    """energy_kwh, co2e_location_kg, water_l, dq_score ... come from one doc block each."""
    models, catalog = _mart_models(docs_target)
    texts: dict[str, set[str]] = {}
    for uid, node in models.items():
        for column in catalog[uid]["columns"]:
            if column in {"energy_kwh", "co2e_location_kg", "co2e_location_kg_low", "water_l", "dq_score"}:
                texts.setdefault(column, set()).add(node["columns"][column]["description"])
    assert set(texts) == {"energy_kwh", "co2e_location_kg", "co2e_location_kg_low", "water_l", "dq_score"}
    assert all(len(v) == 1 for v in texts.values()), texts
    assert "kWh" in next(iter(texts["energy_kwh"])) and "Location-based" in next(
        iter(texts["co2e_location_kg"])
    )
