"""Generate the EcoLogits-derived factor seeds from the pinned ``ecologits`` package.

EcoLogits estimates one request's impacts from output tokens and latency. With no latency cap its
IT energy is linear: ``E(n) = a * n + b`` (``a`` per output token, ``b`` per request from time to
first token). We evaluate the package's own ``compute_llm_impacts`` at PUE 1 and record ``a`` and
``b`` for the low and high ends of each model's parameter range, so the warehouse reproduces
EcoLogits exactly while aggregating daily usage instead of single requests.

    python -m factors.build          # rewrite the seeds
    python -m factors.build --check  # exit 1 if the committed seeds differ from the package
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import statistics
import sys
from importlib import metadata
from importlib.resources import files

from ecologits.estimations import video_impacts
from ecologits.estimations.video import _MODELS_INFO as VIDEO_MODELS
from ecologits.impacts.llm import (
    BATCH_SIZE,
    GPU_ENERGY_BETA,
    GPU_MEMORY,
    MODEL_QUANTIZATION_BITS,
    compute_llm_impacts,
    gpu_required_count,
    model_required_memory,
)
from ecologits.model_repository import ParametersMoE, models
from ecologits.tracers.utils import PROVIDER_CONFIG_MAP
from ecologits.utils.range_value import RangeValue

from factors import RELEASE, llm_registry
from factors.release import SEEDS, seed_path

ECOLOGITS_VERSION = metadata.version("ecologits")
ECOLOGITS_URL = "https://ecologits.ai/latest/methodology/llm_inference/"
ECOLOGITS_LICENCE = "MPL-2.0 (EcoLogits package data); methodology CC BY-SA 4.0"
VALID_FROM, VALID_TO = "2020-01-01", "9999-12-31"

# EcoLogits provider -> model catalogue name (the vendor seed names the catalogue each vendor prefers)
CATALOGUES = {
    "openai": "openai",
    "anthropic": "anthropic",
    "google_genai": "google",
    "mistralai": "mistral",
    "cohere": "cohere",
    "huggingface_hub": "huggingface",
}
# vendor -> (model catalogue, EcoLogits provider whose data-centre defaults apply, note)
VENDORS = {
    "openai": ("openai", "openai", "OpenAI API runs on Microsoft Azure (EcoLogits provider sheet)"),
    "azure": ("openai", "openai", "Azure OpenAI: same data-centre defaults as OpenAI in EcoLogits"),
    "anthropic": ("anthropic", "anthropic", "EcoLogits anthropic provider defaults"),
    "google": ("google", "google_genai", "EcoLogits google_genai provider defaults"),
    "mistral": ("mistral", "mistralai", "EcoLogits mistralai provider defaults (Azure Sweden)"),
    # seat tools (#18): Microsoft 365 Copilot is served by Azure OpenAI in Microsoft's data centres
    "microsoft": ("openai", "openai", "Microsoft 365 Copilot runs on Azure OpenAI: same defaults as OpenAI"),
}
# Vendors EcoLogits has no LLM provider entry for. "*" lets their rows match any model catalogue
# (Bedrock resells Anthropic, Meta, Mistral and Amazon models).
CURATED_VENDORS = [
    {
        "vendor": "aws",
        "model_catalog": "*",
        "default_country": "USA",
        "pue": (1.15, 1.15),
        "wue": (0.12, 0.25),
        "source_url": "https://aws.amazon.com/about-aws/sustainability/",
        "source_year": 2025,
        "licence": "cite-only (AWS sustainability disclosures)",
        "note": "AWS global PUE 1.15 (2023-2024); WUE 0.25 L/kWh (2021) to 0.12 (2025), the range used",
    },
    # creative tools (issue #18) disclose no data centre: from a hyperscale cloud's figures (AWS, above)
    # to the industry averages, PUE 1.56 (Uptime Institute 2024 survey) and WUE 1.8 L/kWh (The Green Grid)
    *[
        {
            "vendor": vendor,
            "model_catalog": "*",
            "default_country": "USA",
            "pue": (1.15, 1.56),
            "wue": (0.12, 1.8),
            "source_url": "https://uptimeinstitute.com/resources/research-and-reports/"
            "uptime-institute-global-data-center-survey-results-2024",
            "source_year": 2024,
            "licence": "cite-only (Uptime Institute survey; The Green Grid WUE white paper)",
            "note": f"{name} discloses no data centre: PUE from a hyperscale cloud's 1.15 to the industry "
            "average 1.56 (Uptime Institute 2024), WUE 0.12 L/kWh (AWS 2025) to 1.8 (The Green Grid "
            "average); electricity country USA (the vendor's headquarters) unless the row states one",
        }
        for vendor, name in (("elevenlabs", "ElevenLabs"), ("jasper", "Jasper"), ("adobe", "Adobe"))
    ],
]
# Microsoft's own fleet water usage effectiveness (on-site, L per kWh of IT energy), more specific than
# EcoLogits' 0.569 for OpenAI and Azure (both run in Microsoft data centres): periods by reporting year.
MICROSOFT_WUE_URL = "https://datacenters.microsoft.com/sustainability/efficiency/"
MICROSOFT_WUE = [
    ("2020-01-01", "2021-12-31", (0.49, 0.49), 2021, "Microsoft fleet WUE 0.49 L/kWh in 2021"),
    (
        "2022-01-01",
        "2024-12-31",
        (0.30, 0.49),
        2024,
        "Between Microsoft's 0.49 (2021) and 0.30 L/kWh (fiscal 2024, down 39%); years between unpublished",
    ),
    (
        "2025-01-01",
        VALID_TO,
        (0.27, 0.30),
        2026,
        "Microsoft's owned fleet 0.27 L/kWh in 2025 (announced 24 June 2026), 0.30 in fiscal 2024",
    ),
]
MICROSOFT_VENDORS = ("openai", "azure", "microsoft")
VIDEO_VENDORS = {"runway": "runway"}  # vendor -> EcoLogits video provider configuration
# Fallback tiers for models no registry knows, by price class in the name (factor_llm_tier_patterns.csv):
# representative architectures from docs/methodology.md (factors research 1.1).
TIERS = {
    "small": ("dense", RangeValue(min=8, max=28), RangeValue(min=8, max=28)),
    "flagship": ("moe", RangeValue(min=440, max=440), RangeValue(min=44, max=132)),
    "frontier": ("moe", RangeValue(min=2000, max=2000), RangeValue(min=200, max=600)),
}
# Open-weight models EcoLogits does not register yet, with the architecture their model card publishes.
CURATED_MODELS = [
    ("huggingface", "deepseek-ai/DeepSeek-R1", 671, 37, "https://huggingface.co/deepseek-ai/DeepSeek-R1"),
    ("huggingface", "deepseek-ai/DeepSeek-V3", 671, 37, "https://huggingface.co/deepseek-ai/DeepSeek-V3"),
]
# Size classes for sizes read from model names: EcoLogits' energy depends on the total parameter count only
# through the number of 80 GB GPUs that hold the model (a power of two), and is linear in active parameters
# for a given GPU count, so one row per GPU count reproduces EcoLogits for any parsed size.
SIZE_CLASS_GPUS = (1, 2, 4, 8, 16, 32, 64, 128)
# Structural uncertainty EcoLogits' point model leaves out (factors research section 6): each a multiplier on
# the low and high ends of every LLM figure. Batching is EcoLogits' own batch term at 128 and 16 concurrent
# requests instead of its fixed 64.
BATCH_LOW, BATCH_HIGH = 128, 16
STRUCTURAL = [
    {
        "component": "serving_stack",
        "low": 0.59,
        "high": 1.0,
        "source_url": "https://ml.energy/blog/measurement/energy/llm-inference-energy-a-longitudinal-analysis",
        "source_year": 2026,
        "licence": "cite-only (ML.ENERGY blog)",
        "note": "Same model and H100s, vLLM 0.5.4 -> 0.11.1: energy per token down by up to 41% "
        "(Llama 3.1 8B, batch 64). EcoLogits' fit predates such serving software and newer accelerators, "
        "so the low end is 0.59",
    },
    {
        "component": "full_stack_overhead",
        "low": 1.0,
        "high": 2.4,
        "source_url": "https://arxiv.org/abs/2508.15734",
        "source_year": 2025,
        "licence": "cite-only (Google, Elsworth et al. 2025)",
        "note": "Google's median Gemini prompt: 0.24 Wh counting host CPU/DRAM, idle reserve machines and "
        "overhead, 0.10 Wh counting active accelerators only (2.4x). EcoLogits counts GPUs and a server "
        "share, not idle capacity: up to 2.4x more",
    },
]


def _bounds(value: float | RangeValue) -> tuple[float, float]:
    return (value.min, value.max) if isinstance(value, RangeValue) else (value, value)


def _model_params(model) -> tuple[tuple[float, float], tuple[float, float]]:
    """(total, active) of an installed EcoLogits registry model, each as (low, high) in billions."""
    p = model.architecture.parameters
    if isinstance(p, ParametersMoE):
        return _bounds(p.total), _bounds(p.active)
    return _bounds(p), _bounds(p)


def _it_per_request(
    active: float, total: float, tokens: int, tps: float | None, ttft: float | None, **options
) -> tuple[float, float]:
    """IT energy (kWh) and embodied GWP (kgCO2e) of one request of ``tokens`` output tokens."""
    impacts = compute_llm_impacts(
        model_active_parameter_count=active,
        model_total_parameter_count=total,
        output_token_count=tokens,
        if_electricity_mix_adpe=0.0,
        if_electricity_mix_pe=0.0,
        if_electricity_mix_gwp=0.0,
        if_electricity_mix_wue=0.0,
        datacenter_pue=1.0,
        datacenter_wue=0.0,
        tps=tps,
        ttft=ttft,
        **options,
    )
    return impacts.energy.value, impacts.embodied.gwp.value


def linear_coefficients(
    active: float, total: float, tps: float | None = None, ttft: float | None = None
) -> dict[str, float]:
    """Per-output-token and per-request IT energy and embodied emissions for one parameter point."""
    e0, g0 = _it_per_request(active, total, 0, tps, ttft)
    e1, g1 = _it_per_request(active, total, 1000, tps, ttft)
    return {
        "kwh_token": (e1 - e0) / 1000,
        "kwh_request": e0,
        "kg_token": (g1 - g0) / 1000,
        "kg_request": g0,
    }


def _params(architecture: dict) -> tuple[str, tuple[float, float], tuple[float, float]]:
    """(type, total, active) of a registry architecture, each as (low, high) in billions."""

    def bounds(value) -> tuple[float, float]:
        return (float(value["min"]), float(value["max"])) if isinstance(value, dict) else (float(value),) * 2

    p = architecture["parameters"]
    if isinstance(p, dict) and "total" in p:
        return architecture["type"], bounds(p["total"]), bounds(p["active"])
    return architecture["type"], bounds(p), bounds(p)


COEFFICIENTS = {
    "it_kwh_per_output_token": "kwh_token",
    "it_kwh_per_request": "kwh_request",
    "embodied_kgco2e_per_output_token": "kg_token",
    "embodied_kgco2e_per_request": "kg_request",
}


def _llm_row(
    factor_id: str,
    catalogue: str,
    name: str,
    arch: str,
    total,
    active,
    tps,
    ttft,
    *,
    url: str,
    note: str,
    valid=(VALID_FROM, VALID_TO),
    status: str = "current",
    registry_release: str = ECOLOGITS_VERSION,
    resolves_to: str = "",
    central: dict[str, float] | None = None,
) -> dict:
    """One factor row: EcoLogits at both ends of the parameter range; central is EcoLogits' mean."""
    low = linear_coefficients(active[0], total[0], tps, ttft)
    high = linear_coefficients(active[1], total[1], tps, ttft)
    central = central or {k: (low[k] + high[k]) / 2 for k in low}
    row = {
        "factor_id": factor_id,
        "model_catalog": catalogue,
        "model_name": name,
        "architecture": arch,
        "total_params_b_low": total[0],
        "total_params_b_high": total[1],
        "active_params_b_low": active[0],
        "active_params_b_high": active[1],
    }
    for column, key in COEFFICIENTS.items():
        row[f"{column}_low"] = f"{low[key]:.6e}"
        row[column] = f"{central[key]:.6e}"
        row[f"{column}_high"] = f"{high[key]:.6e}"
    return row | {
        "registry_status": status,
        "registry_release": registry_release,
        "resolves_to": resolves_to,
        "ecologits_version": ECOLOGITS_VERSION,
        "release": RELEASE,
        "valid_from": str(valid[0]),
        "valid_to": str(valid[1]),
        "source_url": url,
        "source_year": int(_release_year(registry_release)) if registry_release else 2026,
        "licence": ECOLOGITS_LICENCE,
        "note": note,
    }


