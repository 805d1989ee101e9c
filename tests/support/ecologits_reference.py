"""EcoLogits' own figures, the reference the LLM factor seeds and ``ewh estimate`` are compared with.

Every figure comes from the highest-level call EcoLogits offers for the case, never from ``factors.build``
or the seeds: ``llm_impacts`` (its registry entry, its provider's data-centre configuration, the request as
a whole) for a model the installed registry lists; ``compute_llm_impacts``, the call ``llm_impacts`` makes
once it has found the architecture, for an architecture no installed registry lists (a retired snapshot,
a size read from a name, the ends of the unknown tier).
"""

from __future__ import annotations

import math

from ecologits.electricity_mix_repository import electricity_mixes
from ecologits.impacts.llm import compute_llm_impacts
from ecologits.tracers.utils import PROVIDER_CONFIG_MAP, llm_impacts
from ecologits.utils.range_value import RangeValue

# EcoLogits 0.10.1's entry for Mistral Large 24.11 (dropped from the registry in 0.10.2), as published in
# https://pypi.org/project/ecologits/0.10.1/ ecologits-0.10.1-py3-none-any.whl:ecologits/data/models.json
MISTRAL_LARGE_2411 = {
    "type": "model",
    "provider": "mistralai",
    "name": "mistral-large-2411",
    "architecture": {"type": "dense", "parameters": 123},
    "deployment": {"tps": 39.2, "ttft": 0.73},
}
# the zone llm_impacts falls back to when a provider names none
WORLD = electricity_mixes.find_electricity_mix(zone="WOR")


def _ends(value: float | RangeValue) -> tuple[float, float]:
    return (value.min, value.max) if isinstance(value, RangeValue) else (value, value)


def registry_energy(provider: str, name: str, tokens: float) -> dict[str, float]:
    """``llm_impacts`` for one request of ``tokens`` output tokens on a registry model, no measured latency:
    facility energy (central, with the provider's PUE) and IT energy (low, central, high: without it)."""
    impacts = llm_impacts(provider, name, tokens, request_latency=math.inf)
    assert not impacts.has_errors, (provider, name, impacts.errors)
    energy = _ends(impacts.energy.value)
    pue = _ends(PROVIDER_CONFIG_MAP[provider].datacenter_pue)
    it = (energy[0] / pue[0], energy[1] / pue[1])
    return {"energy": sum(energy) / 2, "it_low": it[0], "it": sum(it) / 2, "it_high": it[1]}


def it_energy(
    active: float, total: float, tokens: float, *, tps: float | None = None, ttft: float | None = None
) -> float:
    """IT energy (kWh) of one request of ``tokens`` output tokens on an architecture (billions of active
    and total parameters, and the deployment's measured speed where EcoLogits publishes one) that no
    installed registry lists: the world mix, a PUE of 1 (so the energy is IT energy), no measured latency."""
    impacts = compute_llm_impacts(
        model_active_parameter_count=active,
        model_total_parameter_count=total,
        output_token_count=tokens,
        request_latency=math.inf,
        if_electricity_mix_adpe=WORLD.adpe,
        if_electricity_mix_pe=WORLD.pe,
        if_electricity_mix_gwp=WORLD.gwp,
        if_electricity_mix_wue=WORLD.wue,
        datacenter_pue=1.0,
        datacenter_wue=0.0,  # water is not compared
        tps=tps,
        ttft=ttft,
    )
    return impacts.energy.value
