"""``ewh report``: a self-contained HTML report of one quarter's footprint for an ESG lead.

``data`` reads the marts (read-only, aggregated in SQL), ``charts`` draws them with matplotlib as
inline SVG, ``render`` fills ``templates/report.html.j2``; the command is in ``ewh/commands/report.py``.
The file needs nothing at view time: no script, font, style or image is fetched.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ewh.report.data import ReportData

__all__ = ["ReportData", "ReportError", "build_report"]


def __getattr__(name: str):
    """``ReportData`` and ``ReportError`` on first use: matplotlib and the data layer load only when a
    report is made, so ``ewh --help`` stays fast."""
    if name in ("ReportData", "ReportError"):
        from ewh.report import data

        return getattr(data, name)
    raise AttributeError(name)


def build_report(warehouse: Path, quarter: str | None, out: Path | None = None) -> ReportData:
    """Read ``quarter`` from ``warehouse``, write the HTML report to ``out`` and return its data.

    ``quarter`` defaults to the latest in the warehouse, ``out`` to ``ewh-report-<quarter>.html`` here.
    """
    from ewh.report.data import load
    from ewh.report.render import render

    data = load(warehouse, quarter)
    out = (out or Path(f"ewh-report-{data.quarter}.html")).resolve()
    html = render(data)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)
    data.extras["out"] = out
    return data