def _release_year(version: str) -> str:
    """Year of an EcoLogits release (from the registry history; the installed release is in it too)."""
    releases = json.loads(llm_registry.HISTORY.read_text())["releases"]
    return next((r["date"][:4] for r in releases if r["version"] == version), "2026")


def llm_model_rows() -> list[dict]:
    """Every model EcoLogits ever registered (all providers, Hugging Face included), and the curated few."""
    rows = []
    for e in llm_registry.entries(ECOLOGITS_URL):
        catalogue = CATALOGUES[e.provider]
        arch, total, active = _params(e.architecture)
        deployment = e.deployment or {}
        warnings = ";".join(e.warnings)
        suffix = "" if e.valid_to.isoformat() == VALID_TO else f"@{e.valid_from.isoformat()}"
        rows.append(
            _llm_row(
                f"llm.{catalogue}.{e.name}{suffix}",
                catalogue,
                e.name,
                arch,
                total,
                active,
                deployment.get("tps"),
                deployment.get("ttft"),
                url=e.source_url,
                note=e.note + (f"; warnings: {warnings}" if warnings else ""),
                valid=(e.valid_from, e.valid_to),
                status=e.status,
                registry_release=e.registry_release,
                resolves_to=e.resolves_to,
            )
        )
    for catalogue, name, total, active, url in CURATED_MODELS:
        rows.append(
            _llm_row(
                f"llm.{catalogue}.{name}",
                catalogue,
                name,
                "moe",
                (total, total),
                (active, active),
                None,
                None,
                url=url,
                note=f"Not in EcoLogits' registry: {total}B total / {active}B active parameters from the "
                "model card, EcoLogits formula",
                status="curated",
                registry_release="",
            )
        )
    return sorted(rows, key=lambda r: r["factor_id"])


