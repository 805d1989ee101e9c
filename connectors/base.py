"""What every connector provides, and the errors it raises."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl


class ExportFormatError(ValueError):
    """A vendor export cannot be read at all: the message names the file and the problem."""

    def __init__(self, source: str, file: Path | str, problem: str) -> None:
        self.source, self.file, self.problem = source, str(file), problem
        super().__init__(f"[{source}] {file}: {problem}")


@dataclass(frozen=True)
class ParsedExport:
    """A connector's reading of one export file.

    ``rows`` are in ``PARSED_SCHEMA``. ``dataset`` names the vendor report the file holds (e.g. the
    OpenAI usage endpoint); landed rows are replaced per (source, dataset, day). ``days`` lists every
    day the export covers, including days with no usage, so a corrected re-export that empties a day
    removes that day's old rows. ``raw_records`` counts the vendor's own records in the file.
    """

    dataset: str
    rows: pl.DataFrame
    days: list
    raw_records: int


@dataclass(frozen=True)
class ApiExport:
    """One complete API response set (all pages of one report for one window), ready to land like a file.

    ``name`` reads like a console export (``completions_api_2026-09-01_2026-09-08.json``) so the parser
    treats both the same way.
    """

    name: str
    raw: bytes


@dataclass(frozen=True)
class Connector:
    """A source of vendor exports: its name is also its folder under ``samples/`` and ``inbox/``.

    API connectors also have ``fetch(first_day, end_day)`` (``end_day`` exclusive) and the name of the
    environment variable holding their credential; the fetched pages go through the same ``parse``.
    """

    source: str
    vendor: str
    version: str
    file_patterns: tuple[str, ...]
    parse: Callable[[bytes, str], ParsedExport]
    description: str
    fetch: Callable[[date, date], list[ApiExport]] | None = None
    credential_variable: str | None = None
    table: str = "activity"  # or "vendor_emissions" for the clouds' own carbon exports

    def find_files(self, folder: Path) -> list[Path]:
        """Export files for this source in ``folder``, in name order (exports named by date sort by date)."""
        found = {p for pattern in self.file_patterns for p in folder.glob(pattern) if p.is_file()}
        return sorted(found, key=lambda p: p.name)
