"""The ``ewh`` subcommands, one module per area, loaded by ``ewh.cli`` only when named.

Each module imports only Click, the standard library and the light ``ewh.params``, ``ewh.choices`` and
``ewh.exit_codes`` at the top; a command imports the library it runs (Polars, DuckDB, Dagster, dbt,
matplotlib) inside its body, so ``ewh --help`` and every ``ewh <command> --help`` load none of them
(``tests/ewh/test_cli_startup.py``). Every command's help ends with an "Examples:" block.
"""
