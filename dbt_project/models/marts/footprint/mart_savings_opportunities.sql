{#-
    What moving a project's traffic from one model to a more efficient one billed by the same vendor would
    save per quarter, assuming the same tokens at the target model's observed intensity (linear: moving
    N % saves N % of the figures shown). "A large model for a small task is a blowtorch to light a candle."
    Like with like: both models come from the same maker where both makers are known (a cloud that bills
    Anthropic and Amazon models is one vendor, not one maker); a side whose maker is unknown (a model no
    registry knows) is compared, but the row says it rests on a fallback and `suggestion_rank` puts it
    after every suggestion whose two sides have model-specific figures.
-#}
{{ config(**incremental_by_period_config('quarter')) }}
with traffic as (
    select
        quarter,
        vendor,
        coalesce(project, workspace, '(none)') as project_or_workspace,
        model,
        sum(case when activity_type <> 'llm_requests' then quantity else 0 end) as tokens,
        sum(co2e_location_kg + coalesce(co2e_embodied_kg, 0)) as kgco2e
    from {{ ref('fct_activity_impacts') }}
    where activity_type like 'llm%' and model is not null and {{ changed_periods_predicate('quarter') }}
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
    case when e_from.spend_currency = e_to.spend_currency then e_from.spend_currency end as spend_currency,
    e_from.model_maker as from_model_maker,
    e_to.model_maker as to_model_maker,
    e_from.rests_on_fallback as from_rests_on_fallback,
    e_to.rests_on_fallback as to_rests_on_fallback,
    case when e_from.rests_on_fallback or e_to.rests_on_fallback
         then 'rests on a fallback estimate' else 'model-specific on both sides' end as basis,
    row_number() over (
        partition by t.quarter
        order by case when e_from.rests_on_fallback or e_to.rests_on_fallback then 1 else 0 end,
                 t.tokens * (e_from.gco2e_per_1k_tokens - e_to.gco2e_per_1k_tokens) desc,
                 t.vendor, t.project_or_workspace, t.model, e_to.model
    ) as suggestion_rank,
    {{ mart_build_columns() }}
from traffic as t
inner join {{ ref('mart_model_efficiency') }} as e_from
    on t.quarter = e_from.quarter and t.vendor = e_from.vendor and t.model = e_from.model
inner join {{ ref('mart_model_efficiency') }} as e_to
    on t.quarter = e_to.quarter and t.vendor = e_to.vendor and e_to.model <> t.model
    and e_to.gco2e_per_1k_tokens < e_from.gco2e_per_1k_tokens
    and (e_from.model_maker = e_to.model_maker or e_from.model_maker is null or e_to.model_maker is null)
