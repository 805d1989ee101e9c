{#- A figure with its range is three columns: <figure>_low, <figure> (central), <figure>_high. -#}
{% macro figure_range(figures) %}
    {%- set columns = [] -%}
    {%- for figure in figures -%}
        {%- do columns.extend([figure ~ '_low', figure, figure ~ '_high']) -%}
    {%- endfor -%}
    {{ return(columns) }}
{% endmacro %}

{#- The three columns of one figure as select items, each from `expression` with its `{bound}` replaced by
    the column's suffix ('_low', '', '_high'); an expression without `{bound}` fills all three. -#}
{% macro figure_range_of(figure, expression) -%}
    {%- for bound in ['_low', '', '_high'] -%}
        {{ expression | replace('{bound}', bound) }} as {{ figure }}{{ bound }}{{ ', ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
