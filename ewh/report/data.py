"""Everything the quarterly report shows, read from the warehouse marts in one read-only connection.

Each figure is aggregated in SQL (DuckDB) from the marts the rest of the project documents; Python only
reshapes the small results. The headline comes from ``mart_quarterly_emissions``; every breakdown is
summed from the same rows (``fct_activity_impacts``, of which that mart is a grouping, or
``mart_quarterly_business_units``), so breakdown totals equal the headline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from ewh.trust.common import quarter_status
from warehouse.connection import WarehouseError, connect
from warehouse.quarters import QuarterError, parse_quarter, previous_quarter, quarter_bounds

# the figures of the headline, each with _low and _high columns in the marts
MEASURES: dict[str, str] = {
    "energy_kwh": "Energy (kWh)",
    "co2e_location_kg": "Carbon, location-based (kgCO2e)",
    "co2e_market_kg": "Carbon, market-based (kgCO2e)",
    "co2e_embodied_kg": "Embodied carbon, separate (kgCO2e)",
    "water_l": "Water consumed (L)",
}
TOP_MODELS = 12
TOP_DRIVERS = 10
TOP_SAVINGS = 10
AD_TIERS = ("ad_framework", "counted_in_impressions")


class ReportError(ValueError):
    """A report that cannot be built: bad quarter, missing warehouse, quarter without data."""


# the quarter's cited equivalents: mart_quarterly_equivalents (the one place they are computed) summed over
# business units and fiscal quarters (counts are linear in the figure), energy, carbon, water in turn
EQUIVALENTS_SQL = """
select factor_id, any_value(measure) as measure, any_value(equivalent) as equivalent,
       sum(equivalent_count) as count, sum(equivalent_count_low) as count_low,
       sum(equivalent_count_high) as count_high, any_value(factor_value) as value,
       any_value(factor_unit) as unit, any_value(factor_basis) as basis, any_value(source_url) as source_url,
       any_value(source_year)::integer as source_year, any_value(licence) as licence, any_value(note) as note
from mart_quarterly_equivalents
where quarter = $q
group by factor_id
order by case any_value(measure) when 'energy_kwh' then 1 when 'co2e_location_kg' then 2 else 3 end, factor_id
"""


@dataclass
class ReportData:
    """The report's numbers: dicts and small frames, already aggregated."""

    quarter: str
    previous_quarter: str
    quarters: list[str]
    release: dict
    headline: dict[str, dict[str, float | None]]
    previous: dict[str, dict[str, float | None]] | None
    coverage: dict
    spend: pl.DataFrame
    equivalents: list[dict]
    trend: pl.DataFrame
    by_vendor: pl.DataFrame
    by_model: pl.DataFrame
    by_channel: pl.DataFrame
    ad_mart_kgco2e: float
    by_business_unit: pl.DataFrame
    seats: pl.DataFrame  # AI assistant seats per tool and business unit, with the dq mix (#18)
    quality: pl.DataFrame
    drivers: pl.DataFrame
    savings: pl.DataFrame
    efficiency: pl.DataFrame
    transparency: pl.DataFrame
    citations: pl.DataFrame
    market_fallback_share: float | None
    data_quality: dict[str, float | None]  # mart_quarterly_data_quality: primary_data_share, fallback_share
    unfactored_rows: int
    extras: dict = field(default_factory=dict)


def _sums(prefix: str = "") -> str:
    """``sum(x_low) as x_low, sum(x) as x, sum(x_high) as x_high`` for every headline measure."""
    return ",\n    ".join(f"sum({prefix}{m}{s}) as {m}{s}" for m in MEASURES for s in ("_low", "", "_high"))


def _figures(row: dict) -> dict[str, dict[str, float | None]]:
    return {m: {"central": row[m], "low": row[f"{m}_low"], "high": row[f"{m}_high"]} for m in MEASURES}


def available_quarters(con: duckdb.DuckDBPyConnection) -> list[str]:
    try:
        rows = con.sql("select distinct quarter from mart_quarterly_emissions order by quarter").fetchall()
    except duckdb.CatalogException as exc:
        raise ReportError("the warehouse has no marts yet; run `ewh run` first") from exc
    return [r[0] for r in rows]


