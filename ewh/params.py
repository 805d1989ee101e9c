"""Click parameter types of the ``ewh`` commands: a quarter, a day, a quantity.

Each converts and checks a value as it is parsed, so a malformed one is a usage error (exit code 2, with
Click's "Invalid value for '--quarter'" message) before any file is opened or heavy library loaded.

The quarter convention: every command takes the quarter as the option ``--quarter 2026Q3``. ``close``,
``verify`` and ``audit-pack`` used to take it as a positional argument; that spelling still works, with a
deprecation note on stderr (``quarter_option(legacy_positional=True)`` and ``one_quarter``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from typing import Any

import click

from warehouse.quarters import QuarterError, parse_quarter


class QuarterType(click.ParamType):
    """A calendar quarter, ``2026Q3`` (``2026q3`` and surrounding spaces normalised): ``parse_quarter``."""

    name = "quarter"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return parse_quarter(value)
        except QuarterError as exc:
            self.fail(str(exc), param, ctx)


class DayType(click.ParamType):
    """A UTC day in ISO form, ``2026-09-01``."""

    name = "day"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(f"dates look like 2026-09-01, not {value!r}", param, ctx)


class QuantityType(click.ParamType):
    """A quantity as typed: ``2e6``, ``2000000``, ``2_000_000`` or ``2,000,000``; finite and ≥ 0."""

    name = "quantity"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        if isinstance(value, float):
            return value
        try:
            number = float(str(value).replace(",", ""))
        except ValueError:
            self.fail(f"{value!r} is not a number", param, ctx)
        if not math.isfinite(number) or number < 0:
            self.fail(f"{value!r}: quantities must be finite and ≥ 0", param, ctx)
        return number


QUARTER = QuarterType()
DAY = DayType()
QUANTITY = QuantityType()


def quarter_option(*, required: bool, help: str, legacy_positional: bool = False) -> Callable:
    """``--quarter 2026Q3``, the one spelling of a quarter on the command line.

    ``legacy_positional`` also accepts the old positional quarter (``ewh close 2026Q3``), marked deprecated
    in the help and on stderr when used; the command then reads its quarter with ``one_quarter``.
    """
    if not legacy_positional:
        return click.option("--quarter", type=QUARTER, required=required, metavar="QUARTER", help=help)
    option = click.option(
        "--quarter", type=QUARTER, metavar="QUARTER", help=help + ("  [required]" if required else "")
    )
    legacy = click.argument(
        "legacy_quarter",
        metavar="[QUARTER]",
        type=QUARTER,
        required=False,
        deprecated="Give it as --quarter 2026Q3; the positional form will be removed.",
        help="The old spelling of --quarter.",
    )
    return lambda f: option(legacy(f))


def one_quarter(quarter: str | None, legacy_quarter: str | None) -> str:
    """The quarter of a command that takes ``--quarter`` or (deprecated) a positional one; both must agree."""
    ctx = click.get_current_context()
    if quarter and legacy_quarter and quarter != legacy_quarter:
        raise click.UsageError(f"two quarters given: {legacy_quarter} and --quarter {quarter}", ctx)
    chosen = quarter or legacy_quarter
    if chosen is None:
        option = next(p for p in ctx.command.params if p.name == "quarter")
        raise click.MissingParameter(ctx=ctx, param=option)
    return chosen
