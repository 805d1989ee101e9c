{#-
    One activity stream with each vendor report counted once. A report can arrive by several routes
    (the OpenAI Usage API and the dashboard CSV export, say); per report family and usage day, the
    source whose data for that day landed most recently wins, exactly as a re-export replaces a day
    within one source. The losing rows stay visible in int_activity_superseded.
    Materialised incrementally by usage day (macros/incremental_days.sql): the one table every fact and
    cost model reads, so the landed Parquet files are scanned once per run, for the changed days only.
    A new factor release (source_report_families is a seed) rebuilds every day, as the facts do.
-#}
{{ config(**incremental_by_day_config()) }}
with landed as (
    select
        l.*,
        coalesce(f.report_family, l.source || '.' || l.dataset) as report_family
    from {{ ref('int_activity_landed') }} as l
    left join {{ ref('source_report_families') }} as f
        on l.source = f.source and l.dataset = f.dataset
    where {{ changed_usage_days_predicate('l.usage_date', release_table='fct_activity_impacts') }}
),

source_days as (
    select report_family, usage_date, source, max(ingested_at) as landed_at
    from landed
    group by report_family, usage_date, source
),

winners as (
    select
        report_family,
        usage_date,
        source,
        row_number() over (
            partition by report_family, usage_date order by landed_at desc, source
        ) as rank_in_day
    from source_days
)

select landed.*
from landed
inner join winners as w
    on landed.report_family = w.report_family
    and landed.usage_date = w.usage_date
    and landed.source = w.source
where w.rank_in_day = 1
