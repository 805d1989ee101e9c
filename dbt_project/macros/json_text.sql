{#- A top-level field of a JSON-object text column, as text (adapter-specific JSON functions). -#}
{% macro json_text(column, key) %}
    {{ return(adapter.dispatch('json_text')(column, key)) }}
{% endmacro %}

{% macro default__json_text(column, key) %}
    json_extract_string({{ column }}, '$.{{ key }}')
{% endmacro %}

{% macro spark__json_text(column, key) %}
    get_json_object({{ column }}, '$.{{ key }}')
{% endmacro %}
