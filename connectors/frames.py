"""Vectorised Polars building blocks shared by the connectors."""

from __future__ import annotations

import io
from dataclasses import dataclass

import polars as pl

from connectors.base import ExportFormatError
from connectors.schema import UTC_TS

NULL_TOKEN = "\u2205"  # stands for a null group field inside natural keys


@dataclass(frozen=True)
class Measure:
    """One quantity column of a vendor record and the canonical activity it becomes."""

    column: str
    activity_type: str
    unit: str
    required: bool = False


def read_json_pages(source: str, file: str, raw: bytes) -> tuple[pl.DataFrame, bool]:
    """Read a saved API response: one page object, or a JSON array of pages as a paginating script saves them.

    Returns one row per page and whether the file was an array (it changes the JSON pointers).
    """
    text = raw.lstrip()
    if not text:
        raise ExportFormatError(source, file, "file is empty")
    is_array = text[:1] == b"["
    try:
        pages = pl.read_json(io.BytesIO(raw), infer_schema_length=None)
    except Exception as exc:  # polars raises several error types for bad JSON
        raise ExportFormatError(source, file, f"malformed JSON ({exc})") from exc
    if "data" not in pages.columns:
        raise ExportFormatError(source, file, "no 'data' array: not a usage API response page")
    if not isinstance(pages.schema["data"], pl.List):
        raise ExportFormatError(source, file, "'data' is not an array of buckets")
    return pages, is_array


def explode_buckets(pages: pl.DataFrame, is_array: bool) -> pl.DataFrame:
    """One row per time bucket, with a JSON pointer prefix ``/[page/]data/<i>``."""
    buckets = (
        pages.with_row_index("_page")
        .select("_page", "data")
        .with_columns(pl.int_ranges(pl.col("data").list.len()).alias("_bucket"))
        .explode("data", "_bucket")
        .filter(pl.col("data").is_not_null())
    )
    if buckets.is_empty():
        return pl.DataFrame()
    page_prefix = pl.concat_str(pl.lit("/"), pl.col("_page").cast(pl.String)) if is_array else pl.lit("")
    return (
        buckets.with_columns(
            pl.concat_str(page_prefix, pl.lit("/data/"), pl.col("_bucket").cast(pl.String)).alias("_pointer")
        )
        .drop("_page", "_bucket")
        .unnest("data")
    )


def explode_results(buckets: pl.DataFrame, prefix: str = "bucket_") -> pl.DataFrame:
    """One row per result record; bucket fields are prefixed so they never clash with result fields."""
    renamed = buckets.rename(
        {c: f"{prefix}{c}" for c in buckets.columns if c != "results" and not c.startswith("_")}
    )
    exploded = (
        renamed.with_columns(pl.int_ranges(pl.col("results").list.len()).alias("_result"))
        .explode("results", "_result")
        .filter(pl.col("results").is_not_null())
    )
    if exploded.is_empty():
        return exploded.drop("results")
    results_dtype = exploded.schema["results"]
    if not isinstance(results_dtype, pl.Struct):
        return exploded.drop("results")
    return (
        exploded.with_columns(
            pl.concat_str(pl.col("_pointer"), pl.lit("/results/"), pl.col("_result").cast(pl.String)).alias(
                "_pointer"
            )
        )
        .drop("_result")
        .unnest("results")
    )


def ensure_columns(frame: pl.DataFrame, dtypes: dict[str, pl.DataType]) -> pl.DataFrame:
    """Add group fields a vendor left out (it omits null ones in some shapes) as typed nulls."""
    return frame.with_columns(
        [pl.lit(None, dtype=dtype).alias(name) for name, dtype in dtypes.items() if name not in frame.columns]
    )


def key_part(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.String).fill_null(NULL_TOKEN)


def natural_key(columns: list[str]) -> pl.Expr:
    """The vendor's natural key of a record as one string; nulls are kept distinct from empty strings."""
    return pl.concat_str([key_part(c) for c in columns], separator="|")


def json_attributes(columns: list[str], frame: pl.DataFrame) -> pl.Expr:
    """Extra vendor attributes as a JSON object string (portable to any warehouse, unlike a struct)."""
    present = [c for c in columns if c in frame.columns]
    if not present:
        return pl.lit("{}")
    return pl.struct(present).struct.json_encode()


def unpivot_measures(frame: pl.DataFrame, measures: list[Measure]) -> pl.DataFrame:
    """Turn one wide vendor record into one canonical row per measure.

    Optional measures a record does not report (column absent, or null) produce no row; a required
    measure that is null produces a row with a null quantity, which validation then quarantines.
    """
    present = [m for m in measures if m.column in frame.columns]
    if not present:
        return frame.clear().with_columns(
            pl.lit(None, dtype=pl.String).alias("measure"), pl.lit(None, dtype=pl.Float64).alias("quantity")
        )
    index = [c for c in frame.columns if c not in {m.column for m in present}]
    long = frame.with_columns(pl.col(m.column).cast(pl.Float64, strict=False) for m in present).unpivot(
        on=[m.column for m in present], index=index, variable_name="measure", value_name="quantity"
    )
    required = [m.column for m in measures if m.required]
    long = long.filter(pl.col("quantity").is_not_null() | pl.col("measure").is_in(required))
    return long.with_columns(
        pl.col("measure").replace_strict({m.column: m.activity_type for m in present}).alias("activity_type"),
        pl.col("measure").replace_strict({m.column: m.unit for m in present}).alias("unit"),
        pl.concat_str(pl.col("_pointer"), pl.lit("#"), pl.col("measure")).alias("source_row"),
    )


