"""Write the bundled Gemini for Google Workspace sample in ``data/samples/gemini_workspace/`` (deterministic).

Shape: one Admin SDK Reports ``activities.list`` response page for
``applicationName=gemini_in_workspace_apps`` as the API returns it
(https://developers.google.com/workspace/admin/reports/v1/appendix/activity/gemini-in-workspace-apps: each
activity an ``id`` with ``time``, ``uniqueQualifier``, ``applicationName`` and ``customerId``, an ``actor``,
and ``events`` of type ``ai_usage_event``, name ``feature_utilization``, with the ``action`` and
``app_name`` parameters), saved as JSON with one-space indentation. Three days, three people of the seat
samples (raw e-mail addresses: they land only as keyed pseudonyms, ``EWH_PSEUDONYM_KEY``), one activity an
hour from 09:00 UTC per use; the use counts are invented.

    python -m tools.samples.gemini_workspace [SAMPLES_DIR]   # default: data/samples
"""

from __future__ import annotations

import json
from pathlib import Path

from tools.samples._common import write_files

SOURCES = ("gemini_workspace",)
CUSTOMER = "C03az79cb"
DAYS = ("2026-09-01", "2026-09-02", "2026-09-03")
# every day: (user, action, app, uses), each use one activity an hour from 09:00
USES = (
    ("ana.lopez@example.com", "generate_text", "docs", 6),
    ("ana.lopez@example.com", "summarize", "gmail", 4),
    ("bo.chen@example.com", "generate_images_in_product", "slides", 2),
    ("cleo.diaz@example.com", "suggest_full_replies", "gmail", 5),
)
FIRST_QUALIFIER = -7412290813461900000


def activities() -> list[dict]:
    items = []
    for day in DAYS:
        for email, action, app, uses in USES:
            for hour in range(9, 9 + uses):
                items.append(
                    {
                        "kind": "admin#reports#activity",
                        "id": {
                            "time": f"{day}T{hour:02d}:00:00.000Z",
                            "uniqueQualifier": str(FIRST_QUALIFIER - len(items)),
                            "applicationName": "gemini_in_workspace_apps",
                            "customerId": CUSTOMER,
                        },
                        "actor": {"callerType": "USER", "email": email},
                        "events": [
                            {
                                "type": "ai_usage_event",
                                "name": "feature_utilization",
                                "parameters": [
                                    {"name": "action", "value": action},
                                    {"name": "app_name", "value": app},
                                ],
                            }
                        ],
                    }
                )
    return items


def write(root: Path) -> list[Path]:
    page = json.dumps({"kind": "admin#reports#activities", "items": activities()}, indent=1)
    return write_files(root / "gemini_workspace", {f"activities_gemini_{DAYS[0]}_{DAYS[-1]}.json": page})


if __name__ == "__main__":
    from tools.samples._cli import run

    run(write)
