{#-
    LLM token usage per vendor, day, model, token class and batch or not: the quantities a vendor's price
    list prices (input, output, cached input, 5-minute and 1-hour cache writes; batch at its own rate).
    Cost reconciliation prices these rows (warehouse/reconcile.py) instead of reading the year of activity
    rows on every run. Incremental by usage day (macros/incremental_days.sql), as the fact it sums; it
    holds two vendors' rows only, so the days to re-sum are those landed after it was built
    (`landed_through`), not after its newest row.
-#}
{{ config(**incremental_by_day_config(watermark='landed_through')) }}
with tokens as (
    select
        usage_date,
        vendor,
        model,
        case
            when activity_type = 'llm_input_tokens' then 'input'
            when activity_type = 'llm_output_tokens' then 'output'
            when activity_type = 'llm_cached_input_tokens' then 'cached_input'
            -- Anthropic reports 5-minute and 1-hour cache writes as two measures of one row
            when source_row like '%1h%' then 'cache_write_1h'
            else 'cache_write_5m'
        end as token_class,
        coalesce(try_cast({{ json_text('attributes', 'batch') }} as boolean), false)
            or coalesce({{ json_text('attributes', 'service_tier') }} = 'batch', false) as is_batch,
        quantity
    from {{ ref('fct_activity_impacts') }}
    where vendor in ('openai', 'anthropic')
        and activity_type in (
            'llm_input_tokens', 'llm_output_tokens', 'llm_cached_input_tokens', 'llm_cache_write_tokens'
        )
        and {{ changed_usage_days_predicate(watermark='landed_through') }}
)

select
    {{ quarter_label('usage_date') }} as quarter,
    usage_date,
    vendor,
    model,
    token_class,
    is_batch,
    sum(quantity) as tokens,
    count(*) as activity_rows,
    {{ landed_through() }},
    {{ factor_release_stamp() }},
    {{ build_stamp() }}
from tokens
group by usage_date, vendor, model, token_class, is_batch
