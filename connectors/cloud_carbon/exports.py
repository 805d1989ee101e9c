"""The cloud providers' own carbon-emission exports: vendor-reported figures, landed beside our estimates.

Three connectors, each returning rows in ``PARSED_EMISSIONS_SCHEMA`` (never the activity table): one row
per vendor record x basis (``location``/``market``) x scope (``scope1``/``scope2``/``scope3``/``total``)
present in the export, in **kg** CO2e. ``period_start`` is the first day of the vendor's period and
``period_end`` its last day, inclusive. ``ParsedExport.days`` are the distinct ``period_start`` dates.

A scope that has no basis split at the vendor (Google scope 1 and 3, AWS scope 1) is repeated under both
bases, so each basis carries a complete scope set and ``scope1 + scope2 + scope3 = total`` holds within a
basis. Rows of different bases (and ``total`` next to its scopes) must therefore never be summed.

``gcp_carbon``: Google Cloud Carbon Footprint BigQuery export
    (https://cloud.google.com/carbon-footprint/docs/data-schema), as CSV (query results saved with dotted
    ``project.id`` or underscored ``project_id`` headers), JSON lines (``bq extract``: nested records, with
    INT64 ``carbon_model_version`` quoted) or Parquet, optionally gzip-compressed. Grain: ``usage_month`` x
    ``billing_account_id`` x ``project.id``/``project.number`` x ``service.id``/``service.description`` x
    ``location.location``/``location.region``. Figures are kgCO2e: ``carbon_footprint_total_kgCO2e.
    {location_based,market_based}``, ``carbon_footprint_kgCO2e.scope1``, ``.scope2.{location_based,
    market_based}``, ``.scope3``; ``carbon_footprint_total_kgCO2e.after_offsets`` (deprecated, NULL) is
    kept in attributes only. ``project.id`` is NULL for usage outside a project or of a deleted project.
    Market-based figures are NULL before January 2023 data (and in exports not backfilled since): a
    record without a market-based total lands its location-based rows only (``Figure.gate``), never a
    quarantine. The location-based total is required (a file without it is rejected naming it; a NULL
    one quarantines the record).

``aws_carbon``: AWS Data Exports ``CARBON_EMISSIONS`` table
    (https://docs.aws.amazon.com/cur/latest/userguide/carbon-emissions-columns.html), as CSV (optionally
    ``.csv.gz``) or Parquet. Columns: ``usage_period_start/end`` (``YYYY-MM-DD HH:mm:ssZ``; ISO ``T`` forms
    accepted), ``payer_account_id``, ``usage_account_id``, ``product_code``, ``region_code``, ``location``
    (``Global`` for global services such as CloudFront), ``total_lbm_emissions_value/unit``,
    ``total_mbm_emissions_value/unit``, ``model_version``, ``last_refresh_timestamp`` and, since the
    Oct 2025 scope-3 update, ``total_scope_1_emissions_value/unit``, ``total_scope_2_{lbm,mbm}_emissions_
    value/unit`` and ``total_scope_3_{lbm,mbm}_emissions_value/unit``. Units are ``MTCO2e`` (metric tonnes),
    multiplied by 1000; a missing unit column or empty unit cell is taken as MTCO2e, an unknown unit gives a
    null ``kgco2e`` (quarantined). The per-scope column names are confirmed from public export queries and
    dashboards built on the table (AWS's own Cloud Intelligence Dashboards export query), not from the
    AWS column reference page itself. Both totals are required (documented as never null).

``azure_carbon``: Azure carbon emissions, two shapes (both with no location/market split):
    * the Carbon optimization REST API (``POST /providers/Microsoft.Carbon/carbonEmissionReports``,
      api-version 2025-04-01) response saved as JSON: an object with ``value`` (report items, kgCO2e in
      ``latestMonthEmissions``), ``skipToken`` and ``subscriptionAccessDecisionList``, or a JSON array of
      such pages. The API returns the **sum of the requested scopes** and items of ``ItemDetailsReport``
      carry no month, so each saved page must also hold the request body it answered under
      ``queryParameters`` (``reportType``, ``dateRange``, ``carbonScopeList``, ``categoryType``...): the
      month comes from an item's ``date`` or a single-month ``dateRange``, the scope from
      ``carbonScopeList``: one scope, all three = ``total``, two = their sum (``scope1+scope3``, as in
      every example Microsoft publishes), never one of them. A page without them fails the file; an
      item without a date from a query over several months is a total with no month of its own and is
      quarantined by name. Every report type (overall, monthly, top items, top items monthly, item
      details) is read; ``previousMonthEmissions`` and the change ratios stay in attributes.
    * a CSV of the Microsoft Cloud for Sustainability ``EnrollmentEmission`` records (the Emissions Impact
      Dashboard data): ``dateKey`` (yyyymmdd, day 01), ``enrollmentId``, ``orgName``, ``subscriptionId``,
      ``subscriptionName``, ``azureServiceName``, ``subService``, ``azureRegionName``, ``scope``
      (``Scope 1``...), ``scopeId``, ``totalEmissions`` (mtCO2e, multiplied by 1000).

Not confirmed: the column headers of the Azure portal's own "export to CSV" of carbon optimization (we
read the documented ``EnrollmentEmission`` field names instead), the exact ``azureRegionName`` spelling in
that data, and whether Microsoft's figures are location- or market-based: they are landed as ``market``
(``AZURE_BASIS``) with ``"basis_assumed": true`` in attributes.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from connectors.core import cloud_regions
from connectors.core.base import Connector, ExportFormatError, ParsedExport
from connectors.core.frames import (
    gunzip,
    json_attributes,
    key_part,
    natural_key,
    read_csv_rows,
    read_table_rows,
    require_columns,
    skip_records,
)
from connectors.core.json_pages import explode_pages, read_pages
from connectors.core.schema import BASES, PARSED_EMISSIONS_SCHEMA, SCOPES, conform

VERSION = "1.0.0"
AZURE_BASIS = "market"  # not stated by Microsoft's export docs; see the module docstring

# unit (lower case, spaces removed) -> kg
KG_PER_UNIT: dict[str, float] = {
    "mtco2e": 1000.0,
    "tco2e": 1000.0,
    "metrictonsco2e": 1000.0,
    "kgco2e": 1.0,
    "gco2e": 0.001,
}

GCP_REGION_COUNTRY = cloud_regions.GCP_REGION_COUNTRY
AWS_REGION_COUNTRY = cloud_regions.AWS_REGION_COUNTRY
AZURE_REGION_COUNTRY = cloud_regions.AZURE_REGION_COUNTRY
# other spellings of Azure regions seen in exports ("US East", "EU West") -> programmatic name
AZURE_REGION_ALIASES = cloud_regions.AZURE_REGION_ALIASES

# which services are AI/ML: flagged in attributes so the methodology can set them beside our estimates
AI_SERVICE_PATTERN = {
    "google": r"(?i)vertex ai|gemini|generative language|cloud tpu|dialogflow|document ai",
    "aws": r"(?i)^(amazon)?(bedrock|sagemaker|q|kendra|rekognition|textract|transcribe|polly|comprehend|"
    r"translate|lex)$",
    "azure": r"(?i)openai|cognitive|machine ?learning|ai services|ai foundry|ai search|"
    r"microsoft\.search",
}


@dataclass(frozen=True)
class Figure:
    """One emissions column of a vendor record and the (scope, bases) rows it becomes."""

    column: str
    scope: str
    bases: tuple[str, ...]
    unit_column: str | None = None
    required: bool = False
    # a column whose empty cell means the record reports no figure of this basis at all (Google's
    # market-based figures are NULL before January 2023 and until a backfill): no row, not a quarantine
    gate: str | None = None


# ----------------------------------------------------------------------------------------- helpers


def _decode(source: str, file: str, raw: bytes) -> bytes:
    raw = gunzip(source, file, raw, "corrupt gzip")
    if not raw.strip():
        raise ExportFormatError(source, file, "file is empty")
    return raw


def _read_rows(source: str, file: str, raw: bytes) -> pl.DataFrame:
    """CSV, JSON lines or Parquet (sniffed from the content), with ``_pointer``."""
    raw = _decode(source, file, raw)
    if raw[:4] == b"PAR1" or raw.lstrip()[:1] == b"{":
        return read_table_rows(source, file, raw)
    return read_csv_rows(source, file, raw)


def _normalise_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """Flatten nested records and spell every column one way: lower case, ``.`` -> ``_``.

    ``project.id`` (dotted CSV header), ``project_id`` (aliased query column) and ``{"project": {"id"}}``
    (nested JSON) all become ``project_id``; if a file mixes spellings, the first non-null value wins.
    """
    while any(isinstance(dtype, pl.Struct) for dtype in frame.schema.values()):
        exprs = []
        for name, dtype in frame.schema.items():
            if isinstance(dtype, pl.Struct):
                exprs += [pl.col(name).struct.field(f.name).alias(f"{name}.{f.name}") for f in dtype.fields]
            else:
                exprs.append(pl.col(name))
        frame = frame.select(exprs)
    spelled: dict[str, list[str]] = {}
    for name in frame.columns:
        key = name if name.startswith("_") else name.strip().lower().replace(".", "_")
        spelled.setdefault(key, []).append(name)
    return frame.select(
        [
            (
                pl.col(names[0])
                if len(names) == 1
                else pl.coalesce([pl.col(n).cast(pl.String) for n in names])
            ).alias(key)
            for key, names in spelled.items()
        ]
    )


def _require(source: str, file: str, frame: pl.DataFrame, columns: list[str], what: str) -> None:
    """Reject a file without a column its rows need, naming it and any near miss (frames.require_columns)."""
    require_columns(source, file, frame.columns, columns, what)


def _read_export(source: str, file: str, raw: bytes, required: list[str], what: str) -> pl.DataFrame:
    """A carbon export's rows, columns spelled one way, with the ``required`` columns checked."""
    frame = _normalise_columns(_read_rows(source, file, raw))
    _require(source, file, frame, required, what)
    return frame