def last_complete_quarter(con: duckdb.DuckDBPyConnection, quarters: list[str]) -> str:
    """The newest quarter the data has reached the end of (mart_source_coverage), else the newest one."""
    done = con.sql("select max(quarter) from mart_source_coverage where quarter_complete").fetchall()[0][0]
    return done if done in quarters else quarters[-1]


def load(warehouse: Path, quarter: str | None) -> ReportData:
    """Read every section of the report for ``quarter`` (default: the newest complete quarter)."""
    try:
        con = connect(warehouse)
    except WarehouseError as exc:
        raise ReportError(str(exc)) from None
    try:
        quarters = available_quarters(con)
        if not quarters:
            raise ReportError("the warehouse holds no activity yet; run `ewh run` with some exports")
        listed = ", ".join(quarters)
        if quarter is None:
            quarter = last_complete_quarter(con, quarters)
        try:
            quarter = parse_quarter(quarter)
        except QuarterError as exc:
            raise ReportError(f"{exc}; quarters in the warehouse: {listed}") from None
        if quarter not in quarters:
            raise ReportError(f"no data for {quarter}; quarters in the warehouse: {listed}")
        return _load(con, quarter, quarters)
    finally:
        con.close()


def _load(con: duckdb.DuckDBPyConnection, quarter: str, quarters: list[str]) -> ReportData:
    prev = previous_quarter(quarter)
    params = {"q": quarter}
    totals = con.sql(
        f"""
        select quarter, {_sums()}, sum(activity_rows) as activity_rows,
               min(first_usage_date) as first_usage_date, max(last_usage_date) as last_usage_date
        from mart_quarterly_emissions where quarter in ($q, $p) group by quarter
        """,
        params={"q": quarter, "p": prev},
    ).pl()
    by_quarter = {r["quarter"]: r for r in totals.to_dicts()}
    current = by_quarter[quarter]
    start, end = quarter_bounds(quarter)
    sources = con.sql(
        "select * from mart_source_coverage where quarter in ($q, $p) order by quarter, source",
        params={"q": quarter, "p": prev},
    ).pl()
    this = sources.filter(pl.col("quarter") == quarter)
    coverage = {
        "first_usage_date": current["first_usage_date"],
        "last_usage_date": current["last_usage_date"],
        "quarter_start": start,
        "quarter_end": end,
        "complete": current["first_usage_date"] <= start and current["last_usage_date"] >= end,
        "activity_rows": int(current["activity_rows"]),
        "sources": this.to_dicts(),
        "sources_with_gaps": this.filter(pl.col("days_missing") > 0).get_column("source").to_list(),
    }
    if prev in by_quarter:
        p = by_quarter[prev]
        p_start, p_end = quarter_bounds(prev)
        coverage["previous_first_usage_date"] = p["first_usage_date"]
        coverage["previous_last_usage_date"] = p["last_usage_date"]
        coverage["previous_complete"] = p["first_usage_date"] <= p_start and p["last_usage_date"] >= p_end

    headline = _figures(current)
    previous = _figures(by_quarter[prev]) if prev in by_quarter else None
    equivalents = con.sql(EQUIVALENTS_SQL, params={"q": quarter}).pl().to_dicts()

    release = con.sql("select * from meta_factor_release").pl().to_dicts()[0]
    status = quarter_status(con).get(quarter, "open")
    return ReportData(
        quarter=quarter,
        previous_quarter=prev,
        quarters=quarters,
        release=release,
        headline=headline,
        previous=previous,
        coverage=coverage,
        spend=_spend(con, quarter, prev),
        equivalents=equivalents,
        trend=con.sql(
            f"""
            select quarter, {_sums()}, min(first_usage_date) as first_usage_date,
                   max(last_usage_date) as last_usage_date
            from mart_quarterly_emissions group by quarter order by quarter
            """
        ).pl(),
        by_vendor=con.sql(
            f"""
            select vendor as label, {_sums()}
            from mart_quarterly_emissions where quarter = $q
            group by vendor order by co2e_location_kg desc nulls last, label
            """,
            params=params,
        ).pl(),
        by_model=_by_model(con, quarter),
        by_channel=con.sql(
            f"""
            select {CHANNEL_SQL} as label, {_sums()}
            from fct_activity_impacts as f left join {CHANNEL_LABELS} as c on f.channel = c.channel
            where f.quarter = $q
            group by 1 order by co2e_location_kg desc nulls last
            """,
            params=params,
        ).pl(),
        ad_mart_kgco2e=con.sql(
            "select coalesce(sum(co2e_location_kg), 0) from mart_quarterly_ad_emissions where quarter = $q",
            params=params,
        ).fetchall()[0][0],
        by_business_unit=con.sql(
            """
            select business_unit as label,
                   sum(energy_kwh) as energy_kwh,
                   sum(co2e_location_kg_low) as co2e_location_kg_low,
                   sum(co2e_location_kg) as co2e_location_kg,
                   sum(co2e_location_kg_high) as co2e_location_kg_high,
                   sum(co2e_market_kg) as co2e_market_kg,
                   sum(water_l) as water_l,
                   sum(activity_rows) as activity_rows
            from mart_quarterly_business_units where quarter = $q
            group by business_unit
            order by business_unit = 'unallocated', co2e_location_kg desc nulls last, label
            """,
            params=params,
        ).pl(),
        seats=con.sql(
            """
            select b.business_unit, b.vendor, b.model_or_channel as tool,
                   sum(b.activity_rows) as activity_rows, sum(b.energy_kwh) as energy_kwh,
                   sum(b.co2e_location_kg) as co2e_location_kg,
                   sum(b.rows_dq_1_2 + b.rows_dq_3) as rows_dq_1_3, sum(b.rows_dq_4) as rows_dq_4,
                   sum(b.rows_dq_5) as rows_dq_5
            from mart_quarterly_business_units as b
            where b.quarter = $q and b.channel = 'ai_assistant_seats'
            group by all order by co2e_location_kg desc nulls last, b.business_unit, tool
            """,
            params=params,
        ).pl(),
        quality=con.sql(
            """
            with q as (
                select f.method_tier, t.label as method_label, t.is_fallback, t.when_used, f.dq_score,
                       count(*) as activity_rows,
                       coalesce(sum(f.co2e_location_kg + coalesce(f.co2e_embodied_kg, 0)), 0) as co2e_kg
                from fct_activity_impacts as f
                join method_tiers as t on f.method_tier = t.method_tier
                where f.quarter = $q and f.method_tier <> 'counted_in_impressions'
                group by all
            )
            select *, co2e_kg / nullif(sum(co2e_kg) over (), 0) as share
            from q order by dq_score, method_tier
            """,
            params=params,
        ).pl(),
        drivers=_drivers(con, quarter),
        savings=con.sql(
            f"""
            select vendor, project_or_workspace, from_model, to_model, tokens, current_kgco2e,
                   from_gco2e_per_1k_tokens, to_gco2e_per_1k_tokens,
                   kgco2e_saved_if_all_moved as kgco2e_saved,
                   kgco2e_saved_if_all_moved / nullif(current_kgco2e, 0) as share_saved,
                   spend_saved_if_all_moved as spend_saved, spend_currency, basis,
                   from_rests_on_fallback or to_rests_on_fallback as rests_on_fallback, suggestion_rank
            from mart_savings_opportunities where quarter = $q
            qualify row_number() over (
                partition by vendor, project_or_workspace, from_model order by suggestion_rank) = 1
            order by suggestion_rank
            limit {TOP_SAVINGS}
            """,
            params=params,
        ).pl(),
        efficiency=con.sql(
            """
            select e.vendor, e.model, e.method_tier,
                   case when e.rests_on_fallback then 'fallback: ' else '' end
                       || coalesce(t.label, e.method_tier) as method,
                   e.tokens, e.energy_kwh, e.kgco2e, e.wh_per_1k_tokens, e.gco2e_per_1k_tokens
            from mart_model_efficiency as e
            left join method_tiers as t on e.method_tier = t.method_tier
            where e.quarter = $q and e.tokens > 0
            order by e.gco2e_per_1k_tokens desc nulls last, e.vendor, e.model
            """,
            params=params,
        ).pl(),
        transparency=con.sql(
            """
            select vendor, cast(score as double) as score, items, transparency_share, ask_about,
                   kgco2e, share_of_footprint, share_of_footprint_on_undisclosed_energy
            from mart_vendor_transparency order by share_of_footprint desc nulls last, vendor
            """
        ).pl(),
        citations=_citations(con, quarter, [e["factor_id"] for e in equivalents]),
        market_fallback_share=con.sql(
            """
            select sum(case when market_basis = 'location_fallback' then co2e_market_kg else 0 end)
                   / nullif(sum(co2e_market_kg), 0)
            from fct_activity_impacts where quarter = $q
            """,
            params=params,
        ).fetchall()[0][0],
        data_quality=con.sql(
            "select primary_data_share, fallback_share from mart_quarterly_data_quality where quarter = $q",
            params=params,
        )
        .pl()
        .to_dicts()[0],
        unfactored_rows=con.sql(
            "select count(*) from fct_activity_impacts where quarter = $q and method_tier = 'no_factor'",
            params=params,
        ).fetchall()[0][0],
        extras={"quarter_status": status},
    )


