"""OpenAI and Anthropic admin APIs against a real local HTTP server reproducing their documented responses.

Covers pagination, empty buckets, 429 + Retry-After, 500 then success, 401, malformed JSON, a failure
mid-pagination, and an overlapping re-run window, all through the production retry stack (urllib3).
"""

from __future__ import annotations

import json
import logging
import time
from datetime import date

import polars as pl
import pytest
from werkzeug import Request, Response

from connectors.anthropic import costs as anthropic_costs
from connectors.anthropic import usage as anthropic_usage
from connectors.core.http import ConfigError, VendorResponseError
from connectors.landing.ingest import Window, incremental_window, ingest_source
from connectors.landing.zone import read_manifest
from connectors.openai import costs as openai_costs
from connectors.openai import usage as openai_usage
from tests.support.http import fast_backoff  # noqa: F401  (autouse: short retry backoff)
from tests.support.openai_pages import usage_page

OPENAI_KEY = "sk-admin-TEST-SECRET-0123456789"
ANTHROPIC_KEY = "sk-ant-admin01-TEST-SECRET-9876543210"
DAY = 86400
SEP1 = 1788220800  # 2026-09-01T00:00:00Z


def _bucket(start: int, results: list[dict]) -> dict:
    return {"object": "bucket", "start_time": start, "end_time": start + DAY, "results": results}


def _completion(model: str, output: int, project: str = "proj_a") -> dict:
    return {
        "object": "organization.usage.completions.result",
        "input_tokens": 4 * output,
        "input_cached_tokens": output,
        "input_cache_write_tokens": 0,
        "input_uncached_tokens": 3 * output,
        "output_tokens": output,
        "num_model_requests": 3,
        "project_id": project,
        "user_id": None,
        "api_key_id": None,
        "model": model,
        "batch": False,
        "service_tier": "default",
    }


def _empty_page(request: Request) -> Response:
    start = int(request.args["start_time"])
    end = int(request.args["end_time"])
    data = [
        {"object": "bucket", "start_time": s, "end_time": s + DAY, "results": []}
        for s in range(start, end, DAY)
    ]
    return Response(
        json.dumps({"object": "page", "data": data, "has_more": False, "next_page": None}),
        content_type="application/json",
    )


