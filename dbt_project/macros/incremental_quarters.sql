{#-
    Quarterly marts, incremental by calendar quarter. A row of such a mart totals fact rows of one quarter
    (`quarter` is one of its keys), so a nightly run re-totals only the quarters holding a day the landing
    zone changed since the mart was built: those quarters are deleted first (a quarter whose every day a
    newer export emptied loses its rows), then their rows written. The mart keeps two bookkeeping columns,
    written by mart_build_columns(): `factor_release_sha256` (another hash than this run's means a seed
    changed: every quarter is re-totalled, as every day of the facts is rebuilt) and `landed_through`, the
    newest landing time in the partition index when the quarter was totalled, against which the changed
    days are found (incremental_days.sql reads the same index for the facts). A changed dbt project
    rebuilds all history, as for the facts. On Spark the marts stay tables, rebuilt whole.
-#}

{% macro incremental_by_quarter_config() %}
    {%- if target.type == 'spark' -%}
        {{ return({'materialized': 'table'}) }}
    {%- endif -%}
    {{ return({'materialized': 'incremental', 'incremental_strategy': 'delete+insert', 'unique_key': 'quarter',
               'on_schema_change': 'fail', 'pre_hook': '{{ clear_changed_quarters() }}'}) }}
{% endmacro %}

{#- The first days of the calendar quarters to re-total (ISO dates), or none for every quarter. Only
    evaluated at run time, reading only `this` and the partition index. -#}
{% macro changed_quarter_starts() %}
    {%- if not execute or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set built = run_query("select max(factor_release_sha256), count(landed_through) from " ~ this).rows[0] -%}
    {#- an empty mart, or one built before anything landed, is re-totalled whole -#}
    {%- if built[0] != var('factor_release_sha256') or not built[1] -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set changed = run_query(
        "select distinct cast(cast(" ~ dbt.date_trunc('quarter', 'day') ~ " as date) as " ~ dbt.type_string() ~ ")"
        ~ " from " ~ landing_partition_index()
        ~ " where source in ('" ~ var('activity_sources') | join("', '") ~ "')"
        ~ " and landed_at > (select max(landed_through) from " ~ this ~ ") order by 1"
    ) -%}
    {{ return(changed.columns[0].values() | list) }}
{% endmacro %}

{#- A where-clause term on a fact's `date_column`: the changed quarters' days on an incremental run (no
    row when none changed), every row on a full build. -#}
{% macro changed_quarters_predicate(date_column='usage_date') %}
    {%- set starts = changed_quarter_starts() if is_incremental() else none -%}
    {%- if starts is none -%}
1 = 1
    {%- elif starts | length == 0 -%}
1 = 0
    {%- else -%}
({% for start in starts %}({{ date_column }} >= cast('{{ start }}' as date) and {{ date_column }} < {{ dbt.dateadd('month', 3, "cast('" ~ start ~ "' as date)") }}){% if not loop.last %} or {% endif %}{% endfor %})
    {%- endif -%}
{% endmacro %}

{#- '2026Q4' for a quarter's first day '2026-10-01': the label quarter_label() gives its days. -#}
{% macro quarter_of_start(start) -%}
    {%- set start = start | string -%}
    {{ start[:4] }}Q{{ (start[5:7] | int - 1) // 3 + 1 }}
{%- endmacro %}

{#- Pre-hook of a quarterly mart: remove the rows of every changed quarter before its new rows are
    written; nothing on a full build or when every quarter is re-totalled. -#}
{% macro clear_changed_quarters() %}
    {%- set starts = changed_quarter_starts() if execute and is_incremental() else none -%}
    {%- if not starts -%}
        {{ return('') }}
    {%- endif -%}
    {{ return("delete from " ~ this ~ " where quarter in (" ~ quarter_labels(starts) ~ ")") }}
{% endmacro %}

{% macro quarter_labels(starts) -%}
    {%- for start in starts -%}'{{ quarter_of_start(start) }}'{% if not loop.last %}, {% endif %}{%- endfor -%}
{%- endmacro %}

{#- The bookkeeping columns of a quarterly mart (see above), after its figures. -#}
{% macro mart_build_columns() -%}
    '{{ var("factor_release_sha256") }}' as factor_release_sha256,
    (select max(landed_at) from {{ landing_partition_index() }}
     where source in ('{{ var('activity_sources') | join("', '") }}')) as landed_through
{%- endmacro %}
