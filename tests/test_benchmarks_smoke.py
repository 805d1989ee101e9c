"""Smoke run of the benchmark generator: its exports land through the real connectors, nothing quarantined.

The benchmark itself (``benchmarks/run.py``) is not part of the timed suite; this only checks, at a tiny
size, that ``benchmarks/generate.py`` writes exports every connector reads as the vendor's own files.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from connectors.config import Paths
from connectors.landing import ingest_folder, read_manifest
from connectors.registry import CONNECTORS

GENERATE = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"
ROWS = 2_000


@pytest.fixture(scope="module")
def generate():
    spec = importlib.util.spec_from_file_location("benchmarks_generate", GENERATE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file executes
    spec.loader.exec_module(module)
    return module


def _land(exports: Path, paths: Paths) -> dict[str, tuple[int, int]]:
    landed: dict[str, tuple[int, int]] = {}
    for source, connector in CONNECTORS.items():
        folder = exports / source
        if not any(folder.glob("*")):
            continue
        results = ingest_folder(connector, folder, paths)
        landed[source] = (sum(r.rows_landed for r in results), sum(r.rows_quarantined for r in results))
    return landed


def test_generated_exports_land_through_the_real_connectors(generate, tmp_path: Path):
    started = time.perf_counter()
    exports = tmp_path / "exports"
    info = generate.generate(ROWS, exports, seed=11)
    assert {"openai_usage", "anthropic_usage", "gcp_billing", "tiktok_ads"} <= {
        s for s, n in info["by_source"].items() if n
    }
    paths = Paths(tmp_path / "home")
    landed = _land(exports, paths)

    assert sum(q for _, q in landed.values()) == 0, landed
    total = sum(n for n, _ in landed.values())
    assert abs(total - ROWS) <= 0.2 * ROWS, (total, landed)
    for source, expected in info["by_source"].items():
        assert landed[source][0] == expected, (source, landed[source], expected)
    manifest = read_manifest(paths)
    assert manifest.get_column("first_day").min() == date(2025, 10, 1)
    assert manifest.get_column("last_day").max() == date(2026, 9, 30)

    # the nightly increment: one more day, landed on top of the year
    extra = generate.generate(ROWS, exports, seed=11, only_day=date(2026, 10, 1))
    more = _land(exports, paths)
    assert sum(q for _, q in more.values()) == 0
    assert sum(n for n, _ in more.values()) == extra["rows_expected"]
    assert time.perf_counter() - started < 20
