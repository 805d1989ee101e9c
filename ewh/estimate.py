"""``ewh estimate``: what a planned use would cost in energy, carbon and water, before anyone runs it.

The planned use (model and tokens, images, seconds of video, a campaign's impressions) is turned into
canonical activity rows, exactly as a connector would land the same usage, and run through the
warehouse's own dbt models, compiled once (``ewh/estimate_sql.py``: the SQL of ``+fct_activity_impacts``,
evaluated in memory on the planned rows with the warehouse's factor seeds). The figures are therefore
the ones the warehouse would compute for the same usage, with the same factor release, method tier and
data-quality score; nothing is re-implemented here. The first estimate of a dbt project version builds
the chain once (about as long as a run); later ones take well under a second of work.

    ewh estimate --vendor openai --model gpt-4o --input-tokens 8e6 --output-tokens 2e6 --requests 1e4 \\
        --compare --model gpt-4o-mini
    ewh estimate --vendor openai --model gpt-image-1 --images 500 \\
        --compare --platform meta --impressions 1e6 --country DEU --format social --device mobile

``--compare`` takes the rest of the command line as a second option. What it leaves unset is taken
from the first option: quantities as a group (only when the comparison gives none) and settings one
by one (vendor, model, country, ...), unless it switches between AI usage (``--vendor``) and ad
delivery (``--platform``), in which case it starts from nothing.

Equivalents come from ``dbt_project/seeds/factors/factor_equivalents.csv`` (same release): energy as
smartphone charges, location-based carbon as kilometres driven by a named car, water as 500 mL
bottles, each printed with its factor, source and status, rounded to two significant figures and
never added together. They are computed by the same SQL as ``mart_quarterly_equivalents`` (dbt macro
``equivalents_of``, through the analysis ``estimate_equivalents`` evaluated with the chain).
"""

from __future__ import annotations

import difflib
import json
import math
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

import polars as pl

from connectors.core.config import Paths
from connectors.core.schema import ACTIVITY_SCHEMA, conform, validate
from connectors.landing.zone import stable_ids
from ewh.choices import (
    AD_QUANTITIES,
    AI_QUANTITIES,
    PLATFORM_SOURCES,
    QUANTITIES,
    SEAT_QUANTITIES,
    SEAT_SOURCES,
    TOOL_QUANTITIES,
    TOOL_SOURCES,
    TOOLS,
    VENDOR_SOURCES,
)
from ewh.estimate_sql import CATALOG, Chain, compiled_chain, evaluate, evaluate_on
from ewh.trust.common import FACTOR_ID_COLUMNS
from factors.release import release_info
from warehouse.dbt import DbtError

DATASET = "estimate"
CONNECTOR_VERSION = "estimate-1"
EQUIVALENTS = "estimate_equivalents"  # dbt analysis: the mart's equivalents formula per option

TOKEN_FIELDS = ("input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens", "requests")
SETTINGS = (
    "tool",
    "vendor",
    "platform",
    "feature",
    "model",
    "country",
    "region",
    "ad_format",
    "device",
    "size",
    "quality",
    "buy_type",
    "ads_txt_lines",
    "usage_date",
)

# figure -> columns of fct_activity_impacts summed for it (central, low, high)
FIGURES: dict[str, str] = {
    "energy_kwh": "energy (kWh)",
    "co2e_location_kg": "kgCO2e, location-based",
    "co2e_market_kg": "kgCO2e, market-based",
    "co2e_embodied_kg": "kgCO2e, embodied (separate)",
    "water_l": "water (L)",
}


class EstimateError(ValueError):
    """A planned use that cannot be estimated (bad input) or a build that failed."""


class EstimateBuildError(EstimateError):
    """The dbt build of the compiled chain failed (a project or environment problem, not the input)."""


