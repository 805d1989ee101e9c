{#- The factor release this build runs with (id, content hash of the seeds), as two constant columns:
    every fact row and the build metadata carry it; incremental models read the hash back (incremental_days). -#}
{% macro factor_release_stamp() -%}
    '{{ var("factor_release") }}' as factor_release,
    '{{ var("factor_release_sha256") }}' as factor_release_sha256
{%- endmacro %}