def _figure_records(
    source: str,
    file: str,
    frame: pl.DataFrame,
    what: str,
    figures: list[Figure],
    no_figures: str,
    totals: list[str],
    group: list[str],
    text_columns: list[str],
) -> pl.DataFrame:
    """An export's records readied for ``_long``. A file without any column of its ``figures`` is
    rejected saying ``no_figures``; one without a column of the ``totals`` every record has, naming it.
    The ``group`` columns a file lacks are added as null, and the ``text_columns`` have empty text as
    null, so a CSV's empty cell and a JSON "" give the same natural key."""
    if not any(f.column in frame.columns for f in figures):
        raise ExportFormatError(source, file, no_figures)
    _require(source, file, frame, totals, what)
    frame = _with_nulls(frame, group)
    return frame.with_columns(_text(c).alias(c) for c in text_columns)


def _with_nulls(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    return frame.with_columns(
        [pl.lit(None, dtype=pl.String).alias(c) for c in columns if c not in frame.columns]
    )


def _text(column: str) -> pl.Expr:
    """A text column with empty strings as null."""
    text = pl.col(column).cast(pl.String).str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def _number(frame: pl.DataFrame, column: str) -> pl.Expr:
    if frame.schema[column].is_numeric():
        return pl.col(column).cast(pl.Float64)
    text = pl.col(column).cast(pl.String).str.strip_chars().str.replace_all(r"[\s,\u00a0]", "")
    return text.cast(pl.Float64, strict=False)


def _date(frame: pl.DataFrame, column: str) -> pl.Expr:
    dtype = frame.schema[column]
    if dtype == pl.Date:
        return pl.col(column)
    if isinstance(dtype, pl.Datetime):
        return pl.col(column).dt.date()
    return (
        pl.col(column)
        .cast(pl.String)
        .str.strip_chars()
        .str.slice(0, 10)
        .str.to_date("%Y-%m-%d", strict=False)
    )


def _timestamp(frame: pl.DataFrame, column: str) -> pl.Expr:
    """UTC timestamp from a Parquet timestamp or ``YYYY-MM-DD HH:mm:ssZ`` / ISO ``T`` text (naive = UTC)."""
    dtype = frame.schema[column]
    if isinstance(dtype, pl.Datetime):
        ts = pl.col(column)
        return ts.dt.convert_time_zone("UTC") if dtype.time_zone else ts.dt.replace_time_zone("UTC")
    if dtype == pl.Date:
        return pl.col(column).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
    text = (
        pl.col(column)
        .cast(pl.String)
        .str.strip_chars()
        .str.replace("T", " ")
        .str.replace(r"(Z|[+-]00:?00| UTC)$", "")
    )
    return pl.coalesce(
        text.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", strict=False, time_unit="us"),
        text.str.to_datetime("%Y-%m-%d %H:%M", strict=False, time_unit="us"),
        text.str.to_datetime("%Y-%m-%d", strict=False, time_unit="us"),
    ).dt.replace_time_zone("UTC")


def _slug(expr: pl.Expr) -> pl.Expr:
    return expr.str.to_lowercase().str.replace_all(r"[^a-z0-9]+", "_").str.strip_chars("_")


def _service(vendor: str, raw: pl.Expr) -> pl.Expr:
    slug = _slug(raw)
    return pl.when(slug.is_null() | (slug == "")).then(None).otherwise(pl.lit(f"{vendor}.") + slug)


def _ai_flag(vendor: str, raw: pl.Expr) -> pl.Expr:
    return raw.str.contains(AI_SERVICE_PATTERN[vendor]).fill_null(False)


def _country(region: pl.Expr, table: dict[str, str]) -> pl.Expr:
    return region.str.to_lowercase().replace_strict(table, default=None, return_dtype=pl.String)


def _kg_factor(frame: pl.DataFrame, unit_column: str | None, default: float) -> pl.Expr:
    if unit_column is None or unit_column not in frame.columns:
        return pl.lit(default)
    unit = pl.col(unit_column).cast(pl.String).str.to_lowercase().str.replace_all(r"[\s_]", "")
    return (
        pl.when(unit.is_null() | (unit == ""))
        .then(pl.lit(default))
        .otherwise(unit.replace_strict(KG_PER_UNIT, default=None, return_dtype=pl.Float64))
    )


def _unit_text(frame: pl.DataFrame, unit_column: str | None, default: str) -> pl.Expr:
    if unit_column is None or unit_column not in frame.columns:
        return pl.lit(default)
    return pl.coalesce(_text(unit_column), pl.lit(default))


def _long(
    wide: pl.DataFrame, figures: list[Figure], default_factor: float, default_unit: str
) -> pl.DataFrame:
    """One row per figure column x basis; optional figures a record leaves empty produce no row.

    Adds ``basis``, ``scope``, ``kgco2e``, ``vendor_value``, ``vendor_unit`` and ``_tag``
    (``<scope>.<basis>``). Loops over the handful of figure columns, never over records.
    """
    parts = []
    for fig in figures:
        if fig.column not in wide.columns:
            continue
        value = _number(wide, fig.column)
        part = wide.with_columns(
            value.alias("vendor_value"),
            _unit_text(wide, fig.unit_column, default_unit).alias("vendor_unit"),
            (value * _kg_factor(wide, fig.unit_column, default_factor)).round(9).alias("kgco2e"),
            pl.lit(fig.scope).alias("scope"),
        )
        if not fig.required:  # an empty cell is "not reported"; an unreadable one stays, to be quarantined
            part = part.filter(_text(fig.column).is_not_null())
        if fig.gate is not None and fig.gate in wide.columns:
            part = part.filter(_text(fig.gate).is_not_null())
        for basis in fig.bases:
            parts.append(
                part.with_columns(pl.lit(basis).alias("basis"), pl.lit(f"{fig.scope}.{basis}").alias("_tag"))
            )
    if not parts:
        return pl.DataFrame()
    return pl.concat(parts, how="vertical_relaxed")


# what every reader's rows carry as attributes: the AI-service flag, the figure as the vendor states it
COMMON_ATTRIBUTES = ["ai_service", "vendor_value", "vendor_unit"]


def _finish(
    long: pl.DataFrame, vendor: str, key: list[str], attributes: list[str], *, tag_rows: bool = True
) -> pl.DataFrame:
    """Natural key (the vendor, the record's ``key`` columns, basis and scope), source row and attributes
    (the reader's ``attributes``, then ``COMMON_ATTRIBUTES``) of the long rows, conformed to the emissions
    schema."""
    attributes = [*attributes, *COMMON_ATTRIBUTES]
    if long.is_empty():
        return conform(pl.DataFrame(), PARSED_EMISSIONS_SCHEMA)
    stamps = [c for c in attributes if c in long.columns and isinstance(long.schema[c], pl.Datetime)]
    long = long.with_columns(pl.col(c).dt.strftime("%Y-%m-%d %H:%M:%SZ") for c in stamps)
    pointer = (
        pl.concat_str(pl.col("_pointer"), pl.lit("#"), pl.col("_tag")) if tag_rows else pl.col("_pointer")
    )
    rows = long.with_columns(
        pl.concat_str(
            pl.lit(vendor), natural_key(key), key_part("basis"), key_part("scope"), separator="|"
        ).alias("natural_key"),
        pointer.alias("source_row"),
        pl.lit(vendor).alias("vendor"),
        json_attributes(attributes, long).alias("attributes"),
    )
    return conform(rows, PARSED_EMISSIONS_SCHEMA)


def _days(rows: pl.DataFrame) -> list:
    return rows.get_column("period_start").drop_nulls().unique().sort().to_list()


# ------------------------------------------------------------------------------------- Google Cloud

GCP_SOURCE = "gcp_carbon"
GCP_DATASET = "carbon_footprint"
GCP_LOCATION_TOTAL = "carbon_footprint_total_kgco2e_location_based"
GCP_MARKET_TOTAL = "carbon_footprint_total_kgco2e_market_based"
# market-based figures only where the record has a market-based total (NULL before January 2023 data)
GCP_FIGURES = [
    Figure(GCP_LOCATION_TOTAL, "total", ("location",), required=True),
    Figure(GCP_MARKET_TOTAL, "total", ("market",)),
    Figure("carbon_footprint_kgco2e_scope1", "scope1", ("location",)),
    Figure("carbon_footprint_kgco2e_scope1", "scope1", ("market",), gate=GCP_MARKET_TOTAL),
    Figure("carbon_footprint_kgco2e_scope2_location_based", "scope2", ("location",)),
    Figure("carbon_footprint_kgco2e_scope2_market_based", "scope2", ("market",), gate=GCP_MARKET_TOTAL),
    Figure("carbon_footprint_kgco2e_scope3", "scope3", ("location",)),
    Figure("carbon_footprint_kgco2e_scope3", "scope3", ("market",), gate=GCP_MARKET_TOTAL),
]
GCP_GROUP = [
    "project_id",
    "project_number",
    "service_id",
    "service_description",
    "location_location",
    "location_region",
    "carbon_model_version",
    "carbon_footprint_total_kgco2e_after_offsets",
]
# the columns that identify a record (its natural key, with the vendor, basis and scope)
GCP_KEY = [
    "period_start",
    "account",
    "project_id",
    "project_number",
    "service_id",
    "service_description",
    "location_location",
    "location_region",
    "carbon_model_version",
]
GCP_ATTRIBUTES = [
    "service_id",
    "service_description",
    "project_number",
    "location_location",
    "carbon_model_version",
    "carbon_footprint_total_kgco2e_after_offsets",
]


def parse_gcp(raw: bytes, file: str) -> ParsedExport:
    what = "Carbon Footprint export"
    frame = _read_export(GCP_SOURCE, file, raw, ["usage_month", "billing_account_id"], what)
    if "service_id" not in frame.columns and "service_description" not in frame.columns:
        raise ExportFormatError(GCP_SOURCE, file, "not a Carbon Footprint export: no service.id/description")
    no_figures = "no carbon_footprint_*kgCO2e column"
    # every record has a location-based total (market-based ones may be NULL): without it, none lands
    totals = [GCP_LOCATION_TOTAL]
    text = ["billing_account_id", *GCP_GROUP[:-1]]
    frame = _figure_records(GCP_SOURCE, file, frame, what, GCP_FIGURES, no_figures, totals, GCP_GROUP, text)
    # a zone or country in location.location when location.region is empty: strip the zone letter
    region = pl.coalesce(_text("location_region"), _text("location_location").str.replace(r"-[a-z]$", ""))
    service_raw = pl.coalesce(_text("service_description"), _text("service_id"))
    version = _text("carbon_model_version").str.replace(r"\.0$", "")
    wide = frame.with_columns(
        _date(frame, "usage_month").alias("period_start"),
        _text("billing_account_id").alias("account"),
        _text("project_id").alias("project"),
        _service("google", service_raw).alias("service"),
        _ai_flag("google", service_raw).alias("ai_service"),
        region.alias("region"),
        _country(region, GCP_REGION_COUNTRY).alias("country"),
        pl.concat_str(pl.lit("google-carbon-footprint/"), version).alias("methodology"),
        version.alias("carbon_model_version"),
    ).with_columns(pl.col("period_start").dt.month_end().alias("period_end"))
    rows = _finish(_long(wide, GCP_FIGURES, 1.0, "kgCO2e"), "google", GCP_KEY, GCP_ATTRIBUTES)
    return ParsedExport(GCP_DATASET, rows, _days(rows), frame.height)


# ---------------------------------------------------------------------------------------------- AWS

AWS_SOURCE = "aws_carbon"
AWS_DATASET = "carbon_emissions"
AWS_FIGURES = [
    Figure("total_lbm_emissions_value", "total", ("location",), "total_lbm_emissions_unit", required=True),
    Figure("total_mbm_emissions_value", "total", ("market",), "total_mbm_emissions_unit", required=True),
    Figure("total_scope_1_emissions_value", "scope1", BASES, "total_scope_1_emissions_unit"),
    Figure("total_scope_2_lbm_emissions_value", "scope2", ("location",), "total_scope_2_lbm_emissions_unit"),
    Figure("total_scope_2_mbm_emissions_value", "scope2", ("market",), "total_scope_2_mbm_emissions_unit"),
    Figure("total_scope_3_lbm_emissions_value", "scope3", ("location",), "total_scope_3_lbm_emissions_unit"),
    Figure("total_scope_3_mbm_emissions_value", "scope3", ("market",), "total_scope_3_mbm_emissions_unit"),
]
AWS_GROUP = [
    "payer_account_id",
    "product_code",
    "region_code",
    "location",
    "model_version",
    "last_refresh_timestamp",
]
AWS_KEY = [
    "period_start",
    "period_end",
    "payer_account_id",
    "account",
    "product_code",
    "region_code",
    "location",
    "model_version",
]
AWS_ATTRIBUTES = [
    "payer_account_id",
    "product_code",
    "location",
    "model_version",
    "last_refresh_timestamp",
]


def parse_aws(raw: bytes, file: str) -> ParsedExport:
    what = "CARBON_EMISSIONS data export"
    frame = _read_export(
        AWS_SOURCE, file, raw, ["usage_period_start", "usage_period_end", "usage_account_id"], what
    )
    no_figures = "no total_*_emissions_value column"
    # both totals are documented as never null: a file without one cannot say what its records emit
    totals = ["total_lbm_emissions_value", "total_mbm_emissions_value"]
    text = ["usage_account_id", *AWS_GROUP[:-1]]
    frame = _figure_records(AWS_SOURCE, file, frame, what, AWS_FIGURES, no_figures, totals, AWS_GROUP, text)
    region = pl.coalesce(_text("region_code"), _text("location"))
    end = _timestamp(frame, "usage_period_end")
    wide = frame.with_columns(
        _timestamp(frame, "usage_period_start").dt.date().alias("period_start"),
        # the export's end is the next period's first instant (or its last second): last day, inclusive
        (end - pl.duration(microseconds=1)).dt.date().alias("period_end"),
        _text("usage_account_id").alias("account"),
        _service("aws", _text("product_code")).alias("service"),
        _ai_flag("aws", _text("product_code")).alias("ai_service"),
        region.alias("region"),
        _country(_text("region_code"), AWS_REGION_COUNTRY).alias("country"),
        pl.concat_str(pl.lit("aws-ccft/"), _text("model_version")).alias("methodology"),
    )
    rows = _finish(_long(wide, AWS_FIGURES, 1000.0, "MTCO2e"), "aws", AWS_KEY, AWS_ATTRIBUTES)
    return ParsedExport(AWS_DATASET, rows, _days(rows), frame.height)


# -------------------------------------------------------------------------------------------- Azure

AZURE_SOURCE = "azure_carbon"
AZURE_API_DATASET = "carbon_emission_reports"
AZURE_CSV_DATASET = "enrollment_emissions"
AZURE_API_METHODOLOGY = "azure-carbon-optimization"
AZURE_CSV_METHODOLOGY = "microsoft-cloud-for-sustainability"
AZURE_ITEM_FIELDS = [
    "dataType",
    "latestMonthEmissions",
    "previousMonthEmissions",
    "monthOverMonthEmissionsChangeRatio",
    "monthlyEmissionsChangeValue",
    "itemName",
    "categoryType",
    "date",
    "carbonIntensity",
    "subscriptionId",
    "resourceGroup",
    "resourceGroupUrl",
    "resourceId",
    "resourceType",
    "location",
]
AZURE_API_KEY = [
    "period_start",
    "categoryType",
    "account",
    "project",
    "resourceGroupUrl",
    "resourceId",
    "resourceType",
    "location",
    "itemName",
]
AZURE_API_ATTRIBUTES = [
    "reportType",
    "dataType",
    "categoryType",
    "itemName",
    "resourceId",
    "resourceType",
    "resourceGroupUrl",
    "location",
    "carbonScopeList",
    "previousMonthEmissions",
    "monthOverMonthEmissionsChangeRatio",
    "monthlyEmissionsChangeValue",
    "carbonIntensity",
    "basis_assumed",
]
AZURE_CSV_COLUMNS = [
    "dateKey",
    "enrollmentId",
    "orgName",
    "subscriptionId",
    "subscriptionName",
    "azureServiceName",
    "subService",
    "azureRegionName",
    "scope",
    "scopeId",
    "totalEmissions",
]
# "scope_raw": the export's own scope text ("Scope 1"), kept beside the canonical scope
AZURE_CSV_KEY = [
    "period_start",
    "enrollmentId",
    "account",
    "azureServiceName",
    "subService",
    "azureRegionName",
    "scope_raw",
    "scopeId",
]
AZURE_CSV_ATTRIBUTES = [
    "enrollmentId",
    "orgName",
    "subscriptionName",
    "azureServiceName",
    "subService",
    "azureRegionName",
    "scope_raw",
    "scopeId",
    "basis_assumed",
]


def _azure_region(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(region, country): the programmatic name (``westeurope``) when known, else the vendor's string."""
    squashed = raw.str.to_lowercase().str.replace_all(r"[\s\-_()]", "")
    known = squashed.replace(AZURE_REGION_ALIASES)
    country = known.replace_strict(AZURE_REGION_COUNTRY, default=None, return_dtype=pl.String)
    return pl.when(country.is_not_null()).then(known).otherwise(raw), country


def _azure_pages(file: str, raw: bytes) -> pl.DataFrame:
    pages = read_pages(AZURE_SOURCE, file, raw)
    if "value" not in pages.columns or not isinstance(pages.schema["value"], (pl.List, pl.Null)):
        raise ExportFormatError(
            AZURE_SOURCE, file, "no 'value' array: not a carbonEmissionReports API response"
        )
    if "queryParameters" not in pages.columns or not isinstance(pages.schema["queryParameters"], pl.Struct):
        raise ExportFormatError(
            AZURE_SOURCE,
            file,
            "no 'queryParameters': save the request body with the response (the API sums the requested "
            "carbonScopeList and ItemDetailsReport items carry no month)",
        )
    query_fields = [f.name for f in pages.schema["queryParameters"].fields]
    require_columns(AZURE_SOURCE, file, query_fields, ["carbonScopeList", "dateRange"], "queryParameters")
    return pages


def _azure_scope(file: str, query: pl.DataFrame) -> pl.Expr:
    """The scope a page's figures belong to: its one scope, ``total`` for all three, ``scope1+scope3``
    for a partial sum (the API returns the sum of the requested scopes, never each one)."""
    requested = {s for listed in query.get_column("_scopes").drop_nulls() for s in listed.split(",") if s}
    unknown = sorted(requested - set(SCOPES[:3]))
    if unknown or query.get_column("_scopes").null_count():
        raise ExportFormatError(
            AZURE_SOURCE,
            file,
            f"carbonScopeList has {unknown or 'no'} scope(s) other than Scope1, Scope2, Scope3",
        )
    return (
        pl.when(pl.col("_scopes") == ",".join(SCOPES[:3]))
        .then(pl.lit("total"))
        .otherwise(pl.col("_scopes").str.replace_all(",", "+"))
    )


def parse_azure_api(raw: bytes, file: str) -> ParsedExport:
    pages = _azure_pages(file, raw)
    query_fields = {f.name for f in pages.schema["queryParameters"].fields}
    date_range = pl.col("queryParameters").struct.field("dateRange")
    query = pages.select(
        "_page",
        "_page_pointer",
        "value",
        date_range.struct.field("start").cast(pl.String).alias("_from"),
        date_range.struct.field("end").cast(pl.String).alias("_to"),
        (
            pl.col("queryParameters").struct.field("reportType").cast(pl.String)
            if "reportType" in query_fields
            else pl.lit(None, dtype=pl.String)
        ).alias("reportType"),
        pl.col("queryParameters")
        .struct.field("carbonScopeList")
        .cast(pl.List(pl.String))
        .list.eval(pl.element().str.to_lowercase().str.replace_all(" ", ""))
        .list.unique()
        .list.sort()
        .list.join(",")
        .alias("_scopes"),
    )
    query = query.with_columns(_azure_scope(file, query).alias("_page_scope"))
    # one row per item (an empty page has none), with its page's query
    keep = ["_from", "_to", "reportType", "_scopes", "_page_scope"]
    items = explode_pages(query, pl.col("value"), "value", "value", keep=keep)
    items = items.with_columns(pl.col("_pointer").alias("_record"))
    query_days = query.select(_date(query, "_from")).to_series().drop_nulls().unique().sort().to_list()
    skipped = skip_records(
        items.filter(pl.col("value").is_null()), "null item in 'value' (no figure to land)"
    )
    raw_records = items.height
    items = items.filter(pl.col("value").is_not_null())
    if items.height and not isinstance(items.schema["value"], pl.Struct):
        raise ExportFormatError(
            AZURE_SOURCE, file, "'value' holds something other than report items (objects)"
        )
    if items.is_empty():
        empty = conform(pl.DataFrame(), PARSED_EMISSIONS_SCHEMA)
        return ParsedExport(AZURE_API_DATASET, empty, query_days, raw_records, skipped)
    items = items.unnest("value")
    _require(AZURE_SOURCE, file, items, ["latestMonthEmissions"], "report items")
    items = _with_nulls(items, AZURE_ITEM_FIELDS)
    single_month = pl.col("_from").str.slice(0, 7) == pl.col("_to").str.slice(0, 7)
    month_text = pl.coalesce(_text("date"), pl.when(single_month).then(pl.col("_from")))
    # an item without its own month, from a query over several months, is a total with no month of its
    # own: it is quarantined by name, never put on the range's first month
    undated = pl.format(
        "item has no 'date' and its query spans {}..{}: a total over several months has no month of its "
        "own (query one month, or a monthly report type)",
        pl.col("_from"),
        pl.col("_to"),
    )
    category = pl.col("categoryType").cast(pl.String)
    rg_url = _text("resourceGroupUrl")
    region_raw = pl.coalesce(_text("location"), pl.when(category == "Location").then(_text("itemName")))
    region, country = _azure_region(region_raw)
    service_raw = pl.coalesce(
        _text("resourceType"), pl.when(category == "ResourceType").then(_text("itemName"))
    )
    start = month_text.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    wide = items.with_columns(
        pl.when(month_text.is_null()).then(undated).alias("_problem"),
        start.alias("period_start"),
        start.dt.month_end().alias("period_end"),
        pl.coalesce(
            _text("subscriptionId"),
            rg_url.str.extract(r"(?i)/subscriptions/([^/]+)"),
            pl.when(category == "Subscription").then(_text("itemName")),
        ).alias("account"),
        pl.coalesce(
            _text("resourceGroup"),
            rg_url.str.extract(r"(?i)/resourcegroups/([^/]+)"),
            pl.when(category == "ResourceGroup").then(_text("itemName")),
        ).alias("project"),
        _service("azure", service_raw).alias("service"),
        _ai_flag("azure", pl.coalesce(service_raw, _text("resourceId"))).alias("ai_service"),
        region.alias("region"),
        country.alias("country"),
        pl.lit(AZURE_API_METHODOLOGY).alias("methodology"),
        pl.col("_page_scope").alias("scope"),
        pl.col("_scopes").alias("carbonScopeList"),
        pl.lit(AZURE_BASIS).alias("basis"),
        pl.lit(True).alias("basis_assumed"),
        _number(items, "latestMonthEmissions").alias("vendor_value"),
        pl.lit("kgCO2e").alias("vendor_unit"),
    ).with_columns(pl.col("vendor_value").alias("kgco2e"))
    rows = _finish(wide, "azure", AZURE_API_KEY, AZURE_API_ATTRIBUTES, tag_rows=False)
    days = sorted(set(_days(rows)) | (set() if rows.height else set(query_days)))
    return ParsedExport(AZURE_API_DATASET, rows, days, raw_records, skipped)


def parse_azure_csv(raw: bytes, file: str) -> ParsedExport:
    frame = read_csv_rows(AZURE_SOURCE, file, raw)
    # headers are matched case-insensitively and spelled as documented (``dateKey``, ``totalEmissions``)
    spelling = {c.lower(): c for c in AZURE_CSV_COLUMNS}
    frame = frame.rename(
        {c: spelling.get(c.strip().lower(), c) for c in frame.columns if not c.startswith("_")}
    )
    _require(
        AZURE_SOURCE,
        file,
        frame,
        ["dateKey", "subscriptionId", "azureServiceName", "azureRegionName", "totalEmissions"],
        "Azure emissions export (EnrollmentEmission fields)",
    )
    if "scope" not in frame.columns and "scopeId" not in frame.columns:
        raise ExportFormatError(AZURE_SOURCE, file, "no 'scope' or 'scopeId' column")
    frame = _with_nulls(frame, AZURE_CSV_COLUMNS)
    scope_from_id = pl.concat_str(pl.lit("scope"), _text("scopeId").str.replace(r"\.0$", ""))
    scope = pl.coalesce(_text("scope").str.to_lowercase().str.replace_all(r"\s", ""), scope_from_id)
    region, country = _azure_region(_text("azureRegionName"))
    start = _text("dateKey").str.to_date("%Y%m%d", strict=False)
    value = _number(frame, "totalEmissions")
    service_text = pl.concat_str(
        _text("azureServiceName"), _text("subService"), separator=" ", ignore_nulls=True
    )
    wide = frame.with_columns(
        start.alias("period_start"),
        start.dt.month_end().alias("period_end"),
        _text("subscriptionId").alias("account"),
        _service("azure", _text("azureServiceName")).alias("service"),
        _ai_flag("azure", service_text).alias("ai_service"),
        region.alias("region"),
        country.alias("country"),
        pl.lit(AZURE_CSV_METHODOLOGY).alias("methodology"),
        pl.when(scope.is_in(SCOPES[:3])).then(scope).alias("_scope"),
        pl.lit(AZURE_BASIS).alias("basis"),
        pl.lit(True).alias("basis_assumed"),
        value.alias("vendor_value"),
        pl.lit("mtCO2e").alias("vendor_unit"),
        (value * 1000.0).round(9).alias("kgco2e"),
    )
    wide = wide.rename({"scope": "scope_raw"}).rename({"_scope": "scope"})
    rows = _finish(wide, "azure", AZURE_CSV_KEY, AZURE_CSV_ATTRIBUTES, tag_rows=False)
    return ParsedExport(AZURE_CSV_DATASET, rows, _days(rows), frame.height)


def parse_azure(raw: bytes, file: str) -> ParsedExport:
    raw = _decode(AZURE_SOURCE, file, raw)
    if raw.lstrip()[:1] in (b"{", b"["):
        return parse_azure_api(raw, file)
    return parse_azure_csv(raw, file)


# ------------------------------------------------------------------------------------- validation

VENDORS = ("google", "aws", "azure")


# ------------------------------------------------------------------------------------- connectors

GCP_CARBON = Connector(
    source=GCP_SOURCE,
    vendor="google",
    version=VERSION,
    file_patterns=("*.csv", "*.csv.gz", "*.json", "*.jsonl", "*.ndjson", "*.json.gz", "*.parquet"),
    parse=parse_gcp,
    table="vendor_emissions",
    description="Google Cloud Carbon Footprint BigQuery export (CSV, JSON lines or Parquet), kgCO2e",
)
AWS_CARBON = Connector(
    source=AWS_SOURCE,
    vendor="aws",
    version=VERSION,
    file_patterns=("*.csv", "*.csv.gz", "*.parquet", "*.snappy.parquet"),
    parse=parse_aws,
    table="vendor_emissions",
    description="AWS Data Exports CARBON_EMISSIONS table (CSV or Parquet), MTCO2e converted to kg",
)
AZURE_CARBON = Connector(
    source=AZURE_SOURCE,
    vendor="azure",
    version=VERSION,
    file_patterns=("*.json", "*.csv", "*.csv.gz"),
    parse=parse_azure,
    table="vendor_emissions",
    description="Azure carbon optimization carbonEmissionReports responses (JSON) or EnrollmentEmission CSV",
)
CONNECTORS = [GCP_CARBON, AWS_CARBON, AZURE_CARBON]
