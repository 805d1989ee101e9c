"""Write the bundled Google Ads samples in ``data/samples/google_ads/`` (deterministic: same seed and bytes).

* ``campaign_performance_api_2026-09-29_2026-10-02.json``: what ``fetch`` saves for two customers (EUR and
  USD accounts): per customer, the searchStream batches of the ``FROM campaign`` query then of the
  ``FROM geographic_view`` query, as one compact JSON array. int64 metrics are strings, a few unset
  metrics are absent. The geographic report attributes 94-100 % of each campaign record to countries
  (one campaign record is fully attributed, the Performance Max one not at all).
* ``campaign_report_2026-09-21_2026-09-24.csv``: the UI campaign report download, English labels,
  ``$`` amounts with thousands separators in quotes, ``--`` cells, ``Total:`` rows, a quoted campaign name
  with a comma, ``123-456-7890`` customer ids.
* ``kampagnenbericht_2026-10-05_2026-10-07.csv``: the same report from a German UI (labels, decimal comma,
  ``.`` thousands separator, ``€`` after the amount, ``Gesamt:`` rows), with a device segment.
* ``geo_device_report_2026-10-12_2026-10-14.csv``: a "CSV (Excel)" download: UTF-16LE with BOM,
  tab-separated, with country, device and network segments and TrueView views.

    python -m tools.samples.google_ads [SAMPLES_DIR]   # default: data/samples
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

from tools.samples._common import write_files

SEED = 20261001
CUSTOMERS = {
    "1234567890": ("EUR", "Europe/Berlin", "Acme Europe", ["2276", "2040", "2250"]),
    "9876543210": ("USD", "America/New_York", "Acme US", ["2840", "2124"]),
}
# customer -> [(campaign id, name, channel type, [(network, device)], daily impressions, CPM in currency)]
CAMPAIGNS = {
    "1234567890": [
        (
            "17001234511",
            "Brand - Search",
            "SEARCH",
            [("SEARCH", "MOBILE"), ("SEARCH", "DESKTOP"), ("SEARCH_PARTNERS", "MOBILE")],
            4200,
            9.0,
        ),
        (
            "17001234522",
            "Demand Gen - Herbst",
            "DEMAND_GEN",
            [("YOUTUBE", "MOBILE"), ("CONTENT", "MOBILE")],
            15000,
            4.5,
        ),
        (
            "17001234533",
            "Display - Remarketing",
            "DISPLAY",
            [("CONTENT", "MOBILE"), ("CONTENT", "DESKTOP"), ("CONTENT", "TABLET")],
            26000,
            1.8,
        ),
        (
            "17001234544",
            "YouTube - Awareness",
            "VIDEO",
            [("YOUTUBE", "CONNECTED_TV"), ("YOUTUBE", "MOBILE")],
            21000,
            6.2,
        ),
        ("17001234555", "PMax - Shop", "PERFORMANCE_MAX", [("MIXED", "MOBILE")], 9000, 3.1),
    ],
    "9876543210": [
        (
            "21400000111",
            "US Brand - Search",
            "SEARCH",
            [("SEARCH", "MOBILE"), ("SEARCH", "DESKTOP")],
            6100,
            11.0,
        ),
        (
            "21400000222",
            "US CTV - Fall Launch",
            "VIDEO",
            [("YOUTUBE", "CONNECTED_TV"), ("CONTENT", "MOBILE")],
            30000,
            8.4,
        ),
    ],
}
CAMPAIGN_MASK = (
    "customer.id,customer.currencyCode,customer.timeZone,campaign.id,campaign.name,"
    "campaign.advertisingChannelType,segments.date,segments.device,segments.adNetworkType,"
    "metrics.impressions,metrics.clicks,metrics.costMicros,metrics.videoTrueviewViews"
)
GEO_MASK = CAMPAIGN_MASK.replace(
    "campaign.advertisingChannelType,",
    "campaign.advertisingChannelType,geographicView.countryCriterionId,geographicView.locationType,",
)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _result(customer: str, campaign: tuple, day: date, network: str, device: str, metrics: dict) -> dict:
    currency, zone, _, _ = CUSTOMERS[customer]
    cid, name, channel = campaign[:3]
    return {
        "customer": {
            "resourceName": f"customers/{customer}",
            "id": customer,
            "currencyCode": currency,
            "timeZone": zone,
        },
        "campaign": {
            "resourceName": f"customers/{customer}/campaigns/{cid}",
            "name": name,
            "id": cid,
            "advertisingChannelType": channel,
        },
        "segments": {"date": day.isoformat(), "device": device, "adNetworkType": network},
        "metrics": metrics,
    }


def _metrics(rng: random.Random, channel: str, network: str, impressions: int, cpm: float) -> dict:
    clicks = int(impressions * rng.uniform(0.002, 0.05))
    metrics = {
        "clicks": str(clicks),
        "impressions": str(impressions),
        "costMicros": str(int(impressions * cpm * 1000 * rng.uniform(0.8, 1.2)) // 10_000 * 10_000),
    }
    if network == "YOUTUBE" or channel == "VIDEO":
        metrics["videoTrueviewViews"] = str(int(impressions * rng.uniform(0.15, 0.35)))
    elif rng.random() < 0.7:
        metrics["videoTrueviewViews"] = "0"  # otherwise unset and absent
    return metrics


def _split(total: str, shares: list[float]) -> list[str]:
    return [str(int(int(total) * share)) for share in shares]


def api_sample(rng: random.Random) -> bytes:
    batches = []
    for customer, campaigns in CAMPAIGNS.items():
        countries = CUSTOMERS[customer][3]
        campaign_rows, geo_rows = [], []
        for day in _days(date(2026, 9, 29), date(2026, 10, 2)):
            for campaign in campaigns:
                for network, device in campaign[3]:
                    impressions = int(campaign[4] / len(campaign[3]) * rng.uniform(0.7, 1.3))
                    metrics = _metrics(rng, campaign[2], network, impressions, campaign[5])
                    campaign_rows.append(_result(customer, campaign, day, network, device, metrics))
                    if campaign[2] == "PERFORMANCE_MAX":
                        continue  # nothing attributed to a country: lands whole, country unknown
                    covered = (
                        1.0
                        if (campaign[0], device) == ("21400000111", "DESKTOP")
                        else rng.uniform(0.94, 0.99)
                    )
                    main = rng.uniform(0.6, 0.85)
                    shares = [covered * main, covered * (1 - main)]
                    chosen = [countries[0], rng.choice(countries[1:])]
                    split = {k: _split(v, shares) for k, v in metrics.items()}
                    if covered == 1.0:  # the last country takes the rounding, so the campaign row is used up
                        split = {k: [a, str(int(metrics[k]) - int(a))] for k, (a, _) in split.items()}
                    for i, criterion in enumerate(chosen):
                        geo = _result(
                            customer, campaign, day, network, device, {k: v[i] for k, v in split.items()}
                        )
                        geo["geographicView"] = {
                            "resourceName": (
                                f"customers/{customer}/geographicViews/{criterion}~LOCATION_OF_PRESENCE"
                            ),
                            "countryCriterionId": criterion,
                            "locationType": "LOCATION_OF_PRESENCE",
                        }
                        geo_rows.append(geo)
        for rows, mask in ((campaign_rows, CAMPAIGN_MASK), (geo_rows, GEO_MASK)):
            batches.append(
                {
                    "results": rows,
                    "fieldMask": mask,
                    "requestId": "".join(
                        rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
                        for _ in range(22)
                    ),
                    "queryResourceConsumption": str(rng.randint(200, 900)),
                }
            )
    return json.dumps(batches, separators=(",", ":")).encode()


def _us(amount: float, symbol: str = "$") -> str:
    return f"{symbol}{amount:,.2f}"


def _de(amount: float, decimals: int = 2) -> str:
    text = f"{amount:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def _quote(cell: str, separator: str = ",") -> str:
    return f'"{cell}"' if separator in cell or '"' in cell else cell


def _csv_line(cells: list[str]) -> str:
    return ",".join(_quote(c) for c in cells)


def _delivery(rng: random.Random, daily: float, cpm: float) -> tuple[int, float]:
    """A day's impressions around ``daily`` and their cost at about ``cpm``."""
    impressions = int(daily * rng.uniform(0.7, 1.3))
    return impressions, round(impressions * cpm / 1000 * rng.uniform(0.8, 1.2), 2)