def normalise_model(raw: pl.Expr) -> pl.Expr:
    """A vendor model string as a stable model id: lower case, no ``models/`` prefix, no date snapshot.

    ``gpt-4o-mini-2024-07-18`` -> ``gpt-4o-mini``; ``claude-sonnet-4-20250514`` -> ``claude-sonnet-4``;
    ``mistral-large-2411`` -> ``mistral-large``.
    The raw string is kept beside it, and factor lookup tries the raw string first.
    """
    return (
        raw.str.strip_chars()
        .str.to_lowercase()
        .str.replace(r"^models/", "")
        .str.replace(r"-(\d{4}-\d{2}-\d{2}|\d{8})$", "")
        # Mistral's YYMM snapshots (mistral-large-2411); year 23+ and a real month only, so
        # gpt-4-0613 or mistral-medium-3-5 are left alone
        .str.replace(r"-(2[3-9]|[3-9]\d)(0[1-9]|1[0-2])$", "")
    )


def epoch(day) -> int:
    """Unix seconds of a day's UTC midnight (API window bounds)."""
    from datetime import UTC, datetime

    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def epoch_seconds(column: str) -> pl.Expr:
    return pl.from_epoch(pl.col(column).cast(pl.Int64, strict=False), time_unit="s").dt.replace_time_zone(
        "UTC"
    )


def rfc3339(column: str) -> pl.Expr:
    return pl.col(column).str.to_datetime(time_zone="UTC", strict=False, time_unit="us").cast(UTC_TS)


def covered_days(starts: pl.Series) -> list:
    """Distinct UTC days the export's buckets start on, sorted."""
    return starts.drop_nulls().dt.date().unique().sort().to_list()


def read_csv_rows(source: str, file: str, raw: bytes, *, skip_lines: int = 0, **options) -> pl.DataFrame:
    """Read a CSV export with every column as text, plus ``_pointer`` = ``line:<n>`` (1-based file line).

    Columns stay text so each connector casts explicitly (locale formats, cents, unit multipliers) and
    a bad cell becomes a quarantined row instead of a failed file. ``skip_lines`` skips title lines
    above the header (Google Ads UI exports). Assumes no quoted newlines inside cells.
    """
    text = raw.decode("utf-8-sig", errors="strict") if raw else ""
    if not text.strip():
        raise ExportFormatError(source, file, "file is empty")
    try:
        frame = pl.read_csv(
            io.BytesIO(text.encode()),
            infer_schema=False,
            skip_lines=skip_lines,
            truncate_ragged_lines=False,
            **options,
        )
    except Exception as exc:
        raise ExportFormatError(source, file, f"malformed CSV ({exc})") from exc
    first_data_line = skip_lines + 2  # 1-based, after the header line
    return frame.with_columns(
        pl.concat_str(pl.lit("line:"), (pl.int_range(pl.len()) + first_data_line).cast(pl.String)).alias(
            "_pointer"
        )
    )


def read_table_rows(source: str, file: str, raw: bytes) -> pl.DataFrame:
    """Read a Parquet or JSON-lines export, plus ``_pointer``: ``row:<n>`` (Parquet) or ``line:<n>``."""
    if raw[:4] == b"PAR1":
        try:
            frame = pl.read_parquet(io.BytesIO(raw))
        except Exception as exc:
            raise ExportFormatError(source, file, f"unreadable Parquet ({exc})") from exc
        label, first = "row:", 0
    else:
        try:
            frame = pl.read_ndjson(io.BytesIO(raw), infer_schema_length=None)
        except Exception as exc:
            raise ExportFormatError(source, file, f"malformed JSON lines ({exc})") from exc
        label, first = "line:", 1
    return frame.with_columns(
        pl.concat_str(pl.lit(label), (pl.int_range(pl.len()) + first).cast(pl.String)).alias("_pointer")
    )


def parse_decimal(column: str, *, decimal_comma: bool = False) -> pl.Expr:
    """A money or quantity text column as Float64; strips thousands separators and currency symbols."""
    text = pl.col(column).cast(pl.String).str.strip_chars().str.replace_all(r"[\s$€£\u00a0]", "")
    if decimal_comma:
        text = text.str.replace_all(r"\.", "").str.replace(",", ".")
    else:
        text = text.str.replace_all(",", "")
    return text.cast(pl.Float64, strict=False)


# the time fields of each vendor's bucketed report pages, and how to read them
OPENAI_BUCKETS = ("start_time", "end_time", epoch_seconds)
ANTHROPIC_BUCKETS = ("starting_at", "ending_at", rfc3339)


def read_bucketed_results(source: str, file: str, raw: bytes, bucket_fields) -> tuple[pl.DataFrame, list]:
    """One row per result of a saved bucketed report (OpenAI and Anthropic admin APIs), and the days covered.

    Bucket start and end become ``_start``/``_end`` (UTC); bucket fields are prefixed ``bucket_``; each
    row's ``_pointer`` is its JSON pointer. Empty buckets yield no rows but their days are covered.
    """
    start_field, end_field, parse_time = bucket_fields
    pages, is_array = read_json_pages(source, file, raw)
    buckets = explode_buckets(pages, is_array)
    if buckets.is_empty():
        raise ExportFormatError(source, file, "no buckets in 'data'")
    for field in (start_field, end_field, "results"):
        if field not in buckets.columns:
            raise ExportFormatError(source, file, f"buckets have no '{field}' field")
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
