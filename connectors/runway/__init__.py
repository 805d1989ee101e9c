"""Runway: the API's organisation usage (credits by model and day)."""
