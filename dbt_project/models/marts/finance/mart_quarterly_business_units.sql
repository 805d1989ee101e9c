{#- Quarterly footprint and spend by business unit, channel (fct_activity_impacts.channel,
    seed activity_channels: API usage, advertising, AI assistant seats, AI tools),
    vendor, model or channel, and country (calendar and fiscal), with the dq mix. -#}
{{ config(**incremental_by_period_config('quarter')) }}
with allocated as (
    {{ with_allocation(ref('fct_activity_impacts')) }}
)

select
    quarter,
    fiscal_quarter,
    business_unit,
    brand,
    cost_centre,
    f.channel,
    f.vendor,
    coalesce(model, ad_format, service) as model_or_channel,
    coalesce(electricity_country, country, '(unknown)') as country,
    'Scope 3 Category 1 (purchased goods and services)' as ghg_category,
    count(*) as activity_rows,
    {{ sum_with_bounds(['energy_kwh', 'co2e_location_kg', 'co2e_market_kg']) }},
    sum(co2e_embodied_kg) as co2e_embodied_kg,
    sum(case when co2e_embodied_kg is null then 1 else 0 end) as embodied_missing_rows,
    sum(water_l) as water_l,
    sum(cast(cost_amount as double)) as spend,
    min(cost_currency) as spend_currency,
    count(distinct cost_currency) as spend_currencies,
    sum(case when dq_score <= 2 then 1 else 0 end) as rows_dq_1_2,
    sum(case when dq_score = 3 then 1 else 0 end) as rows_dq_3,
    sum(case when dq_score = 4 then 1 else 0 end) as rows_dq_4,
    sum(case when dq_score = 5 then 1 else 0 end) as rows_dq_5,
    {{ mart_build_columns() }}
from allocated as f
where {{ changed_periods_predicate('quarter') }}
group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
