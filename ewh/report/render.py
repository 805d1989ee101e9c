"""Turn ``ReportData`` into one self-contained HTML file (Jinja2 template, inline CSS and SVG).

Nothing in the page is fetched at view time: styles are inlined from ``templates/report.css``, charts
are inline SVG and there is no script to run. The figures are also embedded as JSON
(``<script type="application/json" id="ewh-report-data">``, never executed) and as ``data-value``
attributes on the headline, so a machine (or a test) reads the same numbers a person sees.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ewh.estimate import MEASURE_TITLES, sig
from ewh.report import charts
from ewh.report.data import MEASURES, ReportData

TEMPLATES = Path(__file__).with_name("templates")
SCHEMA = "ewh-report/1"
# breakdown name -> frame attribute; each sums to the headline
BREAKDOWNS = {
    "channel": "by_channel",
    "vendor": "by_vendor",
    "model": "by_model",
    "business_unit": "by_business_unit",
}
BREAKDOWN_COLUMNS = [
    "label",
    "energy_kwh",
    "co2e_location_kg_low",
    "co2e_location_kg",
    "co2e_location_kg_high",
    "co2e_market_kg",
    "water_l",
    "share",
]
DQ_LABELS = {1: "1", 2: "2", 3: "3 (model-specific)", 4: "4 (tier or default)", 5: "5 (spend-based)"}


def _with_share(frame: pl.DataFrame, column: str = "co2e_location_kg") -> pl.DataFrame:
    return frame.with_columns((pl.col(column) / pl.col(column).sum()).fill_nan(None).alias("share"))


def _change(current: float | None, previous: float | None) -> float | None:
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / previous


def _headline(data: ReportData) -> dict[str, dict]:
    out = {}
    for name, figure in data.headline.items():
        prev = data.previous[name]["central"] if data.previous else None
        out[name] = {**figure, "previous": prev, "change": _change(figure["central"], prev)}
    return out


def _daily_change(data: ReportData) -> float | None:
    """Change in location-based kgCO2e per day covered, for quarters whose data covers unequal spans."""
    cov = data.coverage
    if data.previous is None or "previous_first_usage_date" not in cov:
        return None
    days = (cov["last_usage_date"] - cov["first_usage_date"]).days + 1
    prev_days = (cov["previous_last_usage_date"] - cov["previous_first_usage_date"]).days + 1
    prev = data.previous["co2e_location_kg"]["central"]
    current = data.headline["co2e_location_kg"]["central"]
    return _change(current / days, prev / prev_days) if prev and current is not None else None


def _spend(data: ReportData) -> dict:
    frame = data.spend
    this = frame.filter(pl.col("quarter") == data.quarter)
    prev = frame.filter(pl.col("quarter") == data.previous_quarter)
    converted = this.get_column("amount_usd").null_count() == 0
    total = float(this.get_column("amount_usd").sum()) if converted and this.height else None
    prev_total = float(prev.get_column("amount_usd").sum()) if prev.height else None
    return {
        "by_currency": this.select("currency", "amount", "amount_usd", "fx_factor_id").to_dicts(),
        "total_usd": total,
        "previous_total_usd": prev_total,
        "change": _change(total, prev_total),
        "unconverted": this.filter(pl.col("amount_usd").is_null()).get_column("currency").to_list(),
    }


def _quality(data: ReportData) -> tuple[pl.DataFrame, pl.DataFrame]:
    by_tier = (
        data.quality.group_by("method_tier", "method_label", "is_fallback", "when_used")
        .agg(
            pl.col("activity_rows").sum(),
            pl.col("co2e_kg").sum(),
            pl.col("share").sum(),
            pl.col("dq_score").min().alias("best_dq"),
            pl.col("dq_score").max().alias("worst_dq"),
        )
        .sort("share", "method_tier", descending=[True, False])
        .with_columns(
            pl.when(pl.col("is_fallback")).then(pl.lit("yes")).otherwise(pl.lit("no")).alias("fallback")
        )
    )
    by_dq = (
        data.quality.group_by("dq_score")
        .agg(pl.col("activity_rows").sum(), pl.col("co2e_kg").sum(), pl.col("share").sum())
        .sort("dq_score")
        .with_columns(pl.col("dq_score").replace_strict(DQ_LABELS, return_dtype=pl.String).alias("dq_label"))
    )
    return by_tier, by_dq


def _takeaways(data: ReportData, by_dq: pl.DataFrame) -> list[str]:
    """Three to five plain sentences for the reader who stops after the first screen."""
    lines = []
    channel = data.by_channel.row(0, named=True)
    total = data.headline["co2e_location_kg"]["central"] or 0
    lines.append(
        f"{channel['label']} is the largest channel: {sig(channel['co2e_location_kg'], 3)} kgCO2e, "
        f"{channel['co2e_location_kg'] / total:.0%} of the quarter."
    )
    vendor = data.by_vendor.row(0, named=True)
    lines.append(
        f"The largest vendor is {vendor['label']} ({vendor['co2e_location_kg'] / total:.0%}); the largest "
        f"single contributor is {data.drivers['vendor'][0]} · {data.drivers['model'][0]} in "
        f"{data.drivers['scope'][0]} ({data.drivers['share'][0]:.0%})."
    )
    fallback = data.data_quality["fallback_share"] or 0
    lines.append(
        f"{fallback:.0%} of the kgCO2e rests on fallback estimates (a size guess, the unknown-model range, "
        "spend-based or no method; see Data quality); the true figure could plausibly lie anywhere between "
        f"{sig(data.headline['co2e_location_kg']['low'], 2)} and "
        f"{sig(data.headline['co2e_location_kg']['high'], 2)} kgCO2e."
    )
    if data.savings.height:
        best = data.savings.row(0, named=True)
        caveat = (
            " One side or both rest on a fallback estimate (a model no registry knows): check first."
            if best["rests_on_fallback"]
            else ""
        )
        lines.append(
            f"Biggest saving on offer: moving {best['project_or_workspace']} from {best['from_model']} to "
            f"{best['to_model']} (both billed by {best['vendor']}) would save about "
            f"{sig(best['kgco2e_saved'], 2)} kgCO2e a quarter ({best['share_saved']:.0%} of that traffic's "
            f"footprint), if the smaller model does the job.{caveat}"
        )
    return lines


def _charts(data: ReportData, by_tier: pl.DataFrame, by_dq: pl.DataFrame) -> dict[str, str]:
    """Every chart that has data, keyed by id, in the order the page shows them."""
    out: dict[str, str] = {"trend": charts.trend(data.trend, data.quarter)}
    for name, title in (
        ("channel", "By channel: AI services, AI tools and advertising (kgCO2e, location-based)"),
        ("vendor", "By vendor (kgCO2e, location-based)"),
        ("model", "By model (kgCO2e, location-based)"),
        ("business_unit", "By business unit (kgCO2e, location-based)"),
    ):
        frame = _with_share(getattr(data, BREAKDOWNS[name]))
        out[name] = charts.hbar(
            frame.get_column("label").to_list(),
            frame.get_column("co2e_location_kg").to_list(),
            shares=frame.get_column("share").to_list(),
            title=title,
            xlabel="kgCO2e",
        )
    drivers = data.drivers.with_columns(
        pl.concat_str([pl.col("vendor"), pl.col("model"), pl.col("scope")], separator=" · ").alias("label")
    )
    out["drivers"] = charts.hbar(
        drivers.get_column("label").to_list(),
        drivers.get_column("co2e_location_kg").to_list(),
        shares=drivers.get_column("share").to_list(),
        title=f"Top {drivers.height} drivers: vendor · model · project or campaign (kgCO2e)",
        xlabel="kgCO2e, location-based",
    )
    out["uncertainty"] = charts.ranges(
        data.by_vendor, title="How sure we are: low-high range by vendor (kgCO2e, location-based)"
    )
    out["quality"] = charts.quality_mix(by_tier, by_dq)
    if data.savings.height:
        savings = data.savings.with_columns(
            pl.concat_str(
                [
                    pl.col("project_or_workspace"),
                    pl.lit("\n"),
                    pl.col("from_model"),
                    pl.lit(" → "),
                    pl.col("to_model"),
                ]
            ).alias("label")
        )
        out["savings"] = charts.hbar(
            savings.get_column("label").to_list(),
            savings.get_column("kgco2e_saved").to_list(),
            shares=savings.get_column("share_saved").to_list(),
            title="Savings if a project's traffic moved to a leaner model",
            xlabel="kgCO2e saved per quarter (location-based + embodied; share of that traffic)",
            per_bar=0.55,
        )
    if data.transparency.height:
        out["transparency"] = charts.transparency(data.transparency)
    return out


def _json_block(payload: dict) -> Markup:
    """JSON safe inside ``<script>``: ``<``, ``>`` and ``&`` escaped so no text can close the tag."""
    text = json.dumps(payload, default=str, indent=1, allow_nan=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def _fmt_sig(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else sig(value, digits)


def _fmt_pct(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "n/a"
    if 0 < abs(value) < 0.005:
        return "<1%" if not signed else ("+" if value > 0 else "-") + "<1%"
    return f"{value:+.0%}" if signed else f"{value:.0%}"


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["sig"] = _fmt_sig
    env.filters["pct"] = _fmt_pct
    env.filters["num"] = lambda v: "" if v is None else repr(float(v))
    return env


def context(data: ReportData) -> dict:
    by_tier, by_dq = _quality(data)
    breakdowns = {
        name: _with_share(getattr(data, attr)).select(
            [c for c in BREAKDOWN_COLUMNS if c in getattr(data, attr).columns or c == "share"]
        )
        for name, attr in BREAKDOWNS.items()
    }
    chart_svgs = _charts(data, by_tier, by_dq)
    headline = _headline(data)
    spend = _spend(data)
    payload = {
        "schema": SCHEMA,
        "quarter": data.quarter,
        "previous_quarter": data.previous_quarter,
        "quarters": data.quarters,
        "factor_release": {
            k: data.release[k]
            for k in ("factor_release", "factor_release_sha256", "ecologits_version", "built_at")
        },
        "coverage": data.coverage,
        "ghg_category": "Scope 3 Category 1 (purchased goods and services)",
        "headline": headline,
        "spend": spend,
        "equivalents": data.equivalents,
        "breakdowns": {k: v.to_dicts() for k, v in breakdowns.items()},
        "ad_delivery_mart_kgco2e": data.ad_mart_kgco2e,
        "method_tiers": by_tier.to_dicts(),
        "dq_scores": by_dq.to_dicts(),
        "data_quality": data.data_quality,
        "charts": list(chart_svgs),
    }
    return {
        "d": data,
        "measures": MEASURES,
        "measure_titles": MEASURE_TITLES,
        "headline": headline,
        "spend": spend,
        "equivalents_by_measure": {
            m: [e for e in data.equivalents if e["measure"] == m] for m in MEASURE_TITLES
        },
        "daily_change": _daily_change(data),
        "eq_number": {e["factor_id"]: i for i, e in enumerate(data.equivalents, start=1)},
        "breakdowns": {k: v.to_dicts() for k, v in breakdowns.items()},
        "takeaways": _takeaways(data, by_dq),
        "charts": {k: Markup(v) for k, v in chart_svgs.items()},
        "by_tier": by_tier.to_dicts(),
        "by_dq": by_dq.to_dicts(),
        "drivers": data.drivers.to_dicts(),
        "savings": data.savings.with_columns(
            pl.concat_str([pl.col("from_model"), pl.lit(" → "), pl.col("to_model")]).alias("move"),
            pl.format("{} {}", pl.col("spend_saved").round(0).cast(pl.Int64), pl.col("spend_currency")).alias(
                "spend_saved_label"
            ),
        ).to_dicts(),
        "efficiency": data.efficiency.to_dicts(),
        "seats": data.seats.to_dicts(),
        "transparency": data.transparency.to_dicts(),
        "citations": data.citations.to_dicts(),
        "trend": data.trend.to_dicts(),
        "css": Markup((TEMPLATES / "report.css").read_text()),
        "json_block": _json_block(payload),
        "generated_on": date.today().isoformat(),
    }


def render(data: ReportData) -> str:
    return environment().get_template("report.html.j2").render(**context(data))
