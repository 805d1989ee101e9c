{#-
    Each activity row's business unit, brand, cost centre and fiscal quarter/year (macros/allocation.sql),
    keyed by activity_id: one row per activity_id of int_activity_unioned (the rows every fact is built
    from). The marts that total facts by business unit apply the same macro to the fact's own columns;
    this view is the allocation per row for exports and for the relationships test that holds every
    fact row to one allocated row.
-#}
select
    u.activity_id,
    u.usage_date,
    u.dbt_invocation_id,
    {{ allocation_columns('u') }}
from {{ ref('int_activity_unioned') }} as u
{{ allocation_joins('u') }}
