"""Every LLM EcoLogits has ever registered, with the period each registry row applies to.

Three kinds of rows come out of :func:`entries`:

* ``current``: the installed package's registry (every provider, the Hugging Face open-weights registry and
  the aliases included), valid on every day;
* ``retired``: a name a past release had and the installed one dropped (``mistral-large-2411``,
  ``claude-sonnet-4-20250514``), with the architecture of the last release that had it, valid on every day:
  a snapshot id always names the same model;
* ``alias period``: a moving name (``mistral-large-latest``, ``mistral-small``) that pointed at different
  snapshots over time. For each release we find the dated sibling it equalled (same family, same
  architecture, the newest snapshot date not after the release) and give the name that snapshot's
  architecture from the snapshot's date until the next one, so a day's usage gets the model that served it.

Architectures always come from the newest registry entry of the snapshot itself (EcoLogits revises its
estimates; a revision is not a different model). Energy is computed later with the installed EcoLogits.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from importlib import metadata
from importlib.resources import files
from pathlib import Path

HISTORY = Path(__file__).resolve().parent / "data" / "ecologits_history.json"
FIRST_DAY, LAST_DAY = date(2020, 1, 1), date(9999, 12, 31)
INSTALLED = metadata.version("ecologits")

# Snapshot dates written in model ids. Mistral uses YYMM (``mistral-large-2411``), Cohere MM-YYYY
# (``command-r-08-2024``), OpenAI YYYY-MM-DD, Anthropic YYYYMMDD.
_DATE_PATTERNS = (
    (re.compile(r"-(20\d{2})-(\d{2})-(\d{2})$"), lambda m: (m[1], m[2], m[3])),
    (re.compile(r"-(20\d{2})(\d{2})(\d{2})$"), lambda m: (m[1], m[2], m[3])),
    (re.compile(r"-(0[1-9]|1[0-2])-(20\d{2})$"), lambda m: (m[2], m[1], "01")),
    (re.compile(r"-(2[3-9]|[3-9]\d)(0[1-9]|1[0-2])$"), lambda m: ("20" + m[1], m[2], "01")),
)


def snapshot_date(name: str) -> date | None:
    """The release date a dated model id carries, else None (``mistral-large-2411`` -> 2024-11-01)."""
    for pattern, parts in _DATE_PATTERNS:
        found = pattern.search(name)
        if found:
            year, month, day = (int(p) for p in parts(found))
            try:
                return date(year, month, day)
            except ValueError:
                return None
    return None


def family(name: str) -> str:
    """The moving name a snapshot belongs to: ``mistral-large-2411``, ``-latest`` -> ``mistral-large``."""
    for pattern, _ in _DATE_PATTERNS:
        if pattern.search(name):
            return pattern.sub("", name)
    return re.sub(r"-latest$", "", name)


def _deployment(model: dict) -> dict | None:
    """The registry's deployment figures, None when it gives none (older releases omit the key)."""
    deployment = model.get("deployment") or {}
    return deployment if any(v is not None for v in deployment.values()) else None


def _canonical(value):
    """Architecture JSON with numbers as floats, so 540 and 540.0 compare equal across releases."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


@dataclass
class Entry:
    """One registry row to price: a provider's model name and the architecture that applies."""

    provider: str
    name: str
    architecture: dict
    deployment: dict | None
    warnings: list[str]
    status: str  # current | retired | alias_period
    registry_release: str  # the EcoLogits release whose entry gave the architecture
    source_url: str
    valid_from: date = FIRST_DAY
    valid_to: date = LAST_DAY
    resolves_to: str = ""
    note: str = ""
    releases: list[str] = field(default_factory=list)


def _installed_registry() -> list[dict]:
    data = json.loads(files("ecologits").joinpath("data/models.json").read_text())
    models = [m | {"warnings": m.get("warnings") or []} for m in data["models"]]
    by_key = {(m["provider"], m["name"]): m for m in models}
    for alias in data.get("aliases") or []:
        models.append(by_key[(alias["provider"], alias["alias"])] | {"name": alias["name"]})
    return models


def _history() -> tuple[list[dict], list[dict]]:
    data = json.loads(HISTORY.read_text())
    return data["releases"], data["models"]


