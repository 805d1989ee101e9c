{#-
    Incremental tables by usage day. A nightly run rebuilds only the days the landing zone changed since
    the table was last built: a re-landed day arrives with a new ingested_at and replaces the whole day,
    and a day a newer export emptied is cleared (every changed day is deleted first, then its new rows
    written: delete+insert on DuckDB, the days' partitions dropped then overwritten on Spark). A new
    factor release (any seed changed: its content hash differs) rebuilds every day. A changed dbt project
    rebuilds all history: the dbt step adds `--full-refresh` (warehouse/build_state.py, rebuild_history).
-#}

{#- `watermark`: the column whose newest value a changed day was landed after (see changed_usage_days). -#}
{% macro incremental_by_day_config(watermark='ingested_at') %}
    {%- if target.type == 'spark' -%}
        {%- set settings = {'materialized': 'incremental', 'incremental_strategy': 'insert_overwrite',
                            'partition_by': ['usage_date'], 'file_format': 'parquet', 'on_schema_change': 'fail'} -%}
    {%- else -%}
        {%- set settings = {'materialized': 'incremental', 'incremental_strategy': 'delete+insert',
                            'unique_key': 'usage_date', 'on_schema_change': 'fail'} -%}
    {%- endif -%}
    {#- delete+insert and a partition overwrite replace only the days present in the new rows: a changed
        day that comes back with no rows (emptied by a newer export, or with no row this table keeps)
        would keep its old ones -#}
    {%- do settings.update({'pre_hook': "{{ clear_changed_days(watermark='" ~ watermark ~ "') }}"}) -%}
    {{ return(settings) }}
{% endmacro %}

{#- The landing zone's partition index (connectors/landing/zone.py): one row per landed source, dataset
    and usage day with the time it was landed (the `ingested_at` of its rows); a day a newer export
    emptied keeps its row, with 0 rows. Read in place, as dbt-duckdb reads the landed Parquet. -#}
{% macro landing_partition_index() %}
    {%- set path = env_var('EWH_LANDING_DIR') ~ '/partitions.parquet' -%}
    {%- if target.type == 'spark' -%}
        {{ return('parquet.`' ~ path ~ '`') }}
    {%- endif -%}
    {{ return("read_parquet('" ~ path ~ "')") }}
{% endmacro %}

{#- The usage days to rebuild, as a literal list (so the filter is pushed down to the table scans),
    or none when every day must be rebuilt. Only evaluated at run time. The release hash the figures
    were built with (`factor_release_sha256`) is read from this model itself, so every incremental model
    carries that column; any other hash than this run's means a seed changed and every day is rebuilt.
    The changed days are the activity partitions landed after this model's newest row (`ingested_at`),
    read from the landing zone's partition index: one small file, where the landed rows' own timestamps
    are spread over every partition file of the year (about 13,000 at 10M rows), and the only record of
    a day emptied by a newer export. A day whose new rows lost to another route, or hold no row of this
    table, is rebuilt to the same rows. Only `this` is queried: nothing downstream is read at compile
    time. A table that keeps the rows of some sources only (or sums them) sets `watermark` to
    `landed_through` (landed_through): the newest landing of any source when it was built, so a day
    another source landed since is not taken for changed on every run. -#}
{% macro changed_usage_days(watermark='ingested_at') %}
    {%- if not execute or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set built = run_query("select max(factor_release_sha256) from " ~ this) -%}
    {%- if built.columns[0].values()[0] != var('factor_release_sha256') -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set changed = run_query(
        "select distinct cast(day as " ~ dbt.type_string() ~ ") from " ~ landing_partition_index()
        ~ " where source in ('" ~ var('activity_sources') | join("', '") ~ "')"
        ~ " and landed_at > (select max(" ~ watermark ~ ") from " ~ this ~ ") order by 1"
    ) -%}
    {{ return(changed.columns[0].values() | list) }}
{% endmacro %}

{#- A predicate for an incremental fact's where-clause: only the changed days (possibly none) on an
    incremental run, every row on a full build. -#}
{% macro changed_usage_days_predicate(date_column='usage_date', watermark='ingested_at') %}
    {%- set days = changed_usage_days(watermark) if is_incremental() else none -%}
    {{- usage_days_predicate(days, date_column) -}}
{% endmacro %}

{#- `date_column` in `days` (a list of ISO dates): every row when `days` is none, no row when it is empty. -#}
{% macro usage_days_predicate(days, date_column='usage_date') %}
    {%- if days is none -%}
1 = 1
    {%- elif days | length == 0 -%}
1 = 0
    {%- else -%}
{{ date_column }} in ({% for day in days %}cast('{{ day }}' as date){% if not loop.last %}, {% endif %}{% endfor %})
    {%- endif -%}
{% endmacro %}

{#- The build that wrote a row of an incremental-by-day table: every row of a rebuilt day carries this
    invocation's id (dbt's `invocation_id`, also in meta_build_log), so a test can find what was rewritten. -#}
{% macro build_stamp() -%}
    '{{ invocation_id }}' as dbt_invocation_id
{%- endmacro %}

{#- Pre-hook of an incremental-by-day model: remove the rows of every changed day before the new rows
    are written (DuckDB: one delete; Spark: the days' partitions dropped). Nothing on a full build, or
    when every day is rebuilt (the table is then replaced or every day rewritten). -#}
{% macro clear_changed_days(date_column='usage_date', watermark='ingested_at') %}
    {%- set days = changed_usage_days(watermark) if execute and is_incremental() else none -%}
    {%- if not days -%}
        {{ return('') }}
    {%- endif -%}
    {%- if target.type == 'spark' -%}
        {%- for day in days -%}
            {%- do run_query("alter table " ~ this ~ " drop if exists partition (" ~ date_column ~ " = '" ~ day ~ "')") -%}
        {%- endfor -%}
        {{ return('') }}
    {%- endif -%}
    {{ return('delete from ' ~ this ~ ' where ' ~ usage_days_predicate(days, date_column)) }}
{% endmacro %}

{#- `landed_through`: the newest landing time in the partition index when the table was built; the
    watermark of the period marts (mart_build_columns) and of a day table that keeps some sources' rows. -#}
{% macro landed_through() -%}
    (select max(landed_at) from {{ landing_partition_index() }}
     where source in ('{{ var('activity_sources') | join("', '") }}')) as landed_through
{%- endmacro %}
