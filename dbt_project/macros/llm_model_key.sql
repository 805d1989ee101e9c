{#- Every match of a regular expression replaced (DuckDB needs the 'g' option; Spark replaces all matches). -#}
{% macro replace_all(expr, pattern, replacement) %}
    {{ return(adapter.dispatch('replace_all')(expr, pattern, replacement)) }}
{% endmacro %}

{% macro default__replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro spark__replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}

{#-
    The key a model id is matched on, applied alike to vendors' ids and to registry names, so the forms the
    clouds and Hugging Face give one model meet: lower case; no publisher path (`meta-llama/`), cloud
    namespace (`us.`, `meta.`, `amazon.`), leading `meta-`; no `instruct`, `it` or `hf` word; no
    version suffix (`-v1:0`, `-v1:0:128k`, `-v0.3`), Vertex revision (`-001`) or `-maas`; then no separators at all.
    `meta.llama3-1-8b-instruct-v1:0`, `meta-llama/Meta-Llama-3.1-8B-Instruct` and `Llama-3.1-8B` all give
    `llama318b`. Dates stay: `claude-3-5-sonnet@20240620` -> `claude35sonnet20240620`.
-#}
{% macro llm_model_key(expr) -%}
    {%- set namespaces = 'us|eu|apac|global|jp|au|ca|anthropic|meta|amazon|mistral|cohere|ai21|qwen|openai|writer|google|moonshot|minimax|nvidia' -%}
    {%- set step = "lower(trim(" ~ expr ~ "))" -%}
    {%- set step = "regexp_replace(" ~ step ~ ", '^.*/', '')" -%}
    {%- set step = "regexp_replace(" ~ step ~ ", '^((" ~ namespaces ~ ")[.])+', '')" -%}
    {%- set step = "concat('-', " ~ replace_all(step, '[^a-z0-9]+', '-') ~ ", '-')" -%}
    {%- set step = replace_all(step, '-(instruct|it|hf)-', '-') -%}
    {%- set step = replace_all(step, '-(instruct|it|hf)-', '-') -%}
    {%- set step = "regexp_replace(" ~ step ~ ", '^-meta-', '-')" -%}
    {%- set step = "regexp_replace(" ~ step ~ ", '-(maas|00[0-9])-$', '-')" -%}
    {%- set step = "regexp_replace(" ~ step ~ ", '-v[0-9]+(-[0-9]+)+(-[0-9]+k)?-$', '-')" -%}
    {{ replace_all(step, '-', '') }}
{%- endmacro %}
