{#- Every usage row with the key its model factor is matched by: the model catalogue of its vendor on its
    day, and whether it is an LLM row (requests, or a token kind with a weight: factor_llm_token_weights is
    their one list). int_llm_model_matches matches each distinct key of the LLM rows once;
    int_activity_energy_estimated joins the rows to those matches by key, a join to a few thousand rows. -#}
select
    a.*,
    p.model_catalog,
    a.activity_type = 'llm_requests' or w.activity_type is not null as is_llm_row
from {{ ref('int_activity_usage') }} as a
left join {{ ref('factor_providers') }} as p
    on a.vendor = p.vendor and a.usage_date between p.valid_from and p.valid_to
left join (select distinct activity_type from {{ ref('factor_llm_token_weights') }}) as w
    on a.activity_type = w.activity_type
