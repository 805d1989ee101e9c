"""Write the bundled Adobe generative-credit sample in ``data/samples/adobe_firefly/`` (deterministic).

Shape: the column contract of the ``adobe_firefly`` source (docs/sources.md): ``Date``, ``User``,
``Product``, ``Feature``, ``Feature Type``, ``Generative Credits``, in Adobe's vocabulary. Adobe documents
no per-user or per-day credit export (only the Admin Console's Shared Credits rate card,
https://helpx.adobe.com/enterprise/using/generative-credit-pool.html), so the layout is ours to confirm.
Products, features and their standard/premium type: Adobe Help, "Generative AI features in Creative Cloud
apps" (https://helpx.adobe.com/creative-cloud/apps/generative-ai/creative-cloud-generative-ai-features.html,
taken 2026-12-06; corpus case ``tests/connectors/corpus/adobe_firefly/rate_table_features``).

September 2026 for the samples' four people (keyed pseudonyms, ``tools/samples/_users.py``): one line per
working day, user and feature used, in date, user and feature order. The credit counts are invented
(standard features take 1 credit a generation per Adobe's rate table, video generations hundreds); the
matrix below is the data, 0 meaning the feature was not used that day.

    python -m tools.samples.adobe_firefly [SAMPLES_DIR]   # default: data/samples
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from tools.samples._common import write_files
from tools.samples._users import USERS

SOURCES = ("adobe_firefly",)
# (Product, Feature, Feature Type), the order of each user's lines within a day
FEATURES = (
    ("Firefly", "Text to Image", "Standard"),
    ("Photoshop", "Generative Fill", "Standard"),
    ("Express", "Text to Image", "Standard"),
    ("Firefly", "Generate Video", "Premium"),
)
# working day of September 2026 -> per user (USERS order), credits per feature (FEATURES order)
CREDITS = {
    1: ((0, 0, 0, 360), (0, 26, 0, 0), (0, 0, 0, 0), (6, 0, 13, 0)),
    2: ((0, 0, 0, 0), (0, 23, 0, 500), (0, 14, 12, 0), (0, 11, 0, 0)),
    3: ((0, 0, 0, 0), (0, 0, 0, 0), (0, 0, 9, 0), (0, 25, 0, 860)),
    4: ((0, 0, 0, 0), (0, 0, 3, 0), (24, 0, 1, 0), (23, 0, 0, 0)),
    7: ((0, 0, 2, 680), (0, 0, 5, 480), (22, 9, 0, 0), (0, 0, 0, 0)),
    8: ((0, 14, 0, 360), (0, 10, 3, 0), (0, 25, 0, 0), (36, 0, 0, 820)),
    9: ((30, 0, 0, 820), (24, 0, 0, 0), (0, 0, 0, 0), (2, 0, 0, 0)),
    10: ((0, 3, 0, 0), (0, 0, 4, 0), (0, 5, 12, 0), (28, 0, 0, 520)),
    11: ((32, 0, 0, 0), (0, 0, 0, 560), (19, 0, 0, 740), (0, 0, 3, 0)),
    14: ((16, 3, 0, 0), (35, 0, 0, 0), (0, 0, 8, 360), (0, 13, 0, 800)),
    15: ((0, 0, 0, 0), (5, 0, 0, 160), (17, 7, 0, 0), (0, 11, 6, 380)),
    16: ((16, 0, 0, 740), (38, 18, 0, 0), (0, 22, 0, 400), (0, 19, 9, 0)),
    17: ((17, 12, 8, 0), (0, 0, 0, 240), (0, 0, 0, 380), (0, 0, 7, 0)),
    18: ((17, 0, 0, 680), (25, 0, 13, 0), (0, 20, 11, 0), (0, 0, 0, 0)),
    21: ((0, 0, 0, 0), (0, 0, 9, 780), (0, 13, 0, 920), (0, 3, 0, 0)),
    22: ((0, 0, 0, 0), (0, 0, 0, 0), (12, 1, 0, 880), (36, 0, 14, 420)),
    23: ((0, 0, 5, 800), (0, 4, 0, 900), (0, 0, 0, 0), (0, 0, 0, 0)),
    24: ((1, 5, 0, 0), (9, 0, 0, 0), (0, 22, 0, 0), (0, 0, 0, 0)),
    25: ((0, 0, 0, 0), (0, 20, 1, 0), (0, 29, 14, 740), (4, 10, 5, 0)),
    28: ((0, 0, 0, 180), (34, 0, 0, 0), (34, 18, 9, 0), (0, 0, 0, 0)),
    29: ((0, 0, 0, 280), (0, 26, 5, 260), (9, 0, 0, 0), (4, 12, 0, 800)),
    30: ((0, 0, 0, 0), (0, 0, 0, 0), (16, 0, 0, 120), (0, 0, 0, 0)),
}


def export() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["Date", "User", "Product", "Feature", "Feature Type", "Generative Credits"])
    for day, per_user in CREDITS.items():
        usage_date = date(2026, 9, day)
        assert usage_date.weekday() < 5, usage_date  # working days only
        for user, credits in zip(USERS, per_user, strict=True):
            for feature, amount in zip(FEATURES, credits, strict=True):
                if amount:
                    writer.writerow([usage_date.isoformat(), user, *feature, amount])
    return buffer.getvalue()


def write(root: Path) -> list[Path]:
    return write_files(root / "adobe_firefly", {"generative_credits_2026-09.csv": export()})


if __name__ == "__main__":
    from tools.samples._cli import run

    run(write)