@dataclass(frozen=True)
class Usage:
    """One planned option: who does the work and how much of it."""

    label: str | None = None
    tool: str | None = None
    vendor: str | None = None
    platform: str | None = None
    model: str | None = None
    country: str | None = None
    region: str | None = None
    ad_format: str | None = None
    device: str | None = None
    size: str | None = None
    quality: str | None = None
    buy_type: str | None = None
    ads_txt_lines: float | None = None
    usage_date: date | None = None
    input_tokens: float | None = None
    cached_input_tokens: float | None = None
    cache_write_tokens: float | None = None
    output_tokens: float | None = None
    requests: float | None = None
    embedding_tokens: float | None = None
    images: float | None = None
    audio_seconds: float | None = None
    tts_characters: float | None = None
    video_seconds: float | None = None
    impressions: float | None = None
    video_views: float | None = None
    view_seconds: float | None = None
    messages: float | None = None  # seat assistants (#18)
    feature_uses: float | None = None
    active_user_days: float | None = None
    feature: str | None = None  # creative tools (#18)
    characters: float | None = None
    generations: float | None = None
    credits: float | None = None

    @property
    def is_ads(self) -> bool:
        return self.platform is not None

    def quantities(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in QUANTITIES if getattr(self, name) is not None}

    def describe(self) -> str:
        who = (
            f"{self.platform} ads"
            if self.is_ads
            else " ".join(p for p in (self.tool or self.vendor, self.model) if p)
        )
        extras = [
            f"{k}={v}"
            for k, v in (
                ("feature", self.feature),
                ("format", self.ad_format),
                ("device", self.device),
                ("country", self.country),
                ("region", self.region),
                ("size", self.size),
                ("quality", self.quality),
                ("buy type", self.buy_type),
                ("ads.txt lines", self.ads_txt_lines),
            )
            if v
        ]
        amounts = ", ".join(f"{_human(q)} {name.replace('_', ' ')}" for name, q in self.quantities().items())
        return f"{who}{' (' + ', '.join(extras) + ')' if extras else ''}: {amounts}"


# ---------------------------------------------------------------------------------------------------
# Input checking and translation into canonical activity rows


def _country(value: str | None) -> str | None:
    if value is None:
        return None
    import pycountry

    code = value.strip().upper()
    if code in {"WOR", "WORLD"}:
        return "WOR"
    found = pycountry.countries.get(alpha_3=code) if len(code) == 3 else None
    if found is None and len(code) == 2:
        found = pycountry.countries.get(alpha_2=code)
    if found is None:
        raise EstimateError(f"unknown country {value!r}: give an ISO 3166 code such as DEU, USA or FR")
    return found.alpha_3


