{#- Energy, carbon and spend per 1,000 LLM tokens, per quarter, vendor and model, with who made the model
    (the registry its factor comes from; for the Hugging Face registry the organisation) and whether any of
    its rows rests on a fallback (`is_fallback`): a savings comparison must know both. -#}
{{ config(**incremental_by_period_config('quarter')) }}
with usage as (
    select
        quarter,
        vendor,
        model,
        sum(case when activity_type <> 'llm_requests' then quantity else 0 end) as tokens,
        sum(case when activity_type = 'llm_output_tokens' then quantity else 0 end) as output_tokens,
        sum(energy_kwh) as energy_kwh,
        sum(co2e_location_kg + coalesce(co2e_embodied_kg, 0)) as kgco2e,
        max(method_tier) as method_tier,
        max(case when is_fallback then 1 else 0 end) = 1 as rests_on_fallback,
        -- regexp_extract has the same signature on DuckDB and Spark; [.] avoids escapes in either dialect
        min(case
            when model_factor_id like 'llm.huggingface.%'
                then regexp_extract(model_factor_id, '^llm[.]huggingface[.]([^/]+)/', 1)
            when model_factor_id like 'llm.%' then regexp_extract(model_factor_id, '^llm[.]([^.]+)[.]', 1)
        end) as model_maker
    from {{ ref('fct_activity_impacts') }}
    where activity_type like 'llm%' and model is not null and {{ changed_periods_predicate('quarter') }}
    group by 1, 2, 3
),

spend as (
    select quarter, vendor, model, sum(cast(cost_amount as double)) as spend, min(cost_currency) as currency,
           count(distinct cost_currency) as currencies
    from {{ ref('fct_vendor_costs') }}
    where model is not null and {{ changed_periods_predicate('quarter') }}
    group by 1, 2, 3
)

select
    u.*,
    1e6 * u.energy_kwh / nullif(u.tokens, 0) as wh_per_1k_tokens,
    1e6 * u.kgco2e / nullif(u.tokens, 0) as gco2e_per_1k_tokens,
    case when s.currencies = 1 then 1000 * s.spend / nullif(u.tokens, 0) end as spend_per_1k_tokens,
    case when s.currencies = 1 then s.currency end as spend_currency,
    {{ mart_build_columns() }}
from usage as u
left join spend as s on u.quarter = s.quarter and u.vendor = s.vendor and u.model = s.model
