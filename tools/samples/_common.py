"""What the sample generators do alike: CSV text, and writing their files (no project code imported)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
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


def csv_text(header: list[str], rows: Iterable[list]) -> str:
    """A CSV file as the vendors' exports write it: a header line, then the rows; ``\\n`` line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
