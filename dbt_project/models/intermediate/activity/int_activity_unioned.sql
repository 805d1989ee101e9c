{#-
    One activity stream with each vendor report counted once. A report can arrive by several routes
    (the OpenAI Usage API and the dashboard CSV export, say; Mistral's organisation-wide and
    per-workspace billing exports); per report family and usage day one route wins: the route of lowest
    `precedence` (source_report_families; 0 when unlisted), and among equals the one whose data for that
    day landed most recently, exactly as a re-export replaces a day within one source. A route is a
    source and the seed row its dataset matches (`dataset` may be a LIKE pattern: all per-workspace
    datasets are one route). The losing rows stay visible in int_activity_superseded.
    Materialised incrementally by usage day (macros/incremental_days.sql): the one table every fact and
    cost model reads, so the landed Parquet files are read by this model alone, a nightly only the changed
    days' files (macros/stage_activity.sql, landed_activity). `landed` is inlined into its three reads:
    two read a few narrow columns, and a materialised 10M-row stream would spill to disk.
    A new factor release (source_report_families is a seed) rebuilds every day, as the facts do: the
    release hash is kept on every row (`factor_release_sha256`), read back by the macro from this table.
    A cost report that states token quantities (the OpenAI Costs API, the Anthropic cost report: issue #13
    class 2) restates what the vendor's usage reports measure. `covered_by_usage` marks its rows that
    another row of the same vendor and day already counts: its token lines on days the vendor's usage
    reports have rows, its spend on days any usage rows exist (the cost report's own token lines count
    as usage when no usage report came). int_activity_usage and int_spend_impacts_computed leave them
    out, int_activity_superseded lists them. Decided here, within the day, so that no model downstream
    reads the activity twice.
-#}
{%- set cost_reports = "('openai.costs', 'anthropic.cost_report')" -%}
{{ config(**incremental_by_day_config()) }}
{%- set days = changed_usage_days() if is_incremental() else none %}
with landed as {{ inlined_cte() }} (
    -- a route is a source and the seed row its dataset matches; one join gives the family and the route
    select
        l.*,
        coalesce(f.report_family, l.source || '.' || l.dataset) as report_family,
        coalesce(f.dataset, l.dataset) as route,
        coalesce(f.precedence, 0) as precedence,
        coalesce(f.report_family, l.source || '.' || l.dataset, '') in {{ cost_reports }} as from_cost_report
    from {{ landed_activity(days) }} as l
    left join {{ ref('source_report_families') }} as f
        on l.source = f.source and l.dataset like f.dataset
    where {{ usage_days_predicate(days, 'l.usage_date') }}
),

route_days as (
    select report_family, usage_date, source, route, precedence, max(ingested_at) as landed_at
    from landed
    group by report_family, usage_date, source, route, precedence
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
),

winning as (
    select report_family, usage_date, source, route from winners where rank_in_day = 1
),

vendor_days as (
    -- the rows are joined to a few thousand winning routes and vendor days, never row to row
    select
        coalesce(l.vendor, '') as vendor_key,
        l.usage_date,
        max(case when l.activity_type <> 'spend' and not l.from_cost_report then 1 else 0 end) as day_has_usage_report,
        max(case when l.activity_type <> 'spend' then 1 else 0 end) as day_has_usage
    from landed as l
    inner join winning as w
        on l.report_family = w.report_family and l.usage_date = w.usage_date
        and l.source = w.source and l.route = w.route
    group by coalesce(l.vendor, ''), l.usage_date
)

select
    {% for column in activity_columns() %}l.{{ column }}, {% endfor %}
    l.report_family,
    l.from_cost_report and (
        case when l.activity_type = 'spend' then v.day_has_usage else v.day_has_usage_report end
    ) = 1 as covered_by_usage,
    '{{ var("factor_release_sha256") }}' as factor_release_sha256,
    {{ build_stamp() }}
from landed as l
inner join winning as w
    on l.report_family = w.report_family and l.usage_date = w.usage_date
    and l.source = w.source and l.route = w.route
inner join vendor_days as v on coalesce(l.vendor, '') = v.vendor_key and l.usage_date = v.usage_date
