"""FinOps FOCUS cost-and-usage exports (any provider, spec 1.0 to 1.4)."""
