{#- Registry models and fallback tiers share one shape, so rows can resolve to either. -#}
select *, 'model_specific' as method_tier from {{ ref('factor_llm_models') }}
union all
select *, 'size_tier' as method_tier from {{ ref('factor_llm_tiers') }}
