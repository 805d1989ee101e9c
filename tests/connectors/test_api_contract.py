"""The same HTTP contract for every admin-API connector, against a real local server.

For each of openai_usage, openai_costs, anthropic_usage and anthropic_costs: several pages with empty
buckets, 429 with Retry-After then success, 500 then success, 401 with a clear error that names the
variable but never the key, malformed JSON, and an overlapping re-run that duplicates nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest
from werkzeug import Request, Response

from connectors.anthropic import costs as anthropic_costs
from connectors.anthropic import usage as anthropic_usage
from connectors.core.http import ConfigError, VendorResponseError
from connectors.landing.ingest import Window, ingest_source
from connectors.openai import costs as openai_costs
from connectors.openai import usage as openai_usage

SECRET = "sk-admin-CONTRACT-SECRET-42"


def _openai_window(request: Request) -> list[datetime]:
    start, end = int(request.args["start_time"]), int(request.args["end_time"])
    return [datetime.fromtimestamp(s, UTC) for s in range(start, end, 86400)]


def _anthropic_window(request: Request) -> list[datetime]:
    start = datetime.fromisoformat(request.args["starting_at"].replace("Z", "+00:00"))
    end = datetime.fromisoformat(request.args["ending_at"].replace("Z", "+00:00"))
    return [start + timedelta(days=i) for i in range((end - start).days)]


def _openai_bucket(day: datetime, results: list[dict]) -> dict:
    start = int(day.timestamp())
    return {"object": "bucket", "start_time": start, "end_time": start + 86400, "results": results}


def _anthropic_bucket(day: datetime, results: list[dict]) -> dict:
    text = day.strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (day + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"starting_at": text, "ending_at": end, "results": results}


@dataclass(frozen=True)
class Api:
    connector: object
    path: str
    base_env: str
    key_env: str
    base_suffix: str
    window: object
    bucket: object
    result: dict
    page_object: bool  # OpenAI pages carry "object": "page"


APIS = {
    "openai_usage": Api(
        openai_usage.CONNECTOR,
        "/v1/organization/usage/completions",
        "OPENAI_BASE_URL",
        "OPENAI_ADMIN_KEY",
        "/v1",
        _openai_window,
        _openai_bucket,
        {
            "object": "organization.usage.completions.result",
            "input_tokens": 40,
            "output_tokens": 10,
            "input_cached_tokens": 0,
            "num_model_requests": 1,
            "project_id": "proj_a",
            "user_id": None,
            "api_key_id": None,
            "model": "gpt-4o-mini-2024-07-18",
            "batch": False,
            "service_tier": "default",
        },
        True,
    ),
    "openai_costs": Api(
        openai_costs.CONNECTOR,
        "/v1/organization/costs",
        "OPENAI_BASE_URL",
        "OPENAI_ADMIN_KEY",
        "/v1",
        _openai_window,
        _openai_bucket,
        {
            "object": "organization.costs.result",
            "amount": {"value": 0.5, "currency": "usd"},
            "line_item": "gpt-4o-mini-2024-07-18, input",
            "project_id": "proj_a",
            "api_key_id": None,
            "quantity": None,
            "quantity_unit": None,
            "organization_id": "org-x",
        },
        True,
    ),
    "anthropic_usage": Api(
        anthropic_usage.CONNECTOR,
        "/v1/organizations/usage_report/messages",
        "ANTHROPIC_BASE_URL",
        "ANTHROPIC_ADMIN_KEY",
        "",
        _anthropic_window,
        _anthropic_bucket,
        {
            "uncached_input_tokens": 40,
            "cache_creation": {"ephemeral_1h_input_tokens": 0, "ephemeral_5m_input_tokens": 0},
            "cache_read_input_tokens": 0,
            "output_tokens": 10,
            "server_tool_use": {"web_search_requests": 0},
            "api_key_id": None,
            "workspace_id": "wrkspc_a",
            "model": "claude-haiku-4-5-20251001",
            "service_tier": "standard",
            "context_window": "0-200k",
            "inference_geo": "global",
        },
        False,
    ),
    "anthropic_costs": Api(
        anthropic_costs.CONNECTOR,
        "/v1/organizations/cost_report",
        "ANTHROPIC_BASE_URL",
        "ANTHROPIC_ADMIN_KEY",
        "",
        _anthropic_window,
        _anthropic_bucket,
        {
            "currency": "USD",
            "amount": "50",
            "workspace_id": "wrkspc_a",
            "description": "Claude Haiku 4.5 Usage - Input Tokens",
            "cost_type": "tokens",
            "context_window": "0-200k",
            "model": "claude-haiku-4-5-20251001",
            "service_tier": "standard",
            "token_type": "uncached_input_tokens",
            "inference_geo": "global",
        },
        False,
    ),
}
WINDOW = Window(date(2026, 9, 1), date(2026, 9, 5))


def _pages(api: Api, request: Request) -> Response:
    """Day 1 on page one, the rest on page two; every other day is an empty bucket."""
    days = api.window(request)
    buckets = [api.bucket(d, [api.result] if i % 2 == 0 else []) for i, d in enumerate(days)]
    second = request.args.get("page") == "cursor-2"
    chunk = buckets[1:] if second else buckets[:1]
    page = {"data": chunk, "has_more": not second, "next_page": None if second else "cursor-2"}
    if api.page_object:
        page = {"object": "page"} | page
    return Response(json.dumps(page), content_type="application/json")


def _empty_openai(request: Request) -> Response:
    days = _openai_window(request)
    return Response(
        json.dumps(
            {
                "object": "page",
                "data": [_openai_bucket(d, []) for d in days],
                "has_more": False,
                "next_page": None,
            }
        ),
        content_type="application/json",
    )


@pytest.fixture(params=sorted(APIS))
def api(request, httpserver, monkeypatch):
    spec = APIS[request.param]
    monkeypatch.setenv(spec.base_env, httpserver.url_for(spec.base_suffix))
    monkeypatch.setenv(spec.key_env, SECRET)
    monkeypatch.setenv("EWH_HTTP_BACKOFF_FACTOR", "0.01")
    if spec.connector.source == "openai_usage":
        for dataset in openai_usage.DATASETS:
            if dataset != "completions":
                httpserver.expect_request(f"/v1/organization/usage/{dataset}").respond_with_handler(
                    _empty_openai
                )
    return spec, httpserver


def _landed(paths, source: str) -> pl.DataFrame:
    return pl.read_parquet(paths.activity / f"source={source}" / "**" / "*.parquet")


def test_pages_and_empty_buckets(api, paths):
    spec, server = api
    calls = []

    def handle(request: Request) -> Response:
        calls.append(request.args.get("page"))
        return _pages(spec, request)

    server.expect_request(spec.path).respond_with_handler(handle)
    results = ingest_source(spec.connector, paths, window=WINDOW)
    assert calls == [None, "cursor-2"]
    main = next(r for r in results if r.raw_records)
    assert main.days == (date(2026, 9, 1), date(2026, 9, 2), date(2026, 9, 3), date(2026, 9, 4))
    assert main.raw_records == 2 and main.rows_quarantined == 0
    assert set(_landed(paths, spec.connector.source).get_column("usage_date")) == {
        date(2026, 9, 1),
        date(2026, 9, 3),
    }


@pytest.mark.parametrize("status", [429, 500])
def test_transient_error_then_success(api, paths, status):
    spec, server = api
    calls = []

    def handle(request: Request) -> Response:
        calls.append(1)
        if len(calls) == 1:
            return Response("{}", status=status, headers={"Retry-After": "1"} if status == 429 else {})
        return _pages(spec, request)

    server.expect_request(spec.path).respond_with_handler(handle)
    ingest_source(spec.connector, paths, window=WINDOW)
    assert len(calls) == 3  # the failed call, then both pages
    assert _landed(paths, spec.connector.source).height > 0


def test_401_is_a_clear_config_error_without_the_key(api, paths):
    spec, server = api
    server.expect_request(spec.path).respond_with_json(
        {"error": {"message": "invalid x-api-key"}}, status=401
    )
    with pytest.raises(ConfigError) as err:
        ingest_source(spec.connector, paths, window=WINDOW)
    assert f"check {spec.key_env}" in str(err.value) and SECRET not in str(err.value)


def test_malformed_json_is_a_clear_error(api, paths):
    spec, server = api
    server.expect_request(spec.path).respond_with_data('{"data": [', content_type="application/json")
    with pytest.raises(VendorResponseError, match="malformed JSON"):
        ingest_source(spec.connector, paths, window=WINDOW)


def test_overlapping_rerun_duplicates_nothing(api, paths):
    spec, server = api
    server.expect_request(spec.path).respond_with_handler(lambda r: _pages(spec, r))
    ingest_source(spec.connector, paths, window=WINDOW)
    first = _landed(paths, spec.connector.source).sort("activity_id")
    ingest_source(spec.connector, paths, window=Window(date(2026, 9, 3), date(2026, 9, 6)))
    again = _landed(paths, spec.connector.source)
    assert again.get_column("activity_id").is_unique().all()
    # days 1-4 are unchanged, day 5 (a new result on the re-run's first day) was added
    assert again.filter(pl.col("usage_date") < date(2026, 9, 5)).height == first.height
