{#-
    Incremental facts by usage day. A nightly run rebuilds only the days whose landed rows changed since
    the table was last built (a re-landed day arrives with a new ingested_at and replaces the whole
    day: delete+insert on DuckDB, dynamic partition overwrite on Spark). A new factor release (any seed
    changed: its content hash differs) rebuilds every day. Changes to model SQL need `--full-refresh`.
-#}

{% macro incremental_by_day_config() %}
    {%- if target.type == 'spark' -%}
        {{ return({'materialized': 'incremental', 'incremental_strategy': 'insert_overwrite',
                   'partition_by': ['usage_date'], 'file_format': 'parquet', 'on_schema_change': 'fail'}) }}
    {%- else -%}
        {{ return({'materialized': 'incremental', 'incremental_strategy': 'delete+insert',
                   'unique_key': 'usage_date', 'on_schema_change': 'fail'}) }}
    {%- endif -%}
{% endmacro %}

{#- The usage days to rebuild, as a literal list (so the filter is pushed down to the Parquet scans),
    or none when every day must be rebuilt. Only evaluated at run time. The release hash the figures
    were built with (`factor_release_sha256`) is read from `release_table` (default: this model); any
    other hash than this run's means a seed changed and every day is rebuilt. A model without factor
    columns names a downstream fact that has them (read before that fact is rebuilt in this run). -#}
{% macro changed_usage_days(release_table=none) %}
    {%- if not execute or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set holder = this if release_table is none
        else adapter.get_relation(database=this.database, schema=this.schema, identifier=release_table) -%}
    {%- if holder is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set built = run_query("select max(factor_release_sha256) from " ~ holder) -%}
    {%- if built.columns[0].values()[0] != var('factor_release_sha256') -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set changed = run_query(
        "select distinct cast(usage_date as " ~ dbt.type_string() ~ ") from " ~ ref('int_activity_landed')
        ~ " where ingested_at > (select max(ingested_at) from " ~ this ~ ") order by 1"
    ) -%}
    {{ return(changed.columns[0].values() | list) }}
{% endmacro %}

{#- A predicate for an incremental fact's where-clause: only the changed days (possibly none) on an
    incremental run, every row on a full build. -#}
{% macro changed_usage_days_predicate(date_column='usage_date', release_table=none) %}
    {%- set days = changed_usage_days(release_table) if is_incremental() else none -%}
    {%- if days is none -%}
1 = 1
    {%- elif days | length == 0 -%}
1 = 0
    {%- else -%}
{{ date_column }} in ({% for day in days %}cast('{{ day }}' as date){% if not loop.last %}, {% endif %}{% endfor %})
    {%- endif -%}
{% endmacro %}
