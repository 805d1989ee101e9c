{#- '2026Q3' from a date column, with dbt's cross-database helpers. -#}
{% macro quarter_label(date_column) %}
    {{ dbt.concat([
        "cast(extract(year from " ~ date_column ~ ") as " ~ dbt.type_string() ~ ")",
        "'Q'",
        "cast(extract(quarter from " ~ date_column ~ ") as " ~ dbt.type_string() ~ ")"
    ]) }}
{% endmacro %}
