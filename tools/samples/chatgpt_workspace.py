"""Write the bundled ChatGPT Enterprise workspace-analytics sample in ``data/samples/chatgpt_workspace/``
(deterministic).

Shape: the workspace analytics "User Engagement" CSV export, monthly cadence, with the 30 columns OpenAI
documents (https://help.openai.com/en/articles/10875114-user-analytics-for-chatgpt-enterprise-and-edu;
corpus case ``tests/connectors/corpus/chatgpt_workspace/published_sample_weekly_two_users``): JSON-ish
cells (``department`` a list, the ``*_to_messages`` maps) as the export writes them. Three people of the
seat samples (raw names and addresses: they land only as keyed pseudonyms, ``EWH_PSEUDONYM_KEY``), their
SCIM departments ``marketing`` and ``brand`` (allocation_rules maps both). The counts are invented.

    python -m tools.samples.chatgpt_workspace [SAMPLES_DIR]   # default: data/samples
"""

from __future__ import annotations

from pathlib import Path

from tools.samples._common import csv_text, write_files

SOURCES = ("chatgpt_workspace",)
PERIOD = ("2026-09-01", "2026-09-30")
WORKSPACE = "ws-marketing-eu"
COLUMNS = [
    *("cadence", "period_start", "period_end", "account_id", "public_id", "name", "email", "role"),
    *("user_role", "department", "groups", "user_status", "created_or_invited_date", "is_active"),
    *("first_day_active_in_period", "last_day_active_in_period", "messages", "messages_rank"),
    *("model_to_messages", "gpt_messages", "gpts_messaged", "gpt_to_messages", "tool_messages"),
    *("tools_messaged", "tool_to_messages", "project_messages", "projects_messaged"),
    *("project_to_messages", "projects_created", "last_day_active"),
]
# (public id, name, email, department, invited, first and last active day, messages, GPT messages and
# GPTs, tool messages and tools, project messages and projects, projects created)
USERS = (
    ("user-101", "Ana Lopez", "ana.lopez@example.com", "marketing", "2026-01-12", "2026-09-01", "2026-09-30",
     1500, 120, 3, 600, 2, 90, 1, 1),
    ("user-102", "Bo Chen", "bo.chen@example.com", "brand", "2026-02-03", "2026-09-02", "2026-09-29",
     900, 30, 1, 210, 1, 0, 0, 0),
    ("user-103", "Cleo Diaz", "cleo.diaz@example.com", "marketing", "2026-03-20", "2026-09-05", "2026-09-25",
     300, 0, 0, 45, 1, 12, 1, 0),
)  # fmt: skip


def export() -> str:
    rows = []
    for rank, user in enumerate(USERS, start=1):
        public_id, name, email, department, invited, first, last, messages = user[:8]
        gpt, gpts, tool, tools, project, projects, created = user[8:]
        rows.append(
            [
                "Monthly", *PERIOD, WORKSPACE, public_id, name, email, "team_member", "standard-user",
                f'["{department}"]', "{}", "enabled", invited, 1, first, last,
                messages, rank, "{}", gpt, gpts, "{}", tool, tools, "{}",
                project, projects, "{}", created, last,
            ]
        )  # fmt: skip
    return csv_text(COLUMNS, rows)


def write(root: Path) -> list[Path]:
    return write_files(root / "chatgpt_workspace", {f"user_engagement_monthly_{PERIOD[0][:7]}.csv": export()})


if __name__ == "__main__":
    from tools.samples._cli import run

    run(write)
