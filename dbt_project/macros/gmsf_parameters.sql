{#- The GMSF parameters (factor_ad_gmsf: one row per parameter and value) as one row, one column per
    parameter asked for: `columns` maps each parameter to the name of its column. -#}
{% macro gmsf_parameters(columns) %}
    select
    {%- for parameter, column in columns.items() %}
        max(case when parameter = '{{ parameter }}' then value end) as {{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
    from {{ ref('factor_ad_gmsf') }}
{% endmacro %}
