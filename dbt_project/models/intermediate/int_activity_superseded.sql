{#- Landed rows that another route of the same vendor report replaced for their day (not counted). -#}
select l.*
from {{ ref('int_activity_landed') }} as l
where not exists (
    select 1 from {{ ref('int_activity_unioned') }} as u where u.activity_id = l.activity_id
)
