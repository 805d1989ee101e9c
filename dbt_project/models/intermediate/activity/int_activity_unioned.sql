{#-
    One activity stream with each vendor report counted once. A report can arrive by several routes
    (the OpenAI Usage API and the dashboard CSV export, say; Mistral's organisation-wide and
    per-workspace billing exports); per report family and usage day one route wins: the route of lowest
    `precedence` (source_report_families; 0 when unlisted), and among equals the one whose data for that
    day landed most recently, exactly as a re-export replaces a day within one source. A route is a
    source and the seed row its dataset matches (`dataset` may be a LIKE pattern: all per-workspace
    datasets are one route). The losing rows stay visible in int_activity_superseded.
    Materialised incrementally by usage day (macros/incremental_days.sql): the one table every fact and
    cost model reads, so the landed Parquet files are scanned once per run, for the changed days only.
    A new factor release (source_report_families is a seed) rebuilds every day, as the facts do: the
    release hash is kept on every row (`factor_release_sha256`), read back by the macro from this table.
-#}
{{ config(**incremental_by_day_config()) }}
with landed as (
    select
        l.*,
        coalesce(f.report_family, l.source || '.' || l.dataset) as report_family
    from {{ ref('int_activity_landed') }} as l
    left join {{ ref('source_report_families') }} as f
        on l.source = f.source and l.dataset like f.dataset
    where {{ changed_usage_days_predicate('l.usage_date') }}
),

routed as (
    select
        l.activity_id,
        coalesce(f.dataset, l.dataset) as route,
        coalesce(f.precedence, 0) as precedence
    from landed as l
    left join {{ ref('source_report_families') }} as f
        on l.source = f.source and l.dataset like f.dataset
),

route_days as (
    select l.report_family, l.usage_date, l.source, r.route, r.precedence, max(l.ingested_at) as landed_at
    from landed as l
    inner join routed as r on l.activity_id = r.activity_id
    group by l.report_family, l.usage_date, l.source, r.route, r.precedence
),

winners as (
    select
        report_family,
        usage_date,
        source,
        route,
        row_number() over (
            partition by report_family, usage_date order by precedence, landed_at desc, source, route
        ) as rank_in_day
    from route_days
)

select
    landed.*,
    '{{ var("factor_release_sha256") }}' as factor_release_sha256
from landed
inner join routed as r on landed.activity_id = r.activity_id
inner join winners as w
    on landed.report_family = w.report_family
    and landed.usage_date = w.usage_date
    and landed.source = w.source
    and r.route = w.route
where w.rank_in_day = 1
