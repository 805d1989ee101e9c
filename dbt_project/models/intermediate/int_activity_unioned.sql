{#- All landed sources as one activity stream. -#}
{% for source_name in var('activity_sources') %}
select * from {{ ref('stg_landing__' ~ source_name) }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
