"""``ewh estimate``: energy, carbon and water of a planned use, built with the warehouse's own models.

``--compare`` takes the rest of the command line as a second option (``EstimateCommand`` splits it off
before Click parses the first); it is parsed with the same options by ``_compare_command``. What it leaves
unset comes from the first option (``ewh.estimate.merge``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ewh.choices import (
    AD_FORMATS,
    BUY_TYPES,
    DEVICES,
    IMAGE_QUALITIES,
    PLATFORM_SOURCES,
    QUANTITIES,
    SEAT_SOURCES,
    TOOL_SOURCES,
    VENDOR_SOURCES,
)
from ewh.commands.base import fail
from ewh.exit_codes import ExitCode
from ewh.params import DAY, QUANTITY

COMPARE = "--compare"


def _lower(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    return value.lower() if value is not None else None


def usage_options(f: Callable) -> Callable:
    """The options that describe one planned use: who does the work, then how much of it."""
    who = [
        click.option("--vendor", callback=_lower, help=f"AI vendor: {', '.join(sorted(VENDOR_SOURCES))}."),
        click.option(
            "--platform", callback=_lower, help=f"Ad platform: {', '.join(sorted(PLATFORM_SOURCES))}."
        ),
        click.option(
            "--tool",
            callback=_lower,
            help=f"Creative tool ({', '.join(sorted(TOOL_SOURCES))}) or seat-based AI assistant "
            f"({', '.join(sorted(SEAT_SOURCES))}), instead of --vendor.",
        ),
        click.option(
            "--feature",
            help="Creative tool feature whose credit rate applies (adobe: Generate Video; default images).",
        ),
        click.option(
            "--model", help="Model as the vendor names it (gpt-4o-mini, claude-haiku-4-5, gen4_turbo)."
        ),
        click.option(
            "--country", help="ISO country of the grid (AI: data residency; ads: audience country)."
        ),
        click.option("--region", help="Cloud region as the vendor names it (e.g. europe-west4)."),
        click.option("--format", "ad_format", type=click.Choice(AD_FORMATS), help="Ad format."),
        click.option(
            "--device", type=click.Choice(DEVICES), help="Ad delivery device (default: the GMSF device mix)."
        ),
        click.option("--size", help="Image size, e.g. 1024x1024 (per-size image figures where published)."),
        click.option(
            "--quality",
            type=click.Choice(IMAGE_QUALITIES),
            help="Image quality (gpt-image-1: low, medium, high).",
        ),
        click.option(
            "--buy-type",
            type=click.Choice(BUY_TYPES),
            help="Ad buy (GMSF): programmatic, direct or end_to_end (default: the platform's).",
        ),
        click.option(
            "--ads-txt-lines",
            type=QUANTITY,
            metavar="N",
            help="ads.txt lines of the publishers bought (programmatic buys; default 3,000).",
        ),
        click.option(
            "--date", "usage_date", type=DAY, metavar="DAY", help="Day the work is planned (default: today)."
        ),
        click.option("--label", help="Name of this option in the output (default A, B)."),
    ]
    how_much = [
        click.option(
            f"--{name.replace('_', '-')}",
            name,
            type=QUANTITY,
            metavar="N",
            help=f"{text[0].upper()}{text[1:]}.",
        )
        for name, (_, _, text) in QUANTITIES.items()
    ]
    for option in reversed(who + how_much):
        f = option(f)
    return f


def _output_options(f: Callable) -> Callable:
    """Options of the command itself that may also follow ``--compare``."""
    f = click.option(
        "--workdir",
        type=click.Path(file_okay=False, path_type=Path),
        metavar="DIR",
        help="Keep the compiled dbt chain in DIR (default: under EWH_HOME).",
    )(f)
    return click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")(f)


class EstimateCommand(click.Command):
    """Splits the command line at ``--compare``: what follows is the second option, parsed on its own."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if COMPARE in args:
            at = args.index(COMPARE)
            args, ctx.meta[COMPARE] = args[: at + 1], args[at + 1 :]
        return super().parse_args(ctx, args)


@click.command(add_help_option=False)
@usage_options
@_output_options
def _compare_command(**values: Any) -> dict[str, Any]:
    return values