def check(usage: Usage) -> Usage:
    """Reject what cannot be estimated, with a message that says what to give instead."""
    if usage.tool is not None:
        if usage.tool in SEAT_SOURCES:
            return _check_seat(usage)
        return _check_tool(usage)
    if usage.feature is not None:
        raise EstimateError("--feature describes a creative tool's use; give it with --tool adobe")
    if tools := [n for n in usage.quantities() if n in TOOL_QUANTITIES]:
        raise EstimateError(
            f"{', '.join('--' + n for n in tools)} describe a creative tool's use; give --tool "
            f"({', '.join(sorted(TOOL_SOURCES))})"
        )
    if seats := [n for n in usage.quantities() if n in SEAT_QUANTITIES]:
        raise EstimateError(
            f"{', '.join('--' + n.replace('_', '-') for n in seats)} do not apply to an AI vendor or ad "
            "platform: they describe a seat assistant's use; "
            f"give --tool ({', '.join(sorted(SEAT_SOURCES))})"
        )
    if usage.vendor and usage.platform:
        raise EstimateError("give --vendor (AI usage) or --platform (ad delivery), not both")
    if not usage.vendor and not usage.platform:
        raise EstimateError(
            "give --vendor for AI usage (e.g. openai), --platform for ad delivery (e.g. meta)"
            " or --tool for a creative tool (e.g. elevenlabs)"
        )
    if usage.vendor and usage.vendor not in VENDOR_SOURCES:
        raise EstimateError(
            f"unknown vendor {usage.vendor!r}; AI vendors: {', '.join(sorted(VENDOR_SOURCES))}"
            f" (ad platforms go in --platform: {', '.join(sorted(PLATFORM_SOURCES))})"
        )
    if usage.platform and usage.platform not in PLATFORM_SOURCES:
        raise EstimateError(
            f"unknown ad platform {usage.platform!r}; platforms: {', '.join(sorted(PLATFORM_SOURCES))}"
        )
    quantities = usage.quantities()
    for name, value in quantities.items():
        if not math.isfinite(value) or value < 0:
            raise EstimateError(f"--{name.replace('_', '-')} must be a finite number ≥ 0, not {value}")
    if not quantities:
        kind = AD_QUANTITIES if usage.is_ads else AI_QUANTITIES
        raise EstimateError(
            "no quantity given; give one or more of " + ", ".join(f"--{n.replace('_', '-')}" for n in kind)
        )
    wrong = (AI_QUANTITIES if usage.is_ads else AD_QUANTITIES) | SEAT_QUANTITIES
    misplaced = [n for n in quantities if n in wrong]
    if misplaced:
        what = "ad platform" if usage.is_ads else "AI vendor"
        raise EstimateError(
            f"{', '.join('--' + n.replace('_', '-') for n in misplaced)} do not apply to an {what}"
        )
    if not usage.is_ads:
        if any(n in quantities for n in TOKEN_FIELDS) and not usage.model:
            raise EstimateError("token and request estimates need --model (e.g. gpt-4o-mini)")
        if usage.ad_format or usage.device or usage.buy_type or usage.ads_txt_lines is not None:
            raise EstimateError(
                "--format, --device, --buy-type and --ads-txt-lines describe ad delivery;"
                " use them with --platform"
            )
        if usage.vendor == "runway" and usage.model == "":
            raise EstimateError("--model must not be empty")
    elif usage.model or usage.size or usage.quality or usage.region:
        raise EstimateError(
            "--model, --size, --quality and --region describe AI usage; use them with --vendor"
        )
    return replace(usage, country=_country(usage.country))


def _check_tool(usage: Usage) -> Usage:
    """A creative tool's planned use: the tool alone (no vendor, platform or model) and its own units."""
    if usage.vendor or usage.platform:
        raise EstimateError("give --tool (a creative tool) alone, without --vendor or --platform")
    if usage.tool not in TOOL_SOURCES:
        raise EstimateError(
            f"unknown tool {usage.tool!r}; tools: {', '.join(TOOLS)} (creative tools: "
            f"{', '.join(sorted(TOOL_SOURCES))}; seat assistants: {', '.join(sorted(SEAT_SOURCES))})"
        )
    quantities = usage.quantities()
    if not quantities:
        raise EstimateError("no quantity given; give one of " + ", ".join(f"--{n}" for n in TOOL_QUANTITIES))
    other = [n for n in quantities if n not in TOOL_QUANTITIES]
    if other:
        raise EstimateError(
            f"{', '.join('--' + n.replace('_', '-') for n in other)} do not apply to a tool; "
            f"give {', '.join('--' + n for n in TOOL_QUANTITIES)}"
        )
    for name, value in quantities.items():
        if not math.isfinite(value) or value < 0:
            raise EstimateError(f"--{name} must be a finite number ≥ 0, not {value}")
    if usage.model or usage.ad_format or usage.device or usage.size or usage.quality or usage.buy_type:
        raise EstimateError("--tool takes its quantities, --feature, --country and --date only")
    return replace(usage, country=_country(usage.country))


TOOL_SERVICES = {"elevenlabs": "elevenlabs.tts", "jasper": "jasper.app", "adobe": "adobe.firefly"}