# every row by its purchase channel (fct_activity_impacts.channel), labelled by the channel's one home (seed
# activity_channels); advertising split by method: ad delivery is the GMSF path (fct_ad_impacts /
# mart_quarterly_ad_emissions), the rest of the ad platforms' rows spend-based
CHANNEL_SQL = f"""
    case when f.channel = 'advertising' and f.method_tier in {AD_TIERS} then 'Advertising: ad delivery (GMSF)'
         when f.channel = 'advertising' then 'Advertising: spend-based'
         else coalesce(c.channel_label, f.channel) end"""
CHANNEL_LABELS = "(select channel, min(label) as channel_label from activity_channels group by channel)"


def _spend(con: duckdb.DuckDBPyConnection, quarter: str, prev: str) -> pl.DataFrame:
    """Spend behind the figures per quarter and currency, and in USD at the cited ECB 2024 rate."""
    return con.sql(
        """
        select i.quarter, i.cost_currency as currency,
               sum(cast(i.cost_amount as double)) as amount,
               sum(cast(i.cost_amount as double) * fx.usd_per_unit) as amount_usd,
               min(fx.factor_id) as fx_factor_id
        from fct_activity_impacts as i
        left join factor_currency as fx
            on fx.currency = i.cost_currency
            and i.usage_date between cast(fx.valid_from as date) and cast(fx.valid_to as date)
        where i.quarter in ($q, $p) and i.cost_amount is not null
        group by i.quarter, i.cost_currency
        order by i.quarter, amount_usd desc nulls last
        """,
        params={"q": quarter, "p": prev},
    ).pl()


