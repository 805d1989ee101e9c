{#- Landed rows that are not counted because another report covers them: rows that another route of the
    same vendor report replaced for their day, and a cost report's token lines (issue #13 class 2) on days
    the vendor's usage reports cover (int_activity_usage), whose tokens those reports already count. -#}
{%- set cost_reports = "('openai.costs', 'anthropic.cost_report')" -%}
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
where u.activity_type <> 'spend'
    and u.report_family in {{ cost_reports }}
    and not exists (select 1 from {{ ref('int_activity_usage') }} as a where a.activity_id = u.activity_id)
