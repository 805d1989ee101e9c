{#-
    Data tests of the incremental-by-day tables check the days this build rewrote, not all history.

    A nightly build rewrites a few usage days of int_activity_unioned and the facts (incremental_days.sql);
    every other day is exactly as the last successful build left it, and that build's tests passed (a
    failing error test fails the build, and a failed build is never published: warehouse/publish.py). So
    a row-level test (row_rules, not_null, accepted_values, non_negative, ordered_bounds, relationships from the
    table) needs only the rewritten days' rows, and uniqueness needs only the keys that occur in them
    (`unique_incremental`: a rewritten row may still collide with a row of another day). The days are
    found by `usage_date`, so its own not_null test reads every row. At 10M rows the unscoped tests
    re-read every row of history on every nightly build.

    The scope applies only when the build asks for it (var `scope_tests_to_rebuilt_days`, which the Dagster
    dbt step sets: it always runs models and tests in one `dbt build` and publishes only on success). A
    `dbt test` or `dbt build` by hand checks every row, and so does any build that rewrote every day
    (a first build, a full refresh, a new factor release).
-#}

{#- The usage days of `relation` written by this invocation, or none when every row must be checked
    (no row of it is older). Two small reads, not a scan of history: the rows this invocation wrote sit in
    row groups of their own (a build appends them), which the filter on dbt_invocation_id finds from the
    row groups' min/max alone, and one older row answers whether any exists. -#}
{% macro rebuilt_days(relation, date_column='usage_date') %}
    {%- if not execute or not var('scope_tests_to_rebuilt_days', false) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set stamp = "dbt_invocation_id = '" ~ invocation_id ~ "'" -%}
    {%- set older = run_query(
        "select count(*) from (select 1 from " ~ relation ~ " where not (" ~ stamp ~ ") and "
        ~ date_column ~ " is not null limit 1) as older"
    ).columns[0].values()[0] -%}
    {%- if not older -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set days = run_query(
        "select distinct cast(" ~ date_column ~ " as " ~ dbt.type_string() ~ ") from " ~ relation
        ~ " where " ~ stamp ~ " and " ~ date_column ~ " is not null"
    ).columns[0].values() -%}
    {{ return(days | sort) }}
{% endmacro %}

{#- dbt's where-subquery of a data test, with one more term for the `where` config: `__rebuilt_days__`,
    the rows of the usage days this build rewrote (rebuilt_days; it may be combined with other conditions).
    The tested model must carry `dbt_invocation_id` and `usage_date`. Any other `where` is dbt's own. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') or '' -%}
    {%- if '__rebuilt_days__' in where -%}
        {%- set where = where.replace('__rebuilt_days__', '(' ~ usage_days_predicate(rebuilt_days(relation)) ~ ')') -%}
    {%- endif -%}
    {%- if where -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
