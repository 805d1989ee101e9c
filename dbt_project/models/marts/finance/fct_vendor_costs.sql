{#-
    Vendor cost by day: cost-only rows from cost reports and billing exports, and the cost carried on
    usage rows, with their source rows. The basis for reconciliation and spend-based estimates.
    Incremental by usage day (macros/incremental_days.sql), as the facts are: a nightly build rewrites
    the days whose activity changed, not the year of cost rows.
-#}
{{ config(**incremental_by_day_config()) }}
select
    activity_id,
    {{ quarter_label('usage_date') }} as quarter,
    usage_date,
    source,
    dataset,
    vendor,
    service,
    model,
    model_raw,
    case when activity_type = 'spend' then 'cost_report' else 'usage_row' end as cost_origin,
    activity_type,
    project,
    workspace,
    account,
    api_key_id,
    region,
    country,
    {{ cost_columns() | join(', ') }},
    attributes,
    source_file,
    source_row,
    source_sha256,
    ingested_at,
    {{ factor_release_stamp() }},
    {{ build_stamp() }}
from {{ ref('int_activity_unioned') }}
where (activity_type = 'spend' or cost_amount is not null) and {{ changed_usage_days_predicate() }}
