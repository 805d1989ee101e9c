"""ISO 3166 country codes from ``pycountry``: the warehouse keys every country by its alpha-3 code."""

from __future__ import annotations

from functools import cache

import polars as pl
import pycountry


@cache
def _alpha2() -> dict[str, str]:
    return {c.alpha_2: c.alpha_3 for c in pycountry.countries}


@cache
def _numeric() -> dict[str, str]:
    return {str(int(c.numeric)): c.alpha_3 for c in pycountry.countries}


def alpha2_to_alpha3(expr: pl.Expr) -> pl.Expr:
    """``US`` -> ``USA``; unknown or missing codes become null (the row keeps its raw value elsewhere)."""
    code = expr.str.strip_chars().str.to_uppercase()
    return code.replace_strict(_alpha2(), default=None, return_dtype=pl.String)


def numeric_to_alpha3(expr: pl.Expr) -> pl.Expr:
    """ISO numeric code (``840``) -> ``USA``."""
    return (
        expr.cast(pl.Int64, strict=False)
        .cast(pl.String)
        .replace_strict(_numeric(), default=None, return_dtype=pl.String)
    )


def google_ads_country_to_alpha3(expr: pl.Expr) -> pl.Expr:
    """Google Ads country criterion ids are 2000 + the ISO numeric code (``2840`` -> ``USA``)."""
    return numeric_to_alpha3(expr.cast(pl.Int64, strict=False) - 2000)
