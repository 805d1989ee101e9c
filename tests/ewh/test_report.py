"""``ewh report``: the HTML carries the marts' numbers, is self-contained, and draws in a real browser.

The warehouse side is queried here directly (independently of ``ewh/report/data.py``), the
report's numbers are read back from the JSON block and the ``data-*`` attributes it embeds, and the
file is opened in headless Chromium (Debian package, driven by Selenium) with the network log on.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import duckdb
import pytest

from ewh.cli import main
from factors.release import seed_path

pytestmark = pytest.mark.slow

QUARTER = "2026Q3"
NEXT = "2026Q4"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
EQUIVALENTS_SEED = seed_path("factor_equivalents")
# the bundled samples give every chart data: trend, channel, vendor, model, business unit,
# drivers, uncertainty, data quality, savings, transparency (page order)
EXPECTED_CHARTS = [
    "trend",
    "channel",
    "vendor",
    "model",
    "business_unit",
    "drivers",
    "uncertainty",
    "quality",
    "savings",
    "transparency",
]
MEASURES = ["energy_kwh", "co2e_location_kg", "co2e_market_kg", "co2e_embodied_kg", "water_l"]
REL = 1e-9


def _payload(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="ewh-report-data">(.*?)</script>', html, re.S)
    assert match, "the report embeds no JSON block"
    return json.loads(match.group(1))


@pytest.fixture(scope="module")
def reports(pipeline_home: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    """``ewh report`` for the two sample quarters, through the real command line."""
    out_dir = tmp_path_factory.mktemp("report")
    written = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EWH_HOME", str(pipeline_home))
        mp.delenv("EWH_WAREHOUSE_PATH", raising=False)
        for quarter in (QUARTER, NEXT):
            out = out_dir / f"report-{quarter}.html"
            assert main(["report", "--quarter", quarter, "--out", str(out)]) == 0
            written[quarter] = (out, out.read_text(encoding="utf-8"))
    return written


@pytest.fixture(scope="module")
def warehouse(pipeline_home: Path):
    con = duckdb.connect(str(pipeline_home / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()


def _mart_totals(con: duckdb.DuckDBPyConnection, quarter: str) -> dict[str, float]:
    cols = ", ".join(f"sum({m}{s}) as {m}{s}" for m in MEASURES for s in ("_low", "", "_high"))
    frame = con.sql(f"select {cols} from mart_quarterly_emissions where quarter = $q", params={"q": quarter})
    return frame.pl().to_dicts()[0]


def test_headline_equals_mart_sums(reports, warehouse):
    for quarter in (QUARTER, NEXT):
        _, html = reports[quarter]
        payload = _payload(html)
        expected = _mart_totals(warehouse, quarter)
        attrs = {
            m: (float(v), float(lo), float(hi))
            for m, v, lo, hi in re.findall(
                r'data-measure="(\w+)" data-value="([^"]+)" data-low="([^"]+)"\s+data-high="([^"]+)"', html
            )
        }
        assert set(attrs) == set(MEASURES)
        for m in MEASURES:
            figure = payload["headline"][m]
            for key, suffix in (("central", ""), ("low", "_low"), ("high", "_high")):
                assert figure[key] == pytest.approx(expected[f"{m}{suffix}"], rel=REL), (quarter, m, key)
            assert attrs[m] == pytest.approx(
                (expected[m], expected[f"{m}_low"], expected[f"{m}_high"]), rel=REL
            )
    # change vs the previous quarter: 2026Q4 against 2026Q3; 2026Q3 has none (2026Q2 is not loaded)
    q3, q4 = _mart_totals(warehouse, QUARTER), _mart_totals(warehouse, NEXT)
    change = _payload(reports[NEXT][1])["headline"]["co2e_location_kg"]["change"]
    assert change == pytest.approx((q4["co2e_location_kg"] - q3["co2e_location_kg"]) / q3["co2e_location_kg"])
    assert _payload(reports[QUARTER][1])["headline"]["energy_kwh"]["change"] is None
    assert "no earlier quarter to compare" in reports[QUARTER][1]


def test_spend_is_the_cost_behind_the_rows_in_usd(reports, warehouse):
    expected = warehouse.sql(
        """
        select sum(cast(i.cost_amount as double) * fx.usd_per_unit)
        from fct_activity_impacts as i join factor_currency as fx on fx.currency = i.cost_currency
        where i.quarter = $q
        """,
        params={"q": QUARTER},
    ).fetchall()[0][0]
    assert _payload(reports[QUARTER][1])["spend"]["total_usd"] == pytest.approx(expected, rel=REL)


def test_breakdowns_sum_to_the_headline(reports, warehouse):
    payload = _payload(reports[QUARTER][1])
    headline = payload["headline"]
    assert set(payload["breakdowns"]) == {"channel", "vendor", "model", "business_unit"}
    # the share of a row is its location-based CO2e over the quarter's total from the mart (queried here)
    mart_co2e = _mart_totals(warehouse, QUARTER)["co2e_location_kg"]
    for name, rows in payload["breakdowns"].items():
        for m in ("co2e_location_kg", "energy_kwh", "water_l", "co2e_market_kg"):
            total = sum(r[m] or 0 for r in rows)
            assert total == pytest.approx(headline[m]["central"], rel=1e-9), (name, m)
        for r in rows:
            assert r["share"] == pytest.approx(r["co2e_location_kg"] / mart_co2e, rel=REL), (name, r["label"])
    # channel: ad delivery is exactly the ad mart, AI is the rest
    ads = warehouse.sql(
        "select sum(co2e_location_kg) from mart_quarterly_ad_emissions where quarter = $q",
        params={"q": QUARTER},
    ).fetchall()[0][0]
    channel = {r["label"]: r["co2e_location_kg"] for r in payload["breakdowns"]["channel"]}
    assert channel["Advertising: ad delivery (GMSF)"] == pytest.approx(ads, rel=REL)
    # creative tools are their own channel (seed activity_channels): exactly their sources' rows (#18)
    tools = warehouse.sql(
        "select sum(co2e_location_kg) from fct_activity_impacts"
        " where quarter = $q and vendor in ('elevenlabs', 'jasper', 'adobe')",
        params={"q": QUARTER},
    ).fetchall()[0][0]
    assert channel["AI tools (creative)"] == pytest.approx(tools, rel=REL)
    assert payload["ad_delivery_mart_kgco2e"] == pytest.approx(ads, rel=REL)
    # business units straight from their mart, "unallocated" included
    units = dict(
        warehouse.sql(
            "select business_unit, sum(co2e_location_kg) from mart_quarterly_business_units"
            " where quarter = $q group by 1",
            params={"q": QUARTER},
        ).fetchall()
    )
    reported = {r["label"]: r["co2e_location_kg"] for r in payload["breakdowns"]["business_unit"]}
    assert "unallocated" in reported
    assert reported == pytest.approx(units, rel=REL)
    # one data-quality figure: the fallback tiers of the tier table (docs/methodology.md "Hierarchy") make
    # up the mart's fallback share, recomputed here from the rows; the report prints the primary-data share
    ((by_hand,),) = warehouse.sql(
        "select sum(case when method_tier in ('size_tier', 'unknown_model', 'spend_based', 'no_factor',"
        " 'seat_active_user_day')"
        " then co2e_location_kg + coalesce(co2e_embodied_kg, 0) else 0 end)"
        " / sum(co2e_location_kg + coalesce(co2e_embodied_kg, 0))"
        " from fct_activity_impacts where quarter = $q",
        params={"q": QUARTER},
    ).fetchall()
    tiers = {r["method_tier"]: r for r in payload["method_tiers"]}
    fallback = sum(r["share"] for r in tiers.values() if r["fallback"] == "yes")
    assert 0 < by_hand < 1 and fallback == pytest.approx(by_hand, rel=REL)
    assert payload["data_quality"]["fallback_share"] == pytest.approx(by_hand, rel=REL)
    assert payload["data_quality"]["primary_data_share"] == pytest.approx(1 - by_hand, rel=REL)
    assert f"share: {1 - by_hand:.0%}</strong>" in reports[QUARTER][1]


def test_equivalents_are_figure_divided_by_the_cited_factor(reports):
    html = reports[QUARTER][1]
    payload = _payload(html)
    with EQUIVALENTS_SEED.open(newline="") as f:
        seed = {row["factor_id"]: row for row in csv.DictReader(f)}
    shown = {e["factor_id"]: e for e in payload["equivalents"]}
    assert set(shown) == set(seed), "every cited equivalent valid in the quarter is shown"
    for factor_id, row in seed.items():
        measure = {"energy": "energy_kwh", "carbon": "co2e_location_kg", "water": "water_l"}[
            factor_id.split(".")[1]
        ]
        figure = payload["headline"][measure]
        eq = shown[factor_id]
        assert eq["count"] == pytest.approx(figure["central"] / float(row["value"]), rel=REL)
        assert eq["count_low"] == pytest.approx(figure["low"] / float(row["value"]), rel=REL)
        assert eq["count_high"] == pytest.approx(figure["high"] / float(row["value"]), rel=REL)
        # beside the figure (data attribute), and with its citation and caveat on the page
        attr = re.search(rf'data-equivalent="{re.escape(factor_id)}" data-count="([^"]+)"', html)
        assert attr and float(attr.group(1)) == pytest.approx(eq["count"], rel=REL)
        assert row["source_url"] in html
        assert _text(row["note"][:60]) in html


def _text(s: str) -> str:
    return (
        s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def test_methodology_cites_every_factor_used(reports, warehouse, pipeline_home):
    html = reports[QUARTER][1]
    release = warehouse.sql(
        "select factor_release, factor_release_sha256 from meta_factor_release"
    ).fetchall()[0]
    assert release[0] in html and release[1] in html
    used = [
        r[0]
        for r in warehouse.sql(
            """
            select distinct unnest([model_factor_id, activity_factor_id, provider_factor_id, grid_factor_id,
                                    water_factor_id, market_factor_id]) as id
            from fct_activity_impacts where quarter = $q
            """,
            params={"q": QUARTER},
        ).fetchall()
        if r[0]
    ]
    assert used
    for factor_id in used:
        assert factor_id in html, f"factor {factor_id} used in {QUARTER} is not cited"
    for tier in warehouse.sql(
        "select distinct method_tier from fct_activity_impacts where quarter = $q and method_tier <>"
        " 'counted_in_impressions'",
        params={"q": QUARTER},
    ).fetchall():
        assert f"<td>{tier[0]}</td>" in html
    for caveat in ("Location-based vs market-based", "Advertising (GMSF)", "Spend-based (EEIO)"):
        assert caveat in html


def test_bad_quarter_names_the_quarters_available(pipeline_home, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("EWH_HOME", str(pipeline_home))
    monkeypatch.delenv("EWH_WAREHOUSE_PATH", raising=False)
    out = tmp_path / "r.html"
    assert main(["report", "--quarter", "2026Q2", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "no data for 2026Q2" in err and "2026Q3, 2026Q4" in err, err
    # a malformed quarter is a usage error, refused before the warehouse is opened
    assert main(["report", "--quarter", "2026-Q3", "--out", str(out)]) == 2
    assert "quarter must look like 2026Q3, not '2026-Q3'" in capsys.readouterr().err
    assert not out.exists()


def test_missing_warehouse_says_to_run(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("EWH_HOME", str(tmp_path / "empty"))
    monkeypatch.delenv("EWH_WAREHOUSE_PATH", raising=False)
    assert main(["report", "--quarter", QUARTER, "--out", str(tmp_path / "r.html")]) == 2
    assert "run `ewh run` first" in capsys.readouterr().err


def test_self_contained(reports):
    for _, html in reports.values():
        lowered = html.lower()
        assert not re.search(r"<script[^>]*\bsrc\s*=", lowered), "external script"
        assert not re.search(r"<link[^>]*\bhref\s*=\s*[\"']?(https?:)?//", lowered), "external stylesheet"
        assert not re.search(r"url\(\s*[\"']?\s*(https?:)?//", lowered), "remote url() in CSS"
        assert "@import" not in lowered
        assert not re.search(
            r"<(img|iframe|object|embed|video|audio|source)[^>]*\bsrc\s*=\s*[\"']?https?:", lowered
        )
        assert not re.search(r"\bxlink:href\s*=\s*[\"']https?:", lowered)
        assert "<script" not in lowered.replace('<script type="application/json" id="ewh-report-data">', "")


# ------------------------------------------------------------------------------------------------------
# Headless Chromium


@pytest.fixture(scope="session")
def chromium() -> tuple[Path, Path]:
    """Debian's Chromium and chromedriver; `make test` installs them (target `chromium`), no test does."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} missing: run `make chromium` (apt-get install chromium chromium-driver)"
        )
    return CHROMIUM, CHROMEDRIVER


