"""Inbox faults of issue #15 that need no Dagster run: hard links, control characters, promised log lines."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from connectors.landing import inbox

LOG = logging.getLogger("test-inbox")


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox" / "openai_costs"
    folder.mkdir(parents=True)
    return folder


def test_hard_link_to_a_file_outside_the_inbox_is_refused_and_logged(tmp_path, caplog):
    folder = _folder(tmp_path)
    outside = tmp_path / "elsewhere.json"
    outside.write_text("{}")
    os.link(outside, folder / "linked.json")
    found = inbox.scan(tmp_path / "inbox", "openai_costs")
    assert found.accepted == []
    ((name, reason),) = found.refused
    assert name == "linked.json" and reason.startswith("hard link (2 names")
    with caplog.at_level(logging.INFO):
        inbox.log_scan(LOG, "openai_costs", found)
    assert "inbox/openai_costs/linked.json: refused (hard link" in caplog.text


def test_a_name_with_a_newline_is_refused_and_logged_escaped_on_one_line(tmp_path, caplog):
    folder = _folder(tmp_path)
    (folder / "costs.json\nFAKE LOG LINE").write_text("{}")
    found = inbox.scan(tmp_path / "inbox", "openai_costs")
    assert found.accepted == []
    assert found.refused == [("'costs.json\\nFAKE LOG LINE'", "invalid file name (control characters)")]
    with caplog.at_level(logging.INFO):
        inbox.log_scan(LOG, "openai_costs", found)
    assert "\n" not in caplog.records[0].getMessage()


def test_hidden_files_and_a_symlinked_source_folder_get_their_log_line(tmp_path, caplog):
    folder = _folder(tmp_path)
    (folder / ".DS_Store").write_text("x")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "costs.json").write_text("{}")
    os.symlink(elsewhere, tmp_path / "inbox" / "anthropic_costs")
    with caplog.at_level(logging.INFO):
        for source in ("openai_costs", "anthropic_costs"):
            found = inbox.scan(tmp_path / "inbox", source)
            assert found.accepted == []
            inbox.log_scan(LOG, source, found)
    assert "inbox/openai_costs/.DS_Store: refused (hidden file)" in caplog.text
    assert "inbox/anthropic_costs/: refused (the source folder is a symbolic link" in caplog.text


def test_part_names_wait_for_the_rename_and_fresh_files_for_the_quiet_period(tmp_path):
    folder = _folder(tmp_path)
    (folder / "costs.json.part").write_text("{}")
    fresh = folder / "costs.json"
    fresh.write_text("{}")
    found = inbox.scan(tmp_path / "inbox", "openai_costs", quiet=60)
    assert found.accepted == []
    assert [name for name, _ in found.waiting] == ["costs.json", "costs.json.part"]
    assert "still being written" in dict(found.waiting)["costs.json"]
    old = time.time() - 120
    os.utime(fresh, (old, old))
    found = inbox.scan(tmp_path / "inbox", "openai_costs", quiet=60)
    assert [f.path.name for f in found.accepted] == ["costs.json"]
