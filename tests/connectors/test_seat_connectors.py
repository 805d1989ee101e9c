"""Seat-based AI assistants (#18): Claude Enterprise Analytics against a real local HTTP server, the
pseudonymisation of every seat export (no raw identifier in landing), and Hypothesis properties of the
ChatGPT and Gemini parsers. Hand-written expected rows of the published examples: tests/connectors/corpus."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug import Request, Response

from connectors.anthropic import analytics as claude_analytics
from connectors.core.base import ExportFormatError
from connectors.core.config import Paths
from connectors.core.pseudonym import KEY_VARIABLE
from connectors.google import gemini_workspace
from connectors.landing.ingest import Window, ingest_source
from connectors.landing.zone import ingest_bytes, init_landing
from connectors.microsoft import copilot_usage
from connectors.openai import chatgpt_workspace
from tests.support.corpus import CORPUS

KEY = "seat-test-key-0123456789"
ANALYTICS_KEY = "sk-ant-analytics-TEST-SECRET-24680"
CLAUDE_CASE = CORPUS / "claude_analytics" / "sdk_types_grouped_by_product_model_geo"
CHATGPT_CASE = CORPUS / "chatgpt_workspace" / "published_sample_weekly_two_users"
GEMINI_CASE = CORPUS / "gemini_workspace" / "documented_activity_resource"
COPILOT_CASE = CORPUS / "m365_copilot" / "graph_docs_shape_d7_two_users"


def reference(identifier: str) -> str:
    """The documented pseudonym: pu_ + 24 hex of HMAC-SHA256(key, trimmed case-folded identifier)."""
    digest = hmac.new(KEY.encode(), identifier.strip().casefold().encode(), hashlib.sha256).hexdigest()
    return "pu_" + digest[:24]


@pytest.fixture(autouse=True)
def _env(monkeypatch):
    monkeypatch.setenv(KEY_VARIABLE, KEY)
    monkeypatch.setenv("EWH_HTTP_BACKOFF_FACTOR", "0.01")


def _landed(paths: Paths, source: str) -> pl.DataFrame:
    return pl.read_parquet(paths.activity / f"source={source}" / "**" / "*.parquet")


def test_claude_analytics_api_sends_its_key_beta_flag_and_groups(httpserver, monkeypatch, paths):
    monkeypatch.setenv("ANTHROPIC_BASE_URL", httpserver.url_for("/"))
    monkeypatch.setenv("ANTHROPIC_ANALYTICS_KEY", ANALYTICS_KEY)
    published = json.loads(next(CLAUDE_CASE.glob("*.json")).read_text())
    first = published | {"data": published["data"][:1], "has_more": True, "next_page": "page_2"}
    second = published | {"data": published["data"][1:], "has_more": False, "next_page": None}
    seen: list[Request] = []

    def handle(request: Request) -> Response:
        seen.append(request)
        assert request.headers["x-api-key"] == ANALYTICS_KEY
        body = second if request.args.get("page") else first
        return Response(json.dumps(body), content_type="application/json")

    httpserver.expect_request("/v1/organizations/analytics/usage_report").respond_with_handler(handle)
    (result,) = ingest_source(
        claude_analytics.CONNECTOR, paths, window=Window(date(2026, 9, 1), date(2026, 9, 3))
    )
    assert [r.args.get("page") for r in seen] == [None, "page_2"]
    assert seen[0].args["beta"] == "true"
    assert seen[0].args["starting_at"] == "2026-09-01T00:00:00Z"
    assert "rbac_group_id" not in seen[0].args.getlist("group_by[]")  # its groups overlap
    assert set(seen[0].args.getlist("group_by[]")) == {
        "product",
        "model",
        "context_window",
        "inference_geo",
        "speed",
    }
    # 7 measures of the chat row and 6 of the claude_code row (its requests are null): 13 rows
    assert (result.rows_landed, result.days) == (13, (date(2026, 9, 1), date(2026, 9, 2)))
    rows = _landed(paths, "claude_analytics")
    out = rows.filter(pl.col("activity_type") == "llm_output_tokens").sort("model")
    assert out.select("model", "quantity").rows() == [
        ("claude-opus-4-6", 20000.0),
        ("claude-sonnet-4-5", 4500.0),
    ]


def test_claude_analytics_grouped_by_overlapping_rbac_groups_is_rejected():
    page = json.loads(next(CLAUDE_CASE.glob("*.json")).read_text())
    page["data"][0]["results"][0]["rbac_group_id"] = "rbac_group_01"
    with pytest.raises(ExportFormatError, match="rbac_group_id"):
        claude_analytics.parse(json.dumps(page).encode(), "usage_report.json")


def test_claude_tag_slack_user_ids_land_pseudonymised(tmp_path):
    page = json.loads(next(CLAUDE_CASE.glob("*.json")).read_text())
    page["data"][0]["results"][0]["claude_tag_user_id"] = "U0123ABCDEF"
    paths = Paths(tmp_path)
    init_landing(paths, ["claude_analytics"])
    ingest_bytes(claude_analytics.CONNECTOR, json.dumps(page).encode(), "usage_report_api.json", paths)
    assert b"U0123ABCDEF" not in b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    users = set(_landed(paths, "claude_analytics").get_column("user_id").drop_nulls())
    assert users == {reference("U0123ABCDEF")}


@pytest.mark.parametrize(
    ("connector", "case", "identifiers"),
    [
        (chatgpt_workspace.CONNECTOR, CHATGPT_CASE, ["alice.johnson@example.com", "bob.smith@example.com"]),
        (gemini_workspace.CONNECTOR, GEMINI_CASE, ["liz@example.com", "sam@example.com"]),
        (copilot_usage.CONNECTOR, COPILOT_CASE, ["ana.lopez@example.com"]),  # bo: no day in the period
    ],
    ids=["chatgpt", "gemini", "copilot"],
)
def test_no_raw_identifier_reaches_landing_and_user_ids_are_the_keyed_pseudonyms(
    tmp_path, caplog, connector, case, identifiers
):
    (export,) = [p for p in case.iterdir() if p.suffix in {".csv", ".json"} and p.name != "expected.csv"]
    paths = Paths(tmp_path)
    init_landing(paths, [connector.source])
    with caplog.at_level("DEBUG"):
        result = ingest_bytes(connector, export.read_bytes(), export.name, paths)
    assert result.rows_landed > 0 and not result.rejected
    stored = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    for raw in [*identifiers, "Alice Johnson", "Ana Lopez", "114512345678901234567", "example.com"]:
        assert raw.encode() not in stored, raw
        assert raw not in caplog.text
    users = set(_landed(paths, connector.source).get_column("user_id"))
    assert users == {reference(i) for i in identifiers}


# --- Hypothesis: the parsers keep every message and every event ----------------------------------------

HEADER = "cadence,period_start,period_end,account_id,public_id,name,email,department,messages,gpt_messages\n"


@settings(max_examples=40, deadline=None)
@given(
    users=st.lists(
        st.tuples(st.integers(0, 10**6), st.integers(0, 40), st.integers(0, 400)), min_size=1, max_size=5
    )
)
def test_chatgpt_messages_spread_over_the_period_sum_back_to_the_export(users):
    start = date(2026, 9, 1)
    lines = [
        f"Custom,{start + timedelta(days=offset)},{start + timedelta(days=offset + length)},ws,u{i},N{i},"
        f"pu_{i:024x},marketing,{messages},0\n"
        for i, (messages, length, offset) in enumerate(users)
    ]
    parsed = chatgpt_workspace.parse((HEADER + "".join(lines)).encode(), "user_engagement.csv")
    rows = parsed.rows
    assert rows.height == sum(length + 1 for _, length, _ in users)  # one row per day of each period
    assert parsed.raw_records == len(users)
    for i, (messages, length, _) in enumerate(users):
        mine = rows.filter(pl.col("user_id") == f"pu_{i:024x}")
        assert mine.get_column("quantity").sum() == pytest.approx(messages, rel=1e-9, abs=1e-9)
        assert mine.get_column("usage_date").n_unique() == length + 1


@settings(max_examples=40, deadline=None)
@given(
    events=st.lists(
        st.tuples(
            st.integers(0, 2),
            st.sampled_from(["docs", "gmail", "slides"]),
            st.sampled_from(["generate_text", "summarize", "other_event"]),
            st.integers(0, 86399),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_gemini_every_feature_use_counts_once_and_every_activity_is_accounted(events):
    items = [
        {
            "id": {"time": (datetime(2026, 9, 1, tzinfo=UTC) + timedelta(days=d, seconds=s)).isoformat()},
            "actor": {"email": f"pu_{d:024x}"},
            "events": [
                {
                    "type": "ai_usage_event" if action != "other_event" else "other_type",
                    "name": "feature_utilization",
                    "parameters": [{"name": "action", "value": action}, {"name": "app_name", "value": app}],
                }
            ],
        }
        for d, app, action, s in events
    ]
    parsed = gemini_workspace.parse(
        json.dumps({"kind": "admin#reports#activities", "items": items}).encode(), "a.json"
    )
    uses = sum(1 for *_, action, _ in events if action != "other_event")
    assert parsed.rows.get_column("quantity").sum() == uses
    skipped = 0 if parsed.skipped is None else parsed.skipped.height
    counted = sum(len(r) for r in parsed.rows.get_column("_records").to_list()) if uses else 0
    assert counted + skipped == parsed.raw_records == len(events)


@settings(max_examples=40, deadline=None)
@given(
    period=st.sampled_from([7, 30]),
    offsets=st.lists(
        st.lists(st.one_of(st.none(), st.integers(-40, 0)), min_size=8, max_size=8), min_size=1, max_size=5
    ),
)
def test_copilot_lands_one_active_day_per_distinct_in_period_date_and_nothing_else(period, offsets):
    refresh = date(2026, 9, 30)
    apps = list(copilot_usage.APPS)
    value = []
    for i, days in enumerate(offsets):
        dates = [None if d is None else str(refresh + timedelta(days=d)) for d in days]
        last = max((d for d in dates if d), default=None)
        value.append(
            {"reportRefreshDate": str(refresh), "userPrincipalName": f"pu_{i:024x}", "lastActivityDate": last}
            | dict(zip(apps, dates, strict=True))
            | {"copilotActivityUserDetailsByPeriod": [{"reportPeriod": period}]}
        )
    parsed = copilot_usage.parse(json.dumps({"value": value}).encode(), "copilot.json")
    rows = parsed.rows
    expected = {
        (f"pu_{i:024x}", refresh + timedelta(days=d))
        for i, days in enumerate(offsets)
        for d in days
        if d is not None and d > -period
    }
    assert set(zip(rows.get_column("user_id"), rows.get_column("usage_date"), strict=True)) == expected
    assert rows.height == len(expected) and set(rows.get_column("quantity")) <= {1.0}
    landed_users = set(rows.get_column("_record"))
    skipped = 0 if parsed.skipped is None else parsed.skipped.height
    assert len(landed_users) + skipped == parsed.raw_records == len(offsets)


def test_a_chatgpt_record_with_an_unreadable_period_is_quarantined_not_lost(tmp_path):
    export = (
        HEADER
        + "Weekly,2026-09-01,2026-09-07,ws,u1,Ana,ana@example.com,marketing,70,0\n"
        + "Weekly,2026-09-07,2026-09-01,ws,u2,Bo,bo@example.com,brand,10,0\n"  # ends before it starts
        + "Weekly,09/01/2026,2026-09-07,ws,u3,Cy,cy@example.com,brand,5,0\n"  # not YYYY-MM-DD
    ).encode()
    paths = Paths(tmp_path)
    init_landing(paths, ["chatgpt_workspace"])
    result = ingest_bytes(chatgpt_workspace.CONNECTOR, export, "user_engagement.csv", paths)
    # 70 messages over 7 days land as 7 rows of 10; the two other records are quarantined with the reason
    assert (result.rows_landed, result.rows_quarantined) == (7, 2)
    held = pl.read_parquet(paths.quarantine / "source=chatgpt_workspace" / "*.parquet")
    assert sorted(held.get_column("reason").to_list()) == [
        "period ends before it starts",
        "period_start/period_end missing or not YYYY-MM-DD",
    ]
    assert set(_landed(paths, "chatgpt_workspace").get_column("quantity")) == {10.0}


@settings(max_examples=40, deadline=None)
@given(
    results=st.lists(
        st.tuples(
            st.sampled_from(["chat", "claude_code", "cowork", None]),
            st.sampled_from(["claude-sonnet-4-5", "claude-opus-4-6"]),
            st.integers(0, 10**9),
            st.integers(0, 10**9),
        ),
        max_size=6,
    )
)
def test_claude_analytics_keeps_every_output_and_input_token(results):
    rows = [
        {
            "product": product,
            "model": model,
            "uncached_input_tokens": uncached,
            "cache_read_input_tokens": 0,
            "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
            "output_tokens": output,
            "server_tool_use": {"web_search_requests": 0},
        }
        for product, model, uncached, output in results
    ]
    page = {
        "data": [
            {"starting_at": "2026-09-01T00:00:00Z", "ending_at": "2026-09-02T00:00:00Z", "results": rows}
        ],
        "has_more": False,
        "next_page": None,
    }
    parsed = claude_analytics.parse(json.dumps(page).encode(), "usage_report_api_2026-09-01_2026-09-01.json")
    assert parsed.days == [date(2026, 9, 1)] and parsed.raw_records == len(results)
    if not results:
        assert parsed.rows.is_empty()
        return
    by_type = dict(parsed.rows.group_by("activity_type").agg(pl.col("quantity").sum()).iter_rows())
    assert by_type["llm_output_tokens"] == sum(r[3] for r in results)
    assert by_type["llm_input_tokens"] == sum(r[2] for r in results)
    assert set(parsed.rows.get_column("vendor")) == {"anthropic"}