def _clicks(rng: random.Random, impressions: int) -> int:
    """The clicks of a UI report row: 0.2% to 3% of its impressions."""
    return int(impressions * rng.uniform(0.002, 0.03))


def _added(totals: list, *figures) -> list:
    return [total + figure for total, figure in zip(totals, figures, strict=True)]


def _total_cells(label: str, blanks: int, currency: str, figures: list[str], tail: int) -> list[str]:
    """A report's total line: the label, ``--`` where a dimension was, the currency, the summed figures."""
    return [label, *["--"] * blanks, currency, *figures, *["--"] * tail]


UI_CAMPAIGNS = [  # (id, name, UI type, daily impressions, CPM)
    ("21400000111", "US Brand - Search", "Search", 6100, 11.0),
    ("21400000333", "Spring Roofs, Gutters & More", "Display", 18000, 1.6),
    ("21400000222", "US CTV - Fall Launch", "Video", 30000, 8.4),
    ("21400000444", "Demand Gen - Back to School", "Demand Gen", 12000, 4.0),
    ("21400000555", "PMax - Store", "Performance Max", 8000, 3.3),
]


def english_csv(rng: random.Random) -> bytes:
    header = (
        "Day,Campaign,Campaign ID,Campaign status,Campaign type,Currency code,Cost,"
        "Impr.,Clicks,Conversions,Conv. value,Avg. CPC,Customer ID,Account name"
    )
    lines = ["Campaign report", '"September 21, 2026 - September 24, 2026"', header]
    totals = [0.0, 0, 0, 0.0, 0.0]
    for day in _days(date(2026, 9, 21), date(2026, 9, 24)):
        for cid, name, kind, daily, cpm in UI_CAMPAIGNS:
            impressions, cost = _delivery(rng, daily, cpm)
            clicks = 0 if kind == "Video" and day.day == 22 else _clicks(rng, impressions)
            conversions = round(clicks * rng.uniform(0.0, 0.08), 2)
            value = round(conversions * rng.uniform(20, 80), 2)
            cpc = "--" if clicks == 0 else _us(cost / clicks)
            cells = [
                day.isoformat(),
                name,
                cid,
                "Enabled",
                kind,
                "USD",
                _us(cost),
                f"{impressions:,}",
                f"{clicks:,}",
                f"{conversions:.2f}",
                f"{value:,.2f}",
                cpc,
                "987-654-3210",
                "Acme US",
            ]
            lines.append(_csv_line(cells))
            totals = _added(totals, cost, impressions, clicks, conversions, value)
    cost, impressions, clicks, conversions, value = totals
    for label in ("Total: Account", "Total: Campaigns"):
        figures = [
            _us(cost),
            f"{impressions:,}",
            f"{clicks:,}",
            f"{conversions:,.2f}",
            f"{value:,.2f}",
            _us(cost / clicks),
        ]
        lines.append(_csv_line(_total_cells(label, 4, "USD", figures, 2)))
    return ("\n".join(lines) + "\n").encode()


