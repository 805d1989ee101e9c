{#- Models the factor registry does not know, and the fallback each one got: the run's warning list. -#}
select
    vendor,
    model_raw,
    model,
    method_tier,
    model_factor_id,
    count(*) as activity_rows,
    sum(case when activity_type = 'llm_output_tokens' then quantity else 0 end) as output_tokens,
    sum(energy_kwh) as energy_kwh,
    min(usage_date) as first_usage_date,
    max(usage_date) as last_usage_date
from {{ ref('fct_activity_impacts') }}
where not factor_mapped and activity_type <> 'spend'
group by 1, 2, 3, 4, 5
