{#- The factor release this build used (one row): id, content hash of all seeds, EcoLogits version. -#}
select
    '{{ var("factor_release") }}' as factor_release,
    '{{ var("factor_release_sha256") }}' as factor_release_sha256,
    '{{ var("ecologits_version") }}' as ecologits_version,
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp) as built_at,
    '{{ invocation_id }}' as dbt_invocation_id
