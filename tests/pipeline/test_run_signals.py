"""`ewh run` says what is true: an ERROR-severity check that fails is named with its values and the exit
code is non-zero (issue #17, "Exit codes and check results"); the clean run exits 0 (``pipeline_home``)."""

from __future__ import annotations

import shutil

import pytest

from ewh.cli import main
from ewh.exit_codes import ExitCode

pytestmark = pytest.mark.slow


def test_a_failing_error_check_is_named_and_exits_non_zero(tmp_path, monkeypatch, capsys, pipeline_home):
    home = tmp_path / "home"
    shutil.copytree(pipeline_home, home, ignore=shutil.ignore_patterns(".dagster", "*.lock"))
    monkeypatch.setenv("EWH_HOME", str(home))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("EWH_WAREHOUSE_PATH", raising=False)
    # the bundled samples rest 37 % (2026Q3) and 11 % (2026Q4) of their carbon on fallbacks
    monkeypatch.setenv("EWH_MAX_FALLBACK_SHARE", "0.2")

    code = main(["run", "--samples", str(pipeline_home.parent / "exports")])

    err = capsys.readouterr().err
    assert code == ExitCode.CHECK_ERROR == 5
    lines = [line for line in err.splitlines() if ":fallback_share" in line]
    assert len(lines) == 1
    assert lines[0].lstrip().startswith("ERROR mart_quarterly_data_quality:fallback_share")
    assert "2026Q3" in lines[0] and "2026Q4" not in lines[0]
    assert "Exit code 5" in err
    # progress while it ran (not a TTY here: plain timestamped lines, no colour codes)
    assert "ingest_openai_usage: started" in err and "ingest_openai_usage: done in" in err
    assert "landing/openai_usage: 0 new file(s), 0 row(s) landed" in err  # the same files again
    done = next(line for line in err.splitlines() if "] done: " in line)
    assert " of " in done and "assets materialised" in done and "checks evaluated" in done
    assert "\x1b[" not in err and "\x1b[" not in (home / "logs" / "ewh-run.log").read_text()
