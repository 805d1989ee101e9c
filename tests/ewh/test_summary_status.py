"""`ewh summary` marks closed and restated quarters (issue #15, fault 6), on a real DuckDB warehouse."""

from __future__ import annotations

import duckdb

from ewh.cli import main


def test_summary_marks_open_closed_and_restated_quarters(tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    home.mkdir()
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    con.execute(
        "create table mart_quarterly_emissions as select * from (values "
        "('2026Q2', 'api_usage', 'openai', 'gpt-4o', 1.0, 0.4, 2.0, 10), "
        "('2026Q3', 'api_usage', 'openai', 'gpt-4o', 2.0, 0.8, 4.0, 20), "
        "('2026Q4', 'api_usage', 'openai', 'gpt-4o', 3.0, 1.2, 6.0, 30)) "
        "t(quarter, channel, vendor, model, energy_kwh, co2e_location_kg, water_l, activity_rows)"
    )
    con.execute(
        "create table closed_quarters as select * from (values "
        "('2026Q2', timestamptz '2026-07-10 09:00:00+00'), ('2026Q3', timestamptz '2026-10-08 09:00:00+00')) "
        "t(quarter, closed_at)"
    )
    con.execute(
        "create table restatements as select * from (values "
        "('2026Q3', 'co2e_location_kg', 'openai', 'gpt-4o', 'proj_a', 'US'), "
        "('2026Q3', 'co2e_location_kg', 'openai', 'gpt-4o', 'proj_a', 'US'), "
        "('2026Q3', 'energy_kwh', 'openai', 'gpt-4o', 'proj_a', 'US')) "
        "t(quarter, metric, vendor, model, project_or_workspace, country)"
    )
    con.close()
    monkeypatch.setenv("EWH_HOME", str(home))
    monkeypatch.delenv("EWH_WAREHOUSE_PATH", raising=False)
    assert main(["summary"]) == 0
    rows = [line.split("|") for line in capsys.readouterr().out.splitlines() if "| 2026Q" in line]
    lines = {cells[1].strip(): "|".join(cells) for cells in rows}
    assert "closed 2026-07-10" in lines["2026Q2"] and "RESTATED" not in lines["2026Q2"]
    assert "closed 2026-10-08; RESTATED (2 figures" in lines["2026Q3"]
    assert "open" in lines["2026Q4"]