def _check_seat(usage: Usage) -> Usage:
    """A seat assistant (``--tool``): its own quantities (Claude: also tokens, with --model)."""
    if usage.vendor or usage.platform:
        raise EstimateError("give --tool (a seat assistant) or --vendor / --platform, not both")
    allowed = dict(SEAT_QUANTITIES) | (AI_QUANTITIES if SEAT_SOURCES[usage.tool][2] is None else {})
    quantities = usage.quantities()
    for name, value in quantities.items():
        if not math.isfinite(value) or value < 0:
            raise EstimateError(f"--{name.replace('_', '-')} must be a finite number ≥ 0, not {value}")
    if not quantities:
        raise EstimateError(
            "no quantity given; give one or more of " + ", ".join(f"--{n.replace('_', '-')}" for n in allowed)
        )
    misplaced = [n for n in quantities if n not in allowed]
    if misplaced:
        raise EstimateError(
            f"{', '.join('--' + n.replace('_', '-') for n in misplaced)} do not apply to --tool {usage.tool}"
        )
    if any(n in quantities for n in TOKEN_FIELDS) and not usage.model:
        raise EstimateError("token and request estimates need --model (e.g. claude-sonnet-4-5)")
    if usage.ad_format or usage.device or usage.buy_type or usage.ads_txt_lines is not None:
        raise EstimateError("--format, --device, --buy-type and --ads-txt-lines describe ad delivery")
    return replace(usage, country=_country(usage.country))


def _service(usage: Usage, activity_type: str) -> str:
    if usage.tool in SEAT_SOURCES:
        return f"{SEAT_SOURCES[usage.tool][0]}.{usage.tool}"
    if usage.tool:
        return TOOL_SERVICES[usage.tool]
    if usage.is_ads:
        return f"{usage.platform}.ads"
    product = {
        "embedding_tokens": "embeddings",
        "images": "images",
        "audio_seconds": "audio",
        "tts_characters": "audio",
        "video_seconds": "video",
    }.get(activity_type, "completions")
    return f"{usage.vendor}.{product}"


def activity_rows(options: list[Usage], *, ingested_at: datetime | None = None) -> pl.DataFrame:
    """The canonical activity rows (``ACTIVITY_SCHEMA``) a connector would land for these planned uses."""
    ingested_at = ingested_at or datetime.now(UTC)
    records = []
    for usage in options:
        day = usage.usage_date or date.today()
        start = datetime.combine(day, dtime(0), tzinfo=UTC)
        model = usage.model
        if usage.tool in SEAT_SOURCES:
            vendor, source, tool_model = SEAT_SOURCES[usage.tool]
            model = model if tool_model is None else tool_model
        elif usage.tool:
            vendor, source = usage.tool, TOOL_SOURCES[usage.tool]
        elif usage.is_ads:
            vendor, source = PLATFORM_SOURCES[usage.platform]
        else:
            vendor, source = usage.vendor, VENDOR_SOURCES[usage.vendor]
        attributes = {"estimate": True, "label": usage.label}
        for name in ("size", "quality", "buy_type", "ads_txt_lines", "feature"):
            if getattr(usage, name) is not None:
                attributes[name] = getattr(usage, name)
        for name, quantity in usage.quantities().items():
            activity_type, unit, _ = QUANTITIES[name]
            records.append(
                {
                    "source": source,
                    "dataset": DATASET,
                    "vendor": vendor,
                    "service": _service(usage, activity_type),
                    "model": _normalise_model(model) if model else None,
                    "model_raw": model,
                    "activity_type": activity_type,
                    "quantity": float(quantity),
                    "unit": unit,
                    "usage_start": start,
                    "usage_end": start + timedelta(days=1),
                    "usage_date": day,
                    "region": usage.region,
                    "country": usage.country if usage.country != "WOR" else None,
                    "account": "estimate" if usage.is_ads else None,
                    "project": usage.label,
                    "campaign_id": usage.label if usage.is_ads else None,
                    "device": usage.device,
                    "ad_format": usage.ad_format,
                    "attributes": json.dumps(attributes, sort_keys=True),
                    "source_file": f"estimate/{usage.label}",
                    "source_row": f"/{usage.label}#{name}",
                    "source_sha256": "",
                    "connector_version": CONNECTOR_VERSION,
                    "ingested_at": ingested_at,
                    "_key": f"{source}|{DATASET}|{usage.label}|{activity_type}",
                }
            )
    frame = pl.DataFrame(records, infer_schema_length=None)
    frame = frame.with_columns(stable_ids(frame.get_column("_key")).alias("activity_id")).drop("_key")
    rows = conform(frame, ACTIVITY_SCHEMA)
    _, invalid = validate(rows)
    if invalid.height:
        bad = invalid.row(0, named=True)
        raise EstimateError(f"{bad['_field']}: {bad['_reason']} ({bad['source_row']})")
    return rows


