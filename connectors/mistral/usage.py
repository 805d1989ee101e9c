"""Mistral billing usage responses, saved to a file (one month's response, or a JSON array of them).

Reads the Admin API ``GET https://console.mistral.ai/api/admin/usage?month=M&year=Y[&workspace_id=W]``
(header ``x-api-key``), whose body is taken to be that of the console's
``admin.mistral.ai/api/billing/v2/usage`` (research notes, vendor-formats.md section 6; the identity of
the two is UNCONFIRMED). Layout::

    {"completion": {"models": {"<display>::<billing_metric>": {"input": [entry...], "output": [...],
                                                              "cached": [...]}}},
     "chat": {...}, "vibe_code": {"completion": {"models": {...}}},            (newer responses)
     "ocr": {"models": {}}, "audio": {"models": {}}, "connectors": {"models": {}},
     "libraries_api": {"pages": {"models": {}}, "tokens": {"models": {}}},
     "fine_tuning": {"training": {}, "storage": {}}, "vibe_usage": 0.0,
     "start_date": "2025-11-01T00:00:00Z", "end_date": "2025-11-30T23:59:59.999Z", "currency": "EUR",
     "prices": [{"event_type", "billing_metric", "billing_group", ["api_zone", "service_tier",]
                 "price": "0.0000017000"}]}

An entry is one model x billing group x UTC day: ``{usage_type, event_type, billing_metric,
billing_display_name, billing_group, timestamp: "YYYY-MM-DD", value, value_paid[, api_zone,
service_tier]}``. Prices are per single unit, as strings (sometimes ``1.275E-7``). Every list of objects
in a category is a list of entries, wherever it sits (the schema is walked once, never the records), so
categories whose inner layout the notes do not show (fine-tuning, libraries) are read too; a list whose
objects lack ``timestamp`` or ``value`` rejects the file naming it (``require_columns``), never vanishes.

Every element of an entry list is a record (``_record`` = its JSON pointer, ``raw_records`` counts them
all): a null element is skipped with a reason, an entry with a null value or an undated one is
quarantined by its pointer. The document is read by ``json_pages.read_pages`` (UTF-8 with or without
a BOM, UTF-16; a truncated file is rejected saying where it ends).

Quirks observed in public clients of this endpoint (3P-OBSERVED, not in Mistral's docs): newer entries
and prices carry ``api_zone`` (``global``, ``eu``) and ``service_tier`` (``standard``, ``priority``) and
one metric+group is priced several times (per zone and tier, and again per audio second), so a price is
matched on event type, metric, group, zone and tier, falling back only to an unqualified price (no zone
and no tier); a later duplicate price replaces an earlier one; older entries have no ``event_type``;
``usage_type`` is ``usage`` or ``vibe``; ``value_paid`` can be below ``value``.

Mapping (event types as in Mistral's SDK enum: api_tokens, api_pages, api_audio_seconds,
api_audio_characters, api_connectors, api_libraries_*, deployment_tokens, gpu_hour...):

* ``api_tokens``/``deployment_tokens`` (untyped entries of ``completion``, ``chat``, ``vibe_code`` too):
  ``input`` -> ``llm_input_tokens``, ``output`` -> ``llm_output_tokens``, ``cached`` ->
  ``llm_cached_input_tokens`` (``cached`` is taken as disjoint from ``input``: each is priced on its own;
  UNCONFIRMED). Input of ``*embed*`` metrics -> ``embedding_tokens``, of ``*moderation*`` ->
  ``moderation_tokens``.
* ``api_audio_seconds`` -> ``audio_seconds``; ``api_audio_characters`` -> ``tts_characters``.
* anything else (OCR/library pages, connector calls, GPU hours, unknown groups) has no canonical
  activity: a ``spend`` row whose quantity is its cost, the vendor quantity kept in ``attributes.value``.
* quantity = ``value`` (all usage, billed or not); gross ``cost_amount`` = ``value`` x unit price, net
  ``cost_amount_net`` = ``value_paid`` (else ``value``) x unit price (free allowances bill fewer units than
  were used), in the response's ``currency`` (often EUR); no matching price or a blank currency -> no
  cost (a spend row then quarantines with its record).
* no request counts: the billing usage states units, not requests, so no ``llm_requests`` rows.
* ``model_raw`` = ``billing_metric`` (``mistral-large-2411``); ``model`` = it normalised with Mistral's
  ``-YYMM`` release suffix removed too (``mistral-large``); the alias (``mistral-large-latest``) and the
  ``<display>::<metric>`` key go to ``attributes``. ``region`` = ``api_zone``.

The response carries no workspace id even when the request was filtered by one. A saving script that
pulls one workspace names its file ``..._workspace-<id>.json``: the workspace becomes the ``workspace``
key and the dataset ``billing_usage_workspace_<id>``, so per-workspace files never replace one another's
days. Org-wide and per-workspace exports of the same days overlap: both land, and dbt counts one route
per day (``source_report_families``: the org-wide export has precedence, per-workspace rows count only
on days it does not cover).

``days`` covers each response's whole period (``start_date`` .. ``end_date``; the usage days when those
are absent), so a corrected re-export of a month removes days that no longer have usage. Entries with no
``timestamp`` cannot be dated and are quarantined. ``vibe_usage`` (a bare monthly number with no unit)
is not read.
"""

