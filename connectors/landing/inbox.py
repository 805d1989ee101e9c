"""The inbox: console exports dropped into ``$EWH_HOME/inbox/<source>/`` by people or other systems.

File names and paths are untrusted: only plain, visible, regular files directly inside the source's
folder are accepted (no ``..``, no separators, no control characters, no symlinks, no hard links to a
file elsewhere, nothing resolving outside the inbox). Refused names are logged escaped (``repr``), so a
newline in a name can neither forge a log line nor reach run tags. Hidden files (``.name``, the usual
temporary names of rsync and editors) are skipped with an info line; a symlinked source folder is
refused as a whole.

A file is landed only once it is complete:

- names ending ``.part``, ``.tmp``, ``.partial``, ``.crdownload``, ``.download`` or ``~`` are still
  being written (the convention: write ``report.csv.part``, then rename it to ``report.csv``);
- any other file must have been left alone for the quiet period, ``EWH_INBOX_QUIET_SECONDS`` (default
  10): its modification time at least that old, and its size and mtime unchanged while it is read.

Landed files move to ``inbox/.archive/<source>/``; files that cannot be read move to
``inbox/.rejected/<source>/`` so a bad drop is visible and never retried in a loop. A file that changes
after it was read is not archived: it lands again, whole, once it is quiet (landing replaces days).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from connectors.core.settings import setting

ARCHIVE = ".archive"
REJECTED = ".rejected"
IN_PROGRESS_SUFFIXES = (".part", ".tmp", ".partial", ".crdownload", ".download", "~")
DEFAULT_QUIET_SECONDS = 10.0


@dataclass(frozen=True)
class InboxFile:
    source: str
    path: Path
    sha256: str
    size: int = -1
    mtime_ns: int = -1

    def unchanged(self) -> bool:
        """True while the file still has the size and mtime it had when it was hashed."""
        try:
            now = self.path.lstat()
        except FileNotFoundError:
            return False
        return (now.st_size, now.st_mtime_ns) == (self.size, self.mtime_ns)


@dataclass
class Scan:
    """One look at a source's folder: files to land, names refused (why), names to look at later (why)."""

    accepted: list[InboxFile] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    waiting: list[tuple[str, str]] = field(default_factory=list)


def quiet_seconds() -> float:
    """``EWH_INBOX_QUIET_SECONDS``: how long a file must be left alone before it is landed."""
    return float(setting("EWH_INBOX_QUIET_SECONDS") or DEFAULT_QUIET_SECONDS)


def shown(name: str) -> str:
    """A file name safe for a log line or a run tag: one with control characters is shown escaped."""
    return name if name.isprintable() else repr(name)


def refusal(folder: Path, name: str) -> str | None:
    """Why ``name`` in ``folder`` may not be ingested, or ``None`` when it is safe."""
    if not name or name in {".", ".."} or "/" in name or "\\" in name or "\x00" in name:
        return "invalid file name"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "invalid file name (control characters)"
    if name.startswith("."):
        return "hidden file"
    path = folder / name
    if path.is_symlink():
        return "symbolic link"
    if not path.is_file():
        return "not a regular file"
    root = folder.resolve()
    if path.resolve().parent != root:
        return "resolves outside the inbox"
    links = path.lstat().st_nlink
    if links > 1:
        return f"hard link ({links} names for one file): copy the export into the inbox instead"
    return None


def _read_settled(path: Path, quiet: float) -> tuple[bytes, os.stat_result] | str:
    """The file's bytes when it has been quiet for ``quiet`` seconds and did not change while read."""
    before = path.lstat()
    age = time.time() - before.st_mtime
    if age < quiet:
        return f"still being written (modified {max(age, 0):.1f} s ago; quiet period {quiet:g} s)"
    data = path.read_bytes()
    after = path.lstat()
    if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
        return "changed while being read"
    if len(data) != after.st_size:
        return "changed while being read"
    return data, after


def scan(inbox: Path, source: str, quiet: float | None = None) -> Scan:
    """Complete, acceptable files of one source (with content hash); refused and waiting names, why."""
    quiet = quiet_seconds() if quiet is None else quiet
    folder = inbox / source
    result = Scan()
    if folder.is_symlink():
        result.refused.append(("", "the source folder is a symbolic link: nothing in it is read"))
        return result
    if not folder.is_dir():
        return result
    for name in sorted(os.listdir(folder)):  # names only: nothing below follows a link
        if name in {ARCHIVE, REJECTED}:
            continue
        reason = refusal(folder, name)
        if reason:
            result.refused.append((shown(name), reason))
            continue
        if name.endswith(IN_PROGRESS_SUFFIXES):
            result.waiting.append((shown(name), "temporary name: waiting for the rename"))
            continue
        read = _read_settled(folder / name, quiet)
        if isinstance(read, str):
            result.waiting.append((shown(name), read))
            continue
        data, info = read
        if not stat.S_ISREG(info.st_mode):
            result.refused.append((shown(name), "not a regular file"))
            continue
        digest = hashlib.sha256(data).hexdigest()
        result.accepted.append(InboxFile(source, folder / name, digest, info.st_size, info.st_mtime_ns))
    return result


def log_scan(log, source: str, found: Scan) -> None:
    """The line the docs promise for every name not landed: refused (warning), hidden or waiting (info)."""
    for name, reason in found.refused:
        (log.info if reason == "hidden file" else log.warning)(f"inbox/{source}/{name}: refused ({reason})")
    for name, reason in found.waiting:
        log.info(f"inbox/{source}/{name}: not yet ({reason})")


def move_to(inbox: Path, file: Path, source: str, kind: str) -> Path:
    """Move a processed file to ``inbox/<kind>/<source>/``, keeping its name (suffixed if taken)."""
    target_dir = inbox / kind / source
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / file.name
    n = 1
    while target.exists():
        target = target_dir / f"{file.stem}.{n}{file.suffix}"
        n += 1
    shutil.move(str(file), target)
    return target