def _by_model(con: duckdb.DuckDBPyConnection, quarter: str) -> pl.DataFrame:
    """The largest models by location-based kgCO2e, the rest summed as one line."""
    return con.sql(
        f"""
        with m as (
            select case when model = '(none)' then vendor || ' · no model (ads or spend-only)'
                        else vendor || ' · ' || model end as label,
                   {_sums()}
            from mart_quarterly_emissions where quarter = $q
            group by vendor, model
        ),
        ranked as (
            select *, row_number() over (order by co2e_location_kg desc nulls last, label) as rank from m
        )
        select case when rank <= {TOP_MODELS} then label else 'all other models' end as label,
               {_sums()}, min(rank) as rank, count(*) as models
        from ranked group by 1 order by min(rank)
        """,
        params={"q": quarter},
    ).pl()


def _drivers(con: duckdb.DuckDBPyConnection, quarter: str) -> pl.DataFrame:
    """The largest vendor x model x project/campaign contributors."""
    return con.sql(
        f"""
        select f.vendor,
               coalesce(f.model, case when f.ad_format is not null then 'ads: ' || f.ad_format end,
                        f.service) as model,
               -- campaigns by the name the export gives, with the id beside it
               coalesce(f.project, f.workspace,
                        json_extract_string(f.attributes, '$.campaign_name') || ' (' || f.campaign_id || ')',
                        f.campaign_id, f.account, '(none)') as scope,
               count(*) as activity_rows,
               sum(f.co2e_location_kg_low) as co2e_location_kg_low,
               sum(f.co2e_location_kg) as co2e_location_kg,
               sum(f.co2e_location_kg_high) as co2e_location_kg_high,
               sum(f.energy_kwh) as energy_kwh,
               sum(f.co2e_location_kg) / sum(sum(f.co2e_location_kg)) over () as share,
               max(f.method_tier) as method_tier,
               arg_max(t.label, t.tier_order) as method,
               max(f.dq_score) as worst_dq_score
        from fct_activity_impacts as f
        join method_tiers as t on f.method_tier = t.method_tier
        where f.quarter = $q
        group by 1, 2, 3
        order by co2e_location_kg desc nulls last, f.vendor, model, scope
        limit {TOP_DRIVERS}
        """,
        params={"q": quarter},
    ).pl()


