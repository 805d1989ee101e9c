"""Vectorised Polars building blocks shared by the connectors."""

from __future__ import annotations

import codecs
import csv
import difflib
import gzip
import io
import json
import zlib
from dataclasses import dataclass

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv

from connectors.core.base import ExportFormatError, ParsedExport
from connectors.core.schema import PARSED_SCHEMA, UTC_TS, conform

NULL_TOKEN = "\u2205"  # stands for a null group field inside natural keys


@dataclass(frozen=True)
class Measure:
    """One quantity column of a vendor record and the canonical activity it becomes."""

    column: str
    activity_type: str
    unit: str
    required: bool = False


def json_bytes(source: str, file: str, raw: bytes) -> bytes:
    """A saved JSON document as UTF-8 bytes without a byte-order mark.

    JSON is exchanged as UTF-8 (RFC 8259), but a response saved by a shell can be UTF-16 (PowerShell's
    ``Out-File``) or carry a mark: a BOM, or NUL bytes among the first four (RFC 4627's detection), is
    decoded by ``decode_text``; anything else is left for the JSON reader to judge.
    """
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :]
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or 0 in raw[:4]:
        return decode_text(source, file, raw).encode("utf-8")
    return raw


def read_json_document(source: str, file: str, raw: bytes) -> pl.DataFrame:
    """A saved JSON response (one object, or an array of them as a paginating script saves them) as a
    frame, one row per object. A file that is not JSON gets a message saying where and why."""
    raw = json_bytes(source, file, raw)
    if not raw.strip():
        raise ExportFormatError(source, file, "file is empty")
    try:
        return pl.read_json(io.BytesIO(raw), infer_schema_length=None)
    except Exception as exc:  # polars raises several error types for bad JSON
        raise ExportFormatError(source, file, json_problem(raw, exc)) from exc


def json_problem(raw: bytes, polars_error: Exception) -> str:
    """Where a JSON document breaks (line, column, byte: Python's parser), or why Polars refused it."""
    try:
        json.loads(raw)
    except UnicodeDecodeError as exc:
        return f"not UTF-8 JSON: byte 0x{raw[exc.start]:02x} at offset {exc.start}"
    except json.JSONDecodeError as exc:
        size = len(raw.rstrip())
        if exc.pos >= size - 1 or "Unterminated" in exc.msg:
            return (
                f"malformed JSON: the document ends early at line {exc.lineno} column {exc.colno} "
                f"(byte {exc.pos} of {size}): the file looks truncated"
            )
        return f"malformed JSON at line {exc.lineno} column {exc.colno} (byte {exc.pos}): {exc.msg}"
    except RecursionError:
        return "malformed JSON: nested too deeply"
    return f"JSON this reader cannot tabulate ({type(polars_error).__name__}: {polars_error})"


def explode_indexed(frame: pl.DataFrame, column: str, index: str) -> pl.DataFrame:
    """One row per element of the list ``column``, its position in ``index`` (for JSON pointers).

    An empty or null list has no row; a null element keeps its row (it is a record too: drop it with
    ``.filter(pl.col(column).is_not_null())`` where it carries nothing).
    """
    return (
        frame.with_columns(pl.int_ranges(pl.col(column).list.len()).alias(index))
        .explode(column, index)
        .filter(pl.col(index).is_not_null())
    )


def explode_results(buckets: pl.DataFrame, prefix: str = "bucket_") -> pl.DataFrame:
    """One row per result record; bucket fields are prefixed so they never clash with result fields."""
    renamed = buckets.rename(
        {c: f"{prefix}{c}" for c in buckets.columns if c != "results" and not c.startswith("_")}
    )
    exploded = explode_indexed(renamed, "results", "_result").filter(pl.col("results").is_not_null())
    if exploded.is_empty():
        return exploded.drop("results")
    results_dtype = exploded.schema["results"]
    if not isinstance(results_dtype, pl.Struct):
        return exploded.drop("results")
    pointer = pl.concat_str(pl.col("_pointer"), pl.lit("/results/"), pl.col("_result").cast(pl.String))
    return (
        exploded.with_columns(pointer.alias("_pointer"), pointer.alias("_record"))
        .drop("_result")
        .unnest("results")
    )


