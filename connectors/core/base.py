"""What every connector provides, and the errors it raises."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
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
    removes that day's old rows.

    Nothing may be dropped without a word. ``raw_records`` counts the vendor's own records in the file
    as read, before the parser filters anything (CSV records, API results, table rows). Each record
    ends as landed rows, quarantined rows, or a row of ``skipped`` (``_record`` and ``reason``: a totals
    line, a line of another cloud service...). When rows carry the ``_record`` (or ``_records``)
    bookkeeping column, landing checks that every record is accounted for and rejects the file if one
    is not. ``exported_at`` is the export's own generation time when the file states it: between two
    exports of the same days the newer wins (file modification time when the file does not say).
    """

    dataset: str
    rows: pl.DataFrame
    days: list
    raw_records: int
    skipped: pl.DataFrame | None = None
    exported_at: datetime | None = None


@dataclass(frozen=True)
class ApiExport:
    """One complete API response set (all pages of one report for one window), ready to land like a file.

    ``name`` reads like a console export (``completions_api_2026-09-01_2026-09-08.json``) so the parser
    treats both the same way.
    """

    name: str
    raw: bytes

    @classmethod
    def of_pages(
        cls, report: str, first: date, end: date, pages: list[dict], *, key: str | None = None
    ) -> ApiExport:
        """Every page of ``report`` for [first, end) (``end`` exclusive) as ``pages_as_export`` saves them,
        named ``<report>_api_[<key>_]<first>_<last>.json`` (``window_days`` reads the window back)."""
        last = end - timedelta(days=1)
        return cls(f"{report}_api_{f'{key}_' if key else ''}{first}_{last}.json", pages_as_export(pages))


def pages_as_export(pages: list[dict]) -> bytes:
    """Every page exactly as the vendor sent it, as one JSON array: the archived raw export."""
    return json.dumps(pages, separators=(",", ":"), sort_keys=False).encode()


# the window in an API export's name (ApiExport.name): ``<report>_api_[<...>_]<first>_<last>.json``
_WINDOW = re.compile(r"_api_(?:.*_)?(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})\.json$")


def window_days(source: str, file: str) -> list[date]:
    """Every day of the window an API export's name states (``..._api_<first>_<last>.json``), else [].

    The window an API connector asked for names its saved pages, so a day without activity is still a
    day the export covers (a re-fetch that finds nothing empties it).
    """
    match = _WINDOW.search(file)
    if not match:
        return []
    try:
        first, last = date.fromisoformat(match.group(1)), date.fromisoformat(match.group(2))
    except ValueError as exc:
        raise ExportFormatError(source, file, f"bad date in the export name ({exc})") from None
    if last < first:
        raise ExportFormatError(source, file, "export name's window ends before it starts")
    return pl.date_range(first, last, "1d", eager=True).to_list()


@dataclass(frozen=True)
class Connector:
    """A source of vendor exports: its name is also its folder under ``samples/`` and ``inbox/``.

    API connectors also have ``fetch(first_day, end_day)`` (``end_day`` exclusive) and the name of the
    environment variable holding their credential; the fetched pages go through the same ``parse``.
    ``settings`` names every other variable the connector reads (account ids, base URLs, API versions,
    further tokens), always through ``connectors.core.settings.setting``: the Dagster resource builds one
    field per name from the registry (``orchestration/defs/resources.py``), and docs/operations.md lists
    each one (``tests/test_environment_docs.py``).
    """

    source: str
    vendor: str
    version: str
    file_patterns: tuple[str, ...]
    parse: Callable[[bytes, str], ParsedExport]
    description: str
    fetch: Callable[[date, date], list[ApiExport]] | None = None
    credential_variable: str | None = None
    settings: tuple[str, ...] = ()  # every other variable it reads through ``setting``
    table: str = "activity"  # or "vendor_emissions" for the clouds' own carbon exports
    # sources whose vendor splits one export over several files (a CUR billing period's parts): which
    # files make one export, as (export name, part files); by default every file is its own export
    group_files: Callable[[list[Path]], list[tuple[str, list[Path]]]] | None = None
    # sources whose exports hold user identifiers: (bytes, file name) -> the same export with every
    # identifier pseudonymised (``connectors.core.pseudonym``); landing applies it before anything else
    scrub: Callable[[bytes, str], bytes] | None = None

    def find_files(self, folder: Path) -> list[Path]:
        """Export files for this source in ``folder``, in name order (exports named by date sort by date)."""
        found = {p for pattern in self.file_patterns for p in folder.glob(pattern) if p.is_file()}
        return sorted(found, key=lambda p: p.name)

    def group_parts(self, files: list[Path]) -> list[tuple[str, list[Path]]]:
        """The exports among ``files``: (name, part files), one file each unless the source groups parts."""
        if self.group_files is None:
            return [(f.name, [f]) for f in files]
        return self.group_files(files)


def numbered_parts(pattern: str) -> Callable[[list[Path]], list[tuple[str, list[Path]]]]:
    """``group_files`` for a vendor that names the parts of one export ``<stem><part number><suffix>``.

    ``pattern`` matches a part's file name with a named group ``part`` (its number); files whose names are
    the same once the number (and the separator before it) is taken out are the parts of one export,
    named by that shared name, in part-number order. A file alone keeps its own name (an export in one
    part lands exactly as any single file does); names the pattern does not match are their own export,
    and so are files whose lowest number is above 1 (``x-2026-10.csv``, ``x-2026-11.csv`` are months, not
    parts: a split export always has its part 0 or 1).
    """
    regex = re.compile(pattern)

    def group(files: list[Path]) -> list[tuple[str, list[Path]]]:
        groups: dict[str, list[tuple[int, Path]]] = {}
        for path in files:
            found = regex.fullmatch(path.name)
            if found is None:
                groups.setdefault(path.name, []).append((0, path))
                continue
            start, end = found.span("part")
            name = path.name[:start].rstrip("-_") + path.name[end:]
            groups.setdefault(name, []).append((int(found.group("part")), path))
        exports = []
        for name, numbered in groups.items():
            numbered.sort(key=lambda item: (item[0], item[1].name))
            if numbered[0][0] > 1:  # a split export always has its first part: these are exports of their own
                exports.extend((p.name, [p]) for _, p in numbered)
                continue
            parts = [p for _, p in numbered]
            exports.append((parts[0].name if len(parts) == 1 else name, parts))
        return sorted(exports, key=lambda export: export[1][0].name)

    return group
