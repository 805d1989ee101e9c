{#- AI and other per-unit activity (EcoLogits path), ad delivery (GMSF path) and cost-only rows
    (spend-based fallback), in one shape. -#}
select {{ impact_columns() | join(', ') }} from {{ ref('int_activity_impacts_computed') }}
union all
select {{ impact_columns() | join(', ') }} from {{ ref('int_ad_impacts_computed') }}
union all
select {{ impact_columns() | join(', ') }} from {{ ref('int_spend_impacts_computed') }}
