"""The connector contract and what every source shares: canonical schema, settings, the HTTP client,
frame readers, redaction, the source registry."""
