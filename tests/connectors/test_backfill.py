"""`ewh backfill`: chunked API re-fetch that resumes after a failure without duplicating rows."""

from __future__ import annotations

import polars as pl
from werkzeug import Request, Response

from ewh.cli import main
from tests.support.openai_pages import costs_day_pages as _page

DAY = 86400
SEP1 = 1788220800  # 2026-09-01


def test_backfill_resumes_after_a_failed_chunk_without_duplicates(httpserver, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("EWH_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("OPENAI_BASE_URL", httpserver.url_for("/v1"))
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-test")
    monkeypatch.setenv("EWH_HTTP_BACKOFF_FACTOR", "0.01")
    calls = []

    def flaky(request: Request) -> Response:
        calls.append(int(request.args["start_time"]))
        if int(request.args["start_time"]) == SEP1 + 2 * DAY and len(calls) < 10:
            return Response("down", status=503)
        return _page(request)

    httpserver.expect_request("/v1/organization/costs").respond_with_handler(flaky)
    args = [
        "backfill",
        "openai_costs",
        "--from",
        "2026-09-01",
        "--to",
        "2026-09-04",
        "--chunk-days",
        "2",
        "--no-build",
    ]
    assert main(args) == 1
    assert "stopped at 2026-09-03" in capsys.readouterr().err
    landed = tmp_path / "home" / "landing" / "activity" / "source=openai_costs"
    assert sorted(p.name for p in landed.glob("dataset=costs/*")) == [
        "usage_date=2026-09-01",
        "usage_date=2026-09-02",
    ]

    assert main(args) == 0  # resume: the same command again
    rows = pl.read_parquet(landed / "**" / "*.parquet")
    assert rows.height == 4 and rows.get_column("activity_id").is_unique().all()
    assert sorted(rows.get_column("usage_date").cast(pl.String)) == [
        "2026-09-01",
        "2026-09-02",
        "2026-09-03",
        "2026-09-04",
    ]