def _citations(con: duckdb.DuckDBPyConnection, quarter: str, equivalent_ids: list[str]) -> pl.DataFrame:
    """Source, year and licence of every factor the quarter's rows used, grouped by source.

    Factor ids come from the rows themselves; the GMSF constants (ad rows) and the CPI deflator
    (spend-based rows) are used by every row of their tier without an id on the row, so their seeds
    count as used whenever that tier is present.
    """
    seeds = [
        r[0]
        for r in con.sql(
            """
            select table_name from information_schema.columns
            where column_name in ('factor_id', 'source_url', 'source_year', 'licence')
              and starts_with(table_name, 'factor_')
            group by table_name having count(distinct column_name) = 4 order by table_name
            """
        ).fetchall()
    ]
    # the clouds' own market ratios (int_vendor_market_ratios) are factors from the customer's carbon export
    derived = [
        r[0]
        for r in con.sql(
            "select distinct table_name from information_schema.tables"
            " where table_name = 'int_vendor_market_ratios'"
        ).fetchall()
    ]
    catalogue = " union all ".join(
        f"select '{s}' as seed, factor_id, source_url, cast(source_year as varchar) as source_year, "
        f'licence from "{s}"'
        for s in [*seeds, *derived]
    )
    return con.sql(
        f"""
        with rows as (
            select * from fct_activity_impacts where quarter = $q
        ),
        used as (
            select distinct unnest([model_factor_id, activity_factor_id, provider_factor_id,
                                    grid_factor_id, water_factor_id, market_factor_id]) as factor_id
            from rows
            union select unnest($eq::varchar[])
        ),
        catalogue as ({catalogue}),
        implicit as (
            select c.factor_id from catalogue as c
            where (c.seed in ('factor_ad_gmsf', 'factor_ad_devices')
                   and exists (select 1 from rows where method_tier = 'ad_framework'))
               or (c.seed = 'factor_price_index'
                   and exists (select 1 from rows where method_tier = 'spend_based'))
               or (c.seed = 'factor_llm_structural'
                   and exists (select 1 from rows where model_factor_id is not null))
        )
        select c.source_url, c.source_year, c.licence,
               string_agg(distinct c.seed, ', ' order by c.seed) as seeds,
               count(distinct c.factor_id) as factors,
               string_agg(distinct c.factor_id, ', ' order by c.factor_id) as factor_ids
        from catalogue as c
        where c.factor_id in (select factor_id from used where factor_id is not null)
           or c.factor_id in (select factor_id from implicit)
        group by c.source_url, c.source_year, c.licence
        order by seeds, c.source_url, c.source_year
        """,
        params={"q": quarter, "eq": equivalent_ids},
    ).pl()
