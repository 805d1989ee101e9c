{#-
    What moving a project's traffic from one model to a more efficient model of the same vendor would
    save per quarter, assuming the same tokens at the target model's observed intensity (linear: moving
    N % saves N % of the figures shown). "A large model for a small task is a blowtorch to light a candle."
-#}
with traffic as (
    select
        quarter,
        vendor,
        coalesce(project, workspace, '(none)') as project_or_workspace,
        model,
        sum(case when activity_type <> 'llm_requests' then quantity else 0 end) as tokens,
        sum(co2e_location_kg + coalesce(co2e_embodied_kg, 0)) as kgco2e
    from {{ ref('fct_activity_impacts') }}
    where activity_type like 'llm%' and model is not null
    group by 1, 2, 3, 4
)

select
    t.quarter,
    t.vendor,
    t.project_or_workspace,
    t.model as from_model,
    e_to.model as to_model,
    t.tokens,
    t.kgco2e as current_kgco2e,
    e_from.gco2e_per_1k_tokens as from_gco2e_per_1k_tokens,
    e_to.gco2e_per_1k_tokens as to_gco2e_per_1k_tokens,
    t.tokens * (e_from.gco2e_per_1k_tokens - e_to.gco2e_per_1k_tokens) / 1e6 as kgco2e_saved_if_all_moved,
    case when e_from.spend_currency = e_to.spend_currency
         then t.tokens * (e_from.spend_per_1k_tokens - e_to.spend_per_1k_tokens) / 1000 end as spend_saved_if_all_moved,
    case when e_from.spend_currency = e_to.spend_currency then e_from.spend_currency end as spend_currency
from traffic as t
inner join {{ ref('mart_model_efficiency') }} as e_from
    on t.quarter = e_from.quarter and t.vendor = e_from.vendor and t.model = e_from.model
inner join {{ ref('mart_model_efficiency') }} as e_to
    on t.quarter = e_to.quarter and t.vendor = e_to.vendor and e_to.model <> t.model
    and e_to.gco2e_per_1k_tokens < e_from.gco2e_per_1k_tokens
