"""Write the bundled Microsoft 365 Copilot sample in ``data/samples/m365_copilot/`` (deterministic).

Shape: Microsoft Graph ``getMicrosoft365CopilotUsageUserDetail(period='D7')`` with
``$format=application/json``, as the report's documentation shows the JSON response
(https://learn.microsoft.com/en-us/graph/api/reportroot-getmicrosoft365copilotusageuserdetail: ``value[]`` of
users with ``reportRefreshDate``, ``userPrincipalName``, ``displayName``, ``lastActivityDate``, one
last-activity date per app and ``copilotActivityUserDetailsByPeriod[].reportPeriod``), saved with
two-space indentation. Four people of the seat samples (raw addresses and names: they land only as keyed
pseudonyms, ``EWH_PSEUDONYM_KEY``); the last one was last active before the period, so nothing of theirs
lands. The dates are invented.

    python -m tools.samples.m365_copilot [SAMPLES_DIR]   # default: data/samples
"""

from __future__ import annotations

import json
from pathlib import Path

from tools.samples._common import write_files

SOURCES = ("m365_copilot",)
REFRESH = "2026-09-07"
PERIOD = 7
APPS = ("copilotChat", "microsoftTeamsCopilot", "wordCopilot", "excelCopilot", "powerPointCopilot")
APPS += ("outlookCopilot", "oneNoteCopilot", "loopCopilot")
# (user principal name, display name, last activity, {app: its last activity date})
USERS = (
    (
        "ana.lopez@example.com",
        "Ana Lopez",
        "2026-09-07",
        {"microsoftTeamsCopilot": "2026-09-07", "wordCopilot": "2026-09-04", "outlookCopilot": "2026-09-02"},
    ),
    (
        "bo.chen@example.com",
        "Bo Chen",
        "2026-09-06",
        {"copilotChat": "2026-09-06", "excelCopilot": "2026-09-03"},
    ),
    ("cleo.diaz@example.com", "Cleo Diaz", "2026-09-05", {"powerPointCopilot": "2026-09-05"}),
    ("dan.eze@example.com", "Dan Eze", "2026-07-30", {"copilotChat": "2026-07-30"}),
)


def report() -> dict:
    context = (
        "https://graph.microsoft.com/beta/reports/"
        f"getMicrosoft365CopilotUsageUserDetail(period='D{PERIOD}')?$format=application/json"
    )
    value = [
        {
            "reportRefreshDate": REFRESH,
            "userPrincipalName": upn,
            "displayName": name,
            "lastActivityDate": last,
            **{f"{app}LastActivityDate": dates.get(app) for app in APPS},
            "copilotActivityUserDetailsByPeriod": [{"reportPeriod": PERIOD}],
        }
        for upn, name, last, dates in USERS
    ]
    return {"@odata.context": context, "value": value}


def write(root: Path) -> list[Path]:
    name = f"copilot_usage_user_detail_D{PERIOD}_{REFRESH}.json"
    return write_files(root / "m365_copilot", {name: json.dumps(report(), indent=2)})


if __name__ == "__main__":
    from tools.samples._cli import run

    run(write)
