{#-
    Every LLM factor a model can resolve to, in one shape: registry models (current, retired snapshots and
    the periods of moving aliases) and the fallback tiers, with the method tier and data-quality score each
    implies. Size classes (sizes read from model names) are resolved in int_llm_model_matches.
-#}
{%- set coefficients = ['it_kwh_per_output_token', 'it_kwh_per_request',
                        'embodied_kgco2e_per_output_token', 'embodied_kgco2e_per_request'] -%}
{%- set columns -%}
    factor_id, model_catalog, model_name, architecture,
    {%- for c in coefficients %} {{ c }}_low, {{ c }}, {{ c }}_high,{% endfor %}
    valid_from, valid_to
{%- endset %}
select {{ columns }}, 'model_specific' as method_tier, 3 as dq_score
from {{ ref('factor_llm_models') }}
union all
select
    {{ columns }},
    case when model_name = 'unknown' then 'unknown_model' else 'size_tier' end as method_tier,
    case when model_name = 'unknown' then 5 else 4 end as dq_score
from {{ ref('factor_llm_tiers') }}
