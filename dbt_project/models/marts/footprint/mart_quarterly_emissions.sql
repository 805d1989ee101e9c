{#-
    Quarterly footprint by channel (API usage or AI assistant seats: seed activity_channels), vendor,
    model, project or workspace, and electricity country.
    Ranges are summed bound by bound (a conservative envelope, see docs/methodology.md).
-#}
{{ config(**incremental_by_period_config('quarter')) }}
select
    quarter,
    channel,
    vendor,
    coalesce(model, '(none)') as model,
    coalesce(project, workspace, '(none)') as project_or_workspace,
    electricity_country as country,
    'Scope 3 Category 1 (purchased goods and services)' as ghg_category,
    count(*) as activity_rows,
    sum(case when activity_type = 'llm_output_tokens' then quantity else 0 end) as output_tokens,
    sum(case when activity_type in ('llm_input_tokens', 'llm_cached_input_tokens', 'llm_cache_write_tokens')
             then quantity else 0 end) as input_tokens,
    {{ sum_with_bounds(['energy_kwh', 'co2e_location_kg', 'co2e_market_kg']) }},
    sum(case when market_basis = 'location_fallback' then 1 else 0 end) as market_fallback_rows,
    sum(co2e_embodied_kg_low) as co2e_embodied_kg_low,
    sum(co2e_embodied_kg) as co2e_embodied_kg,
    sum(co2e_embodied_kg_high) as co2e_embodied_kg_high,
    sum(case when co2e_embodied_kg is null then 1 else 0 end) as embodied_missing_rows,
    sum(water_l_low) as water_l_low,
    sum(water_l) as water_l,
    sum(water_l_high) as water_l_high,
    sum(case when is_fallback then 1 else 0 end) as fallback_rows,
    sum(case when is_fallback then co2e_location_kg + coalesce(co2e_embodied_kg, 0) else 0 end) as co2e_fallback_kg,
    sum(case when method_tier = 'spend_based' then 1 else 0 end) as spend_based_rows,
    max(dq_score) as worst_dq_score,
    min(usage_date) as first_usage_date,
    max(usage_date) as last_usage_date,
    {{ mart_build_columns() }}
from {{ ref('fct_activity_impacts') }}
where {{ changed_periods_predicate('quarter') }}
group by 1, 2, 3, 4, 5, 6, 7
