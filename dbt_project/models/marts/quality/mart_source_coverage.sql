{#-
    What each quarter's figures rest on, per source: the first and last day with landed rows and the days
    without any, so a partial quarter, a late source or a gap is visible beside every figure (ewh summary,
    the report, the exports). A day counts as covered when the source landed at least one row for it;
    a day without usage also shows as missing, since an export cannot tell "nothing used" from "not sent".
    The warehouse's newest day (`as_of`, over all sources) caps the current quarter: future days are not
    missing. `quarter_complete`: the warehouse holds days up to the quarter's end.
-#}
with days as (
    select distinct
        quarter,
        source,
        usage_date,
        cast({{ dbt.date_trunc('quarter', 'usage_date') }} as date) as quarter_start
    from {{ ref('fct_activity_impacts') }}
),

as_of as (
    select max(usage_date) as as_of from days
),

per_source as (
    select
        quarter,
        source,
        quarter_start,
        min(usage_date) as first_usage_date,
        max(usage_date) as last_usage_date,
        count(*) as days_with_data
    from days
    group by quarter, source, quarter_start
),

bounded as (
    select
        p.*,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 3, 'p.quarter_start')) }} as date) as quarter_end,
        a.as_of
    from per_source as p
    cross join as_of as a
)

select
    quarter,
    source,
    first_usage_date,
    last_usage_date,
    days_with_data,
    quarter_start,
    quarter_end,
    case when as_of < quarter_end then as_of else quarter_end end as covered_until,
    {{ dbt.datediff('quarter_start', 'case when as_of < quarter_end then as_of else quarter_end end', 'day') }}
        + 1 - days_with_data as days_missing,
    as_of >= quarter_end as quarter_complete
from bounded