def llm_tier_rows() -> list[dict]:
    """Price-class tiers, and the wide tier for a model nothing identifies (small low to frontier high)."""
    rows = [
        _llm_row(
            f"llm_tier.{tier}",
            "*",
            tier,
            arch,
            _bounds(total),
            _bounds(active),
            None,
            None,
            url=ECOLOGITS_URL,
            note=f"Fallback tier for models missing from the registry: {arch} {total.min:g}B total, "
            f"{active.min:g}-{active.max:g}B active, EcoLogits latency model",
            status="tier",
            registry_release="",
        )
        for tier, (arch, total, active) in TIERS.items()
    ]
    small, frontier = rows[0], rows[-1]
    low = {key: float(small[f"{column}_low"]) for column, key in COEFFICIENTS.items()}
    high = {key: float(frontier[f"{column}_high"]) for column, key in COEFFICIENTS.items()}
    unknown = _llm_row(
        "llm_tier.unknown",
        "*",
        "unknown",
        "unknown",
        (small["total_params_b_low"], frontier["total_params_b_high"]),
        (small["active_params_b_low"], frontier["active_params_b_high"]),
        None,
        None,
        url=ECOLOGITS_URL,
        note="Model no registry, name size or price class identifies: from the small tier's low end "
        "(8B dense) to the frontier tier's high end (2T MoE, 600B active); central is their geometric "
        "mean (sizes spread log-uniformly), not a flagship guess",
        status="tier",
        registry_release="",
        central={k: math.sqrt(low[k] * high[k]) for k in low},
    )
    for column in COEFFICIENTS:  # the wide range's ends are the small low end and the frontier high end
        unknown[f"{column}_low"], unknown[f"{column}_high"] = (
            small[f"{column}_low"],
            frontier[f"{column}_high"],
        )
    return [*rows, unknown]