def _normalise_model(raw: str) -> str:
    from connectors.core.frames import normalise_model

    return pl.select(normalise_model(pl.lit(raw))).item()


# ---------------------------------------------------------------------------------------------------
# Build with the warehouse's own dbt models


@dataclass
class Estimate:
    release: dict[str, str]
    options: list[Usage]
    rows: pl.DataFrame  # fct_activity_impacts rows of the estimate
    equivalents: pl.DataFrame  # the analysis estimate_equivalents: one row per option and equivalent
    seconds: float = 0.0
    summaries: list[dict] = field(default_factory=list)


def estimate(options: list[Usage], *, workdir: Path | None = None, home: Path | None = None) -> Estimate:
    """Run the warehouse's compiled SQL on the planned uses and summarise each option.

    The chain is compiled once per dbt project and factor release and cached under the dbt folder of
    ``workdir`` (default: ``home``, itself ``EWH_HOME`` by default); the seeds come from ``home``'s
    warehouse when it holds the current factor release, else from the chain's own build.
    """
    started = time.monotonic()
    options = [check(u) for u in options]
    labels = [u.label for u in options]
    if len(set(labels)) != len(labels) or any(not label for label in labels):
        raise EstimateError(f"every option needs its own label, got {labels}")
    rows = activity_rows(options)
    release, home_paths, chain = _compiled(workdir, home)
    con = evaluate(chain, home_paths.warehouse, rows, release["factor_release_sha256"])
    try:
        impacts = con.sql(
            f"select * from {CATALOG}.main.fct_activity_impacts where dataset = $d "
            "order by project, activity_type",
            params={"d": DATASET},
        ).pl()
        equivalents = con.sql(f"select * from {CATALOG}.main.{EQUIVALENTS}").pl()
    finally:
        con.close()
    result = Estimate(release, options, impacts, equivalents, seconds=time.monotonic() - started)
    result.summaries = [summarise(u, impacts, equivalents, release) for u in options]
    return result


def _compiled(workdir: Path | None, home: Path | None) -> tuple[dict[str, str], Paths, Chain]:
    release = release_info()
    home_paths = Paths(home) if home is not None else Paths.from_env()
    try:
        chain = compiled_chain(
            workdir.resolve() if workdir else home_paths.home, release, analyses=(EQUIVALENTS,)
        )
    except DbtError as exc:
        raise EstimateBuildError(str(exc)) from None
    return release, home_paths, chain


def figure_equivalents(
    figures: pl.DataFrame,
    *,
    seed: pl.DataFrame | None = None,
    workdir: Path | None = None,
    home: Path | None = None,
) -> pl.DataFrame:
    """The estimate's equivalents (analysis ``estimate_equivalents``, the mart's formula) on given
    figures: one row of ``figures`` per label (``project``), with ``usage_date`` and ``energy_kwh``,
    ``co2e_location_kg``, ``water_l`` and their ``_low``/``_high``; ``seed`` replaces the
    ``factor_equivalents`` seed. Lets the formula be checked on figures chosen by hand."""
    release, home_paths, chain = _compiled(workdir, home)
    inputs = {"fct_activity_impacts": figures} | ({"factor_equivalents": seed} if seed is not None else {})
    return evaluate_on(chain, EQUIVALENTS, inputs, home_paths.warehouse, release["factor_release_sha256"])


# ---------------------------------------------------------------------------------------------------
# Summaries, equivalents and output


def _sum(frame: pl.DataFrame, column: str) -> float | None:
    values = frame.get_column(column)
    return None if values.null_count() == values.len() else float(values.sum())


def _distinct(frame: pl.DataFrame, column: str) -> list[str]:
    return sorted(v for v in frame.get_column(column).unique().to_list() if v is not None)


