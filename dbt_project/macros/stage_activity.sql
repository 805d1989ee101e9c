{#- One landed source in the canonical activity schema, with explicit types so every adapter agrees. -#}
{% macro stage_activity(source_name) %}
{%- set typed = {
    'quantity': 'cast(quantity as double) as quantity',
    'usage_date': 'cast(usage_date as date) as usage_date',
} -%}
select
{%- for column in activity_columns() %}
    {{ typed.get(column, column) }}{{ ',' if not loop.last }}
{%- endfor %}
from {{ source('landing', source_name) }}
{% endmacro %}
