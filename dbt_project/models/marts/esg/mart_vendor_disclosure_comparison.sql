{#-
    Each first-party per-prompt figure (vendor_disclosure_figures) beside our estimate for its comparable
    prompt (int_disclosure_prompts, estimated by the warehouse's own models), in the figure's own boundary
    where we have one:
      energy          our facility energy (IT x PUE)        energy_it       our IT energy (before PUE)
      co2e_market     our market-based carbon               co2e_lifecycle  our location-based + embodied
      water_onsite    IT energy x provider on-site WUE      water_total     our on-site + electricity water
    A point figure is inside when our low <= figure <= high; a range figure (no central value) when the two
    ranges overlap. Outside, the row says why (the figure's boundary against ours); a metric we do not
    estimate is `not_comparable`.
-#}
{%- set measures = [('energy', 'energy_wh'), ('energy_it', 'energy_it_wh'), ('co2e_market', 'co2e_market_g'),
                    ('co2e_lifecycle', 'co2e_lifecycle_g'), ('water_onsite', 'water_onsite_ml'),
                    ('water_total', 'water_total_ml')] %}
with prompt as (
    select
        project as prompt_id,
        max(case when activity_type = 'llm_output_tokens' then model_factor_id end) as model_factor_id,
        max(dq_score) as dq_score,
        max(market_basis) as market_basis,
        {%- for end in ['_low', '', '_high'] %}
        sum(it_energy_kwh{{ end }}) * 1000 as energy_it_wh{{ end }},
        sum(energy_kwh{{ end }}) * 1000 as energy_wh{{ end }},
        sum(co2e_market_kg{{ end }}) * 1000 as co2e_market_g{{ end }},
        sum(co2e_location_kg{{ end }} + co2e_embodied_kg{{ end }}) * 1000 as co2e_lifecycle_g{{ end }},
        sum(it_energy_kwh{{ end }} * wue{{ end }}) * 1000 as water_onsite_ml{{ end }},
        sum(water_l{{ end }}) * 1000 as water_total_ml{{ end }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ ref('int_activity_impacts_computed') }}
    where dataset = 'reference_prompt'
    group by project
),

paired as (
    select
        f.*,
        p.model_factor_id,
        p.dq_score,
        p.market_basis,
        {%- for end, name in [('_low', 'our_low'), ('', 'our_central'), ('_high', 'our_high')] %}
        case f.metric
            {%- for metric, column in measures %}
            when '{{ metric }}' then p.{{ column }}{{ end }}
            {%- endfor %}
        end as {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ ref('vendor_disclosure_figures') }} as f
    left join prompt as p on f.prompt_id = p.prompt_id
)

select
    figure_id,
    vendor,
    subject,
    published,
    metric,
    unit,
    boundary,
    basis,
    water_scope,
    value as vendor_value,
    value_low as vendor_value_low,
    value_high as vendor_value_high,
    prompt_vendor,
    prompt_model,
    prompt_date,
    prompt_input_tokens,
    prompt_output_tokens,
    prompt_basis,
    model_factor_id,
    dq_score,
    our_low,
    our_central,
    our_high,
    value / nullif(our_central, 0) as vendor_to_our_central,
    verdict,
    case when verdict in ('inside', 'overlaps') then null else why_outside end as why_not_inside,
    source_url,
    source_year,
    licence,
    note
from (
    select
        *,
        case
            when our_central is null then 'not_comparable'
            when value is not null and value < our_low then 'below_range'
            when value is not null and value > our_high then 'above_range'
            when value is not null then 'inside'
            when value_high < our_low then 'below_range'
            when value_low > our_high then 'above_range'
            else 'overlaps'
        end as verdict
    from paired
) as judged
