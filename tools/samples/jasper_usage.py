"""Write the bundled Jasper usage sample in ``data/samples/jasper_usage/`` (deterministic).

Shape: the workspace Usage page's "Monthly generations by user" export (Jasper Help Center, "Usage
Reporting", https://help.jasper.ai/hc/en-us/articles/48766997454619-Usage-Reporting, taken 2026-12-06:
a month-by-month heatmap per user with "export options"; "Total generations — All text and image outputs
created in the selected date range"). Jasper publishes no column list, so the file lays the heatmap out as
the page draws it (docs/sources.md, ``jasper_usage``; corpus case
``tests/connectors/corpus/jasper_usage/usage_page_monthly_by_user``): ``User``, one column per month of
the quarter, and the row's ``Total`` (the sum of its months). Users are the samples' four people as keyed
pseudonyms (``tools/samples/_users.py``); the generation counts are invented.

    python -m tools.samples.jasper_usage [SAMPLES_DIR]   # default: data/samples
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tools.samples._common import write_files
from tools.samples._users import USERS

SOURCES = ("jasper_usage",)
MONTHS = ("2026-07", "2026-08", "2026-09")
# generations per user (USERS order) and month
GENERATIONS = [(114, 293, 390), (363, 122, 137), (145, 371, 391), (263, 107, 248)]


def export() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["User", *MONTHS, "Total"])
    for user, months in zip(USERS, GENERATIONS, strict=True):
        writer.writerow([user, *months, sum(months)])
    return buffer.getvalue()


def write(root: Path) -> list[Path]:
    return write_files(root / "jasper_usage", {"jasper_monthly_generations_by_user_2026Q3.csv": export()})


if __name__ == "__main__":
    from tools.samples._cli import run

    run(write)
