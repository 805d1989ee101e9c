"""Finding the places a module reads the process environment (an AST scan), for the connectors' one
door (tests/connectors/test_settings_door.py) and the list in docs/architecture.md
(tests/test_environment_docs.py)."""

from __future__ import annotations

import ast

ENV_FUNCTIONS = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}


def environment_reads(source: str) -> list[str]:
    """Each place ``source`` reaches the process environment: ``os.environ``/``os.getenv``... as an
    attribute (also under an alias of ``os``), or imported by name from ``os``."""
    tree = ast.parse(source)
    os_names = {"os"} | {
        alias.asname
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name == "os" and alias.asname
    }
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ENV_FUNCTIONS
            and isinstance(node.value, ast.Name)
            and node.value.id in os_names
        ):
            found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            found += [
                f"line {node.lineno}: from os import {a.name}" for a in node.names if a.name in ENV_FUNCTIONS
            ]
    return found
