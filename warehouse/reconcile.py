"""Cost reconciliation: per vendor and day, compare the same spend reached by two routes.

Three comparisons, each a row per (check, vendor, day, currency) with ``amount_a`` (landed side) and
``amount_b`` (the vendor's cost total), flagged when ``|a - b| / max(|a|, |b|)`` exceeds the
tolerance (default 1 %):

``usage_priced_vs_cost_report`` (OpenAI, Anthropic)
    a = the counted token usage in ``fct_activity_impacts`` (after route de-duplication; summed per day,
    model and token class in ``fct_token_usage_daily``) priced with
    ``ewh/trust/prices.csv`` (USD per million tokens per model and token class, batch
    multiplier for ``batch`` rows); b = the token lines of the vendor's cost report in
    ``fct_vendor_costs`` (``cost_origin = 'cost_report'``: OpenAI Costs API / dashboard cost export
    lines named ``<model>, input|output``, Anthropic ``cost_report`` / console lines with
    ``cost_type`` ``tokens``). Web search, file search and other non-token lines are left out of both
    sides. Days where only one side landed are reported as ``usage_only`` / ``cost_only``, not
    flagged; a day with token usage of a model missing from the price list is ``unpriced``.

``cost_report_routes`` (OpenAI Costs API vs dashboard cost CSV; Anthropic cost_report vs console CSV)
    a, b = the cost totals of two sources of the same report family (``source_report_families``
    seed) for the same day, from every landed row (the sources' staging views, before the newest route
    wins), so a route that was superseded is still checked.

``landed_vs_export_total`` (every source whose usage rows carry cost: cloud billing exports AWS CUR,
Azure cost details, GCP billing, and Mistral, Runway)
    a = cost landed in ``fct_vendor_costs``; b = a plus the cost on the same source's quarantined
    rows (``stg_landing__quarantine``, read from the quarantined record), i.e. the export's own
    total for the day. A difference means billed cost was held back by validation.

Currencies are never converted: only amounts in the same currency are compared.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from connectors.core.config import Paths
from warehouse.connection import connect, table_exists

PRICES = Path(__file__).with_name("prices.csv")
DEFAULT_TOLERANCE = 0.01
RESULT_COLUMNS = (
    "check",
    "vendor",
    "usage_date",
    "currency",
    "route_a",
    "route_b",
    "amount_a",
    "amount_b",
    "difference",
    "relative_difference",
    "status",
    "flagged",
)

# token usage per day, model and token class is summed by dbt (fct_token_usage_daily), incrementally:
# pricing it reads a few thousand rows, not the year of activity rows
USAGE_PRICED_SQL = """
select
    u.vendor,
    u.usage_date,
    'USD' as currency,
    sum(u.tokens * p.usd_per_million / 1e6 * case when u.is_batch then p.batch_multiplier else 1 end)
        as amount,
    sum(case when p.model is null then u.tokens else 0 end) as unpriced_tokens,
    string_agg(distinct case when p.model is null then u.model end, ', ') as unpriced_models
from fct_token_usage_daily as u
left join prices as p on u.vendor = p.vendor and u.model = p.model and u.token_class = p.token_class
group by 1, 2, 3
"""

COST_REPORT_SQL = """
select vendor, usage_date, upper(cost_currency) as currency, sum(cast(cost_amount as double)) as amount
from fct_vendor_costs
where cost_origin = 'cost_report'
  and (
      (vendor = 'openai' and regexp_matches(json_extract_string(attributes, '$.line_item'),
                                           ',\\s*(input|output|cached input)\\s*$'))
      or (vendor = 'anthropic' and json_extract_string(attributes, '$.cost_type') in ('tokens', 'token'))
  )
group by 1, 2, 3
"""

# the sources of every report family that more than one source delivers: only their spend can pair
ROUTE_SOURCES_SQL = """
select distinct source from source_report_families
where report_family in (
    select report_family from source_report_families group by report_family having count(distinct source) > 1
)
order by source
"""


def routes_sql(views: list[str]) -> str:
    """Spend per report family, route and day from the landed rows of ``views`` (staging views of the
    sources ROUTE_SOURCES_SQL names), paired route against route. Reading those sources' views alone
    leaves the landed files of every other source unopened (at 10M rows most files belong to sources
    no other source duplicates)."""
    landed = "\n    union all\n    ".join(
        f"select source, dataset, vendor, usage_date, cost_currency, cost_amount, activity_type from {v}"
        for v in views
    )
    return f"""
with landed as (
    {landed}
),

spend as (
    select
        coalesce(f.report_family, l.source || '.' || l.dataset) as report_family,
        l.vendor,
        l.source,
        l.usage_date,
        upper(l.cost_currency) as currency,
        sum(cast(l.cost_amount as double)) as amount
    from landed as l
    left join source_report_families as f on l.source = f.source and l.dataset = f.dataset
    where l.activity_type = 'spend'
    group by 1, 2, 3, 4, 5
)

select
    a.report_family, a.vendor, a.usage_date, a.currency,
    a.source as route_a, b.source as route_b, a.amount as amount_a, b.amount as amount_b
from spend as a
inner join spend as b
    on a.report_family = b.report_family and a.usage_date = b.usage_date and a.currency = b.currency
    and a.source < b.source