def entries(installed_url: str) -> list[Entry]:
    releases, history = _history()
    release_by_version = {r["version"]: r for r in releases}
    order = {r["version"]: i for i, r in enumerate(releases)}

    current = {(m["provider"], m["name"]): m for m in _installed_registry()}
    # newest known entry per (provider, name): the installed registry, else the last release that had it
    newest: dict[tuple[str, str], tuple[dict, str]] = {}
    for m in sorted(history, key=lambda m: order[m["releases"][-1]]):
        newest[(m["provider"], m["name"])] = (m, m["releases"][-1])
    for key, m in current.items():
        newest[key] = (m, INSTALLED)

    # what each release held: (provider, name) -> canonical architecture
    held: dict[str, dict[tuple[str, str], dict]] = {r["version"]: {} for r in releases}
    for m in history:
        for version in m["releases"]:
            held[version][(m["provider"], m["name"])] = _canonical(m["architecture"])

    out: list[Entry] = []
    for (provider, name), (model, release) in sorted(newest.items()):
        status = "current" if (provider, name) in current else "retired"
        url = installed_url if status == "current" else release_by_version[release]["source"].split(" ")[0]
        base = Entry(
            provider=provider,
            name=name,
            architecture=model["architecture"],
            deployment=_deployment(model),
            warnings=list(model.get("warnings") or []),
            status=status,
            registry_release=release,
            source_url=url,
            note=(
                f"EcoLogits {release} registry entry"
                if status == "current"
                else f"retired from EcoLogits' registry after {release}; architecture of its last entry"
            ),
        )
        periods = [] if snapshot_date(name) else _alias_periods(provider, name, releases, held, newest)
        if len(periods) <= 1:
            out.append(base)
            continue
        for i, (start, snapshot) in enumerate(periods):
            end = periods[i + 1][0].toordinal() - 1 if i + 1 < len(periods) else LAST_DAY.toordinal()
            last = i + 1 == len(periods)
            # today's period of a name still registered is the registry's own entry for it
            own = not snapshot or (last and status == "current")
            target, target_release = (model, release) if own else newest[(provider, snapshot)]
            out.append(
                Entry(
                    provider=provider,
                    name=name,
                    architecture=target["architecture"],
                    deployment=_deployment(target),
                    warnings=list(target.get("warnings") or []),
                    status="alias_period",
                    registry_release=target_release,
                    source_url=url,
                    valid_from=start,
                    valid_to=date.fromordinal(end),
                    resolves_to=snapshot or "",
                    note=(
                        f"{name} pointed at {snapshot} (snapshot date {snapshot_date(snapshot)}) in "
                        f"EcoLogits' registry; architecture of {snapshot} from EcoLogits {target_release}"
                        if snapshot
                        else f"{name} with no dated sibling: its own EcoLogits {target_release} entry"
                    ),
                )
            )
    return out


def _alias_periods(
    provider: str,
    name: str,
    releases: list[dict],
    held: dict[str, dict[tuple[str, str], dict]],
    newest: dict[tuple[str, str], tuple[dict, str]],
) -> list[tuple[date, str | None]]:
    """(start day, snapshot it pointed at) per period of a moving name; equal neighbours merged."""
    stem = family(name)
    periods: list[tuple[date, str | None]] = []
    for release in releases:
        registry = held[release["version"]]
        arch = registry.get((provider, name))
        if arch is None:
            continue
        released = date.fromisoformat(release["date"])
        siblings = [
            (snapshot_date(n), n)
            for (p, n), a in registry.items()
            if p == provider
            and a == arch
            and family(n) == stem
            and snapshot_date(n)
            and snapshot_date(n) <= released
        ]
        snapshot = max(siblings)[1] if siblings else None
        start = FIRST_DAY if not periods else (snapshot_date(snapshot) if snapshot else released)
        if periods and periods[-1][1] == snapshot:
            continue
        while periods and start <= periods[-1][0]:
            periods.pop()  # a later release re-dated the switch: the newer reading wins
        periods.append((start if periods else FIRST_DAY, snapshot))

    def architecture(snapshot: str | None) -> str:
        model = newest[(provider, snapshot or name)][0]
        return json.dumps([_canonical(model["architecture"]), _deployment(model)], sort_keys=True)

    merged: list[tuple[date, str | None]] = []
    for start, snapshot in periods:
        if merged and architecture(merged[-1][1]) == architecture(snapshot):
            continue
        merged.append((start, snapshot))
    return merged
