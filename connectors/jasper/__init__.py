"""Jasper: the workspace Usage page export (monthly generations by user)."""
