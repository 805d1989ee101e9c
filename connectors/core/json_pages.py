"""Saved API responses: one page object, or a JSON array of pages as a paginating script (or a
connector's ``fetch``, ``base.ApiExport.of_pages``) saves them.

``read_pages`` is the one reader of such a file: one row per page, and the JSON pointer of each page, so
every record a connector takes out of it points back to its place (``/1/data/0/results/2``, or
``/data/0/results/2`` when the file is a single page). The bucketed admin reports of OpenAI and Anthropic
(``{"data": [{<bucket start>, <bucket end>, "results": [...]}, ...]}``) are read here to one row per result.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from connectors.core.base import ExportFormatError
from connectors.core.frames import (
    covered_days,
    epoch_seconds,
    explode_indexed,
    explode_results,
    json_bytes,
    normalise_model,
    read_json_document,
    rfc3339,
)


def read_pages(source: str, file: str, raw: bytes) -> pl.DataFrame:
    """The pages of a saved response, one row each, plus ``_page`` (the page's index) and
    ``_page_pointer`` (``/<index>`` in an array of pages, empty for a file that is one page): the start of
    every JSON pointer into the page. A file that is not JSON is rejected saying where and why."""
    pages = read_json_document(source, file, raw)
    is_array = json_bytes(source, file, raw).lstrip()[:1] == b"["
    pointer = pl.concat_str(pl.lit("/"), pl.col("_page").cast(pl.String)) if is_array else pl.lit("")
    return pages.with_row_index("_page").with_columns(pointer.alias("_page_pointer"))


def explode_pages(
    pages: pl.DataFrame, items: pl.Expr, name: str, path: str, *, keep: Sequence[str] = ()
) -> pl.DataFrame:
    """One row per element of the list ``items`` of each page (``read_pages``), as column ``name``, with
    ``_page``, the page columns named in ``keep`` and ``_pointer``, the element's JSON pointer
    (``<page>/<path>/<i>``). A page whose list is empty or null has no row; a null element keeps its row
    (a record too: drop it with a filter where it carries nothing)."""
    selected = pages.select("_page", "_page_pointer", *keep, items.alias(name))
    exploded = explode_indexed(selected, name, "_item")
    pointer = pl.concat_str(pl.col("_page_pointer"), pl.lit(f"/{path}/"), pl.col("_item").cast(pl.String))
    return exploded.with_columns(pointer.alias("_pointer")).drop("_item", "_page_pointer")


def read_data_pages(source: str, file: str, raw: bytes) -> pl.DataFrame:
    """``read_pages`` of a response whose pages hold a ``data`` array (the usage and Insights APIs)."""
    pages = read_pages(source, file, raw)
    if "data" not in pages.columns:
        raise ExportFormatError(source, file, "no 'data' array: not a usage API response page")
    if not isinstance(pages.schema["data"], pl.List):
        raise ExportFormatError(source, file, "'data' is not an array of buckets")
    return pages


def explode_buckets(pages: pl.DataFrame) -> pl.DataFrame:
    """One row per time bucket (``data[]`` element), ``_pointer`` = ``[/page]/data/<i>``."""
    buckets = explode_pages(pages, pl.col("data"), "data", "data").filter(pl.col("data").is_not_null())
    if buckets.is_empty():
        return pl.DataFrame()
    return buckets.drop("_page").unnest("data")


# the time fields of each vendor's bucketed report pages, and how to read them
OPENAI_BUCKETS = ("start_time", "end_time", epoch_seconds)
ANTHROPIC_BUCKETS = ("starting_at", "ending_at", rfc3339)


def read_bucketed_results(source: str, file: str, raw: bytes, bucket_fields) -> tuple[pl.DataFrame, list]:
    """One row per result of a saved bucketed report (OpenAI and Anthropic admin APIs), and the days covered.

    Bucket start and end become ``_start``/``_end`` (UTC); bucket fields are prefixed ``bucket_``; each
    row's ``_pointer`` is its JSON pointer. Empty buckets yield no rows but their days are covered.
    """
    start_field, end_field, parse_time = bucket_fields
    buckets = explode_buckets(read_data_pages(source, file, raw))
    if buckets.is_empty():
        raise ExportFormatError(source, file, "no buckets in 'data'")
    for field in (start_field, end_field, "results"):
        if field not in buckets.columns:
            raise ExportFormatError(source, file, f"buckets have no '{field}' field")
    for field in (start_field, end_field):
        if buckets.schema[field].is_nested():
            raise ExportFormatError(source, file, f"the buckets' '{field}' is not a time")
    if not isinstance(buckets.schema["results"], pl.List | pl.Null):
        raise ExportFormatError(source, file, "the buckets' 'results' is not an array of results")
    # a bucket without its results says nothing about its day: never taken for a day without usage
    missing = buckets.filter(pl.col("results").is_null()).get_column("_pointer")
    if missing.len():
        raise ExportFormatError(source, file, f"bucket {missing.item(0)} has no 'results' array")
    buckets = buckets.with_columns(
        parse_time(start_field).alias("_start"), parse_time(end_field).alias("_end")
    )
    return explode_results(buckets), covered_days(buckets.get_column("_start"))


def bucket_row_columns(vendor: str, service: str, dataset: str, model: pl.Expr) -> list[pl.Expr]:
    """The canonical columns every bucketed-report row shares: its time bucket, vendor, service, model."""
    return [
        pl.col("_start").alias("usage_start"),
        pl.col("_end").alias("usage_end"),
        pl.col("_start").dt.date().alias("usage_date"),
        pl.lit(vendor).alias("vendor"),
        pl.lit(service).alias("service"),
        model.alias("model_raw"),
        normalise_model(model).alias("model"),
        pl.lit(dataset).alias("dataset"),
    ]
