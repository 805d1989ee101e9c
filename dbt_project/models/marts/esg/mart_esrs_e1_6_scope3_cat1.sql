{#-
    ESRS E1-6 (§44, AR 46) disclosure lines for Scope 3 Category 1 from purchased AI and advertising,
    per fiscal year, in tCO2e: gross location- and market-based emissions (embodied included), and the
    share computed from suppliers' activity data with a method of its own kind (AR 46(g), "primary data";
    the same definition as mart_quarterly_data_quality: `is_fallback` from the method_tiers seed).
    Energy and water are value-chain metrics, reported as voluntary/entity-specific (not E1-5 / E3-4).
-#}
{{ config(**incremental_by_period_config('fiscal_year')) }}
with allocated as (
    {{ with_allocation(ref('fct_activity_impacts')) }}
)

select
    fiscal_year,
    'Scope 3' as ghg_scope,
    'Category 1 - Purchased goods and services' as scope3_category,
    'Purchased generative-AI services and digital advertising' as description,
    sum(co2e_location_kg + coalesce(co2e_embodied_kg, 0)) / 1000 as gross_tco2e_location_based,
    sum(co2e_market_kg + coalesce(co2e_embodied_kg, 0)) / 1000 as gross_tco2e_market_based,
    sum(co2e_location_kg_low + coalesce(co2e_embodied_kg_low, 0)) / 1000 as gross_tco2e_location_low,
    sum(co2e_location_kg_high + coalesce(co2e_embodied_kg_high, 0)) / 1000 as gross_tco2e_location_high,
    100 * sum(case when not is_fallback then co2e_location_kg + coalesce(co2e_embodied_kg, 0) else 0 end)
        / nullif(sum(co2e_location_kg + coalesce(co2e_embodied_kg, 0)), 0) as pct_primary_data,
    100 * sum(case when method_tier = 'spend_based' then co2e_location_kg + coalesce(co2e_embodied_kg, 0) else 0 end)
        / nullif(sum(co2e_location_kg + coalesce(co2e_embodied_kg, 0)), 0) as pct_spend_based,
    sum(energy_kwh) / 1000 as energy_mwh_voluntary,
    sum(water_l) / 1000 as water_m3_voluntary,
    count(*) as activity_rows,
    min(usage_date) as first_usage_date,
    max(usage_date) as last_usage_date,
    count(distinct source) as sources,
    {{ mart_build_columns() }}
from allocated as f
where {{ changed_periods_predicate('fiscal_year') }}
group by 1
