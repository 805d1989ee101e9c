{#- dbt's `relationships`, for a key whose parent row lies on the same usage day as the child row (an
    activity and its allocation): every child row's (key, usage_date) must occur in the parent. On a build
    scoped to the rewritten days (rebuilt_days.sql) both sides are read for those days only, so a nightly
    does not allocate every row of history to check one day; every row otherwise. Same result column as
    dbt's `relationships`. -#}
{% test relationships_same_day(model, column_name, to, field, date_column='usage_date') %}
{%- set days = rebuilt_days(model, date_column) %}
{%- set scope = usage_days_predicate(days, date_column) if days is not none else '1 = 1' %}
with child as (
    select {{ column_name }} as from_field, {{ date_column }} as on_day
    from {{ model }}
    where {{ column_name }} is not null and {{ scope }}
),

parent as (
    select {{ field }} as to_field, {{ date_column }} as on_day
    from {{ to }}
    where {{ scope }}
)

select child.from_field
from child
left join parent on child.from_field = parent.to_field and child.on_day = parent.on_day
where parent.to_field is null
{% endtest %}