def _gpu_count(total: float) -> int:
    return gpu_required_count(model_required_memory(total, MODEL_QUANTIZATION_BITS), GPU_MEMORY)


def _largest_total(gpus: int) -> float:
    """The largest total parameter count (billions, 6 decimals) EcoLogits places on ``gpus`` GPUs."""
    low, high = 0.0, 1e5
    for _ in range(200):
        mid = (low + high) / 2
        low, high = (mid, high) if _gpu_count(mid) <= gpus else (low, mid)
    return math.floor(low * 1e6) / 1e6


def llm_size_class_rows() -> list[dict]:
    """Per GPU count: EcoLogits' coefficients as intercept + slope x active parameters (billions)."""
    rows, previous = [], 0.0
    for gpus in SIZE_CLASS_GPUS:
        largest = _largest_total(gpus)
        at1 = linear_coefficients(1.0, largest)
        at2 = linear_coefficients(2.0, largest)
        row = {
            "factor_id": f"llm_size.gpu{gpus}",
            "gpu_count": gpus,
            "total_params_b_above": previous,
            "total_params_b_max": largest,
        }
        for column, key in COEFFICIENTS.items():
            slope = at2[key] - at1[key]
            row[f"{column}_intercept"] = f"{at1[key] - slope:.9e}"
            row[f"{column}_per_active_b"] = f"{slope:.9e}"
        rows.append(
            row
            | {
                "ecologits_version": ECOLOGITS_VERSION,
                "release": RELEASE,
                "valid_from": VALID_FROM,
                "valid_to": VALID_TO,
                "source_url": ECOLOGITS_URL,
                "source_year": 2026,
                "licence": ECOLOGITS_LICENCE,
                "note": f"Models of {previous:g}-{largest:g}B total parameters fill {gpus} x 80 GB GPUs in "
                "EcoLogits (FP16, 1.2x overhead); energy and embodied emissions are linear in active "
                "parameters",
            }
        )
        previous = largest
    return rows


