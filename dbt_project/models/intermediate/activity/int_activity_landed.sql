{#- Every landed activity row of every source, before routes of the same report are reconciled. -#}
{% for source_name in var('activity_sources') %}
select * from {{ ref('stg_landing__' ~ source_name) }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
