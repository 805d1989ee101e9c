{#-
    Root-project overrides of two dbt-spark implementations, picked by dbt's dispatch for Spark only
    (DuckDB keeps dbt's own macros).
-#}

{#-
    Seeds: dbt-spark's session method splices seed values into the INSERT as '<value>' without escaping,
    so a citation such as "Ember's" breaks the statement. Render every value as an escaped Spark literal.
-#}
{% macro spark_seed_literal(value) %}
    {%- if value is none -%} null
    {%- elif value is sameas true or value is sameas false -%} {{ 'true' if value else 'false' }}
    {%- elif value is number -%} {{ value }}
    {%- elif value.isoformat is defined -%} '{{ value.isoformat() }}'
    {%- else -%} '{{ value | string | replace('\\', '\\\\') | replace("'", "\\'") }}'
    {%- endif -%}
{% endmacro %}

{% macro spark__load_csv_rows(model, agate_table) %}
    {% set column_override = model['config'].get('column_types', {}) %}
    {% set types = [] %}
    {% for col_name in agate_table.column_names %}
        {% do types.append(column_override.get(col_name, adapter.convert_type(agate_table, loop.index0))) %}
    {% endfor %}
    {% set statements = [] %}
    {% for chunk in agate_table.rows | batch(get_batch_size()) %}
        {% set sql %}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for value in row -%}
                    cast({{ spark_seed_literal(value) }} as {{ types[loop.index0] }})
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {% endfor %}
        {% endset %}
        {% do adapter.add_query(sql, abridge_sql_log=True) %}
        {% if loop.index0 == 0 %}
            {% do statements.append(sql) %}
        {% endif %}
    {% endfor %}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}

{#-
    dbt.listagg: dbt-spark ignores order_by_clause (collect_list has no order), so the same list could come
    out in any order. Sort (key, value) pairs instead; keys are the clause's comma-separated expressions,
    ascending, or one expression with `desc`. Nulls are skipped, as string_agg does.
-#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) %}
    {%- if order_by_clause -%}
        {%- set clause = order_by_clause | trim -%}
        {%- if clause[:8] | lower != 'order by' -%}
            {% do exceptions.raise_compiler_error('listagg: expected "order by ...", got ' ~ order_by_clause) %}
        {%- endif -%}
        {%- set keys = clause[8:].split(',') | map('trim') | list -%}
        {%- set descending = keys | length == 1 and keys[0].split()[-1] | lower == 'desc' -%}
        {%- set stripped = [] -%}
        {%- for key in keys -%}
            {%- set words = key.split() -%}
            {%- if words[-1] | lower in ('asc', 'desc') -%}
                {%- if words[-1] | lower == 'desc' and not descending -%}
                    {% do exceptions.raise_compiler_error('listagg on Spark: desc only with a single order key') %}
                {%- endif -%}
                {%- set words = words[:-1] -%}
            {%- endif -%}
            {%- do stripped.append(words | join(' ')) -%}
        {%- endfor -%}
        {%- set pairs -%}
            filter(collect_list(struct({% for key in stripped %}{{ key }} as k{{ loop.index }}, {% endfor %}{{ measure }} as v)), x -> x.v is not null)
        {%- endset -%}
        {%- set ordered = 'reverse(array_sort(' ~ pairs ~ '))' if descending else 'array_sort(' ~ pairs ~ ')' -%}
        {%- set values = 'transform(' ~ ordered ~ ', x -> x.v)' -%}
    {%- else -%}
        {%- set values = 'collect_list(' ~ measure ~ ')' -%}
    {%- endif -%}
    {%- if limit_num -%}
        {%- set values = 'slice(' ~ values ~ ', 1, ' ~ limit_num ~ ')' -%}
    {%- endif -%}
    array_join({{ values }}, {{ delimiter_text }})
{% endmacro %}

{#- `with x as {{ inlined_cte() }} (...)`: DuckDB materialises a CTE read more than once, and a CTE of the
    10M-row activity stream (5 GB in memory) then spills to disk under the memory cap; inlined, each read
    scans only the Parquet columns it needs. Spark inlines CTEs itself and has no such keyword. -#}
{% macro inlined_cte() -%}
    {{ 'not materialized' if target.type == 'duckdb' }}
{%- endmacro %}
