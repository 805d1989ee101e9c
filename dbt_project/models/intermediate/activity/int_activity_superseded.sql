{#- Landed rows that are not counted because another report covers them: rows that another route of the
    same vendor report replaced for their day, and a cost report's token lines on days the vendor's usage
    reports cover (`covered_by_usage`, int_activity_unioned), whose tokens those reports already count. -#}
select l.*
from {{ ref('int_activity_landed') }} as l
where not exists (
    select 1 from {{ ref('int_activity_unioned') }} as u where u.activity_id = l.activity_id
)
union all
-- the landed row itself (same columns as above; `* exclude` is DuckDB-only, Spark has no such syntax)
select l.*
from {{ ref('int_activity_landed') }} as l
inner join {{ ref('int_activity_unioned') }} as u on u.activity_id = l.activity_id
where u.activity_type <> 'spend' and u.covered_by_usage
