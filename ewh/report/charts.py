"""Charts of the quarterly report, drawn with matplotlib and embedded as inline SVG.

matplotlib rather than Plotly: static SVG needs no JavaScript at view time (nothing to inline but the
drawing itself, a few tens of kB per chart against ~4.5 MB of plotly.js), prints exactly as it shows,
keeps its text as real text (searchable, selectable, read by screen readers) and works in any browser
or PDF converter. The report loses hover tooltips; every chart has a table of its numbers beneath it.

Each function takes an aggregated frame from ``data.py`` and returns one ``<svg>`` element. Figures
are built with ``matplotlib.figure.Figure`` (no pyplot global state), fonts are not embedded
(``svg.fonttype = none``: the browser's sans-serif), and the SVG id salt is fixed so the same
warehouse gives the same file.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from html import escape

import matplotlib
import numpy as np
import polars as pl
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from ewh.estimate import sig

# Okabe-Ito: distinguishable with the common colour-vision deficiencies
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]
MAIN = "#0072B2"
MUTED = "#9DB7CC"
RANGE = "#333333"
RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "ewh-report",
    "font.family": "sans-serif",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
}
WIDTH_IN = 8.0


def _svg(fig: Figure, label: str) -> str:
    """The figure as an inline ``<svg>`` with an accessible name, without the XML prolog."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    # scale with the page: keep the viewBox, drop the fixed size
    text = re.sub(r'<svg([^>]*?) width="[^"]+" height="[^"]+"', r"<svg\1", text, count=1)
    return text.replace("<svg", f'<svg role="img" aria-label="{escape(label)}" class="chart-svg"', 1)


def _figure(bars: int, min_height: float = 2.2, per_bar: float = 0.36) -> Figure:
    return Figure(figsize=(WIDTH_IN, max(min_height, 0.9 + per_bar * bars)), layout="constrained")


def _kg(x: float, _pos: object = None) -> str:
    return sig(x, 2)


def hbar(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    xlabel: str,
    shares: Sequence[float] | None = None,
    highlight: Sequence[bool] | None = None,
    per_bar: float = 0.36,
) -> str:
    """Horizontal bars, first row on top, each labelled with its value and (optionally) share."""
    with matplotlib.rc_context(RC):
        fig = _figure(len(labels), per_bar=per_bar)
        ax = fig.add_subplot()
        y = np.arange(len(labels))
        vals = np.nan_to_num(np.asarray(values, dtype=float))
        colours = [MAIN if h else MUTED for h in highlight] if highlight is not None else MAIN
        ax.barh(y, vals, color=colours, height=0.65)
        ax.set_yticks(y, labels=list(labels))
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
        ax.set_title(title)
        ax.xaxis.set_major_formatter(FuncFormatter(_kg))
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        shares = shares if shares is not None else [None] * len(vals)
        for yi, v, s in zip(y, vals, shares, strict=True):
            ax.annotate(
                f"{sig(v, 3)} ({'<1%' if 0 < s < 0.005 else f'{s:.0%}'})" if s is not None else sig(v, 3),
                (v, yi),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=8.5,
                color="#222222",
            )
        ax.set_xlim(0, max(vals.max() * 1.25, 1e-9))
        return _svg(fig, title)


def trend(frame: pl.DataFrame, quarter: str) -> str:
    """kgCO2e per quarter (location-based bars with the low-high range, market-based markers)."""
    title = "Carbon by quarter (kgCO2e, location-based; whiskers: low-high range)"
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(WIDTH_IN, 3.4), layout="constrained")
        ax = fig.add_subplot()
        x = np.arange(frame.height)
        central = frame.get_column("co2e_location_kg").to_numpy()
        low = frame.get_column("co2e_location_kg_low").to_numpy()
        high = frame.get_column("co2e_location_kg_high").to_numpy()
        quarters = frame.get_column("quarter").to_list()
        colours = [MAIN if q == quarter else MUTED for q in quarters]
        ax.bar(x, central, color=colours, width=0.55)
        ax.errorbar(x, central, yerr=[central - low, high - central], fmt="none", ecolor=RANGE, capsize=5)
        ax.plot(
            x,
            frame.get_column("co2e_market_kg").to_numpy(),
            linestyle="none",
            marker="D",
            color=PALETTE[1],
            markersize=6,
            label="market-based (central)",
        )
        first = frame.get_column("first_usage_date").to_list()
        last = frame.get_column("last_usage_date").to_list()
        ax.set_xticks(
            x, labels=[f"{q}\n{a:%d %b} - {b:%d %b}" for q, a, b in zip(quarters, first, last, strict=True)]
        )
        for xi, v in zip(x, central, strict=True):
            ax.annotate(sig(v, 3), (xi, v), xytext=(8, 2), textcoords="offset points", fontsize=8.5)
        ax.set_ylabel("kgCO2e")
        ax.yaxis.set_major_formatter(FuncFormatter(_kg))
        ax.set_title(title)
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        handles, _ = ax.get_legend_handles_labels()
        ax.legend(
            [Patch(color=MAIN), *handles],
            [f"location-based (central), {quarter} highlighted", "market-based (central)"],
            frameon=False,
            loc="upper right",
            fontsize=8.5,
        )
        return _svg(fig, title)


