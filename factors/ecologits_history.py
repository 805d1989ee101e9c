"""EcoLogits' model registry as it stood in every release, so retired snapshots keep their architecture.

EcoLogits drops models from ``models.json`` when vendors retire them and moves aliases such as
``mistral-large-latest`` to newer snapshots. Usage from last year must still be priced with the model that
served it, so we keep every (provider, name, architecture) the registry ever held, with the releases that
held it. The result is committed as ``factors/data/ecologits_history.json`` and read by ``factors.build``;
this module only runs when a new EcoLogits release is added (it needs the sources below, not the network).

    python -m factors.ecologits_history --git /path/to/ecologits.git --wheels /path/to/wheels

Sources: the GitHub repository's tags (``ecologits/data/models.csv`` up to 0.5.0, ``models.json`` after),
and the PyPI wheels of the releases the repository snapshot does not have (each recorded with its sha256
and PyPI upload time).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import subprocess
import zipfile
from pathlib import Path

HISTORY = Path(__file__).resolve().parent / "data" / "ecologits_history.json"
PROVIDER_RENAMES = {"google": "google_genai"}  # EcoLogits renamed its Google provider in 0.8.0
REPO = "https://github.com/genai-impact/ecologits"
# PyPI upload time (simple API, PEP 700) of the wheels read below; the repository tags carry their own date
WHEEL_UPLOADS = {
    "0.9.2": "2026-01-24",
    "0.9.3": "2026-02-25",
    "0.10.0": "2026-03-18",
    "0.10.1": "2026-04-09",
    "0.10.2": "2026-06-04",
    "0.11.0": "2026-06-17",
    "0.11.1": "2026-07-07",
    "0.11.2": "2026-09-29",
    "0.11.3": "2026-10-14",
}


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def _range(text: str) -> float | dict:
    parts = [float(p) for p in text.split(";")]
    return parts[0] if len(parts) == 1 else {"min": parts[0], "max": parts[1]}


def _from_csv(text: str) -> list[dict]:
    """Registry rows of the early CSV layout (``total;active`` ranges written ``a;b``)."""
    models = []
    for row in csv.DictReader(io.StringIO(text)):
        total, active = _range(row["total_parameters"]), _range(row["active_parameters"])
        architecture = (
            {"type": "dense", "parameters": total}
            if total == active
            else {"type": "moe", "parameters": {"total": total, "active": active}}
        )
        models.append(
            {
                "provider": row["provider"],
                "name": row["name"],
                "architecture": architecture,
                "warnings": [w for w in (row["warnings"] or "").split(";") if w],
                "sources": [s for s in (row["sources"] or "").split(";") if s],
                "deployment": None,
            }
        )
    return models


def _from_json(text: str) -> list[dict]:
    """Registry rows of the JSON layout, aliases expanded as ``ModelRepository`` expands them."""
    data = json.loads(text)
    models = [
        {
            "provider": m["provider"],
            "name": m["name"],
            "architecture": m["architecture"],
            "warnings": m.get("warnings") or [],
            "sources": m.get("sources") or [],
            "deployment": m.get("deployment"),
        }
        for m in data.get("models") or []
    ]
    by_key = {(m["provider"], m["name"]): m for m in models}
    for alias in data.get("aliases") or []:
        target = by_key.get((alias["provider"], alias["alias"]))
        if target is not None:
            models.append(target | {"name": alias["name"], "alias_of": alias["alias"]})
    return models


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def git_releases(repo: Path) -> list[tuple[dict, list[dict]]]:
    out = []
    for tag in sorted(_git(repo, "tag").split(), key=_version_key):
        commit = _git(repo, "rev-list", "-n", "1", tag).strip()
        date = _git(repo, "log", "-1", "--format=%cs", commit).strip()
        files = _git(repo, "ls-tree", "--name-only", commit, "ecologits/data/").split()
        path = next(
            (f for f in ("ecologits/data/models.json", "ecologits/data/models.csv") if f in files), None
        )
        if path is None:
            continue
        text = _git(repo, "show", f"{commit}:{path}")
        models = _from_json(text) if path.endswith(".json") else _from_csv(text)
        out.append(({"version": tag, "date": date, "source": f"{REPO}/blob/{commit}/{path}"}, models))
    return out


def wheel_releases(folder: Path) -> list[tuple[dict, list[dict]]]:
    out = []
    for wheel in folder.glob("ecologits-*-py3-none-any.whl"):
        version = wheel.name.split("-")[1]
        if version not in WHEEL_UPLOADS:
            raise SystemExit(f"{wheel.name}: add its PyPI upload date to WHEEL_UPLOADS first")
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        with zipfile.ZipFile(wheel) as z:
            text = z.read("ecologits/data/models.json").decode()
        source = f"https://pypi.org/project/ecologits/{version}/ ({wheel.name} sha256:{digest})"
        out.append(({"version": version, "date": WHEEL_UPLOADS[version], "source": source}, _from_json(text)))
    return out


def _numbers(value):
    """Numbers as floats, so one architecture written 540 in a release and 540.0 in another is one entry."""
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


def collect(releases: list[tuple[dict, list[dict]]]) -> dict:
    """One entry per distinct (provider, name, architecture, deployment), with the releases that held it."""
    releases = sorted(releases, key=lambda r: _version_key(r[0]["version"]))
    entries: dict[str, dict] = {}
    for release, models in releases:
        for m in models:
            m = m | {"provider": PROVIDER_RENAMES.get(m["provider"], m["provider"])}
            key = json.dumps(
                [m["provider"], m["name"], _numbers(m["architecture"]), m["deployment"]], sort_keys=True
            )
            entry = entries.setdefault(key, m | {"releases": []})
            if release["version"] not in entry["releases"]:
                entry["releases"].append(release["version"])
    return {
        "releases": [r for r, _ in releases],
        "models": sorted(
            entries.values(), key=lambda e: (e["provider"], e["name"], _version_key(e["releases"][0]))
        ),
    }


def render(history: dict) -> str:
    """JSON with one release or model entry per line, so a new release shows as a readable diff."""

    def lines(items: list[dict]) -> str:
        return ",\n".join("  " + json.dumps(i, sort_keys=True) for i in items)

    return (
        '{\n "releases": [\n'
        + lines(history["releases"])
        + '\n ],\n "models": [\n'
        + lines(history["models"])
        + "\n ]\n}\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--git", type=Path, required=True, help="a clone of genai-impact/ecologits with its tags"
    )
    parser.add_argument("--wheels", type=Path, help="folder of PyPI wheels for releases the clone lacks")
    args = parser.parse_args(argv)
    releases = git_releases(args.git)
    known = {r["version"] for r, _ in releases}
    if args.wheels:
        releases += [r for r in wheel_releases(args.wheels) if r[0]["version"] not in known]
    history = collect(releases)
    HISTORY.write_text(render(history))
    print(f"wrote {HISTORY} ({len(history['releases'])} releases, {len(history['models'])} entries)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
