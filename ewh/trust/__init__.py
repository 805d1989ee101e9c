"""Trust: trace a mart cell to its rows, files and factors; close, restate, verify and audit a quarter;
reconcile vendor cost routes; list quarantined rows. The commands are in ``ewh/commands/trust.py``."""
