{#- One row per build, kept across runs: which factor release and EcoLogits version produced the marts.
    A full refresh (asked for, or a changed dbt project: warehouse/build_state.py) rebuilds every other
    incremental table but never this history. -#}
{{ config(materialized='incremental', on_schema_change='fail', full_refresh=false) }}
select
    '{{ invocation_id }}' as dbt_invocation_id,
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp) as built_at,
    {{ factor_release_stamp() }},
    '{{ var("ecologits_version") }}' as ecologits_version,
    (select count(*) from {{ ref('fct_activity_impacts') }}) as activity_rows