def llm_structural_rows() -> list[dict]:
    """Multipliers on the low and high ends of every LLM figure (EcoLogits' point model leaves them out)."""
    batching = {
        "component": "batching",
        "low": round(math.exp(GPU_ENERGY_BETA * (BATCH_LOW - BATCH_SIZE)), 4),
        "high": round(math.exp(GPU_ENERGY_BETA * (BATCH_HIGH - BATCH_SIZE)), 4),
        "source_url": ECOLOGITS_URL,
        "source_year": 2026,
        "licence": ECOLOGITS_LICENCE,
        "note": f"EcoLogits fixes {BATCH_SIZE} concurrent requests; its own GPU energy term "
        f"exp(beta x batch) at {BATCH_LOW} (low) and {BATCH_HIGH} (high) requests, the spread production "
        "serving shows (factors research 1.1)",
    }
    return [
        {
            "factor_id": f"llm_structural.{c['component']}",
            "component": c["component"],
            "multiplier_low": c["low"],
            "multiplier_high": c["high"],
            "release": RELEASE,
            "valid_from": VALID_FROM,
            "valid_to": VALID_TO,
            "source_url": c["source_url"],
            "source_year": c["source_year"],
            "licence": c["licence"],
            "note": c["note"],
        }
        for c in [batching, *STRUCTURAL]
    ]


def _provider_row(
    vendor: str,
    catalogue: str,
    country: str,
    pue,
    wue,
    *,
    url: str,
    year: int,
    licence: str,
    note: str,
    valid=(VALID_FROM, VALID_TO),
) -> dict:
    suffix = "" if valid[1] == VALID_TO else f"@{valid[0]}"
    return {
        "factor_id": f"provider.{vendor}{suffix}",
        "vendor": vendor,
        "model_catalog": catalogue,
        "default_country": country,
        "pue_low": pue[0],
        "pue_high": pue[1],
        "wue_onsite_l_per_kwh_low": wue[0],
        "wue_onsite_l_per_kwh_high": wue[1],
        "ecologits_version": ECOLOGITS_VERSION,
        "release": RELEASE,
        "valid_from": valid[0],
        "valid_to": valid[1],
        "source_url": url,
        "source_year": year,
        "licence": licence,
        "note": note,
    }


def provider_rows() -> list[dict]:
    url = "https://ecologits.ai/latest/methodology/llm_inference/#datacenter-and-electricity-mix"
    rows = []
    for vendor, (catalogue, provider, note) in VENDORS.items():
        config = PROVIDER_CONFIG_MAP[provider]
        if vendor in MICROSOFT_VENDORS:
            rows += [
                _provider_row(
                    vendor,
                    catalogue,
                    config.datacenter_location,
                    _bounds(config.datacenter_pue),
                    wue,
                    url=MICROSOFT_WUE_URL,
                    year=year,
                    licence="cite-only (Microsoft sustainability disclosures); PUE: " + ECOLOGITS_LICENCE,
                    note=f"{note}; PUE from EcoLogits' provider sheet; on-site WUE: {wue_note}",
                    valid=(start, end),
                )
                for start, end, wue, year, wue_note in MICROSOFT_WUE
            ]
            continue
        rows.append(
            _provider_row(
                vendor,
                catalogue,
                config.datacenter_location,
                _bounds(config.datacenter_pue),
                _bounds(config.datacenter_wue),
                url=url,
                year=2026,
                licence=ECOLOGITS_LICENCE,
                note=note,
            )
        )
    video = json.loads(files("ecologits").joinpath("data/video_models.json").read_text())[
        "provider_configurations"
    ]
    for vendor, provider in VIDEO_VENDORS.items():
        config = video[provider]
        pue, wue = config["datacenter_pue"], config["datacenter_wue"]
        rows.append(
            _provider_row(
                vendor,
                "*",
                config["datacenter_location"],
                (pue["min"], pue["max"]) if isinstance(pue, dict) else (pue, pue),
                (wue["min"], wue["max"]) if isinstance(wue, dict) else (wue, wue),
                url="https://ecologits.ai/latest/methodology/video_generation/",
                year=2026,
                licence=ECOLOGITS_LICENCE,
                note=f"EcoLogits video provider configuration for {provider}",
            )
        )
    for c in CURATED_VENDORS:
        rows.append(
            _provider_row(
                c["vendor"],
                c["model_catalog"],
                c["default_country"],
                c["pue"],
                c["wue"],
                url=c["source_url"],
                year=c["source_year"],
                licence=c["licence"],
                note=c["note"],
            )
        )
    return rows


