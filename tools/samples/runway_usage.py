"""Write the bundled Runway organization usage samples in ``data/samples/runway_usage/`` (deterministic).

Shape: ``POST /v1/organization/usage`` responses (official SDK ``OrganizationRetrieveUsageResponse``):
``models`` plus one ``results`` item per UTC day with ``usedCredits`` per model. Credits are whole
numbers consistent with Runway's per-second / per-image prices (5 s and 10 s clips, 720p and 1080p
images); quiet weekend days have an empty ``usedCredits``; one Sunday holds only a refund (negative net).

    python -m tools.samples.runway_usage [SAMPLES_DIR]   # default: data/samples
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

SOURCES = ("runway_usage",)
REFUND_DAY = date(2026, 9, 13)


def _credits(rng: random.Random, model: str) -> int:
    """One day's credits for a model, as a sum of whole generations at the documented price."""
    if model == "gen4_turbo":  # 5 credits/s, 5 s or 10 s clips
        return sum(rng.choice((25, 50)) for _ in range(rng.randint(4, 30)))
    if model == "gen4_aleph":  # 15 credits/s of 5 s edits
        return 75 * rng.randint(1, 6)
    if model == "veo3.1_fast":  # 8 s clips, 10 credits/s silent or 15 with audio
        return sum(rng.choice((80, 120)) for _ in range(rng.randint(1, 5)))
    if model == "act_two":  # 5 credits/s
        return 5 * rng.randint(10, 60)
    if model == "gen4_image":  # 5 credits at 720p, 8 at 1080p
        return 5 * rng.randint(5, 40) + 8 * rng.randint(0, 15)
    if model == "gen4_image_turbo":  # 2 credits per image
        return 2 * rng.randint(10, 120)
    if model == "eleven_multilingual_v2":  # 1 credit per 50 characters
        return rng.randint(20, 400)
    raise ValueError(model)


MODELS = ["gen4_turbo", "gen4_aleph", "veo3.1_fast", "act_two", "gen4_image", "gen4_image_turbo",
          "eleven_multilingual_v2"]  # fmt: skip


def response(rng: random.Random, start: date, before: date) -> dict:
    results = []
    used_models: set[str] = set()
    day = start
    while day < before:
        used = []
        if day == REFUND_DAY:
            used = [{"model": "gen4_turbo", "amount": -50}]  # two failed 10 s clips refunded a day later
        elif day.weekday() < 5:
            for model in MODELS:
                if rng.random() < 0.3:
                    continue
                used.append({"model": model, "amount": _credits(rng, model)})
        used_models.update(u["model"] for u in used)
        results.append({"date": day.isoformat(), "usedCredits": used})
        day += timedelta(days=1)
    return {"models": [m for m in MODELS if m in used_models], "results": results}


def write(root: Path) -> list[Path]:
    out = root / "runway_usage"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    rng = random.Random(1106)
    windows = [(date(2026, 9, 1), date(2026, 10, 1)), (date(2026, 10, 1), date(2026, 10, 15))]
    for start, before in windows:
        body = response(rng, start, before)
        name = f"organization_usage_{start.isoformat()}_{before.isoformat()}.json"
        (out / name).write_text(json.dumps(body, indent=1) + "\n")
        written.append(out / name)
    return written


if __name__ == "__main__":
    from tools.samples._cli import run

    run(write)
