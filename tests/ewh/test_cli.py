"""The ``ewh`` command line: one lazy Click group, one quarter convention, one table of exit codes.

These run no pipeline: a command's library is replaced where the test needs it to get that far.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import click
import pytest

from connectors.core.config import REPO_ROOT
from connectors.landing.lock import writer_lock
from ewh.cli import COMMANDS, ewh, main
from ewh.commands.base import WriterCommand
from ewh.exit_codes import ExitCode
from ewh.params import DAY, QUANTITY, QUARTER, QuarterType

EXPECTED_COMMANDS = {
    "run",
    "ingest",
    "backfill",
    "summary",
    "factors",
    "estimate",
    "report",
    "export",
    "trace",
    "close",
    "restatements",
    "verify",
    "audit-pack",
    "quarantine",
    "reconcile",
}
WRITERS = {"run", "ingest", "backfill", "close", "restatements"}
TAKE_A_QUARTER = {"summary", "report", "export", "trace", "close", "restatements", "verify", "audit-pack"}


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch) -> Path:
    """An empty EWH_HOME: nothing here may touch the repository's data/."""
    monkeypatch.setenv("EWH_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("EWH_WAREHOUSE_PATH", raising=False)
    return tmp_path / "home"


def _command(name: str) -> click.Command:
    command = ewh.get_command(click.Context(ewh), name)
    assert command is not None
    return command


def test_every_command_is_registered_listed_and_loads(capsys):
    assert set(COMMANDS) == EXPECTED_COMMANDS
    assert main(["--help"]) == 0
    listing = capsys.readouterr().out.split("Commands:", 1)[1]
    assert {line.split()[0] for line in listing.strip().splitlines()} == EXPECTED_COMMANDS
    for name in EXPECTED_COMMANDS:
        assert _command(name).name == name


@pytest.mark.parametrize("name", sorted(EXPECTED_COMMANDS))
def test_every_help_has_examples_of_that_command(name, capsys):
    assert main([name, "--help"]) == 0
    text = capsys.readouterr().out
    assert "\n  Examples:\n" in text, text
    examples = text.split("\n  Examples:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert examples and all(line.strip().startswith(("ewh ", "--")) for line in examples), examples
    assert examples[0].strip().startswith(f"ewh {name}")


def test_root_help_has_examples_and_names_the_exit_codes(capsys):
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    assert "Examples:\n    ewh run\n" in text
    assert "0 OK, 1 FAILED, 2 USAGE, 3 BUSY, 4 REJECTED_FILES, 5 CHECK_ERROR" in " ".join(text.split())


def test_the_docs_table_lists_exactly_the_exit_codes():
    text = (REPO_ROOT / "docs" / "operations.md").read_text()
    section = text.split("\n## Exit codes\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (\d+) \| `([A-Z_]+)` \|", section, flags=re.MULTILINE)
    assert {int(code): name for code, name in rows} == {0: "OK", 1: "FAILED", 2: "USAGE", 3: "BUSY",
                                                        4: "REJECTED_FILES", 5: "CHECK_ERROR"}  # fmt: skip
    assert {int(code): name for code, name in rows} == {c.value: c.name for c in ExitCode}
    assert len(rows) == len(ExitCode)


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["nope"],
        ["summary", "--bogus"],
        ["summary", "--quarter", "2026-07"],
        ["export", "--quarter", "2026Q3", "--format", "doc", "--out", "x"],
        ["export", "--format", "csv", "--out", "x"],
        ["trace", "--vendor", "openai", "--model", "gpt-4o"],
        ["ingest", "openai_usage", "--from", "2026-9-1", "--to", "2026-09-02"],
        ["backfill", "openai_usage", "--from", "2026-09-01"],
        ["backfill", "openai_usage", "--from", "2026-09-01", "--to", "2026-09-02", "--chunk-days", "0"],
        ["run", "--samples", "/no/such/folder"],
        ["quarantine", "--limit", "many"],
    ],
)
def test_usage_errors_exit_with_the_usage_code(argv, capsys, home):
    assert main(argv) == ExitCode.USAGE == 2
    err = capsys.readouterr().err
    assert "Usage: ewh" in err
    assert not home.exists()  # refused before anything (not even the writer lock) touched EWH_HOME


def test_a_command_level_usage_error_exits_2(capsys):
    code = main(["ingest", "openai_usage", "--from", "2026-09-01"])
    assert code == 2
    assert "Error: give both --from and --to" in capsys.readouterr().err