from __future__ import annotations

import re
from pathlib import PurePath

import polars as pl

from connectors.core.base import Connector, ExportFormatError, ParsedExport
from connectors.core.frames import (
    ensure_columns,
    json_attributes,
    natural_key,
    normalise_model,
    require_columns,
    skip_records,
)
from connectors.core.json_pages import explode_pages, read_pages
from connectors.core.schema import ACTIVITY_UNITS, MONEY, PARSED_SCHEMA, UTC_TS, conform

SOURCE = "mistral_usage"
VERSION = "1.0.0"
DATASET = "billing_usage"

# categories whose untyped (older) entries are chat-completion tokens
LLM_CATEGORIES = ("completion", "chat", "vibe_code")
TOKEN_EVENTS = ("api_tokens", "deployment_tokens")
TOKEN_GROUPS = {
    "input": "llm_input_tokens",
    "output": "llm_output_tokens",
    "cached": "llm_cached_input_tokens",
}
# event types whose value is a canonical quantity in itself
EVENT_ACTIVITY = {"api_audio_seconds": "audio_seconds", "api_audio_characters": "tts_characters"}
ENTRY_FIELDS: dict[str, pl.DataType] = {
    "usage_type": pl.String(),
    "event_type": pl.String(),
    "billing_metric": pl.String(),
    "billing_display_name": pl.String(),
    "billing_group": pl.String(),
    "timestamp": pl.String(),
    "value": pl.Float64(),
    "value_paid": pl.Float64(),
    "api_zone": pl.String(),
    "service_tier": pl.String(),
}
PRICE_FIELDS: dict[str, pl.DataType] = {
    "event_type": pl.String(),
    "billing_metric": pl.String(),
    "billing_group": pl.String(),
    "api_zone": pl.String(),
    "service_tier": pl.String(),
    "price": pl.String(),
}
PAGE_FIELDS = ("start_date", "end_date", "currency")
REQUIRED_ENTRY_FIELDS = ["timestamp", "value"]
CATEGORIES = ("completion", "chat", "vibe_code", "ocr", "audio", "connectors", "libraries_api", "fine_tuning")
# the response's own fields beside the usage categories; any other object is read as a category too
TOP_FIELDS = (*PAGE_FIELDS, "prices", "vibe_usage", "date", "previous_month", "next_month", "currency_symbol")
ATTRIBUTES = [
    "billing_display_name",
    "model_key",
    "billing_group",
    "event_type",
    "usage_type",
    "service_tier",
    "value",
    "value_paid",
    "unit_price",
]
# Mistral versions models by release month: mistral-large-2411, magistral-medium-2509, codestral-2501.
YYMM_SUFFIX = r"-(2[3-9]|[3-9]\d)(0[1-9]|1[0-2])$"
WORKSPACE_IN_NAME = re.compile(r"_workspace-([0-9A-Za-z-]+)(?:_|\.json$)")


