{#- `unique` for an incremental-by-day table: on a build scoped to the rewritten days (rebuilt_days.sql),
    only the keys that occur in those days are counted, over every row of the table (a rewritten row may
    collide with one of another day); every key otherwise. Same result columns as dbt's `unique`. -#}
{% test unique_incremental(model, column_name) %}
{%- set days = rebuilt_days(model) %}
select {{ column_name }} as unique_field, count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
{%- if days is not none %}
    and {{ column_name }} in (select {{ column_name }} from {{ model }} where {{ usage_days_predicate(days) }})
{%- endif %}
group by {{ column_name }}
having count(*) > 1
{% endtest %}
