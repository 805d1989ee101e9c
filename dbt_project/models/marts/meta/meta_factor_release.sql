{#- The factor release this build used (one row): id, content hash of all seeds, EcoLogits version. -#}
select
    {{ factor_release_stamp() }},
    '{{ var("ecologits_version") }}' as ecologits_version,
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp) as built_at,
    '{{ invocation_id }}' as dbt_invocation_id
