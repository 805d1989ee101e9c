"""Generators of the bundled sample exports in ``data/samples/`` (deterministic: same code, same bytes).

Each module has ``SOURCES`` (the ``data/samples/<source>/`` folders it writes) and ``write(root)``, which
writes those folders under ``root`` and returns the files written. Run one as
``python -m tools.samples.<module> [SAMPLES_DIR]``, or all of them as ``python -m tools.samples
[SAMPLES_DIR]`` (default: ``data/samples``). ``tests/tools/test_samples_drift.py`` regenerates every
one into a temporary folder and compares the bytes with the committed files.
"""

from __future__ import annotations

GENERATORS = (
    "openai_anthropic_api",
    "openai_dashboard",
    "anthropic_console",
    "mistral_usage",
    "runway_usage",
    "gcp_billing",
    "azure_cost",
    "aws_cur",
    "google_ads",
    "meta_ads",
    "linkedin_ads",
    "tiktok_ads",
    "dv360",
    "microsoft_ads",
    "amazon_ads",
    "cloud_carbon",
    "focus",
    "elevenlabs_usage",
    "jasper_usage",
    "adobe_firefly",
    "claude_analytics",
    "chatgpt_workspace",
    "gemini_workspace",
    "m365_copilot",
)
