"""Adobe generative credits (Firefly and the Creative Cloud apps' Firefly-powered features), CSV, issue #18.

Adobe meters generative AI in **generative credits**: "Most standard generative AI features, like
Generative Fill using Adobe Firefly models in Photoshop, use 1 credit per generation"; premium features
(video, audio, partner models) use more, by the rate table of
https://helpx.adobe.com/creative-cloud/apps/generative-ai/creative-cloud-generative-ai-features.html.
Enterprise organisations fall back to organisation-level Shared Credits ("Operations") whose conversion
the Admin Console's rate card gives (https://helpx.adobe.com/enterprise/using/generative-credit-pool.html).

Adobe documents **no per-user or per-day credit export** (research notes, field-2026-12 §2): this module
reads the credit usage report an admin assembles from the Admin Console / Adobe account usage views, in the
columns below, named with Adobe's own vocabulary (matched case-insensitively). The layout is our contract,
to confirm with Adobe:

======================= ========= ==========================================================
column                  required  meaning
======================= ========= ==========================================================
``Date``                yes       day of use (``YYYY-MM-DD``), UTC
``User``                no        the user's Adobe ID e-mail: pseudonymised by ``scrub``
``Product``             yes       the app: Firefly, Photoshop, Illustrator, Express, Premiere Pro...
``Feature``             yes       the generative feature (Text to Image, Generative Fill, Generate Video...)
``Feature Type``        no        Standard or Premium
``Generative Credits``  yes       credits consumed
======================= ========= ==========================================================

Each line lands as one ``generative_credits`` row (unit ``credits``), ``service = adobe.<product>``
(lower case, spaces as hyphens), ``attributes`` = product, feature, feature type. Credits are not activity:
dbt turns them into images or video seconds with Adobe's published per-feature rates (seed
``factor_activity_conversions``, method tier ``credit_rate_card``), then into energy with the one
per-image and per-second factors the other image and video sources use.
"""

from __future__ import annotations

import polars as pl

from connectors.core.base import Connector, ParsedExport
from connectors.core.frames import covered_days, keyed_export, parse_decimal, read_csv_rows, require_columns
from connectors.core.pseudonym import csv_scrub
from connectors.core.schema import UTC_TS

SOURCE = "adobe_firefly"
VERSION = "1.0.0"
DATASET = "generative_credits"
COLUMNS = {
    "date": "date",
    "user": "user",
    "product": "product",
    "feature": "feature",
    "feature type": "feature_type",
    "generative credits": "credits",
}
REQUIRED = ["date", "product", "feature", "credits"]


def parse(raw: bytes, file: str) -> ParsedExport:
    frame = read_csv_rows(SOURCE, file, raw)
    renamed = {c: COLUMNS[c.strip().casefold()] for c in frame.columns if c.strip().casefold() in COLUMNS}
    frame = frame.rename(renamed)
    require_columns(
        SOURCE,
        file,
        [{v: k for k, v in renamed.items()}.get(c, c) for c in frame.columns] + list(renamed.values()),
        REQUIRED,
        "the credit usage report",
    )
    for optional in ("user", "feature_type"):
        if optional not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.String).alias(optional))
    day = pl.col("date").str.strip_chars().str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    start = day.cast(UTC_TS)
    rows = frame.with_columns(
        parse_decimal("credits").alias("quantity"),
        pl.lit("generative_credits").alias("activity_type"),
        pl.lit("credits").alias("unit"),
        start.alias("usage_start"),
        start.dt.offset_by("1d").alias("usage_end"),
        day.alias("usage_date"),
        pl.lit("adobe").alias("vendor"),
        pl.concat_str(
            pl.lit("adobe."),
            pl.col("product").str.strip_chars().str.to_lowercase().str.replace_all(r"\s+", "-"),
        ).alias("service"),
        pl.col("user").alias("user_id"),
        pl.col("product").str.strip_chars(),
        pl.col("feature").str.strip_chars(),
        pl.col("feature_type").str.strip_chars(),
        pl.col("_record").alias("source_row"),
        pl.lit(DATASET).alias("dataset"),
    )
    days = covered_days(rows.get_column("usage_start"))
    return keyed_export(
        DATASET,
        rows,
        days,
        frame.height,
        attributes=["product", "feature", "feature_type"],
        key=["date", "user", "product", "feature"],
    )


CONNECTOR = Connector(
    source=SOURCE,
    vendor="adobe",
    version=VERSION,
    file_patterns=("*.csv",),
    parse=parse,
    scrub=csv_scrub(["User"]),
    description="Adobe generative credit usage (Firefly and Creative Cloud features, by day and user), CSV",
)
