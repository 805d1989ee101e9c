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


# names the ad platforms write that pycountry does not know (lower case), and the alpha-2 code the UK
# uses for itself (DV360 and others write "UK"; ISO's code is GB)
_NAME_ALIASES = {
    "russia": "RUS",
    "turkey": "TUR",
    "united states of america": "USA",
    "south korea": "KOR",
    "north korea": "PRK",
    "vietnam": "VNM",
    "iran": "IRN",
    "syria": "SYR",
    "laos": "LAO",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "tanzania": "TZA",
    "moldova": "MDA",
    "czech republic": "CZE",
    "taiwan": "TWN",
    "hong kong": "HKG",
    "macau": "MAC",
    "ivory coast": "CIV",
    "uk": "GBR",
}


@cache
def _names() -> dict[str, str]:
    """Lower-case English names (short, common and official) and alpha-2/alpha-3 codes -> alpha-3."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            if hasattr(country, attr):
                names[getattr(country, attr).lower()] = country.alpha_3
        names[country.alpha_2.lower()] = country.alpha_3
        names[country.alpha_3.lower()] = country.alpha_3
    return names | _NAME_ALIASES


def country_to_alpha3(expr: pl.Expr) -> pl.Expr:
    """A country as the ad platforms' reports write it -> ISO alpha-3, else null.

    Accepts English names (``United States``, ``Germany``), ISO alpha-2 or alpha-3 codes (``US``,
    ``DEU``) and ``UK``; anything else (``Unknown``, a region name) becomes null and the row keeps its
    raw value in its attributes.
    """
    return (
        expr.str.strip_chars()
        .str.to_lowercase()
        .replace_strict(_names(), default=None, return_dtype=pl.String)
    )