def ensure_columns(frame: pl.DataFrame, dtypes: dict[str, pl.DataType]) -> pl.DataFrame:
    """Add group fields a vendor left out (it omits null ones in some shapes) as typed nulls.

    A field present but null in every record (an ungrouped API report: ``"model": null`` throughout) has
    no type after JSON reading; it is given its declared one, so string and key operations never fail.
    """
    found = frame.schema  # once: a DataFrame's schema is rebuilt on every access
    untyped = [name for name in dtypes if found.get(name) == pl.Null]
    return frame.with_columns(
        *[pl.lit(None, dtype=dtype).alias(name) for name, dtype in dtypes.items() if name not in found],
        *[pl.col(name).cast(dtypes[name]) for name in untyped],
    )


def coerce_columns(frame: pl.DataFrame, dtypes: dict[str, pl.DataType]) -> pl.DataFrame:
    """Group fields as their documented types whatever a (damaged or hand-edited) file holds there.

    A scalar of another type is converted (``12`` -> ``"12"``, ``"true"`` -> ``True``); an object or array
    where a scalar belongs cannot name a group and becomes null: the record still lands, unattributed.
    """

    def coerced(name: str, dtype: pl.DataType) -> pl.Expr:
        found = schema[name]
        if found.is_nested():
            return pl.lit(None, dtype=dtype).alias(name)
        if dtype == pl.Boolean and found == pl.String:
            text = pl.col(name).str.strip_chars().str.to_lowercase()
            return pl.when(text == "true").then(True).when(text == "false").then(False).alias(name)
        return pl.col(name).cast(dtype, strict=False)

    frame = ensure_columns(frame, dtypes)
    schema = frame.schema
    return frame.with_columns(coerced(n, t) for n, t in dtypes.items() if schema[n] != t)


def numeric_columns(frame: pl.DataFrame, names: list[str]) -> pl.DataFrame:
    """Measure fields as Float64: numbers as they are, numeric text parsed (``"1e3"``), anything else (a
    boolean, an object, an array, words) null, so the record is quarantined for it instead of failing
    the file. Absent fields stay absent (an optional measure the shape does not report)."""

    schema = frame.schema

    def number(name: str) -> pl.Expr:
        found = schema[name]
        if found.is_nested() or found == pl.Boolean:
            return pl.lit(None, dtype=pl.Float64).alias(name)
        if found.is_numeric():
            return pl.col(name).cast(pl.Float64)
        return pl.col(name).cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)

    return frame.with_columns(number(n) for n in names if n in schema)


def keyed_export(
    dataset: str,
    rows: pl.DataFrame,
    days: list,
    raw_records: int,
    *,
    attributes: list[str],
    key: list[str],
    skipped: pl.DataFrame | None = None,
) -> ParsedExport:
    """Canonical rows finished: ``attributes`` (the JSON of those columns) and ``natural_key`` (of the
    ``key`` columns), conformed to ``PARSED_SCHEMA``."""
    rows = rows.with_columns(
        json_attributes(attributes, rows).alias("attributes"), natural_key(key).alias("natural_key")
    )
    return ParsedExport(dataset, conform(rows, PARSED_SCHEMA), days, raw_records, skipped)


def key_part(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.String).fill_null(NULL_TOKEN)


def natural_key(columns: list[str]) -> pl.Expr:
    """The vendor's natural key of a record as one string; nulls are kept distinct from empty strings."""
    return pl.concat_str([key_part(c) for c in columns], separator="|")


