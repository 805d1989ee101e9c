{#-
    Each activity row's business unit, brand and cost centre from allocation_rules, the most specific
    key winning: campaign, API key, project, workspace, user (a pseudonym: creative tools and seats),
    then account; unmatched rows get 'unallocated' and stay in every total. With the row's fiscal quarter
    and year. One row per activity_id of int_activity_unioned (the rows every fact is built from): the
    marts join it to the facts on activity_id, so allocation reads only upstream models and a rule change
    needs no fact rebuild.
-#}
{% set fields = ['campaign_id', 'api_key_id', 'project', 'workspace', 'user_id', 'account'] %}
select
    u.activity_id,
    {{ fiscal_quarter_label('u.usage_date') }} as fiscal_quarter,
    {{ fiscal_year('u.usage_date') }} as fiscal_year,
    coalesce({% for x in fields %}r_{{ x }}.business_unit{% if not loop.last %}, {% endif %}{% endfor %}, 'unallocated')
        as business_unit,
    coalesce({% for x in fields %}r_{{ x }}.brand{% if not loop.last %}, {% endif %}{% endfor %}, 'unallocated')
        as brand,
    coalesce({% for x in fields %}r_{{ x }}.cost_centre{% if not loop.last %}, {% endif %}{% endfor %}, 'unallocated')
        as cost_centre,
    coalesce({% for x in fields %}case when r_{{ x }}.business_unit is not null then '{{ x }}' end{% if not loop.last %}, {% endif %}{% endfor %})
        as allocated_by
from {{ ref('int_activity_unioned') }} as u
{% for x in fields %}
left join {{ ref('allocation_rules') }} as r_{{ x }}
    on r_{{ x }}.match_field = '{{ x }}' and r_{{ x }}.match_value = u.{{ x }}
{% endfor %}
