"""The one command line of every sample generator: ``python -m tools.samples.<module> [SAMPLES_DIR]``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

# the committed samples: tools/samples/_cli.py -> the repository root -> data/samples
SAMPLES_ROOT = Path(__file__).resolve().parents[2] / "data" / "samples"


def run(write: Callable[[Path], list[Path]], argv: list[str] | None = None) -> None:
    """Write a generator's files under SAMPLES_DIR (default: data/samples) and print each path."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1 or (args and args[0].startswith("-")):
        raise SystemExit("usage: python -m tools.samples.<module> [SAMPLES_DIR]   (default: data/samples)")
    root = Path(args[0]) if args else SAMPLES_ROOT
    for path in write(root):
        print(path)