def json_attributes(columns: list[str], frame: pl.DataFrame) -> pl.Expr:
    """Extra vendor attributes as a JSON object string (portable to any warehouse, unlike a struct)."""
    have = set(frame.columns)
    present = [c for c in columns if c in have]
    if not present:
        return pl.lit("{}")
    return pl.struct(present).struct.json_encode()


def unpivot_measures(frame: pl.DataFrame, measures: list[Measure]) -> pl.DataFrame:
    """Turn one wide vendor record into one canonical row per measure.

    Optional measures a record does not report (column absent, or null) produce no row; a required
    measure that is null produces a row with a null quantity, which validation then quarantines. A
    record the reader flagged (``_problem``) always yields one row, so it is quarantined, never lost.
    """
    have = set(frame.columns)
    present = [m for m in measures if m.column in have]
    if not present:
        return frame.clear().with_columns(
            pl.lit(None, dtype=pl.String).alias("measure"), pl.lit(None, dtype=pl.Float64).alias("quantity")
        )
    measured = {m.column for m in present}
    index = [c for c in frame.columns if c not in measured]
    long = frame.with_columns(pl.col(m.column).cast(pl.Float64, strict=False) for m in present).unpivot(
        on=[m.column for m in present], index=index, variable_name="measure", value_name="quantity"
    )
    keep = pl.col("quantity").is_not_null() | pl.col("measure").is_in(
        [m.column for m in measures if m.required]
    )
    if "_problem" in long.columns:  # one row per flagged record: it is quarantined once, as a record
        flagged = pl.col("_problem").is_not_null()
        keep = pl.when(flagged).then(pl.col("measure") == present[0].column).otherwise(keep)
    long = long.filter(keep)
    return long.with_columns(
        pl.col("measure").replace_strict({m.column: m.activity_type for m in present}).alias("activity_type"),
        pl.col("measure").replace_strict({m.column: m.unit for m in present}).alias("unit"),
        pl.concat_str(pl.col("_pointer"), pl.lit("#"), pl.col("measure")).alias("source_row"),
    )


def require_columns(source: str, file: str, columns: list[str], required: list[str], what: str) -> None:
    """Reject a file that lacks a column its rows need, naming the column (and a near miss, if any).

    A renamed or missing required column must never turn into rows that silently vanish.
    """
    missing = [c for c in required if c not in columns]
    if not missing:
        return
    hints = []
    for name in missing:
        close = difflib.get_close_matches(
            name, [c for c in columns if not c.startswith("_")], n=1, cutoff=0.6
        )
        hints.append(f"'{name}'" + (f" (found '{close[0]}': renamed?)" if close else ""))
    raise ExportFormatError(source, file, f"{what} is missing required column(s) {', '.join(hints)}")


def skip_records(frame: pl.DataFrame, reason: str | pl.Expr) -> pl.DataFrame:
    """Records deliberately not landed, with why: ``ParsedExport.skipped``."""
    why = reason if isinstance(reason, pl.Expr) else pl.lit(reason)
    return frame.select(pl.col("_record"), why.cast(pl.String).alias("reason"))


def aggregate_to_day(
    frame: pl.DataFrame, start: str, keys: list[str], measures: list[str], *, first: list[str] = ()
) -> pl.DataFrame:
    """Sum sub-day records (hourly or per-minute buckets) to UTC days, one row per day and key.

    ``start`` is the bucket start (UTC datetime); each output row spans its whole day and keeps the
    records it sums in ``_records`` (landing's accounting) and in ``_pointer`` (``line:2+line:3``, the
    audit trail). Measures sum with nulls ignored (all null stays null); ``first`` columns keep the
    first record's value. Vendors revise and export by day, so the canonical grain is the day.
    """
    day = pl.col(start).dt.truncate("1d")
    return (
        frame.with_columns(day.alias("_day"))
        .group_by("_day", *keys, maintain_order=True)
        .agg(
            *[
                pl.when(pl.col(m).is_not_null().any()).then(pl.col(m).cast(pl.Float64, strict=False).sum())
                for m in measures
            ],
            *[pl.col(c).first() for c in first],
            pl.col("_record").alias("_records"),
            pl.col("_pointer").str.join("+").alias("_pointer"),
        )
        .with_columns(pl.col("_day").alias(start), pl.col("_day").dt.offset_by("1d").alias("_day_end"))
    )


