"""Every source the pipeline knows, by name. Adding a source means adding its module here.

Activity sources land in the canonical activity table; the clouds' own carbon exports land in the
vendor-reported emissions table (``Connector.table``).
"""

from __future__ import annotations

from connectors.adobe import firefly as adobe_firefly
from connectors.amazon import ads as amazon_ads
from connectors.amazon import cur as aws_cur
from connectors.anthropic import analytics as claude_analytics
from connectors.anthropic import console as anthropic_console
from connectors.anthropic import costs as anthropic_costs
from connectors.anthropic import usage as anthropic_usage
from connectors.cloud_carbon import exports as cloud_carbon
from connectors.core.base import Connector
from connectors.elevenlabs import usage as elevenlabs_usage
from connectors.focus import cost_and_usage as focus
from connectors.google import ads as google_ads
from connectors.google import cloud_billing as gcp_billing
from connectors.google import dv360, gemini_workspace
from connectors.jasper import usage as jasper_usage
from connectors.linkedin import ads as linkedin_ads
from connectors.meta import ads as meta_ads
from connectors.microsoft import advertising as microsoft_ads
from connectors.microsoft import azure_cost
from connectors.microsoft import copilot_usage as m365_copilot
from connectors.mistral import usage as mistral_usage
from connectors.openai import chatgpt_workspace
from connectors.openai import costs as openai_costs
from connectors.openai import dashboard as openai_dashboard
from connectors.openai import usage as openai_usage
from connectors.runway import usage as runway_usage
from connectors.tiktok import ads as tiktok_ads

_ALL = (
    openai_usage.CONNECTOR,
    openai_costs.CONNECTOR,
    openai_dashboard.CONNECTOR,
    anthropic_usage.CONNECTOR,
    anthropic_costs.CONNECTOR,
    anthropic_console.CONNECTOR,
    gcp_billing.CONNECTOR,
    azure_cost.CONNECTOR,
    aws_cur.CONNECTOR,
    focus.CONNECTOR,
    mistral_usage.CONNECTOR,
    runway_usage.CONNECTOR,
    google_ads.CONNECTOR,
    meta_ads.CONNECTOR,
    linkedin_ads.CONNECTOR,
    tiktok_ads.CONNECTOR,
    dv360.CONNECTOR,
    microsoft_ads.CONNECTOR,
    amazon_ads.CONNECTOR,
    *cloud_carbon.CONNECTORS,
    elevenlabs_usage.CONNECTOR,
    jasper_usage.CONNECTOR,
    adobe_firefly.CONNECTOR,
    # seat-based AI assistants (#18)
    claude_analytics.CONNECTOR,
    chatgpt_workspace.CONNECTOR,
    gemini_workspace.CONNECTOR,
    m365_copilot.CONNECTOR,
)
CONNECTORS: dict[str, Connector] = {c.source: c for c in _ALL}
ACTIVITY_SOURCES = [c.source for c in _ALL if c.table == "activity"]
EMISSION_SOURCES = [c.source for c in _ALL if c.table == "vendor_emissions"]


def get(source: str) -> Connector:
    try:
        return CONNECTORS[source]
    except KeyError:
        raise KeyError(f"unknown source {source!r}; known sources: {', '.join(sorted(CONNECTORS))}") from None
