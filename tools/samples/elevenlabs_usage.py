"""Write the bundled ElevenLabs character-stats sample in ``data/samples/elevenlabs_usage/`` (deterministic).

Shape: the response of ``GET /v1/usage/character-stats`` (ElevenLabs API reference, "Get character metrics
usage", https://elevenlabs.io/docs/api-reference/legacy/usage/get, taken 2026-12-06; its example response is
the corpus case ``tests/connectors/corpus/elevenlabs_usage/api_reference_example``): ``time`` holds the
bucket starts in Unix milliseconds and ``usage`` one array per breakdown key along that axis. Here the
workspace's ``tts_characters`` of September 2026 in daily buckets (midnight UTC) broken down by model, saved
under the name the connector's ``fetch`` gives it (``character_stats_api_model_<first>_<last>.json``) and
serialised as ``json.dumps`` writes it.

The character counts are invented (multiples of 10, a voice team's working days): the weekday values
below are the data; Saturdays and Sundays are 0 for every model.

    python -m tools.samples.elevenlabs_usage [SAMPLES_DIR]   # default: data/samples
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from tools.samples._common import write_files

SOURCES = ("elevenlabs_usage",)
FIRST, LAST = date(2026, 9, 1), date(2026, 9, 30)
# characters per model on each working day of September 2026, in order (22 days)
WEEKDAYS = {
    "eleven_multilingual_v2": [
        34840, 30060, 74180, 56760, 47400, 39610, 36210, 60100, 71460, 60470, 34980,
        59300, 44200, 57540, 41670, 36060, 40790, 76670, 29660, 46570, 62770, 75280,
    ],
    "eleven_flash_v2_5": [
        36220, 37240, 12140, 38220, 14600, 11920, 14720, 13200, 35090, 19970, 28570,
        25790, 13260, 38190, 32750, 35960, 39230, 25220, 13850, 34330, 17240, 15850,
    ],
    "eleven_v3": [
        130, 7010, 8300, 4510, 14890, 8310, 11010, 7080, 12150, 11730, 10780,
        5570, 5520, 12280, 14510, 6200, 11300, 2350, 5760, 9770, 11630, 10250,
    ],
}  # fmt: skip


def response() -> dict:
    days = [FIRST + timedelta(days=i) for i in range((LAST - FIRST).days + 1)]
    time = [int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp()) * 1000 for d in days]
    usage = {}
    for model, counts in WEEKDAYS.items():
        working = iter(counts)
        usage[model] = [next(working) if d.weekday() < 5 else 0 for d in days]
        assert next(working, None) is None, model  # one value per working day, none left over
    return {"time": time, "usage": usage}


def write(root: Path) -> list[Path]:
    name = f"character_stats_api_model_{FIRST.isoformat()}_{LAST.isoformat()}.json"
    return write_files(root / "elevenlabs_usage", {name: json.dumps(response()) + "\n"})


if __name__ == "__main__":
    from tools.samples._cli import run

    run(write)