def spread_over_days(
    frame: pl.DataFrame, first: str, last: str, measures: list[str], *, money: list[str] = ()
) -> pl.DataFrame:
    """Spread multi-day aggregate records evenly over their days (``first``..``last``, dates, inclusive).

    A row covering 30 days becomes 30 rows of a thirtieth each, never one row on its first day.
    ``_spread_days`` (1 for a single-day record) and ``_spread_day`` (the day) are added; parsers put the
    method in ``attributes`` (``spread_days``) so the figures say they are an even split.
    """
    days = (pl.col(last) - pl.col(first)).dt.total_days() + 1
    spread = frame.with_columns(days.alias("_spread_days")).with_columns(
        pl.date_ranges(pl.col(first), pl.col(last), interval="1d").alias("_spread_day")
    )
    spread = spread.explode("_spread_day")
    # a record whose range cannot be read keeps its values whole: its missing day quarantines it, and the
    # reason says so (not "quantity missing")
    days = pl.col("_spread_days").fill_null(1)
    return spread.with_columns(
        *[(pl.col(m).cast(pl.Float64, strict=False) / days).alias(m) for m in measures],
        *[(pl.col(m) / days).alias(m) for m in money],
    )


# Bedrock model ids: an optional cross-region inference profile, then the model publisher's namespace
BEDROCK_PREFIX = (
    r"^((us|eu|apac|global|jp|au|ca|us-gov)\.)?"
    r"(anthropic|meta|amazon|mistral|cohere|ai21|qwen|openai|writer|moonshot|minimax|nvidia|twelvelabs)\."
)


