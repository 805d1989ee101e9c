{#-
    Fiscal year and quarter of a date, for a fiscal year starting in var('fiscal_year_start_month').
    A fiscal year is named after the calendar year in which it ends (FY2027 = Apr 2026 - Mar 2027).
-#}
{% macro fiscal_month_index(date_column) %}
    mod(cast(extract(month from {{ date_column }}) as integer) - {{ var('fiscal_year_start_month') }} + 12, 12)
{% endmacro %}

{% macro fiscal_year(date_column) %}
    cast(extract(year from {{ date_column }}) as integer)
    + case when {{ var('fiscal_year_start_month') }} > 1
                and cast(extract(month from {{ date_column }}) as integer) >= {{ var('fiscal_year_start_month') }}
           then 1 else 0 end
{% endmacro %}

{% macro fiscal_quarter_label(date_column) %}
    {{ dbt.concat([
        "'FY'",
        "cast(" ~ fiscal_year(date_column) ~ " as " ~ dbt.type_string() ~ ")",
        "'Q'",
        "cast(cast(floor(" ~ fiscal_month_index(date_column) ~ " / 3) as integer) + 1 as " ~ dbt.type_string() ~ ")"
    ]) }}
{% endmacro %}