DE_CAMPAIGNS = [  # (id, name, UI type, devices, daily impressions, CPM)
    ("17001234511", "Marke \u2013 Suche", "Suche", ["Mobiltelefone", "Computer"], 4200, 9.0),
    (
        "17001234533",
        "Display \u2013 Wiederansprache",
        "Display",
        ["Mobiltelefone", "Computer", "Tablets"],
        26000,
        1.8,
    ),
    ("17001234544", "YouTube \u2013 Reichweite", "Video", ["TV-Bildschirme", "Mobiltelefone"], 21000, 6.2),
    ("17001234522", "Demand Gen \u2013 Herbst", "Demand Gen", ["Mobiltelefone"], 15000, 4.5),
]


def german_csv(rng: random.Random) -> bytes:
    header = (
        "Tag,Kampagne,Kampagnen-ID,Kampagnentyp,Gerät,Währungscode,"
        "Kosten,Impr.,Klicks,Conversions,Kunden-ID,Kontoname"
    )
    lines = ["Kampagnenbericht", '"5. Oktober 2026 - 7. Oktober 2026"', header]
    totals = [0.0, 0, 0, 0.0]
    for day in _days(date(2026, 10, 5), date(2026, 10, 7)):
        for cid, name, kind, devices, daily, cpm in DE_CAMPAIGNS:
            for device in devices:
                impressions, cost = _delivery(rng, daily / len(devices), cpm)
                clicks = _clicks(rng, impressions)
                conversions = round(clicks * rng.uniform(0.0, 0.08), 2)
                cells = [
                    day.isoformat(),
                    name,
                    cid,
                    kind,
                    device,
                    "EUR",
                    f"{_de(cost)} €",
                    _de(impressions, 0),
                    _de(clicks, 0),
                    _de(conversions),
                    "123-456-7890",
                    "Acme Europe",
                ]
                lines.append(_csv_line(cells))
                totals = _added(totals, cost, impressions, clicks, conversions)
    cost, impressions, clicks, conversions = totals
    figures = [f"{_de(cost)} €", _de(impressions, 0), _de(clicks, 0), _de(conversions)]
    cells = _total_cells("Gesamt: Konto", 4, "EUR", figures, 2)
    lines.append(_csv_line(cells))
    return ("\n".join(lines) + "\n").encode()