@pytest.fixture
def browser(chromium, tmp_path, monkeypatch):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    monkeypatch.setenv("SE_OFFLINE", "true")  # Selenium Manager must never download a driver
    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium[0])
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--window-size=1280,1000",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(chromium[1])), options=options)
    yield driver
    driver.quit()


def _non_blank(png: bytes) -> tuple[int, float]:
    """Distinct colours and the share of pixels darker than near-white."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 24) or []
    grey = image.convert("L").point(lambda v: 255 if v < 235 else 0)
    inked = grey.histogram()[255] / (image.width * image.height)
    return len(colours), inked


def test_report_draws_in_headless_chromium(reports, browser, tmp_path):
    from selenium.webdriver.common.by import By

    path, html = reports[QUARTER]
    payload = _payload(html)
    assert payload["charts"] == EXPECTED_CHARTS
    browser.get(path.as_uri())
    assert browser.execute_script("return document.readyState") == "complete"
    assert browser.title.startswith("AI and advertising footprint")

    figures = browser.find_elements(By.CSS_SELECTOR, "figure.chart")
    assert [f.get_attribute("data-chart") for f in figures] == EXPECTED_CHARTS
    for figure in figures:
        name = figure.get_attribute("data-chart")
        svg = figure.find_element(By.TAG_NAME, "svg")
        assert svg.get_attribute("aria-label"), f"{name}: chart has no accessible name"
        marks = svg.find_elements(By.CSS_SELECTOR, "path, rect, use")
        assert len(marks) > 10, f"{name}: only {len(marks)} drawn marks"
        size = svg.size
        assert size["width"] > 400 and size["height"] > 120, f"{name}: rendered {size}"
        colours, inked = _non_blank(svg.screenshot_as_png)
        assert colours > 8 and inked > 0.02, f"{name}: looks blank ({colours} colours, {inked:.1%} inked)"
        # every chart has the table of its numbers right after it
        assert figure.find_element(By.XPATH, "following-sibling::*[1]").tag_name == "table", name

    # the one data-quality figure and the per-source coverage are on the page, visible (issue #17)
    dq = browser.find_element(By.CSS_SELECTOR, "p.dq-figure")
    assert dq.is_displayed() and dq.size["height"] > 0 and "Primary-data share:" in dq.text
    coverage = browser.find_element(By.CSS_SELECTOR, "details.coverage table")
    assert coverage.is_displayed() and coverage.size["height"] > 0
    assert "anthropic_usage" in coverage.text and "days missing" in coverage.text

    metrics = browser.execute_cdp_cmd("Page.getLayoutMetrics", {})
    content = metrics["cssContentSize"]
    shot = browser.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": content["width"], "height": content["height"], "scale": 1},
        },
    )
    import base64

    screenshot = tmp_path / f"report-{QUARTER}-full.png"
    screenshot.write_bytes(base64.b64decode(shot["data"]))
    print(f"full-page screenshot: {screenshot}")
    colours, inked = _non_blank(screenshot.read_bytes())
    assert colours > 50 and inked > 0.03

    # every request made on behalf of the report's document (Chromium's own start-up pages, e.g. its
    # chrome:// new-tab page, load in the same tab before navigation and are not the report's)
    sent = [
        m["params"]
        for m in (json.loads(entry["message"])["message"] for entry in browser.get_log("performance"))
        if m["method"] == "Network.requestWillBeSent"
    ]
    requested = [p["request"]["url"] for p in sent if p.get("documentURL") == path.as_uri()]
    assert path.as_uri() in requested, f"the report's own load is not in the log: {requested}"
    outside = [u for u in requested if not u.startswith(("file://", "data:", "blob:", "about:"))]
    assert not outside, f"the report requested {outside}"


def test_the_body_speaks_to_an_esg_lead_without_internal_codes(reports):
    """Issue #17 item 9: method tiers by their labels, no "worst dq"; the codes stay in the methodology."""
    html = reports[QUARTER][1]
    body = html.split('<section id="headline"', 1)[1].split('<section id="method"', 1)[0]
    for code in ("size_tier", "unknown_model", "counted_in_impressions", "model_specific", "worst dq"):
        assert code not in body, code
    assert "<strong>S</strong> taken from a secondary source" in body  # the status letters are explained
    appendix = html.split('<section id="method"', 1)[1]
    assert "<code>unknown_model</code>" in appendix or "<td>unknown_model</td>" in appendix


def test_the_header_says_whether_the_quarter_is_open_closed_or_restated(reports):
    """Issue #15 fault 6: the sample quarters are not closed, so the marker says open (closed and restated
    quarters: tests/ewh/test_summary_status.py, same ``quarter_status``)."""
    for _, html in reports.values():
        assert 'Quarter status: <strong class="quarter-status">open</strong>' in html
