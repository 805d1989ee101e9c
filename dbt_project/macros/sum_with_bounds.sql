{#- `sum(x_low) as x_low, sum(x) as x, sum(x_high) as x_high` for each figure: the marts' ranges
    aggregate bound by bound (a sum of lows is the low of the sum for these non-negative figures). -#}
{% macro sum_with_bounds(figures) %}
    {%- for figure in figures %}
    sum({{ figure }}_low) as {{ figure }}_low,
    sum({{ figure }}) as {{ figure }},
    sum({{ figure }}_high) as {{ figure }}_high{{ "," if not loop.last }}
    {%- endfor %}
{% endmacro %}
