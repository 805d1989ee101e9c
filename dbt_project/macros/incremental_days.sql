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

{#- The usage days to rebuild, as a literal list (so the filter is pushed down to the table scans),
    or none when every day must be rebuilt. Only evaluated at run time. The release hash the figures
    were built with (`factor_release_sha256`) is read from this model itself, so every incremental model
    carries that column; any other hash than this run's means a seed changed and every day is rebuilt.
    The changed days are those of `changes_from` with rows landed after this model's newest
    (`ingested_at`): int_activity_unioned reads the landed Parquet files for them; every model after it
    reads int_activity_unioned, a table built earlier in the same run, whose column scan is cheap where
    the Parquet scan is not (a day whose new rows lost to another route keeps its old rows and figures
    there, so it needs no rebuild). Only `this` and upstream models are queried: nothing downstream is
    read at compile time. -#}
{% macro changed_usage_days(changes_from='int_activity_unioned') %}
    {%- if not execute or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set built = run_query("select max(factor_release_sha256) from " ~ this) -%}
    {%- if built.columns[0].values()[0] != var('factor_release_sha256') -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set changed = run_query(
        "select distinct cast(usage_date as " ~ dbt.type_string() ~ ") from " ~ ref(changes_from)
        ~ " where ingested_at > (select max(ingested_at) from " ~ this ~ ") order by 1"
    ) -%}
    {{ return(changed.columns[0].values() | list) }}
{% endmacro %}

{#- A predicate for an incremental fact's where-clause: only the changed days (possibly none) on an
    incremental run, every row on a full build. -#}
{% macro changed_usage_days_predicate(date_column='usage_date', changes_from='int_activity_unioned') %}
    {%- set days = changed_usage_days(changes_from) if is_incremental() else none -%}
    {%- if days is none -%}
1 = 1
    {%- elif days | length == 0 -%}
1 = 0
    {%- else -%}
{{ date_column }} in ({% for day in days %}cast('{{ day }}' as date){% if not loop.last %}, {% endif %}{% endfor %})
    {%- endif -%}
{% endmacro %}