def ranges(frame: pl.DataFrame, *, title: str) -> str:
    """Low-central-high per row on a log axis, so small and large contributors are both readable."""
    labels = frame.get_column("label").to_list()
    central = frame.get_column("co2e_location_kg").to_numpy()
    low = frame.get_column("co2e_location_kg_low").to_numpy()
    high = frame.get_column("co2e_location_kg_high").to_numpy()
    with matplotlib.rc_context(RC):
        fig = _figure(len(labels))
        ax = fig.add_subplot()
        y = np.arange(len(labels))
        ax.hlines(y, low, high, color=MUTED, linewidth=7, label="low-high range")
        ax.plot(central, y, "o", color=MAIN, markersize=6, label="central estimate")
        ax.set_xscale("log")
        ax.set_yticks(y, labels=labels)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(FuncFormatter(_kg))
        ax.set_xlabel("kgCO2e, location-based (log scale: each step is 10x)")
        ax.set_title(title)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6, which="major")
        ax.set_axisbelow(True)
        ax.legend(frameon=False, loc="lower right", fontsize=8.5)
        return _svg(fig, title)


def quality_mix(by_tier: pl.DataFrame, by_dq: pl.DataFrame) -> str:
    """100 % stacked bars: share of kgCO2e by method tier (categorical colours) and by dq score
    (sequential: darker is worse)."""
    title = "Data-quality mix: share of kgCO2e (location-based + embodied)"
    dq_colours = matplotlib.colormaps["YlOrRd"](np.linspace(0.15, 0.95, 5))
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(WIDTH_IN, 3.0), layout="constrained")
        axes = fig.subplots(2, 1, sharex=True)
        rows = (
            (axes[0], by_tier, "method_label", "by method tier", None),
            (axes[1], by_dq, "dq_label", "by dq score\n(1 best, 5 worst)", by_dq.get_column("dq_score")),
        )
        for ax, frame, key, name, scores in rows:
            left = 0.0
            shares = frame.get_column("share").fill_null(0).to_list()
            names = frame.get_column(key).to_list()
            for i, (label, share) in enumerate(zip(names, shares, strict=True)):
                colour = PALETTE[i % len(PALETTE)] if scores is None else dq_colours[int(scores[i]) - 1]
                ax.barh(0, share, left=left, color=colour, height=0.7, label=label, edgecolor="white")
                if share >= 0.06:
                    luminance = np.dot(matplotlib.colors.to_rgb(colour), [0.299, 0.587, 0.114])
                    ax.text(
                        left + share / 2,
                        0,
                        f"{share:.0%}",
                        ha="center",
                        va="center",
                        fontsize=8.5,
                        color="white" if luminance < 0.55 else "black",
                    )
                left += share
            ax.set_yticks([0], labels=[name])
            ax.set_xlim(0, 1)
            ax.legend(frameon=False, loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8.5)
        axes[1].xaxis.set_major_formatter(FuncFormatter(lambda x, _p: f"{x:.0%}"))
        axes[0].set_title(title)
        return _svg(fig, title)


def transparency(frame: pl.DataFrame) -> str:
    """Each vendor's disclosure score beside its share of our footprint."""
    title = "Vendor transparency score vs share of our footprint"
    labels = frame.get_column("vendor").to_list()
    with matplotlib.rc_context(RC):
        fig = _figure(len(labels) * 1.6)
        ax = fig.add_subplot()
        y = np.arange(len(labels))
        ax.barh(
            y - 0.2,
            frame.get_column("transparency_share").to_numpy(),
            0.38,
            color=MAIN,
            label="transparency score (share of 6 items disclosed)",
        )
        ax.barh(
            y + 0.2,
            frame.get_column("share_of_footprint").fill_null(0).to_numpy(),
            0.38,
            color=PALETTE[3],
            label="share of our kgCO2e (all quarters)",
        )
        ax.set_yticks(y, labels=labels)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: f"{x:.0%}"))
        ax.set_title(title)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.legend(frameon=False, loc="lower right", fontsize=8.5)
        return _svg(fig, title)
