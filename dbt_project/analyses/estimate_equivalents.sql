{#-
    `ewh estimate`'s equivalents: the mart's formula (macro equivalents_of) on each planned option's
    figures. Not built by dbt: ewh/estimate_sql.py compiles it with the chain and evaluates it in memory
    on the planned rows only, so fct_activity_impacts here holds one option per project (its label).
-#}
with figures as (
    select
        project as label,
        max(usage_date) as valid_at,
        {{ sum_with_bounds(['energy_kwh', 'co2e_location_kg', 'water_l']) }}
    from {{ ref('fct_activity_impacts') }}
    group by project
)

{{ equivalents_of('figures', ['label'], 'valid_at') }}
