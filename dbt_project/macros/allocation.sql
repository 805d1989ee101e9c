{#-
    Allocation: each activity row's business unit, brand and cost centre from allocation_rules, the most
    specific key winning (campaign, API key, project, workspace, user (a pseudonym: creative tools and
    seats), then account); unmatched rows get 'unallocated' and stay in every total. With the row's fiscal
    quarter and year. One home for int_activity_allocated and the marts that total facts by business unit:
    they call allocation_joins on the fact's own key columns (six lookups into a small seed), rather than
    joining every fact row to every allocated row by activity_id. A rule change needs no fact rebuild.
-#}
{% macro allocation_fields() %}
    {{ return(['campaign_id', 'api_key_id', 'project', 'workspace', 'user_id', 'account']) }}
{% endmacro %}

{#- The allocation columns of the row `alias`, with allocation_joins(alias) in the from clause. -#}
{% macro allocation_columns(alias) %}
    {%- set fields = allocation_fields() -%}
    {{ fiscal_quarter_label(alias ~ '.usage_date') }} as fiscal_quarter,
    {{ fiscal_year(alias ~ '.usage_date') }} as fiscal_year,
    {%- for column in ['business_unit', 'brand', 'cost_centre'] %}
    coalesce({% for x in fields %}r_{{ x }}.{{ column }}{% if not loop.last %}, {% endif %}{% endfor %}, 'unallocated')
        as {{ column }},
    {%- endfor %}
    coalesce({% for x in fields %}case when r_{{ x }}.business_unit is not null then '{{ x }}' end{% if not loop.last %}, {% endif %}{% endfor %})
        as allocated_by
{%- endmacro %}

{% macro allocation_joins(alias) %}
    {%- for x in allocation_fields() %}
left join {{ ref('allocation_rules') }} as r_{{ x }}
    on r_{{ x }}.match_field = '{{ x }}' and r_{{ x }}.match_value = {{ alias }}.{{ x }}
    {%- endfor %}
{% endmacro %}

{#- Every row of `relation` with its allocation columns. -#}
{% macro with_allocation(relation) %}
    select f.*, {{ allocation_columns('f') }}
    from {{ relation }} as f
    {{ allocation_joins('f') }}
{%- endmacro %}
