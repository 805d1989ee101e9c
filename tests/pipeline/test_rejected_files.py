"""One unreadable file per source never blocks the run: every mart builds, the files are named, exit 4.

The same run without them exits 0 (the session's ``pipeline_home`` fixture asserts it), and both build
the same figures: a rejected file lands nothing, and everything else lands as usual.
"""

from __future__ import annotations

import shutil

import duckdb
import pytest

from connectors.core.config import BUNDLED_SAMPLES, Paths
from connectors.core.registry import CONNECTORS
from connectors.landing.zone import read_manifest
from ewh.cli import main
from ewh.exit_codes import ExitCode

pytestmark = pytest.mark.slow

# a truncated download: the first bytes of a JSON document, and a CSV cut inside its header's quotes
BROKEN = {".json": b'{"object": "page", "data": [{"start_time": 17', ".csv": b'"usage_date,mod'}


def _broken_name(pattern: str) -> str:
    name = pattern.replace("*", "broken-download")
    return name if name.endswith((".json", ".csv")) else name + ".csv"


def _figures(home) -> list[tuple]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return con.sql(
            "select quarter, vendor, model, round(sum(co2e_location_kg), 9), sum(activity_rows) "
            "from mart_quarterly_emissions group by all order by all"
        ).fetchall()
    finally:
        con.close()


def test_one_unreadable_file_per_source_is_rejected_and_everything_else_builds(
    tmp_path, monkeypatch, capsys, pipeline_home
):
    exports = tmp_path / "exports"
    shutil.copytree(BUNDLED_SAMPLES, exports)
    planted = {}
    for source, connector in CONNECTORS.items():
        pattern = next(p for p in connector.file_patterns if p.endswith((".json", ".csv")))
        name = _broken_name(pattern)
        (exports / source).mkdir(exist_ok=True)
        (exports / source / name).write_bytes(BROKEN[name[name.rindex(".") :]])
        planted[source] = name
    home = tmp_path / "home"
    monkeypatch.setenv("EWH_HOME", str(home))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("EWH_WAREHOUSE_PATH", raising=False)

    code = main(["run", "--samples", str(exports)])

    err = capsys.readouterr().err
    assert code == ExitCode.REJECTED_FILES == 4
    for source, name in planted.items():
        assert f"{source}/{name}: [{source}] {name}:" in err, f"{source}/{name} not reported"
    rejected = read_manifest(Paths(home)).filter(status="rejected")
    assert sorted(rejected.select("source", "original_name").rows()) == sorted(planted.items())
    # every mart was built, with exactly the figures of the clean run
    assert _figures(home) == _figures(pipeline_home)

    # `ewh quarantine` lists the rejected files, and a second run still reports them (exit 4 again)
    assert main(["quarantine"]) == 0
    listing = capsys.readouterr().out
    assert f"{len(planted)} rejected file(s)" in listing
    assert main(["run", "--samples", str(exports)]) == ExitCode.REJECTED_FILES
