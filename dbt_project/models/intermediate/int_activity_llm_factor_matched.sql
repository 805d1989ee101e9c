{#-
    For each LLM activity row, the one model factor that applies, best first:
    1. the vendor's catalogue entry for the raw model string (dated snapshots are registered too);
       resellers (catalogue '*', e.g. AWS Bedrock) match any catalogue,
    2. the catalogue entry for the normalised model id, then its -latest / -preview alias,
    3. the size tier given by the first matching name pattern (never zero, always flagged).
    Matching runs once per distinct (model, raw model, catalogue, day), a few thousand keys, and the
    winner is joined back to the rows by equality: the pattern and range joins never see every row.
-#}
with llm as (
    select a.activity_id, a.model, a.model_raw, a.usage_date, p.model_catalog
    from {{ ref('int_activity_usage') }} as a
    left join {{ ref('factor_providers') }} as p
        on a.vendor = p.vendor and a.usage_date between p.valid_from and p.valid_to
    where a.activity_type in ('llm_input_tokens', 'llm_cached_input_tokens', 'llm_cache_write_tokens',
                              'llm_output_tokens', 'llm_requests')
),

match_keys as (
    select distinct model, model_raw, model_catalog, usage_date from llm
),

candidates as (
    select llm.model, llm.model_raw, llm.model_catalog, llm.usage_date, m.factor_id, 1 as preference
    from match_keys as llm
    inner join {{ ref('factor_llm_models') }} as m
        on (llm.model_catalog = '*' or m.model_catalog = llm.model_catalog)
        and m.model_name = lower(llm.model_raw)
        and llm.usage_date between m.valid_from and m.valid_to
    union all
    select llm.model, llm.model_raw, llm.model_catalog, llm.usage_date, m.factor_id, 2 as preference
    from match_keys as llm
    inner join {{ ref('factor_llm_models') }} as m
        on (llm.model_catalog = '*' or m.model_catalog = llm.model_catalog)
        and m.model_name = llm.model
        and llm.usage_date between m.valid_from and m.valid_to
    union all
    -- the registry keys some families only by their moving alias (mistral-large-latest, *-preview)
    select llm.model, llm.model_raw, llm.model_catalog, llm.usage_date, m.factor_id, 3 as preference
    from match_keys as llm
    inner join {{ ref('factor_llm_models') }} as m
        on (llm.model_catalog = '*' or m.model_catalog = llm.model_catalog)
        and (m.model_name = llm.model || '-latest' or m.model_name = llm.model || '-preview')
        and llm.usage_date between m.valid_from and m.valid_to
    union all
    select llm.model, llm.model_raw, llm.model_catalog, llm.usage_date, t.factor_id, 100 + pat.priority as preference
    from match_keys as llm
    inner join {{ ref('factor_llm_tier_patterns') }} as pat
        on coalesce(llm.model, '') like pat.name_pattern
    inner join {{ ref('factor_llm_tiers') }} as t
        on t.model_name = pat.tier
        and llm.usage_date between t.valid_from and t.valid_to
),

ranked as (
    select
        model,
        model_raw,
        model_catalog,
        usage_date,
        factor_id,
        row_number() over (
            partition by model, model_raw, model_catalog, usage_date order by preference, factor_id
        ) as rank_in_key
    from candidates
)

select llm.activity_id, llm.usage_date, r.factor_id as model_factor_id
from llm
inner join ranked as r
    on coalesce(llm.model, '') = coalesce(r.model, '')
    and coalesce(llm.model_raw, '') = coalesce(r.model_raw, '')
    and coalesce(llm.model_catalog, '') = coalesce(r.model_catalog, '')
    and llm.usage_date = r.usage_date
where r.rank_in_key = 1
