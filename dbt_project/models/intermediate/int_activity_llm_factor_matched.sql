{#-
    For each LLM activity row, the one model factor that applies, best first:
    1. the vendor's catalogue entry for the raw model string (dated snapshots are registered too);
       resellers (catalogue '*', e.g. AWS Bedrock) match any catalogue,
    2. the catalogue entry for the normalised model id, then its -latest / -preview alias,
    3. the size tier given by the first matching name pattern (never zero, always flagged).
-#}
with llm as (
    select a.activity_id, a.model, a.model_raw, a.usage_date, p.model_catalog
    from {{ ref('int_activity_usage') }} as a
    left join {{ ref('factor_providers') }} as p
        on a.vendor = p.vendor and a.usage_date between p.valid_from and p.valid_to
    where a.activity_type in ('llm_input_tokens', 'llm_cached_input_tokens', 'llm_cache_write_tokens',
                              'llm_output_tokens', 'llm_requests')
),

candidates as (
    select llm.activity_id, m.factor_id, 1 as preference
    from llm
    inner join {{ ref('factor_llm_models') }} as m
        on (llm.model_catalog = '*' or m.model_catalog = llm.model_catalog)
        and m.model_name = lower(llm.model_raw)
        and llm.usage_date between m.valid_from and m.valid_to
    union all
    select llm.activity_id, m.factor_id, 2 as preference
    from llm
    inner join {{ ref('factor_llm_models') }} as m
        on (llm.model_catalog = '*' or m.model_catalog = llm.model_catalog)
        and m.model_name = llm.model
        and llm.usage_date between m.valid_from and m.valid_to
    union all
    -- the registry keys some families only by their moving alias (mistral-large-latest, *-preview)
    select llm.activity_id, m.factor_id, 3 as preference
    from llm
    inner join {{ ref('factor_llm_models') }} as m
        on (llm.model_catalog = '*' or m.model_catalog = llm.model_catalog)
        and (m.model_name = llm.model || '-latest' or m.model_name = llm.model || '-preview')
        and llm.usage_date between m.valid_from and m.valid_to
    union all
    select llm.activity_id, t.factor_id, 100 + pat.priority as preference
    from llm
    inner join {{ ref('factor_llm_tier_patterns') }} as pat
        on coalesce(llm.model, '') like pat.name_pattern
    inner join {{ ref('factor_llm_tiers') }} as t
        on t.model_name = pat.tier
        and llm.usage_date between t.valid_from and t.valid_to
),

ranked as (
    select
        activity_id,
        factor_id,
        row_number() over (partition by activity_id order by preference, factor_id) as rank_in_row
    from candidates
)

select activity_id, factor_id as model_factor_id
from ranked
where rank_in_row = 1