VIDEO_URL = "https://ecologits.ai/latest/methodology/video_generation/"
# Usage exports name video models their own way: our model id -> (EcoLogits video model, how it relates).
# The vendor whose data-centre defaults apply is the one that serves the model (Runway resells Google's
# Veo), so each row names it; factor_providers holds the same PUE/WUE as EcoLogits' provider configuration.
VIDEO_ALIASES: dict[str, tuple[str, str]] = {
    "gen4.5": ("runway/gen-4.5", "model_specific"),
    "gen-4.5": ("runway/gen-4.5", "model_specific"),
    "veo3": ("google/veo-3.0", "model_specific"),
    "veo-3": ("google/veo-3.0", "model_specific"),
    "veo-3.0": ("google/veo-3.0", "model_specific"),
    "veo-3.0-fast": ("google/veo-3.0-fast", "model_specific"),
    "veo3.1": ("google/veo-3.1", "model_specific"),
    "veo-3.1": ("google/veo-3.1", "model_specific"),
    "veo3.1_fast": ("google/veo-3.1-fast", "model_specific"),
    "veo-3.1-fast": ("google/veo-3.1-fast", "model_specific"),
    "sora-2-pro": ("openai/sora-2-pro", "model_specific"),
    # EcoLogits registers only the Pro variant; Sora 2 gets its figure as a proxy (likely high), dq 4
    "sora-2": ("openai/sora-2-pro", "model_proxy"),
}
VIDEO_SERVING_VENDOR = {"runway": "runway", "google": "google", "openai": "openai"}


def _video_clip(name: str, resolution: str, seconds: float, audio: bool) -> tuple[float, float, float]:
    """EcoLogits' own video_impacts at PUE 1 (IT energy): (kWh low, kWh high, embodied kgCO2e) per second."""
    impacts = video_impacts(
        name, resolution, seconds, audio, datacenter_location="WOR", datacenter_pue=1.0, datacenter_wue=0.0
    )
    low, high = _bounds(impacts.energy.value)
    return low / seconds, high / seconds, impacts.embodied.gwp.value / seconds