def normalise_model(raw: pl.Expr) -> pl.Expr:
    """A vendor model string as a stable model id: lower case, no cloud packaging, no date snapshot.

    ``gpt-4o-mini-2024-07-18`` -> ``gpt-4o-mini``; ``claude-sonnet-4-20250514`` -> ``claude-sonnet-4``;
    ``mistral-large-2411`` -> ``mistral-large``; Bedrock ``us.meta.llama3-1-8b-instruct-v1:0`` ->
    ``llama3-1-8b-instruct`` and ``amazon.nova-pro-v1:0`` -> ``nova-pro``; Vertex
    ``publishers/google/models/gemini-2.0-flash-001`` -> ``gemini-2.0-flash``,
    ``claude-3-5-sonnet-v2@20241022`` -> ``claude-3-5-sonnet-v2``, ``llama-3.3-70b-instruct-maas`` ->
    ``llama-3.3-70b-instruct``.
    The raw string is kept beside it; factor lookup (int_llm_model_matches) tries the raw string
    first, so a dated snapshot still gets its own registry row.
    """
    return (
        raw.str.strip_chars()
        .str.to_lowercase()
        .str.replace(r"^(projects/[^/]+/locations/[^/]+/)?publishers/[^/]+/models/", "")
        .str.replace(r"^models/", "")
        .str.replace(BEDROCK_PREFIX, "")
        .str.replace(
            r"^deepseek\.", "deepseek-"
        )  # Bedrock names DeepSeek models by their suffix (deepseek.r1)
        .str.replace(r"-v\d+:\d+(:\d+k)?$|:\d+$", "")  # Bedrock version (-v1:0, -v1:0:128k, :0)
        .str.replace(r"@.*$", "")  # Vertex partner-model revision (@20241022, @001)
        .str.replace(r"-maas$", "")  # Vertex model-as-a-service suffix
        .str.replace(r"-00\d$", "")  # Vertex stable revision (gemini-2.0-flash-001)
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


def decode_text(source: str, file: str, raw: bytes, encodings: tuple[str, ...] = ("utf-8",)) -> str:
    """The text of a CSV export: a byte-order mark decides (UTF-8, UTF-16, UTF-32), else each encoding the
    source documents, in order. UTF-16 without a mark (NUL in every other byte) is recognised too.

    Anything else is a named file error, never a raw ``UnicodeDecodeError``.
    """
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return _decode(source, file, raw[len(bom) :], (codec,))
    head = raw[:200]
    if len(head) >= 4 and head[1::2].count(0) > 0.9 * len(head[1::2]) and head[0::2].count(0) == 0:
        return _decode(source, file, raw, ("utf-16-le",))
    if len(head) >= 4 and head[0::2].count(0) > 0.9 * len(head[0::2]) and head[1::2].count(0) == 0:
        return _decode(source, file, raw, ("utf-16-be",))
    return _decode(source, file, raw, encodings)


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its mark starts with UTF-16 LE's
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _decode(source: str, file: str, raw: bytes, encodings: tuple[str, ...]) -> str:
    error: UnicodeDecodeError | None = None
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as exc:
            error = error or exc
    assert error is not None
    raise ExportFormatError(
        source,
        file,
        f"not readable as {' or '.join(encodings)} text: byte 0x{raw[error.start]:02x} at offset "
        f"{error.start} ({error.reason}); export it again as UTF-8 CSV",
    )


def read_csv_rows(
    source: str,
    file: str,
    raw: bytes,
    *,
    skip_lines: int = 0,
    separator: str = ",",
    encodings: tuple[str, ...] = ("utf-8",),
) -> pl.DataFrame:
    """Read a CSV export with every column as text, one row per record, nothing dropped.

    Columns stay text so each connector casts explicitly (locale formats, cents, unit multipliers) and
    a bad cell becomes a quarantined row instead of a failed file. Bookkeeping columns:

    * ``_pointer`` and ``_record``: ``line:<n>``, the record's first physical line (quoted newlines counted);
    * ``_problem`` and ``_raw``: set on a record whose field count differs from the header's (a short or
      ragged row, a truncated last line): its cells are null, landing quarantines it with its line.

    Blank lines carry no record. ``skip_lines`` skips title lines above the header (Google Ads UI
    exports). The text is decoded by ``decode_text`` (byte-order marks, the source's ``encodings``).
    """
    text = decode_text(source, file, raw, encodings)
    lines = text.split("\n", skip_lines)
    body = lines[skip_lines] if len(lines) > skip_lines else ""
    if not body.strip():
        raise ExportFormatError(
            source, file, "file is empty" if not skip_lines else "no header after the title lines"
        )
    header = _csv_header(source, file, body, separator)
    bad: list[tuple[int, int, str]] = []

    def keep_aside(row) -> str:  # called by pyarrow for malformed records only
        bad.append((row.number, row.actual_columns, row.text))
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(body.encode("utf-8")),
            read_options=pacsv.ReadOptions(use_threads=False, column_names=header, skip_rows=1),
            parse_options=pacsv.ParseOptions(
                delimiter=separator,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=keep_aside,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                null_values=[""],  # an empty cell is null (as Polars reads it); "NA" or "null" stay text
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, ValueError) as exc:
        raise ExportFormatError(source, file, f"malformed CSV ({exc})") from exc
    good = pl.from_arrow(table)
    assert isinstance(good, pl.DataFrame)
    good = good.with_columns(
        pl.lit(None, pl.String).alias("_problem"),
        pl.lit(None, pl.String).alias("_raw"),
        pl.sum_horizontal([pl.col(c).str.count_matches("\n").fill_null(0) for c in header]).alias("_newlines")
        if header and '"' in body  # no quote, no newline inside a cell
        else pl.lit(0).alias("_newlines"),
        pl.int_range(pl.len()).alias("_seq"),
    )
    if bad:
        # pyarrow numbers records (header = 1): a record's place among all records orders good and bad
        numbers = pl.Series([number for number, _, _ in bad], dtype=pl.Int64) - 2
        good = good.with_columns(pl.col("_seq") + _skipped_before(good.height, numbers))
        expected = len(header)
        rejected = pl.DataFrame(
            {
                "_seq": numbers,
                "_problem": [
                    f"row has {n} field{'s' if n != 1 else ''}, the header has {expected}" for _, n, _ in bad
                ],
                "_raw": [text for _, _, text in bad],
            }
        ).with_columns(pl.col("_raw").str.count_matches("\n").alias("_newlines"))
        good = pl.concat([good, rejected], how="diagonal_relaxed").sort("_seq")
    header_lines = skip_lines + 1 + _header_newlines(body, header)
    line = header_lines + 1 + (pl.col("_newlines") + 1).cum_sum() - (pl.col("_newlines") + 1)
    pointer = pl.concat_str(pl.lit("line:"), line.cast(pl.String))
    frame = good.with_columns(pointer.alias("_pointer"), pointer.alias("_record")).drop("_newlines", "_seq")
    blank = pl.all_horizontal([pl.col(c).is_null() for c in header]) & pl.col("_problem").is_null()
    return frame.filter(~blank.fill_null(False)) if header else frame


def _skipped_before(good: int, rejected: pl.Series) -> pl.Series:
    """For each good record (0..good-1, file order): how many rejected records come before it.

    ``rejected`` holds the rejected records' indices among all records. The k-th rejected one (sorted)
    has ``rejected[k] - k`` good records before it, so a good record g follows it iff that is <= g.
    """
    ordered = rejected.cast(pl.Int64).sort()
    thresholds = ordered - pl.int_range(0, len(ordered), dtype=pl.Int64, eager=True)
    good_records = pl.int_range(0, good, dtype=pl.Int64, eager=True)
    return thresholds.search_sorted(good_records, side="right").cast(pl.Int64)


def _csv_header(source: str, file: str, body: str, separator: str) -> list[str]:
    """The header record's names (one record: Python's csv reads it), de-duplicated like Polars does."""
    try:
        names = next(csv.reader(io.StringIO(body), delimiter=separator))
    except (csv.Error, StopIteration) as exc:
        raise ExportFormatError(source, file, f"unreadable CSV header ({exc})") from exc
    # an empty name (a column whose header cell is blank) gets one, so the reader and Polars agree on it
    names = [n.strip() or f"unnamed_{i + 1}" for i, n in enumerate(names)]
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        count = seen.get(name, 0)
        unique.append(name if count == 0 else f"{name}_duplicated_{count - 1}")
        seen[name] = count + 1
    return unique


def _header_newlines(body: str, header: list[str]) -> int:
    """Physical lines the header record spans beyond its first (a quoted name with a newline)."""
    first = body.split("\n", 1)[0]
    return 0 if first.count('"') % 2 == 0 else body[: body.index("\n", len(first) + 1)].count("\n")


def _jsonl_problem(raw: bytes, polars_error: Exception) -> str:
    """The first JSON-lines line that does not parse, with its line and column; else Polars' reason."""
    lines = raw.split(b"\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            where = f"line {number} of {len(lines)}"
            if isinstance(exc, json.JSONDecodeError):
                end = number == len(lines) or not any(x.strip() for x in lines[number:])
                hint = ": the file looks truncated" if end else ""
                return f"malformed JSON lines at {where}, column {exc.colno}: {exc.msg}{hint}"
            return f"malformed JSON lines at {where}: not UTF-8"
    return f"JSON lines this reader cannot tabulate ({type(polars_error).__name__}: {polars_error})"


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
            raise ExportFormatError(source, file, _jsonl_problem(raw, exc)) from exc
        label, first = "line:", 1
    pointer = pl.concat_str(pl.lit(label), (pl.int_range(pl.len()) + first).cast(pl.String))
    return frame.with_columns(pointer.alias("_pointer"), pointer.alias("_record"))


def parse_decimal(column: str, *, decimal_comma: bool = False) -> pl.Expr:
    """A money or quantity text column as Float64; strips thousands separators and currency symbols."""
    text = pl.col(column).cast(pl.String).str.strip_chars().str.replace_all(r"[\s$€£\u00a0]", "")
    if decimal_comma:
        text = text.str.replace_all(r"\.", "").str.replace(",", ".")
    else:
        text = text.str.replace_all(",", "")
    return text.cast(pl.Float64, strict=False)


def gunzip(source: str, file: str, raw: bytes, problem: str = "corrupt gzip file", advice: str = "") -> bytes:
    """The bytes, decompressed when they start with the gzip magic; a broken archive is rejected by name
    (``<problem> (<error>)<advice>``)."""
    if raw[:2] != b"\x1f\x8b":
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        raise ExportFormatError(source, file, f"{problem} ({exc}){advice}") from exc


def read_parquet_or_csv(source: str, file: str, raw: bytes) -> pl.DataFrame:
    """A Parquet (``PAR1`` magic) or CSV export, plus ``_pointer``: ``row:<n>`` (Parquet) or the CSV line."""
    if raw[:4] == b"PAR1":
        return read_table_rows(source, file, raw)
    try:
        return read_csv_rows(source, file, raw)
    except UnicodeDecodeError as exc:
        raise ExportFormatError(source, file, "neither Parquet nor UTF-8 CSV") from exc


def apportion_credits(
    rows: pl.DataFrame, match: list[str], amount: pl.Expr, category: str, usage: pl.Expr
) -> pl.DataFrame:
    """Credit and discount rows (``_kind`` ``credit``) counted against the ``usage`` rows they match on
    ``match``.

    A usage row gets ``_credit`` (its share, by ``amount``, of the matched credits' amounts), the matched
    records in ``_records`` and their ``category`` values in ``credit_lines``; a credit row that matches no
    usage row stays, as a money-only row whose ``_credit`` is its own amount.
    """
    is_credit = pl.col("_kind") == "credit"
    credits = rows.filter(is_credit).with_columns(amount.alias("_amount"))
    others = rows.filter(~is_credit)
    keys = others.filter(usage).select(match).unique()
    matched = credits.join(keys, on=match, how="semi", nulls_equal=True)
    unmatched = credits.join(keys, on=match, how="anti", nulls_equal=True)
    sums = matched.group_by(match).agg(
        pl.col("_amount").sum().alias("_credit_sum"),
        pl.col("_record").alias("_credit_records"),
        pl.col(category).unique().sort().str.join(",").alias("credit_lines"),
    )
    gross = amount.cast(pl.Float64).fill_null(0.0)
    total = gross.sum().over(match)
    share = pl.when(total != 0).then(gross / total).otherwise(1.0 / pl.len().over(match))
    is_usage = usage.fill_null(False)
    others = others.join(sums, on=match, how="left", nulls_equal=True).with_columns(
        pl.when(is_usage).then(pl.col("_credit_sum").cast(pl.Float64) * share).alias("_credit"),
        pl.when(is_usage)
        .then(pl.concat_list(pl.col("_record"), pl.col("_credit_records").fill_null([])))
        .otherwise(pl.concat_list(pl.col("_record")))
        .alias("_records"),
    )
    unmatched = unmatched.with_columns(
        pl.col("_amount").cast(pl.Float64).alias("_credit"),
        pl.concat_list(pl.col("_record")).alias("_records"),
        pl.col(category).alias("credit_lines"),
    )
    return pl.concat(
        [others.drop("_credit_sum", "_credit_records"), unmatched.drop("_amount")], how="diagonal_relaxed"
    )
