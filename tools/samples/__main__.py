"""``python -m tools.samples [SAMPLES_DIR]``: every generator, into SAMPLES_DIR (default: data/samples)."""

from __future__ import annotations

import importlib
from pathlib import Path

from tools.samples import GENERATORS
from tools.samples._cli import run


def write_all(root: Path) -> list[Path]:
    written: list[Path] = []
    for name in GENERATORS:
        written += importlib.import_module(f"tools.samples.{name}").write(root)
    return written


if __name__ == "__main__":
    run(write_all)
