"""Every source the pipeline knows, by name. Adding a source means adding its module here."""

from __future__ import annotations

from connectors import anthropic_costs, anthropic_usage, openai_costs, openai_usage
from connectors.base import Connector

CONNECTORS: dict[str, Connector] = {
    c.source: c
    for c in (
        openai_usage.CONNECTOR,
        openai_costs.CONNECTOR,
        anthropic_usage.CONNECTOR,
        anthropic_costs.CONNECTOR,
    )
}


def get(source: str) -> Connector:
    try:
        return CONNECTORS[source]
    except KeyError:
        raise KeyError(f"unknown source {source!r}; known sources: {', '.join(sorted(CONNECTORS))}") from None
