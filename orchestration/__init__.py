"""Dagster definitions, resources and the ``ewh`` command line for the emissions warehouse."""
