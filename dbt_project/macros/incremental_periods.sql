{#-
    Marts incremental by period: a calendar quarter (`quarter`) or a fiscal year (`fiscal_year`). A row of
    such a mart totals fact rows of one period (the period is one of its keys), so a nightly run re-totals
    only the periods holding a day the landing zone changed since the mart was built: those periods are
    deleted first (a period whose every day a newer export emptied loses its rows), then their rows
    written. The mart keeps two bookkeeping columns, written by mart_build_columns():
    `factor_release_sha256` (another hash than this run's means a seed changed: every period is
    re-totalled, as every day of the facts is rebuilt) and `landed_through`, the newest landing time in the
    partition index when the period was totalled, against which the changed days are found
    (incremental_days.sql reads the same index for the facts). A changed dbt project rebuilds all history,
    as for the facts. On Spark these marts stay tables, rebuilt whole.
-#}

{#- grain: 'quarter' or 'fiscal_year', the mart's column of that name being its period key. -#}
{% macro incremental_by_period_config(grain) %}
    {%- if target.type == 'spark' -%}
        {{ return({'materialized': 'table'}) }}
    {%- endif -%}
    {{ return({'materialized': 'incremental', 'incremental_strategy': 'delete+insert', 'unique_key': grain,
               'on_schema_change': 'fail', 'pre_hook': "{{ clear_changed_periods('" ~ grain ~ "') }}"}) }}
{% endmacro %}

{#- The first day of the period of `grain` holding the date `column`, as a date. -#}
{% macro period_start(grain, column) %}
    {%- if grain == 'quarter' -%}
        cast({{ dbt.date_trunc('quarter', column) }} as date)
    {%- else -%}
        {%- set shift = var('fiscal_year_start_month') - 1 -%}
        cast({{ dbt.dateadd('month', shift, dbt.date_trunc('year', dbt.dateadd('month', -shift, column))) }} as date)
    {%- endif -%}
{% endmacro %}

{% macro period_months(grain) %}
    {{ return(3 if grain == 'quarter' else 12) }}
{% endmacro %}

{#- The first days of the periods to re-total (ISO dates), or none for every period. Only evaluated at
    run time, reading only `this` and the partition index. -#}
{% macro changed_period_starts(grain) %}
    {%- if not execute or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set built = run_query("select max(factor_release_sha256), count(landed_through) from " ~ this).rows[0] -%}
    {#- an empty mart, or one built before anything landed, is re-totalled whole -#}
    {%- if built[0] != var('factor_release_sha256') or not built[1] -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set changed = run_query(
        "select distinct cast(" ~ period_start(grain, 'day') ~ " as " ~ dbt.type_string() ~ ")"
        ~ " from " ~ landing_partition_index()
        ~ " where source in ('" ~ var('activity_sources') | join("', '") ~ "')"
        ~ " and landed_at > (select max(landed_through) from " ~ this ~ ") order by 1"
    ) -%}
    {{ return(changed.columns[0].values() | list) }}
{% endmacro %}

{#- A where-clause term on a fact's `date_column`: the changed periods' days on an incremental run (no
    row when none changed), every row on a full build. Date ranges, so the scan skips other row groups. -#}
{% macro changed_periods_predicate(grain, date_column='usage_date') %}
    {%- set starts = changed_period_starts(grain) if is_incremental() else none -%}
    {%- if starts is none -%}
1 = 1
    {%- elif starts | length == 0 -%}
1 = 0
    {%- else -%}
({% for start in starts %}({{ date_column }} >= cast('{{ start }}' as date) and {{ date_column }} < {{ dbt.dateadd('month', period_months(grain), "cast('" ~ start ~ "' as date)") }}){% if not loop.last %} or {% endif %}{% endfor %})
    {%- endif -%}
{% endmacro %}

{#- The period key of the period starting on `start` (an ISO date): '2026Q4' as quarter_label() writes it,
    or the fiscal year (named after the calendar year it ends in, as fiscal_year() does). -#}
{% macro period_key(grain, start) -%}
    {%- set start = start | string -%}
    {%- if grain == 'quarter' -%}
        '{{ start[:4] }}Q{{ (start[5:7] | int - 1) // 3 + 1 }}'
    {%- else -%}
        {{ start[:4] | int + (1 if var('fiscal_year_start_month') > 1 else 0) }}
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook of a mart incremental by period: remove the rows of every changed period before its new
    rows are written; nothing on a full build or when every period is re-totalled. -#}
{% macro clear_changed_periods(grain) %}
    {%- set starts = changed_period_starts(grain) if execute and is_incremental() else none -%}
    {%- if not starts -%}
        {{ return('') }}
    {%- endif -%}
    {%- set keys = [] -%}
    {%- for start in starts -%}
        {%- do keys.append(period_key(grain, start) | trim) -%}
    {%- endfor -%}
    {{ return("delete from " ~ this ~ " where " ~ grain ~ " in (" ~ keys | join(', ') ~ ")") }}
{% endmacro %}

{#- The bookkeeping columns of a mart incremental by period (see above), after its figures. -#}
{% macro mart_build_columns() -%}
    '{{ var("factor_release_sha256") }}' as factor_release_sha256,
    {{ landed_through() }}
{%- endmacro %}