def test_an_unknown_source_is_a_usage_error(capsys):
    assert main(["ingest", "no_such_source", "--files", "."]) == 2
    assert "Invalid value for 'SOURCE'" in capsys.readouterr().err


def test_every_quarter_is_the_quarter_option():
    """One convention: a quarter is ``--quarter`` (the QUARTER type) wherever a command takes one; the only
    other quarter parameter is the deprecated positional spelling of close, verify and audit-pack."""
    takes = set()
    for name in EXPECTED_COMMANDS:
        quarters = [p for p in _command(name).params if isinstance(p.type, QuarterType)]
        if quarters:
            takes.add(name)
            assert "--quarter" in quarters[0].opts
        for param in quarters[1:]:
            assert param.name == "legacy_quarter" and param.deprecated, (name, param.name)
    assert takes == TAKE_A_QUARTER


@pytest.fixture
def verified(monkeypatch) -> list[str]:
    """``ewh verify`` with the rebuild replaced by a recorder of the quarter it was asked for."""
    asked: list[str] = []

    def verify_quarter(paths, quarter, keep):
        asked.append(quarter)
        return SimpleNamespace(ok=True, summary=lambda: f"verified {quarter}")

    monkeypatch.setattr("ewh.trust.verify.verify_quarter", verify_quarter)
    return asked


def test_the_old_positional_quarter_still_works_with_a_deprecation_note(verified, capsys):
    assert main(["verify", "--quarter", "2026Q3"]) == 0
    assert "deprecated" not in capsys.readouterr().err.lower()
    assert main(["verify", "2026q3"]) == 0
    captured = capsys.readouterr()
    assert verified == ["2026Q3", "2026Q3"]
    assert "verified 2026Q3" in captured.out
    assert "is deprecated. Give it as --quarter 2026Q3" in captured.err


def test_two_different_quarters_or_none_are_usage_errors(verified, capsys):
    assert main(["verify", "2026Q2", "--quarter", "2026Q3"]) == 2
    assert "two quarters given: 2026Q2 and --quarter 2026Q3" in capsys.readouterr().err
    assert main(["verify"]) == 2
    assert "Missing option '--quarter'" in capsys.readouterr().err
    assert main(["verify", "2026Q3", "--quarter", "2026q3"]) == 0  # the same quarter twice is fine
    assert verified == ["2026Q3"]


def test_the_writing_commands_take_the_writer_lock(home, capsys):
    assert {n for n in EXPECTED_COMMANDS if isinstance(_command(n), WriterCommand)} == WRITERS
    with writer_lock(home):
        assert main(["close", "--quarter", "2026Q3"]) == ExitCode.BUSY == 3
    assert "ewh close: another ewh process" in capsys.readouterr().err
    assert main(["close", "--quarter", "2026Q3"]) == 2  # free again: now it says there is no warehouse
    assert "no warehouse at" in capsys.readouterr().err


def test_an_unexpected_error_is_printed_with_credentials_redacted(monkeypatch, capsys):
    secret = "sk-live-0123456789abcdef"
    monkeypatch.setenv("OPENAI_ADMIN_KEY", secret)

    def boom():
        raise RuntimeError(f"vendor said: invalid key {secret}")

    monkeypatch.setattr("factors.release.release_info", boom)
    assert main(["factors"]) == ExitCode.FAILED
    err = capsys.readouterr().err
    assert err.startswith("ewh factors: unexpected error") and "RuntimeError" in err
    assert secret not in err and "[REDACTED]" in err


def test_version(capsys):
    assert main(["--version"]) == 0
    assert re.fullmatch(r"ewh \d+\.\d+\.\d+\n", capsys.readouterr().out)


def test_parameter_types_convert_and_refuse():
    assert QUARTER.convert(" 2026q3 ", None, None) == "2026Q3"
    with pytest.raises(click.BadParameter, match="quarter must look like 2026Q3, not '2026-07'"):
        QUARTER.convert("2026-07", None, None)
    assert DAY.convert("2026-09-01", None, None).isoformat() == "2026-09-01"
    with pytest.raises(click.BadParameter, match="dates look like 2026-09-01"):
        DAY.convert("1/9/2026", None, None)
    assert QUANTITY.convert("2,000,000", None, None) == 2_000_000.0
    assert QUANTITY.convert("2e6", None, None) == 2_000_000.0
    for bad in ("-5", "nan", "inf", "lots"):
        with pytest.raises(click.BadParameter):
            QUANTITY.convert(bad, None, None)