"""


def cost_report_routes(con) -> pl.DataFrame:
    """The ``cost_report_routes`` comparison rows (before flagging), or an empty frame."""
    if not table_exists(con, "source_report_families"):
        return pl.DataFrame()
    sources = con.sql(ROUTE_SOURCES_SQL).pl().get_column("source").to_list()
    views = [f"stg_landing__{s}" for s in sources if table_exists(con, f"stg_landing__{s}")]
    return con.sql(routes_sql(views)).pl() if len(views) > 1 else pl.DataFrame()


LANDED_VS_EXPORT_SQL = """
with landed as (
    select source, vendor, usage_date, upper(cost_currency) as currency,
           sum(cast(cost_amount as double)) as amount
    from fct_vendor_costs
    where source in (select distinct source from fct_vendor_costs where cost_origin = 'usage_row')
    group by 1, 2, 3, 4
),
held_back as (
    select
        source,
        try_cast(coalesce(json_extract_string(record, '$.usage_date'),
                          left(json_extract_string(record, '$.usage_start'), 10)) as date) as usage_date,
        upper(json_extract_string(record, '$.cost_currency')) as currency,
        sum(try_cast(json_extract_string(record, '$.cost_amount') as double)) as amount
    from stg_landing__quarantine
    where try_cast(json_extract_string(record, '$.cost_amount') as double) is not null
    group by 1, 2, 3
)
select
    l.source, l.vendor, l.usage_date, l.currency,
    l.amount as amount_a,
    l.amount + coalesce(h.amount, 0) as amount_b
from landed as l
left join held_back as h on l.source = h.source and l.usage_date = h.usage_date and l.currency = h.currency
"""


def _flag(frame: pl.DataFrame, tolerance: float) -> pl.DataFrame:
    a, b = pl.col("amount_a"), pl.col("amount_b")
    rel = (a - b).abs() / pl.max_horizontal(a.abs(), b.abs())
    frame = frame.with_columns(
        (a - b).alias("difference"), rel.fill_nan(0.0).fill_null(0.0).alias("relative_difference")
    )
    both = a.is_not_null() & b.is_not_null()
    status = (
        pl.when(pl.col("status").is_not_null())
        .then(pl.col("status"))
        .when(a.is_null())
        .then(pl.lit("cost_only"))
        .when(b.is_null())
        .then(pl.lit("usage_only"))
        .when(pl.col("relative_difference") > tolerance)
        .then(pl.lit("difference"))
        .otherwise(pl.lit("ok"))
    )
    frame = frame.with_columns(status.alias("status"))
    return frame.with_columns((both & (pl.col("status") == "difference")).alias("flagged"))


def reconcile(paths: Paths, *, tolerance: float = DEFAULT_TOLERANCE, save: bool = False) -> pl.DataFrame:
    """Every comparison row (see the module docstring); ``flagged`` marks differences above tolerance."""
    prices = pl.read_csv(PRICES)
    con = connect(paths.warehouse, read_only=not save)
    try:
        con.register("prices", prices)
        usage = con.sql(USAGE_PRICED_SQL).pl()
        costs = con.sql(COST_REPORT_SQL).pl()
        routes = cost_report_routes(con)
        landed = con.sql(LANDED_VS_EXPORT_SQL).pl()
        con.unregister("prices")
    except Exception:
        con.close()
        raise

    keys = ["vendor", "usage_date", "currency"]
    priced = usage.rename({"amount": "amount_a"}).join(
        costs.rename({"amount": "amount_b"}), on=keys, how="full", coalesce=True
    )
    priced = priced.with_columns(
        pl.lit("usage_priced_vs_cost_report").alias("check"),
        pl.lit("usage x prices.csv").alias("route_a"),
        pl.lit("cost report").alias("route_b"),
        pl.when(pl.col("unpriced_tokens").fill_null(0) > 0)
        .then(pl.lit("unpriced"))
        .otherwise(pl.lit(None, pl.String))
        .alias("status"),
    )
    parts = [priced]
    if routes.height:
        parts.append(
            routes.with_columns(
                pl.lit("cost_report_routes").alias("check"), pl.lit(None, pl.String).alias("status")
            )
        )
    parts.append(
        landed.with_columns(
            pl.lit("landed_vs_export_total").alias("check"),
            (pl.col("source") + pl.lit(" landed")).alias("route_a"),
            (pl.col("source") + pl.lit(" export (landed + quarantined)")).alias("route_b"),
            pl.lit(None, pl.String).alias("status"),
        )
    )
    frame = pl.concat(
        [
            _flag(p, tolerance).select(
                [
                    pl.col(c)
                    if c in p.columns or c in ("difference", "relative_difference", "flagged")
                    else pl.lit(None).alias(c)
                    for c in RESULT_COLUMNS
                ]
            )
            for p in parts
        ],
        how="vertical_relaxed",
    ).sort("check", "vendor", "usage_date", "route_a")
    frame = frame.with_columns(pl.lit(tolerance).alias("tolerance"))
    if save:
        try:
            con.register("_recon", frame)
            con.execute("create or replace table cost_reconciliation as select * from _recon")
        finally:
            con.close()
    else:
        con.close()
    return frame


def differences(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(pl.col("flagged"))