def video_figures(name: str) -> dict:
    """Per generated second: the default clip's midpoint and the envelope of every supported clip.

    The default clip is 720p (else the model's first supported resolution), its middle supported length,
    with audio where the model makes audio (EcoLogits' own default): usage exports give seconds, not
    resolution, length or audio.
    Low and high span every resolution, length and audio setting EcoLogits lists for the model.
    """
    caps = VIDEO_MODELS[name]["capabilities"]
    frames = sorted(caps["frames_count"])
    lengths = [(f - 1) / 24 for f in frames]
    default_seconds = lengths[len(lengths) // 2]
    audio_options = [False, True] if caps["audio_generation"] else [False]
    sizes = [tuple(r) for r in caps["resolutions"]]
    width, height = (1280, 720) if (1280, 720) in sizes else sizes[0]
    resolution = f"{width}x{height}"
    low, high, emb = _video_clip(name, resolution, default_seconds, caps["audio_generation"])
    grid = [
        _video_clip(name, f"{w}x{h}", seconds, audio)
        for w, h in caps["resolutions"]
        for seconds in lengths
        for audio in audio_options
    ]
    return {
        "resolution": resolution,
        "default_seconds": default_seconds,
        "with_audio": caps["audio_generation"],
        "it": (low + high) / 2,
        "it_low": min(g[0] for g in grid),
        "it_high": max(g[1] for g in grid),
        "emb": emb,
        "emb_low": min(g[2] for g in grid),
        "emb_high": max(g[2] for g in grid),
    }


def _video_row(model: str, ecologits_model: str, tier: str, serving: str, fig: dict, note: str) -> dict:
    return {
        "factor_id": f"video.{model}",
        "model": model,
        "ecologits_model": ecologits_model,
        "method_tier": tier,
        "serving_vendor": serving,
        "resolution": fig.get("resolution", ""),
        "clip_seconds": fig.get("default_seconds", ""),
        "with_audio": fig.get("with_audio", ""),
        "it_kwh_per_second_low": f"{fig['it_low']:.6e}",
        "it_kwh_per_second": f"{fig['it']:.6e}",
        "it_kwh_per_second_high": f"{fig['it_high']:.6e}",
        "embodied_kgco2e_per_second_low": f"{fig['emb_low']:.6e}",
        "embodied_kgco2e_per_second": f"{fig['emb']:.6e}",
        "embodied_kgco2e_per_second_high": f"{fig['emb_high']:.6e}",
        "ecologits_version": ECOLOGITS_VERSION,
        "release": RELEASE,
        "valid_from": VALID_FROM,
        "valid_to": VALID_TO,
        "source_url": VIDEO_URL,
        "source_year": 2026,
        "licence": ECOLOGITS_LICENCE,
        "note": note,
    }


def video_model_rows() -> list[dict]:
    """IT energy (no PUE) and embodied emissions per generated second, from EcoLogits' video_impacts.

    One row per EcoLogits video model (keyed by its short name), one per alias vendors use, and a
    default ("*") for models EcoLogits does not register: the median of every model's default-clip
    figure, low and high the envelope over all models.
    """
    figures = {name: video_figures(name) for name in sorted(VIDEO_MODELS)}
    rows = []
    keyed = {name.split("/", 1)[1]: (name, "model_specific") for name in figures}
    keyed.update(VIDEO_ALIASES)
    for model, (name, tier) in sorted(keyed.items()):
        fig = figures[name]
        serving = VIDEO_SERVING_VENDOR.get(VIDEO_MODELS[name]["provider"], "")
        audio = ", with audio" if fig["with_audio"] else ""
        clip = f"{fig['resolution']}, {fig['default_seconds']:g} s{audio}"
        note = (
            f"EcoLogits {ECOLOGITS_VERSION} video_impacts('{name}') at PUE 1: central = midpoint of the"
            f" server-power range for the default clip ({clip}) per second; low/high = every supported"
            " resolution, length and audio setting"
        )
        if tier == "model_proxy":
            note += f"; '{model}' is not registered by EcoLogits: {name} used as its closest model"
        rows.append(_video_row(model, name, tier, serving, fig, note))
    mids = sorted(f["it"] for f in figures.values())
    embs = sorted(f["emb"] for f in figures.values())
    default = {
        "it": statistics.median(mids),
        "it_low": min(f["it_low"] for f in figures.values()),
        "it_high": max(f["it_high"] for f in figures.values()),
        "emb": statistics.median(embs),
        "emb_low": min(f["emb_low"] for f in figures.values()),
        "emb_high": max(f["emb_high"] for f in figures.values()),
    }
    rows.append(
        _video_row(
            "*",
            "*",
            "activity_default",
            "",
            default,
            f"Video model not registered by EcoLogits: median of the {len(figures)} EcoLogits"
            f" {ECOLOGITS_VERSION} video models' default-clip IT energy and embodied emissions per second;"
            " low/high the envelope of every model's supported clips",
        )
    )
    return rows


IMAGE_URL = "https://platform.openai.com/docs/guides/image-generation"
# OpenAI's image-generation guide, "cost and latency": image output tokens per image of the GPT Image
# models before gpt-image-2, by quality and size. Compute follows these tokens (autoregressive generation).
GPT_IMAGE_TOKENS = {
    "low": {"1024x1024": 272, "1024x1536": 408, "1536x1024": 400},
    "medium": {"1024x1024": 1056, "1024x1536": 1584, "1536x1024": 1568},
    "high": {"1024x1024": 4160, "1024x1536": 6240, "1536x1024": 6208},
}
# gpt-image-1 is GPT-4o's native image generation; EcoLogits registers no GPT Image model, so its
# per-output-token figures for gpt-4o price the image tokens.
GPT_IMAGE_MODELS = {"gpt-image-1": ("openai", "gpt-4o")}


def image_model_rows() -> list[dict]:
    """IT energy and embodied kgCO2e per image for models whose per-size or per-quality work is published.

    gpt-image-1: OpenAI's image output tokens per (quality, size) x EcoLogits' per-output-token energy for
    gpt-4o (low and high ends of its parameter range). Quality '*' (the usage API does not report it):
    low quality at the low end, medium central, high quality at the high end. Size '*': the square size.
    """
    rows = []
    for model_name, (provider, proxy) in GPT_IMAGE_MODELS.items():
        arch = next(m for m in models.list_models() if m.provider.value == provider and m.name == proxy)
        total, active = _model_params(arch)
        tps = arch.deployment.tps if arch.deployment else None
        ttft = arch.deployment.ttft if arch.deployment else None
        low = linear_coefficients(active[0], total[0], tps, ttft)
        high = linear_coefficients(active[1], total[1], tps, ttft)
        mid_kwh = (low["kwh_token"] + high["kwh_token"]) / 2
        mid_kg = (low["kg_token"] + high["kg_token"]) / 2
        sizes = [*GPT_IMAGE_TOKENS["medium"], "*"]
        for size in sizes:
            token_size = "1024x1024" if size == "*" else size
            for quality in ["low", "medium", "high", "*"]:
                lo_q, hi_q = ("low", "high") if quality == "*" else (quality, quality)
                mid_q = "medium" if quality == "*" else quality
                t_lo = GPT_IMAGE_TOKENS[lo_q][token_size]
                t_mid = GPT_IMAGE_TOKENS[mid_q][token_size]
                t_hi = GPT_IMAGE_TOKENS[hi_q][token_size]
                rows.append(
                    {
                        "factor_id": f"image.{model_name}.{size}.{quality}".replace("*", "any"),
                        "model": model_name,
                        "size": size,
                        "quality": quality,
                        "method_tier": "model_specific",
                        "it_kwh_per_image_low": f"{t_lo * low['kwh_token']:.6e}",
                        "it_kwh_per_image": f"{t_mid * mid_kwh:.6e}",
                        "it_kwh_per_image_high": f"{t_hi * high['kwh_token']:.6e}",
                        "embodied_kgco2e_per_image_low": f"{t_lo * low['kg_token']:.6e}",
                        "embodied_kgco2e_per_image": f"{t_mid * mid_kg:.6e}",
                        "embodied_kgco2e_per_image_high": f"{t_hi * high['kg_token']:.6e}",
                        "ecologits_version": ECOLOGITS_VERSION,
                        "release": RELEASE,
                        "valid_from": VALID_FROM,
                        "valid_to": VALID_TO,
                        "source_url": IMAGE_URL,
                        "source_year": 2025,
                        "licence": "cite-only (OpenAI documentation); " + ECOLOGITS_LICENCE,
                        "note": (
                            f"{t_lo}/{t_mid}/{t_hi} image output tokens (OpenAI, {lo_q}/{mid_q}/{hi_q} "
                            f"quality, {token_size}) x EcoLogits {ECOLOGITS_VERSION} IT kWh per output token "
                            f"of {proxy} ({active[0]:g}-{active[1]:g}B active), which generates gpt-image-1"
                        ),
                    }
                )
    return rows


def water_rows() -> list[dict]:
    """Off-site water per kWh of electricity per zone: zones with their own value, plus the world."""
    mixes = json.loads(files("ecologits").joinpath("data/electricity_mixes.json").read_text())[
        "electricity_mixes"
    ]
    rows = []
    for mix in sorted(mixes, key=lambda m: m["name"]):
        warnings = mix.get("warnings") or []
        if "electricity-mix-wue-world" in warnings and mix["name"] != "WOR":
            continue
        rows.append(
            {
                "factor_id": f"water.electricity.{mix['name']}",
                "country": mix["name"],
                "water_l_per_kwh": mix["wue"],
                "ecologits_version": ECOLOGITS_VERSION,
                "release": RELEASE,
                "valid_from": VALID_FROM,
                "valid_to": VALID_TO,
                "source_url": "https://ecologits.ai/latest/methodology/llm_inference/#water",
                "source_year": 2026,
                "licence": "MPL-2.0 (EcoLogits package data); upstream WRI electricity water method",
                "note": "Consumption (not withdrawal) per kWh generated, WRI method as packaged by EcoLogits",
            }
        )
    return rows


def render(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


GENERATED = {
    "factor_llm_models.csv": llm_model_rows,
    "factor_llm_tiers.csv": llm_tier_rows,
    "factor_llm_size_classes.csv": llm_size_class_rows,
    "factor_llm_structural.csv": llm_structural_rows,
    "factor_providers.csv": provider_rows,
    "factor_electricity_water.csv": water_rows,
    "factor_video_models.csv": video_model_rows,
    "factor_image_models.csv": image_model_rows,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if committed seeds differ")
    args = parser.parse_args(argv)
    stale = []
    for name, build in GENERATED.items():
        text = render(build())
        try:
            path = seed_path(name.removesuffix(".csv"))
        except FileNotFoundError:  # a new generated seed goes with the other factors
            path = SEEDS / "factors" / name
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(name)
        else:
            path.write_text(text)
            print(f"wrote {path.relative_to(SEEDS.parent.parent)} ({text.count(chr(10)) - 1} rows)")
    if stale:
        print(f"stale seeds (run python -m factors.build): {', '.join(stale)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
