{#- Intensity per unit of work and per unit of spend, by quarter, vendor and model or channel. -#}
{{ config(**incremental_by_period_config('quarter')) }}
with base as (
    select
        quarter,
        vendor,
        coalesce(model, ad_format, service) as model_or_channel,
        sum(co2e_location_kg + coalesce(co2e_embodied_kg, 0)) as kgco2e,
        sum(case when activity_type in ('llm_output_tokens', 'llm_input_tokens', 'llm_cached_input_tokens',
                                         'llm_cache_write_tokens', 'embedding_tokens') then quantity end) as tokens,
        sum(case when activity_type = 'images' then quantity end) as images,
        sum(case when activity_type = 'ad_impressions' then quantity end) as impressions,
        sum(cast(cost_amount as double)) as spend,
        min(cost_currency) as spend_currency,
        count(distinct cost_currency) as spend_currencies
    from {{ ref('fct_activity_impacts') }}
    where {{ changed_periods_predicate('quarter') }}
    group by 1, 2, 3
)

select
    *,
    1000 * 1000 * kgco2e / nullif(tokens, 0) as gco2e_per_1k_tokens,
    1000 * kgco2e / nullif(images, 0) as gco2e_per_image,
    1000 * 1000 * kgco2e / nullif(impressions, 0) as gco2e_per_1k_impressions,
    case when spend_currencies = 1 then 1000 * kgco2e / nullif(spend, 0) end as gco2e_per_currency_unit,
    {{ mart_build_columns() }}
from base
