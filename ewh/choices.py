"""The values the commands accept, in a module that imports nothing heavy: ``ewh estimate --help`` and
``ewh export --help`` list them, and Click checks them, without loading Polars, DuckDB or the connectors.
The libraries (``ewh.estimate``, ``ewh.export``) read them from here.
"""

from __future__ import annotations

# --- ewh estimate: what a planned use is described by

# AI vendor -> the registered source whose landed rows the estimate imitates
VENDOR_SOURCES: dict[str, str] = {
    "openai": "openai_usage",
    "anthropic": "anthropic_usage",
    "google": "gcp_billing",
    "azure": "azure_cost",
    "aws": "aws_cur",
    "mistral": "mistral_usage",
    "runway": "runway_usage",
}
# ad platform -> (vendor, source)
PLATFORM_SOURCES: dict[str, tuple[str, str]] = {
    "meta": ("meta", "meta_ads"),
    "google": ("google", "google_ads"),
    "linkedin": ("linkedin", "linkedin_ads"),
    "tiktok": ("tiktok", "tiktok_ads"),
    "dv360": ("google", "dv360"),
    "microsoft": ("microsoft", "microsoft_ads"),
    "amazon": ("amazon", "amazon_ads"),
}

# creative tool -> the registered source whose landed rows the estimate imitates (issue #18)
TOOL_SOURCES: dict[str, str] = {
    "elevenlabs": "elevenlabs_usage",
    "jasper": "jasper_usage",
    "adobe": "adobe_firefly",
}

# seat-based AI assistant (#18) -> (vendor, the registered source whose rows the estimate imitates, the
# tool's model label; None: the --model given, for tools that report tokens per model)
SEAT_SOURCES: dict[str, tuple[str, str, str | None]] = {
    "chatgpt": ("openai", "chatgpt_workspace", "chatgpt-enterprise"),
    "claude": ("anthropic", "claude_analytics", None),
    "gemini": ("google", "gemini_workspace", "gemini-workspace"),
    "copilot": ("microsoft", "m365_copilot", "microsoft-365-copilot"),
}
# every --tool: the creative tools and the seat assistants
TOOLS: tuple[str, ...] = tuple(sorted(TOOL_SOURCES | SEAT_SOURCES))

# option field -> (activity_type, unit, flag help)
AI_QUANTITIES: dict[str, tuple[str, str, str]] = {
    "input_tokens": ("llm_input_tokens", "tokens", "uncached prompt tokens"),
    "cached_input_tokens": ("llm_cached_input_tokens", "tokens", "prompt tokens read from the cache"),
    "cache_write_tokens": ("llm_cache_write_tokens", "tokens", "prompt tokens written to the cache"),
    "output_tokens": ("llm_output_tokens", "tokens", "generated tokens, reasoning tokens included"),
    "requests": ("llm_requests", "requests", "model requests (EcoLogits' per-request term)"),
    "embedding_tokens": ("embedding_tokens", "tokens", "embedding input tokens"),
    "images": ("images", "images", "generated images"),
    "audio_seconds": ("audio_seconds", "seconds", "seconds of transcribed audio"),
    "tts_characters": ("tts_characters", "characters", "text-to-speech input characters"),
    "video_seconds": ("video_seconds", "seconds", "seconds of generated video"),
}
AD_QUANTITIES: dict[str, tuple[str, str, str]] = {
    "impressions": ("ad_impressions", "impressions", "ad impressions"),
    "video_views": ("video_views", "views", "ad video views"),
    "view_seconds": ("ad_view_seconds", "seconds", "total seconds the ads were watched"),
}
SEAT_QUANTITIES: dict[str, tuple[str, str, str]] = {
    "messages": ("assistant_messages", "messages", "messages sent to a seat assistant (--tool chatgpt)"),
    "feature_uses": ("assistant_events", "events", "assistant feature uses (--tool gemini)"),
    "active_user_days": (
        "assistant_active_user_days",
        "active_user_days",
        "days a user was active (--tool copilot; the weakest, flagged estimate)",
    ),
}
TOOL_QUANTITIES: dict[str, tuple[str, str, str]] = {
    "characters": ("tts_characters", "characters", "characters voiced (--tool elevenlabs)"),
    "generations": ("generations", "generations", "generations (--tool jasper)"),
    "credits": (
        "generative_credits",
        "credits",
        "generative credits (--tool adobe; --feature picks the rate)",
    ),
}
QUANTITIES = AI_QUANTITIES | AD_QUANTITIES | SEAT_QUANTITIES | TOOL_QUANTITIES
AD_FORMATS = ("display", "video", "ctv", "search", "social", "native", "audio")
DEVICES = ("mobile", "tablet", "desktop", "tv", "other")
BUY_TYPES = ("programmatic", "direct", "end_to_end")
IMAGE_QUALITIES = ("low", "medium", "high")

# --- ewh export

# focus: the quarter's activity rows as a FOCUS 1.3 dataset with x_ carbon columns (ewh/export_focus.py)
EXPORT_FORMATS = ("csv", "parquet", "xlsx", "focus")
