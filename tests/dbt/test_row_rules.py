"""``row_rules`` (dbt_project/tests/generic/row_rules.sql): a model's not-null, non-negative, ordered-bounds
and accepted-values rules in one data test (one dbt node per model, issue #20). On a real dbt build over
DuckDB: each broken rule is one failing row with the number of rows breaking it, counted here by hand; a
clean table passes. And the accepted activity types in the yml are the connectors' own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from connectors.core.schema import ACTIVITY_UNITS

ROOT = Path(__file__).resolve().parents[2]
GENERIC = ROOT / "dbt_project" / "tests" / "generic" / "row_rules.sql"
DBT = Path(sys.executable).with_name("dbt")

RULES = """
version: 2
seeds:
  - name: {name}
    data_tests:
      - row_rules:
          arguments:
            not_null: [kind, amount]
            non_negative: [amount]
            ordered_bounds: [amount]
            accepted_values:
              kind: [a, b]
              score: [1, 2, 3]
          config: {{store_failures: true}}
"""

# id 2: amount negative; id 3: kind null and low above central; id 4: central above high, kind and score
# not in their lists; id 5: amount null (its bounds and score null too: a null breaks no other rule)
BROKEN = """id,kind,amount,amount_low,amount_high,score
1,a,5,4,6,1
2,b,-1,-2,0,2
3,,3,4,5,3
4,c,2,1,1,9
5,a,,,,
"""
CLEAN = """id,kind,amount,amount_low,amount_high,score
1,a,5,4,6,1
2,b,0,0,0,
3,a,7.5,7.5,7.5000000001,3
"""


def _project(root: Path, name: str, rows: str) -> Path:
    project = root / name
    (project / "seeds").mkdir(parents=True)
    (project / "tests" / "generic").mkdir(parents=True)
    shutil.copyfile(GENERIC, project / "tests" / "generic" / "row_rules.sql")  # the file under test
    (project / "seeds" / f"{name}.csv").write_text(rows)
    (project / "seeds" / "_seeds.yml").write_text(RULES.format(name=name))
    (project / "dbt_project.yml").write_text(f"name: {name}\nversion: '1.0'\nprofile: probe\n")
    (project / "profiles.yml").write_text(
        "probe:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: {project / 'probe.duckdb'}\n      threads: 1\n"
    )
    return project


def _build(project: Path) -> subprocess.CompletedProcess:
    env = os.environ | {"DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    command = [str(DBT), "build", "--project-dir", str(project), "--profiles-dir", str(project)]
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_each_broken_rule_is_one_failing_row_with_its_count(tmp_path: Path):
    project = _project(tmp_path, "broken", BROKEN)
    built = _build(project)
    assert built.returncode == 1, built.stdout[-3000:]
    assert "Got 6 results" in built.stdout
    with duckdb.connect(str(project / "probe.duckdb"), read_only=True) as con:
        (schema, table) = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_name like 'row_rules%'"
        ).fetchone()
        stored = f'"{schema}"."{table}"'
        failures = con.execute(f"select rule, column_name, rows_breaking from {stored}").fetchall()
    assert sorted(failures) == [
        ("accepted_values", "kind", 1),
        ("accepted_values", "score", 1),
        ("non_negative", "amount", 1),
        ("not_null", "amount", 1),
        ("not_null", "kind", 1),
        ("ordered_bounds", "amount", 2),
    ]


@pytest.mark.slow
def test_a_table_keeping_every_rule_passes(tmp_path: Path):
    built = _build(_project(tmp_path, "clean", CLEAN))
    assert built.returncode == 0, built.stdout[-3000:]
    assert "PASS row_rules_clean" in built.stdout


def test_the_accepted_activity_types_and_units_are_the_connectors_own():
    yml = ROOT / "dbt_project" / "models" / "intermediate" / "_intermediate__models.yml"
    (unioned,) = [m for m in yaml.safe_load(yml.read_text())["models"] if m["name"] == "int_activity_unioned"]
    (rules,) = [t["row_rules"]["arguments"] for t in unioned["data_tests"] if "row_rules" in t]
    assert set(rules["accepted_values"]["activity_type"]) == set(ACTIVITY_UNITS)
    assert set(rules["accepted_values"]["unit"]) == set(ACTIVITY_UNITS.values())
