"""DV360, Microsoft Advertising and Amazon Ads through ``ewh run`` into the ad facts, the quarterly ad mart
and the report (#19), each figure against the Ad Net Zero GMSF digital method computed here by hand.

Constants as published in the IAB Europe / Ad Net Zero GMSF digital methodology
(github.com/iabeurope-beis/digital-ad-emissions, docs/methodology.md at commit 19f3799, 2026-01-06,
CC-BY-4.0):
server use 3.41e-7 kWh and embodied 1.50e-8 kg per ad opportunity and server; 3 KB per RTB call; fixed
network 1.65e-5 kWh and 2.14e-6 kg per MB, mobile 1.17e-4 kWh and 8.70e-6 kg per MB, CDN 4.30e-7 kWh and
5.88e-7 kg per MB; display payload 0.25 MB + 0.05 MB overhead, 3 s in view; servers/calls per ads.txt line
for display 1.412 / 1.464, the conservative 3,000 lines without ads.txt; end-to-end platforms 500 servers
and 0 calls; devices (kWh/s, kg/s, default share) mobile 1.30e-6 / 6.55e-6 / 0.61, tablet 1.40e-6 /
2.57e-5 / 0.04, PC 1.54e-5 / 5.45e-6 / 0.18, TV 3.80e-5 / 8.65e-6 / 0.17; Teads connection splits Europe
0.7431 / 0.2569, North America 0.8608 / 0.1392; foreign grids Europe 0.250, North America 0.378, global
0.376 (used alone when the country is unknown); selection on 50 % local + 50 % foreign grid.
Grids: Ember 2024 (CO2.js average-intensities.json): DEU 0.34206, USA 0.38355, World 0.47294.

Each expected figure below is that arithmetic written out, not read from the warehouse's seeds or SQL.
"""

from __future__ import annotations

import json
import re

import pytest

from connectors.core.config import Paths
from tests.support.warehouse import query_rows

pytestmark = pytest.mark.slow

QUARTER = "2026Q3"


def _rows(home, sql: str, params: dict | None = None) -> list[dict]:
    return query_rows(Paths(home).warehouse, sql, params)


def _ad(home, where: str) -> dict:
    rows = _rows(home, f"select * from fct_ad_impacts where impressions > 0 and {where}")
    assert len(rows) == 1, (where, len(rows))
    return rows[0]


# (description, where, impressions, kWh, location kgCO2e, embodied kgCO2e, buy type, defaults used)
CASES = [
    (
        # selection 3000 x 1.412 x 3.41e-7 + 3000 x 1.464 x 0.003 x 1.65e-5 = 1.66188e-3 kWh;
        # delivery 0.30 x (0.7431 x 1.65e-5 + 0.2569 x 1.17e-4 + 4.30e-7) = 1.2824535e-5 kWh;
        # device 3 x 1.30e-6 = 3.9e-6 kWh; x 100,000 = 167.8604535 kWh.
        # CO2e: 1.66188e-3 x (0.5 x 0.34206 + 0.5 x 0.250) + (1.2824535e-5 + 3.9e-6) x 0.34206, x 1e5
        "DV360 open-web display, no ads.txt input, phone, Germany",
        "source = 'dv360' and placement = '7001'",
        100_000,
        167.8604535,
        49.76871308421,
        11.27106192,
        "programmatic",
        "payload,ads_txt_lines,view_time",
    ),
    (
        # the GMSF worked example's supply path: 150 lines -> 211.8 servers, 219.6 calls (ad_campaign_inputs)
        # selection 211.8 x 3.41e-7 + 219.6 x 0.003 x 1.65e-5 = 8.309418e-5 kWh; device 3 x 1.54e-5
        "DV360 display with 150 ads.txt lines declared, computer, Germany",
        "source = 'dv360' and placement = '7005'",
        100_000,
        14.2118535,
        4.47882492621,
        2.22608112,
        "programmatic",
        "payload,view_time",
    ),
    (
        # end-to-end: 500 x 3.41e-7 = 1.705e-4 kWh; delivery on the North America split; PC 3 s
        "Microsoft Advertising search, computer, United States",
        "source = 'microsoft_ads' and usage_date = '2026-09-01' and device = 'desktop'",
        40_000,
        9.0390352,
        3.44799645096,
        0.997693824,
        "end_to_end",
        "payload,view_time,format_as_display",
    ),
    (
        # 3,000 lines, the default device mix (3 s x 7.589e-6 kWh/s), North America split, USA grid
        "Amazon DSP display, no device, United States",
        "source = 'amazon_ads' and campaign_id = '5823104402101' and usage_date = '2026-09-01'",
        250_000,
        425.34972,
        161.989955856,
        28.8134964,
        "programmatic",
        "payload,ads_txt_lines,view_time,device_mix",
    ),
    (
        # end-to-end, no country: selection on the global foreign grid alone, the rest on World; Europe split
        "Amazon Sponsored Products, no country, no device",
        "source = 'amazon_ads' and campaign_id = '144914488051357' and usage_date = '2026-09-01'",
        52_000,
        11.10551182,
        4.3927707201508,
        1.6249469184,
        "end_to_end",
        "payload,view_time,device_mix,format_as_display,country",
    ),
]


