{#-
    A model's row-level rules in one data test: columns that must not be null (`not_null`), must not be
    negative (`non_negative`), figures carried with their range whose low <= central <= high
    (`ordered_bounds`: the column and its `_low` and `_high` siblings) and columns whose values come from
    a list (`accepted_values`: column -> values; a null is accepted there, as by dbt's own test).

    One dbt node and one scan per model instead of one per column and rule: dbt spends about 20 ms of its
    own Python on every node whatever its query, and these rules were most of a nightly build's nodes
    (issue 20). A failure returns one row per broken rule: the rule, the column and how many rows break it.
    The `where` config scopes it like any data test (`__rebuilt_days__`: macros/rebuilt_days.sql).
-#}
{% test row_rules(model, not_null=[], non_negative=[], ordered_bounds=[], accepted_values={}) %}
{%- set rules = [] -%}
{%- for column in not_null -%}
    {%- do rules.append(('not_null', column, column ~ ' is null')) -%}
{%- endfor -%}
{%- for column in non_negative -%}
    {%- do rules.append(('non_negative', column, column ~ ' < 0')) -%}
{%- endfor -%}
{%- for column in ordered_bounds -%}
    {%- do rules.append(('ordered_bounds', column,
        column ~ '_low > ' ~ column ~ ' * (1 + 1e-9) or ' ~ column ~ ' > ' ~ column ~ '_high * (1 + 1e-9)')) -%}
{%- endfor -%}
{%- for column, values in accepted_values.items() -%}
    {%- set listed = [] -%}
    {%- for value in values -%}
        {%- do listed.append(value if value is number else "'" ~ value ~ "'") -%}
    {%- endfor -%}
    {%- do rules.append(('accepted_values', column, column ~ ' not in (' ~ listed | join(', ') ~ ')')) -%}
{%- endfor -%}
{%- if not rules -%}
    {{ exceptions.raise_compiler_error("row_rules on " ~ model ~ " names no rule") }}
{%- endif -%}
with counted as (
    select
    {%- for rule in rules %}
        sum(case when {{ rule[2] }} then 1 else 0 end) as broken_{{ loop.index }}{{ ',' if not loop.last }}
    {%- endfor %}
    from {{ model }}
),

rules as (
    {%- for rule in rules %}
    select {{ loop.index }} as position, '{{ rule[0] }}' as rule, '{{ rule[1] }}' as column_name
    {{- ' union all' if not loop.last }}
    {%- endfor %}
),

broken as (
    select
        rules.rule,
        rules.column_name,
        case rules.position
        {%- for rule in rules %}
            when {{ loop.index }} then counted.broken_{{ loop.index }}
        {%- endfor %}
        end as rows_breaking
    from rules
    cross join counted
)

select rule, column_name, rows_breaking
from broken
where rows_breaking > 0
{% endtest %}
