{#- One landed source in the canonical activity schema, with explicit types so every adapter agrees. -#}
{% macro stage_activity(source_name) %}
select {{ typed_activity_columns() }}
from {{ source('landing', source_name) }}
{% endmacro %}

{#- The canonical activity columns as read from landed Parquet, typed. -#}
{% macro typed_activity_columns() %}
{%- set typed = {
    'quantity': 'cast(quantity as double) as quantity',
    'usage_date': 'cast(usage_date as date) as usage_date',
} -%}
{%- for column in activity_columns() %}
    {{ typed.get(column, column) }}{{ ',' if not loop.last }}
{%- endfor %}
{% endmacro %}

{#-
    The landed activity rows of the given usage days, for int_activity_unioned: every landed row
    (int_activity_landed) on a full build; on an incremental DuckDB build, only the partition files of the
    changed days. The landing zone writes one file per source, dataset and usage day
    (`activity/source=<s>/dataset=<d>/usage_date=<day>/part-0.parquet`, connectors/landing/zone.py), so
    the day's files are found by their folder, and the 13,000 files of a year at 10M rows are not each
    opened for their statistics to find one night's day (a nightly's scan: 2 s -> 0.1 s). The usage-day
    filter still applies to the rows read. The first source's typed empty file keeps the schema when no
    file is left for the days (a day a newer export emptied). Spark reads the external tables.
-#}
{% macro landed_activity(days, max_days=62) %}
    {%- if days is none or days | length == 0 or days | length > max_days or target.type != 'duckdb' -%}
        {{ return(ref('int_activity_landed')) }}
    {%- endif -%}
    {%- set root = env_var('EWH_LANDING_DIR') ~ '/activity' -%}
    {%- set globs = [] -%}
    {%- for day in days -%}
        {%- do globs.append("select file from glob('" ~ root ~ "/source=*/dataset=*/usage_date=" ~ day ~ "/*.parquet')") -%}
    {%- endfor -%}
    {%- set found = run_query(
        "select file from (" ~ globs | join(" union all ") ~ ")"
        ~ " where regexp_extract(file, '/source=([^/]+)/dataset=', 1) in ('" ~ var('activity_sources') | join("', '") ~ "')"
        ~ " order by file"
    ) -%}
    {%- set files = [root ~ '/source=' ~ var('activity_sources')[0] ~ '/_empty.parquet'] + (found.columns[0].values() | list) -%}
    {{ return("(select " ~ typed_activity_columns() ~ " from read_parquet(['" ~ files | join("', '") ~ "'], union_by_name = false, hive_partitioning = false))") }}
{% endmacro %}
