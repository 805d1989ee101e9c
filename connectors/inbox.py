"""The inbox: console exports dropped into ``$EWH_HOME/inbox/<source>/`` by people or other systems.

File names and paths are untrusted: only plain, visible, regular files directly inside the source's
folder are accepted (no ``..``, no separators, no symlinks, nothing resolving outside the inbox).
Landed files move to ``inbox/.archive/<source>/``; files that cannot be read move to
``inbox/.rejected/<source>/`` so a bad drop is visible and never retried in a loop.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

ARCHIVE = ".archive"
REJECTED = ".rejected"


@dataclass(frozen=True)
class InboxFile:
    source: str
    path: Path
    sha256: str


def refusal(folder: Path, name: str) -> str | None:
    """Why ``name`` in ``folder`` may not be ingested, or ``None`` when it is safe."""
    if not name or name in {".", ".."} or "/" in name or "\\" in name or "\x00" in name:
        return "invalid file name"
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
    return None


def scan(inbox: Path, source: str) -> tuple[list[InboxFile], list[tuple[str, str]]]:
    """Acceptable files of one source (with content hash) and refused names with the reason."""
    folder = inbox / source
    if not folder.is_dir() or folder.is_symlink():
        return [], []
    accepted, refused = [], []
    for name in sorted(os.listdir(folder)):
        if name in {ARCHIVE, REJECTED}:
            continue
        reason = refusal(folder, name)
        if reason:
            if not name.startswith("."):
                refused.append((name, reason))
            continue
        digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        accepted.append(InboxFile(source, folder / name, digest))
    return accepted, refused


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