def summarise(usage: Usage, impacts: pl.DataFrame, equivalents: pl.DataFrame, release: dict) -> dict:
    mine = impacts.filter(pl.col("project") == usage.label)
    figures = {
        name: {
            "central": _sum(mine, name),
            "low": _sum(mine, f"{name}_low"),
            "high": _sum(mine, f"{name}_high"),
        }
        for name in FIGURES
    }
    scored = mine.filter(pl.col("method_tier") != "counted_in_impressions")
    return {
        "label": usage.label,
        "description": usage.describe(),
        "usage": {k: v.isoformat() if isinstance(v, date) else v for k, v in asdict(usage).items()},
        "factor_release": release["factor_release"],
        "figures": figures,
        "method_tiers": _distinct(scored, "method_tier"),
        "fallback_tiers": _distinct(scored.filter(pl.col("is_fallback")), "method_tier"),
        "dq_score": int(scored.get_column("dq_score").max()) if scored.height else None,
        "electricity_country": _distinct(mine, "electricity_country"),
        "market_basis": _distinct(mine, "market_basis"),
        "factor_ids": sorted({v for c in FACTOR_ID_COLUMNS for v in _distinct(mine, c)}),
        "it_energy_kwh": _sum(mine, "it_energy_kwh"),
        "rows": mine.select(
            "activity_type",
            "quantity",
            "method_tier",
            "dq_score",
            "energy_kwh",
            "co2e_location_kg",
            "co2e_market_kg",
            "co2e_embodied_kg",
            "water_l",
            "model_factor_id",
            "activity_factor_id",
        ).to_dicts(),
        "equivalents": equivalents_of(equivalents, usage.label),
    }


def equivalents_of(frame: pl.DataFrame, label: str | None) -> list[dict]:
    """The rows of ``estimate_equivalents`` (the mart's formula) for one option, energy first."""
    order = list(MEASURE_TITLES)
    rows = frame.filter(pl.col("label") == label).to_dicts()
    out = [
        {
            "factor_id": r["factor_id"],
            "measure": r["measure"],
            "equivalent": r["equivalent"],
            "count": r["equivalent_count"],
            "count_low": r["equivalent_count_low"],
            "count_high": r["equivalent_count_high"],
            "value": float(r["factor_value"]),
            "unit": r["factor_unit"],
            "basis": r["factor_basis"],
            "source_url": r["source_url"],
            "source_year": int(r["source_year"]),
            "licence": r["licence"],
        }
        for r in rows
    ]
    return sorted(out, key=lambda e: (order.index(e["measure"]), e["factor_id"]))


def sig(x: float | None, digits: int = 2) -> str:
    """``x`` rounded to ``digits`` significant figures, without scientific notation (45, 0.0012, 1,200)."""
    if x is None:
        return "n/a"
    if x == 0:
        return "0"
    places = digits - 1 - math.floor(math.log10(abs(x)))
    rounded = round(x, places)
    return f"{rounded:,.{max(places, 0)}f}"


def _num(x: float | None) -> str:
    return sig(x, 5)


def _human(q: float) -> str:
    return f"{q:,.0f}" if float(q).is_integer() else f"{q:,}"


def equivalent_line(eq: dict) -> str:
    """``≈ 45 smartphone charges (range 30-100) at 0.022 kWh per charge``: figure ÷ factor, 2 s.f."""
    spread = ""
    if eq["count_low"] is not None and eq["count_high"] is not None:
        spread = f" (range {sig(eq['count_low'])}-{sig(eq['count_high'])})"
    return f"≈ {sig(eq['count'])} {eq['equivalent']}{spread} at {eq['value']:g} {eq['unit']}"


MEASURE_TITLES = {"energy_kwh": "energy", "co2e_location_kg": "carbon (location-based)", "water_l": "water"}