def normalise_mistral_model(raw: pl.Expr) -> pl.Expr:
    """``normalise_model`` minus the ``-YYMM`` release suffix: ``mistral-large-2411`` -> ``mistral-large``.

    ``mistral-medium-3-5`` and ``mistral-embed`` have no such suffix and are left as they are.
    """
    return normalise_model(raw).str.replace(YYMM_SUFFIX, "")


def _pointer_token(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _entry_lists(dtype: pl.DataType, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Paths of every list of objects in a usage category (a walk over the schema, never the records).

    Every such list holds usage entries: one whose objects lack ``timestamp`` or ``value`` rejects the
    file (``_require_entry_fields``) instead of vanishing from the count.
    """
    if isinstance(dtype, pl.Struct):
        found = []
        for field in dtype.fields:
            found.extend(_entry_lists(field.dtype, (*path, field.name)))
        return found
    if isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct):
        return [path]
    return []


def _list_dtype(schema: pl.Schema, path: tuple[str, ...]) -> pl.List:
    dtype = schema[path[0]]
    for name in path[1:]:
        assert isinstance(dtype, pl.Struct)
        dtype = next(f.dtype for f in dtype.fields if f.name == name)
    assert isinstance(dtype, pl.List)
    return dtype


def _require_entry_fields(file: str, schema: pl.Schema, paths: list[tuple[str, ...]]) -> None:
    for path in paths:
        inner = _list_dtype(schema, path).inner
        assert isinstance(inner, pl.Struct)
        where = "/" + "/".join(path)
        require_columns(
            SOURCE, file, [f.name for f in inner.fields], REQUIRED_ENTRY_FIELDS, f"usage list {where}"
        )


def _model_key(path: tuple[str, ...]) -> str | None:
    """``<display>::<billing_metric>``: the element after ``models``, else the list's parent."""
    if "models" in path[:-1]:
        return path[path.index("models") + 1] if path.index("models") + 1 < len(path) - 1 else None
    return path[-2] if len(path) >= 2 else None


def _read_pages(raw: bytes, file: str) -> pl.DataFrame:
    pages = read_pages(SOURCE, file, raw)
    categories = [c for c in pages.columns if c in CATEGORIES]
    if "prices" not in pages.columns or not categories:
        raise ExportFormatError(
            SOURCE,
            file,
            "no 'prices' list or none of the usage categories "
            f"{list(CATEGORIES)}: not a Mistral billing usage response",
        )
    return pages


def _explode_entries(pages: pl.DataFrame, path: tuple[str, ...]) -> pl.DataFrame:
    expr = pl.col(path[0])
    for name in path[1:]:
        expr = expr.struct.field(name)
    pointer = "/".join(_pointer_token(p) for p in path)
    # an empty list has no record; a null entry is a record (counted, then skipped)
    entries = explode_pages(pages, expr, "_entry", pointer, keep=PAGE_FIELDS)
    return (
        entries.rename({"_pointer": "_record"})
        .with_columns(
            pl.col("_entry").is_null().alias("_null_entry"),
            pl.lit(path[0]).alias("category"),
            pl.lit("/".join(path[:-1])).alias("category_path"),
            pl.lit(_model_key(path), dtype=pl.String).alias("model_key"),
            pl.lit(path[-1]).alias("list_group"),
        )
        .unnest("_entry")
    )


def _event_type() -> pl.Expr:
    """The entry's event type; older entries without one are tokens in the chat-completion categories."""
    inferred = pl.when(pl.col("category").is_in(LLM_CATEGORIES)).then(pl.lit("api_tokens"))
    return pl.coalesce(pl.col("event_type"), inferred)


def _activity_type() -> pl.Expr:
    event = pl.col("_event_type")
    metric = pl.col("billing_metric").str.to_lowercase()
    is_token = event.is_in(TOKEN_EVENTS)
    is_input = is_token & (pl.col("billing_group") == "input")
    group_type = pl.col("billing_group").replace_strict(TOKEN_GROUPS, default=None, return_dtype=pl.String)
    event_type = event.replace_strict(EVENT_ACTIVITY, default=None, return_dtype=pl.String)
    return (
        pl.when(is_input & metric.str.contains("embed"))
        .then(pl.lit("embedding_tokens"))
        .when(is_input & metric.str.contains("moderation"))
        .then(pl.lit("moderation_tokens"))
        .when(is_token & group_type.is_not_null())
        .then(group_type)
        .when(event_type.is_not_null())
        .then(event_type)
        .otherwise(pl.lit("spend"))
    )


def _prices(pages: pl.DataFrame) -> pl.DataFrame:
    """One row per page and priced dimension set; a later duplicate replaces an earlier one."""
    dtype = pages.schema["prices"]
    if not (isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct)):
        return pl.DataFrame(schema={"_page": pl.UInt32, **PRICE_FIELDS})
    prices = (
        pages.select("_page", "prices")
        .explode("prices")
        .filter(pl.col("prices").is_not_null())
        .unnest("prices")
    )
    prices = ensure_columns(prices, PRICE_FIELDS).with_columns(
        [pl.col(c).cast(pl.String) for c in PRICE_FIELDS]
    )
    return prices.select("_page", *PRICE_FIELDS)


def _unit_price(entries: pl.DataFrame, prices: pl.DataFrame) -> pl.DataFrame:
    """Attach ``unit_price``: the price with the same event type, metric, group, API zone and tier, else
    the unqualified (no zone, no tier) price of the same event type, metric and group, else one that also
    has no event type. A zone or tier is never guessed (a priority or EU price differs from standard).
    """
    exact = ["_page", "event_type", "billing_metric", "billing_group", "api_zone", "service_tier"]
    legacy = prices.filter(pl.col("api_zone").is_null() & pl.col("service_tier").is_null())
    untyped = legacy.filter(pl.col("event_type").is_null())
    stages = [
        (prices, exact),
        (legacy, exact[:4]),
        (untyped, ["_page", "billing_metric", "billing_group"]),
    ]
    out = entries.with_columns(pl.col("_event_type").alias("_join_event_type"))
    names = []
    for i, (table, keys) in enumerate(stages):
        name = f"_price_{i}"
        names.append(name)
        table = table.unique(keys, keep="last", maintain_order=True).select(
            *keys, pl.col("price").alias(name)
        )
        left = ["_join_event_type" if k == "event_type" else k for k in keys]
        out = out.join(table, left_on=left, right_on=keys, how="left", nulls_equal=True)
    return out.with_columns(pl.coalesce(names).alias("unit_price")).drop(*names, "_join_event_type")


def _days(pages: pl.DataFrame, usage_dates: pl.Series) -> list:
    """Every day of every response's period, plus any usage day outside it (never expected)."""
    periods = pages.select(
        pl.date_ranges(
            pl.col("start_date").cast(pl.String).str.slice(0, 10).str.to_date(strict=False),
            pl.col("end_date").cast(pl.String).str.slice(0, 10).str.to_date(strict=False),
        ).alias("day")
    ).explode("day")
    return pl.concat([periods.get_column("day"), usage_dates]).drop_nulls().unique().sort().to_list()


def parse(raw: bytes, file: str) -> ParsedExport:
    pages = _read_pages(raw, file)
    pages = ensure_columns(pages, {c: pl.String() for c in PAGE_FIELDS})
    workspace_match = WORKSPACE_IN_NAME.search(PurePath(file).name)
    workspace = workspace_match.group(1) if workspace_match else None
    dataset = f"{DATASET}_workspace_{workspace}" if workspace else DATASET

    categories = [
        c for c in pages.columns if c in CATEGORIES or (not c.startswith("_") and c not in TOP_FIELDS)
    ]
    paths = [p for c in categories for p in _entry_lists(pages.schema[c], (c,))]
    _require_entry_fields(file, pages.schema, paths)
    frames = [_explode_entries(pages, path) for path in paths]
    frames = [f for f in frames if f.height]
    if not frames:
        days = _days(pages, pl.Series([], dtype=pl.Date))
        return ParsedExport(dataset, conform(pl.DataFrame(), PARSED_SCHEMA), days, 0)
    listed = ensure_columns(pl.concat(frames, how="diagonal_relaxed"), ENTRY_FIELDS)
    # every element of a usage list is a record; a null one carries nothing to land and says so
    skipped = skip_records(listed.filter("_null_entry"), "null entry in a usage list (no usage to land)")
    entries = listed.filter(~pl.col("_null_entry"))
    entries = entries.with_columns(
        [pl.col(c).cast(t, strict=False) for c, t in ENTRY_FIELDS.items()]
    ).with_columns(
        # the list an entry sits in names its group when the entry itself does not
        pl.coalesce(pl.col("billing_group"), pl.col("list_group")).alias("billing_group"),
        pl.col("timestamp").str.slice(0, 10).str.to_date(strict=False).alias("_day"),
        _event_type().alias("_event_type"),
    )
    entries = _unit_price(entries, _prices(pages))

    currency = pl.col("currency").cast(pl.String).str.strip_chars().str.to_uppercase()
    has_currency = currency.str.len_chars() > 0
    unit_price = pl.col("unit_price").cast(MONEY, strict=False)
    # gross: every unit used at its unit price; net: only the units billed (value_paid), as the export
    # states them (free allowances, trials). An entry without value_paid states no allowance: net = gross.
    gross = pl.when(has_currency).then(unit_price * pl.col("value").cast(pl.Decimal(38, 6), strict=False))
    billed = pl.coalesce(pl.col("value_paid"), pl.col("value")).cast(pl.Decimal(38, 6), strict=False)
    net = pl.when(has_currency).then(unit_price * billed)
    activity = _activity_type()
    start = pl.col("_day").cast(UTC_TS)
    rows = entries.with_columns(
        gross.alias("cost_amount"),
        net.alias("cost_amount_net"),
        # an amount without a currency is no cost (blank currencies occur in captured responses)
        pl.when(gross.is_not_null()).then(currency).alias("cost_currency"),
        activity.alias("activity_type"),
        pl.lit(workspace, dtype=pl.String).alias("workspace"),
    ).with_columns(
        pl.when(pl.col("activity_type") == "spend")
        .then(pl.col("cost_amount").cast(pl.Float64))
        .otherwise(pl.col("value"))
        .alias("quantity"),
        pl.col("activity_type").replace_strict(ACTIVITY_UNITS, default=None).alias("unit"),
        pl.col("api_zone").alias("region"),
        json_attributes(ATTRIBUTES, entries).alias("attributes"),
        natural_key(
            [
                "workspace",
                "category_path",
                "list_group",
                "event_type",
                "billing_metric",
                "usage_type",
                "api_zone",
                "service_tier",
                "timestamp",
                "activity_type",
            ]
        ).alias("natural_key"),
        pl.col("_record").alias("source_row"),
        start.alias("usage_start"),
        start.dt.offset_by("1d").alias("usage_end"),
        pl.col("_day").alias("usage_date"),
        pl.lit("mistral").alias("vendor"),
        pl.concat_str(pl.lit("mistral."), pl.col("category")).alias("service"),
        pl.col("billing_metric").alias("model_raw"),
        normalise_mistral_model(pl.col("billing_metric")).alias("model"),
        pl.lit(dataset).alias("dataset"),
    )
    days = _days(pages, rows.get_column("usage_date"))
    return ParsedExport(dataset, conform(rows, PARSED_SCHEMA), days, listed.height, skipped)


CONNECTOR = Connector(
    source=SOURCE,
    vendor="mistral",
    version=VERSION,
    file_patterns=("*.json",),
    parse=parse,
    description="Mistral Admin API / console billing usage (per model, billing group and day) saved as JSON",
)
