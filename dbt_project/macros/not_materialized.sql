{#-
    `with rows as {{ not_materialized() }} (...)`: a CTE of activity rows that a model reads more than once.
    DuckDB materialises such a CTE, and a filter on the model (an incremental fact's changed usage days,
    pushed down through the view chain) then stops at it: every landed row is read on a nightly run.
    Inlined, each reference gets the filter. Spark inlines CTEs already and has no such keyword.
-#}
{% macro not_materialized() %}
    {{- return(adapter.dispatch('not_materialized')()) -}}
{% endmacro %}

{% macro default__not_materialized() -%} not materialized {%- endmacro %}

{% macro spark__not_materialized() -%}{%- endmacro %}