def render_text(result: Estimate, verbose: bool = False) -> str:
    """One screen per option; ``verbose`` adds the factor ids and each equivalent's source."""
    release = result.release
    lines = [
        f"Factor release {release['factor_release']} (sha256 {release['factor_release_sha256'][:12]}, "
        f"EcoLogits {release['ecologits_version']}), computed with the warehouse's compiled dbt models "
        f"in {result.seconds:.1f} s.",
        "GHG Protocol Scope 3 Category 1. Central figure, then the low - high envelope.",
    ]
    for s in result.summaries:
        lines += ["", f"[{s['label']}] {s['description']}"]
        lines.append(
            f"  method {', '.join(s['method_tiers']) or 'none'}, dq score {s['dq_score']} (1 best, 5 worst),"
            f" grid {', '.join(s['electricity_country']) or 'n/a'}"
        )
        if verbose:
            lines.append(f"  factors: {', '.join(s['factor_ids'])}")
        titles = dict(FIGURES)
        if s["market_basis"] == ["location_fallback"]:
            titles["co2e_market_kg"] += " (no market factor: = location)"
        width = max(len(v) for v in titles.values())
        for name, title in titles.items():
            f = s["figures"][name]
            lines.append(
                f"  {title:<{width}}  {_num(f['central']):>10}   ({_num(f['low'])} - {_num(f['high'])})"
            )
        types = {r["activity_type"] for r in s["rows"]}
        if "llm_requests" not in types and any(t.startswith("llm_") for t in types):
            lines.append("  note: no --requests given, so EcoLogits' per-request term is not included")
        tiers = {r["method_tier"] for r in s["rows"]}
        if "name_size" in tiers:
            lines.append("  note: model in no EcoLogits registry; sized from the parameter count in its name")
        if "size_tier" in tiers:
            lines.append("  note: model in no EcoLogits registry; estimated with its price-class tier (dq 4)")
        if "unknown_model" in tiers:
            lines.append(
                "  note: model nothing identifies; its range spans a small to a frontier model (dq 5)"
            )
        if not any(t.startswith("llm_") or t in ("ad_impressions", "video_seconds") for t in types):
            lines.append(
                "  note: embodied emissions are estimated for LLM, video and ad rows only;"
                " n/a means not estimated"
            )
        lines.append("  equivalents, for scale only (2 significant figures; never add them together):")
        for eq in s["equivalents"]:
            lines.append(f"    {MEASURE_TITLES[eq['measure']]}: {equivalent_line(eq)}")
            if verbose:
                source = f"{eq['source_url']} ({eq['source_year']}, {eq['licence']})"
                lines.append(f"      {eq['basis']}; {source}")
    if len(result.summaries) == 2:
        lines += ["", *compare_lines(*result.summaries)]
    if not verbose:
        lines += ["", "(--verbose: the factor ids and the source of each equivalent)"]
    return "\n".join(lines)


def comparison(a: dict, b: dict) -> dict:
    out = {}
    for name in FIGURES:
        fa, fb = a["figures"][name]["central"], b["figures"][name]["central"]
        out[name] = {
            a["label"]: fa,
            b["label"]: fb,
            "difference": None if fa is None or fb is None else fb - fa,
            "ratio": None if not fa or fb is None else fb / fa,
        }
    return out


def compare_lines(a: dict, b: dict) -> list[str]:
    la, lb = a["label"], b["label"]
    width = max(len(v) for v in FIGURES.values())
    lines = [
        f"Side by side: [{la}] vs [{lb}]",
        f"  {'':<{width}}  {la:>28}  {lb:>28}  {lb + ' ÷ ' + la:>10}",
    ]
    for name, title in FIGURES.items():
        fa, fb = a["figures"][name], b["figures"][name]

        def cell(f: dict) -> str:
            return f"{_num(f['central'])} ({sig(f['low'])}-{sig(f['high'])})"

        ratio = comparison(a, b)[name]["ratio"]
        times = "n/a" if ratio is None else sig(ratio, 3) + "x"
        lines.append(f"  {title:<{width}}  {cell(fa):>28}  {cell(fb):>28}  {times:>10}")
    ea, eb = a["figures"]["energy_kwh"]["central"], b["figures"]["energy_kwh"]["central"]
    if ea is not None and eb is not None and ea != eb:
        low, high = (la, lb) if ea < eb else (lb, la)
        share = abs(ea - eb) / max(ea, eb)
        lines.append(f"  [{low}] uses {share:.0%} less energy than [{high}] (central figures).")
        if same_work(a, b):
            lines.append(
                "  The model does the same work for both (equal IT energy): they differ only by data-centre "
                "overhead (PUE) and the grid where they run, not by the model or the settings."
            )
    return lines