@pytest.mark.parametrize(
    ("where", "impressions", "kwh", "co2e", "embodied", "buy_type", "defaults"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_delivery_record_equals_the_gmsf_method_by_hand(
    pipeline_home, where, impressions, kwh, co2e, embodied, buy_type, defaults
):
    ad = _ad(pipeline_home, where)
    assert ad["impressions"] == impressions
    assert ad["buy_type"] == buy_type
    assert ad["defaults_used"] == defaults
    assert ad["energy_kwh"] == pytest.approx(kwh, rel=1e-9)
    assert ad["co2e_location_kg"] == pytest.approx(co2e, rel=1e-9)
    assert ad["co2e_embodied_kg"] == pytest.approx(embodied, rel=1e-9)


def test_dsp_display_without_ads_txt_matches_the_published_derived_default(pipeline_home):
    """The research notes' table of per-1,000 figures derived from the GMSF constants (factors.md §4.4,
    status D: a derivation done apart from this code), "Display, programmatic, no ads.txt (3,000 lines),
    default device mix", US: 1.70 kWh and 763 gCO2e (location + embodied) per 1,000 impressions."""
    ad = _ad(
        pipeline_home, "source = 'amazon_ads' and campaign_id = '5823104402101' and usage_date = '2026-09-01'"
    )
    per_1k = 1000 / ad["impressions"]
    assert ad["energy_kwh"] * per_1k == pytest.approx(1.70, abs=0.005)
    assert (ad["co2e_location_kg"] + ad["co2e_embodied_kg"]) * per_1k * 1000 == pytest.approx(763, abs=1)


def test_each_new_platform_reaches_the_quarterly_ad_mart(pipeline_home):
    landed = {
        r["platform"]: r
        for r in _rows(
            pipeline_home,
            """select platform, sum(impressions) as impressions, sum(co2e_location_kg) as co2e
               from mart_quarterly_ad_emissions
               where quarter = $q and platform in ('dv360', 'microsoft', 'amazon')
               group by platform""",
            {"q": QUARTER},
        )
    }
    # the samples' impressions by hand: DV360 100,000 + 20,000 + 30,000 + 15,000 + 100,000;
    # Microsoft 40,000 + 60,000 + 8,000 + 2,500; Amazon SP 52,000 + 48,500 + 0, DSP 250,000 + 40,000
    assert {p: r["impressions"] for p, r in landed.items()} == {
        "dv360": 265_000,
        "microsoft": 110_500,
        "amazon": 390_500,
    }
    assert all(r["co2e"] > 0 for r in landed.values())
    # Google Ads keeps its own platform: DV360 rows never add to it
    (google,) = _rows(
        pipeline_home,
        "select count(*) as n from fct_ad_impacts where platform = 'google' and source = 'dv360'",
    )
    assert google["n"] == 0


def test_the_report_carries_the_new_platforms(pipeline_home, tmp_path, monkeypatch):
    from ewh.cli import main

    monkeypatch.setenv("EWH_HOME", str(pipeline_home))
    monkeypatch.delenv("EWH_WAREHOUSE_PATH", raising=False)
    out = tmp_path / "report.html"
    assert main(["report", "--quarter", QUARTER, "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    payload = json.loads(
        re.search(r'<script type="application/json" id="ewh-report-data">(.*?)</script>', html, re.S).group(1)
    )
    text = json.dumps(payload)
    for vendor in ("microsoft", "amazon"):
        assert f'"{vendor}"' in text, vendor
    (mart,) = _rows(
        pipeline_home,
        "select sum(co2e_location_kg) as kg from mart_quarterly_ad_emissions where quarter = $q",
        {"q": QUARTER},
    )
    (new,) = _rows(
        pipeline_home,
        """select sum(co2e_location_kg) as kg from fct_ad_impacts
           where quarter = $q and source in ('dv360', 'microsoft_ads', 'amazon_ads')""",
        {"q": QUARTER},
    )
    assert 0 < new["kg"] < mart["kg"]


@pytest.mark.parametrize(
    ("platform", "ad_format", "device", "country", "kwh", "co2e"),
    [
        # the Microsoft search row above (end-to-end by default for Microsoft)
        ("microsoft", "search", "desktop", "USA", 9.0390352, 3.44799645096),
        # DV360 display without ads.txt: programmatic at 3,000 lines (as the DV360 row above, at 40,000)
        ("dv360", "display", "mobile", "DEU", 167.8604535 * 0.4, 49.76871308421 * 0.4),
    ],
)
def test_ewh_estimate_prices_a_planned_buy_on_the_new_platforms(
    platform, ad_format, device, country, kwh, co2e
):
    from datetime import date

    from ewh import estimate as est

    usage = est.Usage(
        label=platform,
        platform=platform,
        impressions=40_000,
        country=country,
        ad_format=ad_format,
        device=device,
        usage_date=date(2026, 9, 1),
    )
    (option,) = est.to_json(est.estimate([usage]))["options"]
    assert option["figures"]["energy_kwh"]["central"] == pytest.approx(kwh, rel=1e-9)
    assert option["figures"]["co2e_location_kg"]["central"] == pytest.approx(co2e, rel=1e-9)
