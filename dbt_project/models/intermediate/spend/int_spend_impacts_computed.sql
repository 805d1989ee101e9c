{#-
    Spend-based fallback (method_tier = spend_based, dq_score 5) for rows that have only cost:
      co2e = amount x USD per unit x (CPI 2021 / CPI of the spend year) x kgCO2e per 2021 USD (EPA EEIO v1.2)
    Billing-export lines with no usage quantity (provisioned throughput, node hours, guardrails...) always
    qualify. Cost-report rows (the OpenAI Costs API, the Anthropic cost report) qualify only on days
    their vendor reported no usage at all, because otherwise the usage rows already cover that spend
    (`covered_by_usage`, decided in int_activity_unioned).
    The spend year is capped at the latest CPI year (documented in docs/methodology.md). EEIO factors
    give carbon only: energy and water stay null, and the row says so.
-#}
with eligible as (
    -- a cost report's spend on a day its vendor's usage rows count it is left out (covered_by_usage)
    select * from {{ ref('int_activity_unioned') }}
    where activity_type = 'spend' and not covered_by_usage
),

latest_cpi as (
    select max(year) as year from {{ ref('factor_price_index') }}
),

priced as (
    select
        e.*,
        f.factor_id as eeio_factor_id,
        f.kgco2e_per_usd_low,
        f.kgco2e_per_usd,
        f.kgco2e_per_usd_high,
        fx.factor_id as fx_factor_id,
        fx.usd_per_unit,
        base.cpi_u / spent.cpi_u as deflator
    from eligible as e
    cross join latest_cpi as lc
    left join {{ ref('factor_spend_eeio') }} as f
        on e.vendor = f.vendor and e.usage_date between f.valid_from and f.valid_to
    left join {{ ref('factor_currency') }} as fx
        on upper(e.cost_currency) = fx.currency and e.usage_date between fx.valid_from and fx.valid_to
    left join {{ ref('factor_price_index') }} as base on base.year = f.price_year
    left join {{ ref('factor_price_index') }} as spent
        on spent.year = least(cast(extract(year from e.usage_date) as integer), lc.year)
),

figures as (
    select
        *,
        cast(cost_amount as double) * usd_per_unit * deflator as usd_base_year,
        case when eeio_factor_id is not null and fx_factor_id is not null then 'spend_based' else 'no_factor' end
            as method_tier
    from priced
)

select
    {{ activity_columns() | join(', ') }},
    cast(null as {{ dbt.type_string() }}) as electricity_country,
    method_tier,
    5 as dq_score,
    cast(null as {{ dbt.type_string() }}) as model_factor_id,
    eeio_factor_id as activity_factor_id,
    fx_factor_id as provider_factor_id,
    cast(null as {{ dbt.type_string() }}) as grid_factor_id,
    cast(null as {{ dbt.type_string() }}) as water_factor_id,
    {{ figure_range_of('it_energy_kwh', 'cast(null as double)') }},
    {{ figure_range_of('energy_kwh', 'cast(null as double)') }},
    {{ figure_range_of('co2e_location_kg', 'usd_base_year * kgco2e_per_usd{bound}') }},
    {{ figure_range_of('co2e_embodied_kg', 'cast(0 as double)') }},
    {{ figure_range_of('water_l', 'cast(null as double)') }},
    {{ figure_range_of('co2e_market_kg', 'usd_base_year * kgco2e_per_usd{bound}') }},
    'spend_based' as market_basis,
    cast(null as {{ dbt.type_string() }}) as market_factor_id
from figures