def same_work(a: dict, b: dict) -> bool:
    """Equal IT (server) energy: two options whose difference is all data-centre overhead and grid."""
    ia, ib = a.get("it_energy_kwh"), b.get("it_energy_kwh")
    return ia is not None and ib is not None and math.isclose(ia, ib, rel_tol=1e-9)


def to_json(result: Estimate) -> dict:
    out = {
        "factor_release": result.release["factor_release"],
        "factor_release_sha256": result.release["factor_release_sha256"],
        "ecologits_version": result.release["ecologits_version"],
        "ghg_category": "Scope 3 Category 1 (purchased goods and services)",
        "options": result.summaries,
    }
    if len(result.summaries) == 2:
        out["comparison"] = comparison(*result.summaries)
    return out


# ---------------------------------------------------------------------------------------------------
# Options as given on the command line: the comparison option, and refusing a guessed model


def usage_from(values: Mapping[str, object]) -> Usage:
    """A ``Usage`` from parsed options (extra keys, such as ``json`` or ``workdir``, are ignored)."""
    names = {f.name for f in fields(Usage)}
    return Usage(**{k: v for k, v in values.items() if k in names})


def merge(first: Usage, second: Usage) -> Usage:
    """The comparison option: its own values, the rest from the first option (see the module docstring)."""
    switches = (
        (second.platform is not None and not first.is_ads)
        or (second.vendor is not None and first.is_ads)
        or (second.tool is not None and first.tool != second.tool)
        or (first.tool is not None and (second.vendor is not None or second.platform is not None))
    )
    if switches:
        return second
    values = {}
    for name in SETTINGS:
        values[name] = getattr(second, name) if getattr(second, name) is not None else getattr(first, name)
    if second.vendor is not None and first.platform is not None:
        values["platform"] = None
    own = second.quantities()
    for name in QUANTITIES:
        values[name] = own.get(name) if own else getattr(first, name)
    return replace(second, **values)


def known_models() -> list[str]:
    """Every model name the factor seeds know (LLM registries, image and video models): for suggestions."""
    from factors.release import seed_path

    names = [
        pl.read_csv(seed_path(seed), columns=[column], infer_schema=False).get_column(column)
        for seed, column in (
            ("factor_llm_models", "model_name"),
            ("factor_image_models", "model"),
            ("factor_video_models", "model"),
        )
    ]
    return sorted(set(pl.concat(names).drop_nulls().to_list()))


def fallback_refusals(result: Estimate) -> list[str]:
    """One message per option whose model rests on a fallback tier (``method_tiers.is_fallback``): a
    misspelt id would otherwise pass as a guess with exit 0. Close matches from the seeds are suggested."""
    messages = []
    for usage, summary in zip(result.options, result.summaries, strict=True):
        seat_tool = usage.tool in SEAT_SOURCES and SEAT_SOURCES[usage.tool][2] is not None
        if not summary["fallback_tiers"] or seat_tool:
            continue  # a seat tool's tier is the tool's own (no model to misspell): shown, never refused
        model = _normalise_model(usage.model or "")
        close = difflib.get_close_matches(model, known_models(), n=4, cutoff=0.6)
        messages.append(
            f"[{usage.label}] model {usage.model!r} is in no EcoLogits registry and its name gives no size: "
            f"it would be estimated with the fallback {', '.join(summary['fallback_tiers'])} "
            f"(dq {summary['dq_score']})."
            + (f" Did you mean: {', '.join(close)}?" if close else "")
            + " Give a known model, or --allow-fallback to accept the fallback estimate."
        )
    return messages
