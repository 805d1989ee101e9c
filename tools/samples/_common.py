"""What every sample generator does alike: write its files. (A generator imports no project code.)"""

from __future__ import annotations

from pathlib import Path


def write_files(folder: Path, files: dict[str, str | bytes]) -> list[Path]:
    """Write each ``name: content`` under ``folder`` (text as UTF-8, bytes as they are); return the paths."""
    written = []
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        written.append(path)
    return written
