{#- What the factor registry cannot size, and the fallback each got: the run's warning list.
    Two kinds of row: a model no registry identifies (activity_without_method null: its rows got a size,
    price-class or unknown tier), and an activity type with no energy method at all (no_factor: e.g. web
    searches), named in activity_without_method so it never reads as an unknown model. Seat tools that
    report only active user-days (seat_active_user_day) are a fallback too, but of the tool, not of an
    unknown model: they are flagged in fallback_rows and the data-quality marts and the report's seat table. -#}
select
    vendor,
    model_raw,
    model,
    method_tier,
    model_factor_id,
    case when method_tier = 'no_factor' then activity_type end as activity_without_method,
    count(*) as activity_rows,
    sum(case when activity_type = 'llm_output_tokens' then quantity else 0 end) as output_tokens,
    sum(energy_kwh) as energy_kwh,
    min(usage_date) as first_usage_date,
    max(usage_date) as last_usage_date
from {{ ref('fct_activity_impacts') }}
where is_fallback and activity_type <> 'spend' and method_tier <> 'seat_active_user_day'
group by 1, 2, 3, 4, 5, 6
