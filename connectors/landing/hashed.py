"""The sha256 of each export file a run already read, by the file's identity, so that a run need not read
a folder's history again to learn that it is landed.

A run skips an export already landed by its sha256 (``zone.LandingBatch``), which meant reading and hashing
every file of the exports folder on every run: at 10M rows a year of exports (920 MB) cost a nightly 0.9 s,
and more every day. A file whose identity is unchanged since it was hashed has the same content. The
identity is what git's index keeps for the same purpose: device, inode, size, modification time and
status-change time (``st_ctime``, which no tool sets back: a write, a ``touch``, a rename or a ``chmod``
moves it). A file rewritten, touched, copied or restored elsewhere has another identity and is read again.

Kept per source in ``<landing>/.hashed/<source>.json`` (bookkeeping: not part of the landing zone's hash,
``warehouse/build_state.py``). Only for sources that hash their exports as they are: a pseudonymised
export's hash depends on the key (``Connector.scrub``).
"""

from __future__ import annotations

import json
import os

from connectors.core.config import Paths

FOLDER = ".hashed"


def identity(status: os.stat_result) -> str:
    return f"{status.st_dev}:{status.st_ino}:{status.st_size}:{status.st_mtime_ns}:{status.st_ctime_ns}"


class HashedExports:
    """File name -> (identity, sha256) of one source's exports, as last read."""

    def __init__(self, paths: Paths, source: str) -> None:
        self.path = paths.landing / FOLDER / f"{source}.json"
        try:
            self.known: dict[str, list[str]] = json.loads(self.path.read_text())
        except (OSError, ValueError):  # none yet, or unreadable: every file is read, as without it
            self.known = {}
        self.changed = False

    def sha(self, name: str, status: os.stat_result) -> str | None:
        """The sha256 the file had when it was read, if it is the same file still."""
        entry = self.known.get(name)
        return entry[1] if entry is not None and entry[0] == identity(status) else None

    def record(self, name: str, status: os.stat_result, sha: str) -> None:
        """``status``: taken before the file was read (a file changed while read is read again next time)."""
        entry = [identity(status), sha]
        if self.known.get(name) != entry:
            self.known[name] = entry
            self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        written = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        written.write_text(json.dumps(self.known, sort_keys=True))
        os.replace(written, self.path)
        self.changed = False


def hashed_exports(paths: Paths, connector) -> HashedExports | None:
    """The source's record of hashed exports, or None for a source that pseudonymises its exports."""
    return None if connector.scrub else HashedExports(paths, connector.source)