@click.command(cls=EstimateCommand, short_help="Footprint of a planned use, before running it.")
@usage_options
@_output_options
@click.option("-v", "--verbose", is_flag=True, help="Also print factor ids and each equivalent's source.")
@click.option(
    "--allow-fallback",
    is_flag=True,
    help="Accept a model no registry knows (estimated with a size guess or the wide unknown range).",
)
@click.option(
    COMPARE,
    "compare",
    is_flag=True,
    help="Everything after it describes a second option to put side by side (see above).",
)
@click.pass_context
def estimate(
    ctx: click.Context,
    as_json: bool,
    workdir: Path | None,
    verbose: bool,
    allow_fallback: bool,
    compare: bool,
    **usage: Any,
) -> ExitCode:
    """Energy, carbon and water of a planned use, from the same factors and dbt models as the warehouse.

    The planned use becomes the rows the vendor's connector would land and runs through the warehouse's
    own compiled dbt models (the first estimate of a dbt project version builds them once). Give
    --vendor (AI usage), --platform (ad delivery) or --tool (a creative tool, or a seat assistant:
    messages, feature uses or active user-days) and at least one quantity (2e6, 2000000 or
    2,000,000). A model no registry knows is refused with close matches (exit 2) unless --allow-
    fallback.

    --compare takes the rest of the line as a second option; what it leaves unset comes from the first
    (quantities only if it gives none), unless it switches between --vendor and --platform.

    \b
    Examples:
      ewh estimate --vendor openai --model gpt-4o --input-tokens 8e6 --output-tokens 2e6 \\
          --requests 1e4 --compare --model gpt-4o-mini
      ewh estimate --vendor openai --model gpt-image-1 --images 500 \\
          --compare --platform meta --impressions 1e6 --country DEU --format display
      ewh estimate --platform meta --impressions 1e6 --country DEU --format social --device mobile
      ewh estimate --vendor runway --model gen4_turbo --video-seconds 120 --json
      ewh estimate --tool chatgpt --messages 5000 --compare --tool copilot --active-user-days 500
      ewh estimate --tool elevenlabs --characters 100000
      ewh estimate --tool adobe --credits 500 --feature "Generate Video"
      ewh estimate --tool jasper --generations 2000 --compare --tool elevenlabs --characters 1e6
    """
    from dataclasses import replace
    from datetime import date

    from ewh.estimate import (
        EstimateBuildError,
        EstimateError,
        check,
        fallback_refusals,
        merge,
        render_text,
        to_json,
        usage_from,
    )
    from ewh.estimate import estimate as build_estimate

    try:
        first = usage_from(usage)
        first = replace(first, label=first.label or "A", usage_date=first.usage_date or date.today())
        options = [first]
        if compare:
            given = _second_option(ctx.meta.get(COMPARE, []), EstimateError)
            as_json = as_json or given["as_json"]  # options of the command itself may follow --compare
            workdir = workdir or given["workdir"]
            second = merge(first, usage_from(given))
            options.append(replace(second, label=given["label"] or ("B" if first.label != "B" else "A")))
        options = [check(u) for u in options]
        result = build_estimate(options, workdir=workdir)
    except EstimateError as exc:
        failed_build = isinstance(exc, EstimateBuildError)
        return fail(str(exc), ExitCode.FAILED if failed_build else ExitCode.USAGE)
    if not allow_fallback and (refusals := fallback_refusals(result)):
        for message in refusals:
            fail(message, ExitCode.USAGE)
        return ExitCode.USAGE
    if as_json:
        import json

        print(json.dumps(to_json(result), indent=2, default=str))
    else:
        print(render_text(result, verbose=verbose))
    return ExitCode.OK


def _second_option(args: list[str], error: type[Exception]) -> dict[str, Any]:
    """The option after ``--compare``; a parse error names ``--compare`` (raised as ``error``)."""
    if not args:
        raise error("--compare needs the second option's arguments, e.g. --compare --model gpt-4o-mini")
    try:
        with _compare_command.make_context(COMPARE, list(args)) as sub:
            return dict(sub.params)
    except click.UsageError as exc:
        raise error(f"{COMPARE}: {exc.format_message()}") from None