GEO_ROWS = [  # (campaign id, name, UI type, network, device, countries, daily impressions, CPM)
    (
        "21400000222",
        "US CTV - Fall Launch",
        "Video",
        "YouTube",
        "TV screens",
        ["United States", "Canada"],
        24000,
        8.4,
    ),
    (
        "21400000222",
        "US CTV - Fall Launch",
        "Video",
        "Display Network",
        "Mobile phones",
        ["United States"],
        6000,
        5.0,
    ),
    (
        "21400000111",
        "US Brand - Search",
        "Search",
        "Google search",
        "Mobile phones",
        ["United States", "Canada"],
        4000,
        11.0,
    ),
    (
        "21400000111",
        "US Brand - Search",
        "Search",
        "Search partners",
        "Computers",
        ["United States"],
        900,
        7.5,
    ),
    (
        "21400000444",
        "Demand Gen - Back to School",
        "Demand Gen",
        "YouTube",
        "Mobile phones",
        ["United States"],
        5000,
        4.0,
    ),
    (
        "21400000444",
        "Demand Gen - Back to School",
        "Demand Gen",
        "Display Network",
        "Tablets",
        ["United States"],
        3000,
        3.0,
    ),
    (
        "21400000555",
        "PMax - Store",
        "Performance Max",
        "Cross-network",
        "Mobile phones",
        ["United States", "Mexico"],
        8000,
        3.3,
    ),
]


def excel_tsv(rng: random.Random) -> bytes:
    header = (
        "Day\tCampaign\tCampaign ID\tCampaign type\tCountry/Territory (User location)\tDevice\t"
        "Network (with search partners)\tCurrency code\tCost\tImpr.\tClicks\tTrueView views\tCustomer ID"
    )
    lines = ["Geographic report", '"October 12, 2026 - October 14, 2026"', header]
    totals = [0.0, 0, 0, 0]
    for day in _days(date(2026, 10, 12), date(2026, 10, 14)):
        for cid, name, kind, network, device, countries, daily, cpm in GEO_ROWS:
            for country in countries:
                impressions, cost = _delivery(rng, daily / len(countries), cpm)
                clicks = _clicks(rng, impressions)
                views = (
                    int(impressions * rng.uniform(0.15, 0.35))
                    if network == "YouTube" or kind == "Video"
                    else 0
                )
                cells = [
                    day.isoformat(),
                    name,
                    cid,
                    kind,
                    country,
                    device,
                    network,
                    "USD",
                    f"{cost:,.2f}",
                    f"{impressions:,}",
                    f"{clicks:,}",
                    f"{views:,}" if views else "--",
                    "987-654-3210",
                ]
                lines.append("\t".join(cells))
                totals = _added(totals, cost, impressions, clicks, views)
    cost, impressions, clicks, views = totals
    figures = [f"{cost:,.2f}", f"{impressions:,}", f"{clicks:,}", f"{views:,}"]
    cells = _total_cells("Total: Account", 6, "USD", figures, 1)
    lines.append("\t".join(cells))
    return "\ufeff".encode("utf-16-le") + ("\r\n".join(lines) + "\r\n").encode("utf-16-le")


SOURCES = ("google_ads",)


def write(out: Path) -> list[Path]:
    rng = random.Random(SEED)
    files = {
        "campaign_performance_api_2026-09-29_2026-10-02.json": api_sample(rng),
        "campaign_report_2026-09-21_2026-09-24.csv": english_csv(rng),
        "kampagnenbericht_2026-10-05_2026-10-07.csv": german_csv(rng),
        "geo_device_report_2026-10-12_2026-10-14.csv": excel_tsv(rng),
    }
    return write_files(out / "google_ads", files)


if __name__ == "__main__":
    from tools.samples._cli import run

    run(write)
