"""Vendor connectors: turn vendor exports into frames in the canonical activity schema.

Nothing in this package imports Dagster, so every connector can be run and tested on its own.
"""
