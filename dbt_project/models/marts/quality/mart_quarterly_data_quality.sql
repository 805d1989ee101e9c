{#-
    The one data-quality figure, per quarter: the share of kgCO2e (location-based + embodied) computed
    from the supplier's activity data with a method of its own kind ("primary data"), and its complement
    resting on fallbacks. What counts as a fallback is the `method_tiers` seed (`is_fallback`), nothing else;
    the `fallback_share` check, the report and the ESRS mart read it the same way.
-#}
with rows as (
    select
        quarter,
        is_fallback,
        co2e_location_kg + coalesce(co2e_embodied_kg, 0) as kgco2e
    from {{ ref('fct_activity_impacts') }}
)
select
    quarter,
    count(*) as activity_rows,
    sum(case when is_fallback then 1 else 0 end) as fallback_rows,
    sum(kgco2e) as co2e_kg,
    sum(case when is_fallback then coalesce(kgco2e, 0) else 0 end) as co2e_fallback_kg,
    sum(case when is_fallback then coalesce(kgco2e, 0) else 0 end) / nullif(sum(kgco2e), 0) as fallback_share,
    1 - sum(case when is_fallback then coalesce(kgco2e, 0) else 0 end) / nullif(sum(kgco2e), 0)
        as primary_data_share
from rows
group by quarter