@pytest.fixture
def openai_api(httpserver, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", httpserver.url_for("/v1"))
    monkeypatch.setenv("OPENAI_ADMIN_KEY", OPENAI_KEY)
    for dataset in openai_usage.DATASETS:
        if dataset != "completions":
            httpserver.expect_request(f"/v1/organization/usage/{dataset}").respond_with_handler(_empty_page)
    return httpserver


def _completions_handler(calls: list[Request], pages: dict[str | None, dict]):
    def handle(request: Request) -> Response:
        calls.append(request)
        assert request.headers["Authorization"] == f"Bearer {OPENAI_KEY}"
        return Response(json.dumps(pages[request.args.get("page")]), content_type="application/json")

    return handle


TWO_PAGES = {
    None: {
        "object": "page",
        "data": [_bucket(SEP1, [_completion("gpt-4o-mini-2024-07-18", 100)]), _bucket(SEP1 + DAY, [])],
        "has_more": True,
        "next_page": "page_AAAAAGdGxdEiJdKOAAAAAGcqsYA=",
    },
    "page_AAAAAGdGxdEiJdKOAAAAAGcqsYA=": {
        "object": "page",
        "data": [
            _bucket(
                SEP1 + 2 * DAY, [_completion("gpt-4o-mini-2024-07-18", 300), _completion("o3-2025-04-16", 50)]
            )
        ],
        "has_more": False,
        "next_page": None,
    },
}
WINDOW = Window(date(2026, 9, 1), date(2026, 9, 4))


def _landed(paths, source: str) -> pl.DataFrame:
    return pl.read_parquet(paths.activity / f"source={source}" / "**" / "*.parquet")


def test_openai_usage_pages_land_with_empty_days_and_query(openai_api, paths):
    calls: list[Request] = []
    openai_api.expect_request("/v1/organization/usage/completions").respond_with_handler(
        _completions_handler(calls, TWO_PAGES)
    )
    results = ingest_source(openai_usage.CONNECTOR, paths, window=WINDOW)

    assert [c.args.get("page") for c in calls] == [None, "page_AAAAAGdGxdEiJdKOAAAAAGcqsYA="]
    first = calls[0].args
    assert (first["start_time"], first["end_time"], first["bucket_width"]) == (
        str(SEP1),
        str(SEP1 + 3 * DAY),
        "1d",
    )
    assert first.getlist("group_by[]") == [
        "project_id",
        "user_id",
        "api_key_id",
        "model",
        "batch",
        "service_tier",
    ]
    completions = next(r for r in results if r.dataset == "completions")
    assert completions.days == (date(2026, 9, 1), date(2026, 9, 2), date(2026, 9, 3))
    assert completions.raw_records == 3 and completions.rows_quarantined == 0
    outputs = (
        _landed(paths, "openai_usage")
        .filter(pl.col("activity_type") == "llm_output_tokens")
        .group_by("usage_date")
        .agg(pl.col("quantity").sum())
        .sort("usage_date")
        .rows()
    )
    assert outputs == [(date(2026, 9, 1), 100.0), (date(2026, 9, 3), 350.0)]
    # the archived raw export is exactly the two pages the server sent
    archived = json.loads((paths.landing / f"raw/openai_usage/{completions.source_sha256}.json").read_text())
    assert archived == [TWO_PAGES[None], TWO_PAGES["page_AAAAAGdGxdEiJdKOAAAAAGcqsYA="]]


def test_overlapping_rerun_replaces_days_without_duplicates(openai_api, paths):
    calls: list[Request] = []
    openai_api.expect_request("/v1/organization/usage/completions").respond_with_handler(
        _completions_handler(calls, TWO_PAGES)
    )
    ingest_source(openai_usage.CONNECTOR, paths, window=WINDOW)
    before = _landed(paths, "openai_usage").height
    # the vendor revised 2026-09-03; a run over 2026-09-02..03 replaces those days only
    revised = {
        None: {
            "object": "page",
            "has_more": False,
            "next_page": None,
            "data": [
                _bucket(SEP1 + DAY, []),
                _bucket(SEP1 + 2 * DAY, [_completion("gpt-4o-mini-2024-07-18", 300)]),
            ],
        }
    }
    calls2: list[Request] = []
    openai_api.handlers.clear()
    for dataset in openai_usage.DATASETS:
        if dataset != "completions":
            openai_api.expect_request(f"/v1/organization/usage/{dataset}").respond_with_handler(_empty_page)
    openai_api.expect_request("/v1/organization/usage/completions").respond_with_handler(
        _completions_handler(calls2, revised)
    )
    ingest_source(openai_usage.CONNECTOR, paths, window=Window(date(2026, 9, 2), date(2026, 9, 4)))
    landed = _landed(paths, "openai_usage")
    assert landed.get_column("activity_id").is_unique().all()
    assert landed.height == before - 5  # the o3 record (5 rows) disappeared from the revised day
    outputs = dict(
        landed.filter(pl.col("activity_type") == "llm_output_tokens")
        .group_by("usage_date")
        .agg(pl.col("quantity").sum())
        .rows()
    )
    assert outputs == {date(2026, 9, 1): 100.0, date(2026, 9, 3): 300.0}


def test_429_with_retry_after_then_success(openai_api, paths):
    attempts: list[float] = []

    def handle(request: Request) -> Response:
        attempts.append(time.monotonic())
        if len(attempts) == 1:
            return Response(
                json.dumps({"error": {"message": "Rate limit reached", "type": "rate_limit"}}),
                status=429,
                headers={"Retry-After": "1"},
                content_type="application/json",
            )
        return Response(
            json.dumps(TWO_PAGES["page_AAAAAGdGxdEiJdKOAAAAAGcqsYA="]), content_type="application/json"
        )

    openai_api.expect_request("/v1/organization/usage/completions").respond_with_handler(handle)
    results = ingest_source(openai_usage.CONNECTOR, paths, window=WINDOW)
    assert len(attempts) == 2
    assert attempts[1] - attempts[0] >= 0.95  # Retry-After honoured
    assert next(r for r in results if r.dataset == "completions").rows_landed == 10


def test_500_then_success(openai_api, paths):
    attempts = []

    def handle(request: Request) -> Response:
        attempts.append(1)
        if len(attempts) == 1:
            return Response("upstream error", status=500)
        return Response(
            json.dumps(TWO_PAGES["page_AAAAAGdGxdEiJdKOAAAAAGcqsYA="]), content_type="application/json"
        )

    openai_api.expect_request("/v1/organization/usage/completions").respond_with_handler(handle)
    ingest_source(openai_usage.CONNECTOR, paths, window=WINDOW)
    assert len(attempts) == 2


def test_401_fails_at_once_naming_the_variable_never_the_key(openai_api, paths, caplog):
    attempts = []

    def handle(request: Request) -> Response:
        attempts.append(1)
        return Response(
            json.dumps({"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}}),
            status=401,
            content_type="application/json",
        )

    openai_api.expect_request("/v1/organization/usage/completions").respond_with_handler(handle)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ConfigError) as err:
        ingest_source(openai_usage.CONNECTOR, paths, window=WINDOW)
    assert len(attempts) == 1
    assert "check OPENAI_ADMIN_KEY" in str(err.value) and "401" in str(err.value)
    assert OPENAI_KEY not in str(err.value) and OPENAI_KEY not in caplog.text
    assert read_manifest(paths).height == 0


def test_missing_key_with_an_explicit_window_is_a_config_error(openai_api, paths, monkeypatch):
    monkeypatch.delenv("OPENAI_ADMIN_KEY")
    with pytest.raises(ConfigError, match="OPENAI_ADMIN_KEY is not set"):
        ingest_source(openai_usage.CONNECTOR, paths, window=WINDOW)
    # without a window and without a key, the API is simply not configured: nothing is fetched
    assert ingest_source(openai_usage.CONNECTOR, paths) == []


def test_malformed_json_is_a_clear_error(openai_api, paths):
    openai_api.expect_request("/v1/organization/usage/completions").respond_with_data(
        '{"object": "page", "data": [', content_type="application/json"
    )
    with pytest.raises(VendorResponseError, match=r"organization/usage/completions returned malformed JSON"):
        ingest_source(openai_usage.CONNECTOR, paths, window=WINDOW)


def test_failure_mid_pagination_lands_nothing_of_that_report(openai_api, paths):
    def handle(request: Request) -> Response:
        if request.args.get("page"):
            return Response("bad gateway", status=502)
        return Response(json.dumps(TWO_PAGES[None]), content_type="application/json")

    openai_api.expect_request("/v1/organization/usage/completions").respond_with_handler(handle)
    with pytest.raises(VendorResponseError, match=r"organization/usage/completions returned 502"):
        ingest_source(openai_usage.CONNECTOR, paths, window=WINDOW)
    assert not list((paths.activity / "source=openai_usage").glob("dataset=completions/*"))


def test_incremental_window_starts_after_the_last_landed_day_minus_lookback(openai_api, paths):
    calls: list[Request] = []
    openai_api.expect_request("/v1/organization/usage/completions").respond_with_handler(
        _completions_handler(calls, TWO_PAGES)
    )
    ingest_source(openai_usage.CONNECTOR, paths, window=WINDOW)
    window = incremental_window(paths, "openai_usage", today=date(2026, 9, 10), lookback_days=2)
    assert window == Window(date(2026, 9, 2), date(2026, 9, 10))
    assert incremental_window(paths, "anthropic_usage", today=date(2026, 9, 10), initial_days=5) == Window(
        date(2026, 9, 5), date(2026, 9, 10)
    )


def test_openai_costs_api_lands_spend_in_dollars(httpserver, monkeypatch, paths):
    monkeypatch.setenv("OPENAI_BASE_URL", httpserver.url_for("/v1"))
    monkeypatch.setenv("OPENAI_ADMIN_KEY", OPENAI_KEY)
    page = usage_page(
        (
            SEP1,
            [
                {
                    "object": "organization.costs.result",
                    "amount": {"value": 0.12744, "currency": "usd"},
                    "line_item": "ft-gpt-4o-2024-08-06, input",
                    "project_id": "proj_hNhhQzyYu7HxySZWs7cA3Ugu",
                    "api_key_id": None,
                    "quantity": 50976.0,
                    "quantity_unit": "tokens",
                    "organization_id": "org-GLHrIv00VVN9dEQC2b4wsBkf",
                },
                {
                    "object": "organization.costs.result",
                    "amount": {"value": 0.000271, "currency": "usd"},
                    "line_item": "assistants api | file search",
                    "project_id": "proj_L67gOme4S2nBA8aQieEOwLy7",
                    "api_key_id": None,
                    "quantity": None,
                    "quantity_unit": None,
                    "organization_id": "org-GLHrIv00VVN9dEQC2b4wsBkf",
                },
            ],
        )
    )
    httpserver.expect_request("/v1/organization/costs").respond_with_json(page)
    (result,) = ingest_source(
        openai_costs.CONNECTOR, paths, window=Window(date(2026, 9, 1), date(2026, 9, 2))
    )
    assert (result.rows_in, result.rows_landed, result.dataset) == (2, 2, "costs")
    rows = _landed(paths, "openai_costs").sort("quantity", descending=True)
    assert rows.select("activity_type", "unit", "quantity", "cost_currency", "model", "project").rows() == [
        # a line stating its token quantity lands as tokens, its dollars as cost (issue #13 class 2)
        ("llm_input_tokens", "tokens", 50976.0, "USD", "gpt-4o", "proj_hNhhQzyYu7HxySZWs7cA3Ugu"),
        ("spend", "currency", 0.000271, "USD", None, "proj_L67gOme4S2nBA8aQieEOwLy7"),
    ]
    assert float(rows.item(0, "cost_amount")) == pytest.approx(0.12744)
    assert json.loads(rows.item(0, "attributes"))["quantity_unit"] == "tokens"


@pytest.fixture
def anthropic_api(httpserver, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_BASE_URL", httpserver.url_for("/"))
    monkeypatch.setenv("ANTHROPIC_ADMIN_KEY", ANTHROPIC_KEY)
    return httpserver


def test_anthropic_usage_sends_admin_headers_and_paginates(anthropic_api, paths):
    seen: list[Request] = []
    first = {
        "data": [
            {
                "starting_at": "2026-09-01T00:00:00Z",
                "ending_at": "2026-09-02T00:00:00Z",
                "results": [
                    {
                        "uncached_input_tokens": 1500,
                        "cache_creation": {
                            "ephemeral_1h_input_tokens": 1000,
                            "ephemeral_5m_input_tokens": 500,
                        },
                        "cache_read_input_tokens": 200,
                        "output_tokens": 500,
                        "server_tool_use": {"web_search_requests": 10},
                        "api_key_id": None,
                        "workspace_id": "wrkspc_01",
                        "model": "claude-sonnet-4-5-20250929",
                        "service_tier": "standard",
                        "context_window": "0-200k",
                        "inference_geo": "us",
                    }
                ],
            }
        ],
        "has_more": True,
        "next_page": "page_MjAyNi0wOS0wMlQwMDowMDowMFo=",
    }
    second = {
        "data": [{"starting_at": "2026-09-02T00:00:00Z", "ending_at": "2026-09-03T00:00:00Z", "results": []}],
        "has_more": False,
        "next_page": None,
    }

    def handle(request: Request) -> Response:
        seen.append(request)
        assert request.headers["x-api-key"] == ANTHROPIC_KEY
        assert request.headers["anthropic-version"] == "2023-06-01"
        return Response(
            json.dumps(second if request.args.get("page") else first), content_type="application/json"
        )

    anthropic_api.expect_request("/v1/organizations/usage_report/messages").respond_with_handler(handle)
    (result,) = ingest_source(
        anthropic_usage.CONNECTOR, paths, window=Window(date(2026, 9, 1), date(2026, 9, 3))
    )
    assert [r.args.get("page") for r in seen] == [None, "page_MjAyNi0wOS0wMlQwMDowMDowMFo="]
    assert seen[0].args["starting_at"] == "2026-09-01T00:00:00Z"
    assert seen[0].args.getlist("group_by[]")[-1] == "inference_geo"
    # 5 token rows and the web-search count (its own activity since issue #13)
    assert (result.rows_landed, result.days) == (6, (date(2026, 9, 1), date(2026, 9, 2)))
    assert set(_landed(paths, "anthropic_usage").get_column("country")) == {"USA"}


def test_anthropic_cost_report_cents_become_dollars(anthropic_api, paths):
    page = {
        "data": [
            {
                "starting_at": "2026-09-01T00:00:00Z",
                "ending_at": "2026-09-02T00:00:00Z",
                "results": [
                    {
                        "currency": "USD",
                        "amount": "123.78912",
                        "workspace_id": "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ",
                        "description": "Claude Sonnet 4 Usage - Input Tokens",
                        "cost_type": "tokens",
                        "context_window": "0-200k",
                        "model": "claude-sonnet-4-20250514",
                        "service_tier": "standard",
                        "token_type": "uncached_input_tokens",
                    },
                    {
                        "currency": "USD",
                        "amount": "1500",
                        "workspace_id": None,
                        "description": "Web Search",
                        "cost_type": "web_search",
                        "context_window": None,
                        "model": None,
                        "service_tier": None,
                        "token_type": None,
                    },
                ],
            }
        ],
        "has_more": False,
        "next_page": None,
    }
    anthropic_api.expect_request("/v1/organizations/cost_report").respond_with_json(page)
    ingest_source(anthropic_costs.CONNECTOR, paths, window=Window(date(2026, 9, 1), date(2026, 9, 2)))
    rows = _landed(paths, "anthropic_costs").sort("quantity")
    assert rows.select("quantity", "cost_currency", "model").rows() == [
        (pytest.approx(1.2378912), "USD", "claude-sonnet-4"),
        (15.0, "USD", None),
    ]
    assert json.loads(rows.item(1, "attributes"))["cost_type"] == "web_search"


def test_anthropic_rate_limit_error_body_then_success(anthropic_api, paths):
    calls = []
    empty_day = {
        "data": [{"starting_at": "2026-09-01T00:00:00Z", "ending_at": "2026-09-02T00:00:00Z", "results": []}],
        "has_more": False,
        "next_page": None,
    }

    def handle(request: Request) -> Response:
        calls.append(1)
        if len(calls) == 1:
            body = {
                "type": "error",
                "error": {"type": "rate_limit_error", "message": "Number of requests exceeded"},
            }
            return Response(
                json.dumps(body), status=429, headers={"retry-after": "1"}, content_type="application/json"
            )
        return Response(json.dumps(empty_day), content_type="application/json")

    anthropic_api.expect_request("/v1/organizations/cost_report").respond_with_handler(handle)
    (result,) = ingest_source(
        anthropic_costs.CONNECTOR, paths, window=Window(date(2026, 9, 1), date(2026, 9, 2))
    )
    assert len(calls) == 2
    assert (result.rows_in, result.days) == (0, (date(2026, 9, 1),))
