{#- AI and other per-unit activity (EcoLogits path) and ad delivery (GMSF path), one shape. -#}
select {{ impact_columns() | join(', ') }} from {{ ref('int_activity_impacts_computed') }}
union all
select {{ impact_columns() | join(', ') }} from {{ ref('int_ad_impacts_computed') }}
