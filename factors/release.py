"""The factor release a run uses: its id, a content hash of every factor seed, and the EcoLogits version.

Every run passes these to dbt, which records them on each row-level impact and in ``meta_build_log``, so
any figure can later be recomputed with exactly the factors that produced it.
"""

from __future__ import annotations

import csv
import hashlib
from importlib import metadata
from pathlib import Path

from connectors.core.config import REPO_ROOT

SEEDS = REPO_ROOT / "dbt_project" / "seeds"
# the seed folders: factors/ (every cited factor), reference/ (methodology and disclosure tables),
# config/ (what an operator edits: allocation rules, report families, campaign inputs)
SEED_GROUPS = ("factors", "reference", "config")


def factor_files(seeds: Path = SEEDS) -> list[Path]:
    """Every seed CSV, in every group folder, ordered by file name (seed names are unique in dbt)."""
    return sorted(seeds.rglob("*.csv"), key=lambda p: p.name)


def seed_path(name: str, seeds: Path = SEEDS) -> Path:
    """The CSV of the seed ``name`` (without ``.csv``), in whichever group folder holds it.

    The one way Python finds a seed: nothing else restates a seed's folder.
    """
    found = sorted(seeds.rglob(f"{name}.csv"))
    if len(found) != 1:
        raise FileNotFoundError(f"seed {name!r}: expected one {name}.csv under {seeds}, found {len(found)}")
    return found[0]


def release_info(seeds: Path = SEEDS) -> dict[str, str]:
    """``factor_release`` (the one release id all factor rows carry), its content hash, EcoLogits version."""
    releases: set[str] = set()
    digest = hashlib.sha256()
    for path in factor_files(seeds):
        content = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + content + b"\0")
        with path.open(newline="") as f:
            reader = csv.DictReader(f)
            if reader.fieldnames and "release" in reader.fieldnames:
                releases.update(row["release"] for row in reader if row["release"])
    if len(releases) != 1:
        raise ValueError(f"factor seeds must carry exactly one release id, found {sorted(releases)}")
    return {
        "factor_release": releases.pop(),
        "factor_release_sha256": digest.hexdigest(),
        "ecologits_version": metadata.version("ecologits"),
    }
