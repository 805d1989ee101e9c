"""Anthropic: the Admin API's usage and cost reports, and the Console's CSV exports."""
