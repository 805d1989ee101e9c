"""Every source the pipeline knows, by name. Adding a source means adding its module here.

Activity sources land in the canonical activity table; the clouds' own carbon exports land in the
vendor-reported emissions table (``Connector.table``).
"""

from __future__ import annotations

from connectors import (
    anthropic_console,
    anthropic_costs,
    anthropic_usage,
    aws_cur,
    azure_cost,
    cloud_carbon,
    gcp_billing,
    google_ads,
    linkedin_ads,
    meta_ads,
    mistral_usage,
    openai_costs,
    openai_dashboard,
    openai_usage,
    runway_usage,
    tiktok_ads,
)
from connectors.base import Connector

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
    mistral_usage.CONNECTOR,
    runway_usage.CONNECTOR,
    google_ads.CONNECTOR,
    meta_ads.CONNECTOR,
    linkedin_ads.CONNECTOR,
    tiktok_ads.CONNECTOR,
    *cloud_carbon.CONNECTORS,
)
CONNECTORS: dict[str, Connector] = {c.source: c for c in _ALL}
ACTIVITY_SOURCES = [c.source for c in _ALL if c.table == "activity"]
EMISSION_SOURCES = [c.source for c in _ALL if c.table == "vendor_emissions"]


def get(source: str) -> Connector:
    try:
        return CONNECTORS[source]
    except KeyError:
        raise KeyError(f"unknown source {source!r}; known sources: {', '.join(sorted(CONNECTORS))}") from None
