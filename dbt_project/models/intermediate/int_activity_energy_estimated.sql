{#-
    IT energy per activity row, with its range and the factors used (docs/methodology.md):
      LLM tokens   it_kwh = quantity * token_weight * it_kwh_per_output_token(model)
      LLM requests it_kwh = quantity * it_kwh_per_request(model)
      other        it_kwh = quantity * it_kwh_per_unit(activity_type)
    Low and high multiply the low (high) ends of every factor; central uses the midpoint of the
    model's range and the central weight.
-#}
with activity as (
    select * from {{ ref('int_activity_usage') }}
    where activity_type not in ('ad_impressions', 'video_views', 'ad_view_seconds')  -- see int_ad_impacts_computed
),

llm as (
    select
        a.activity_id,
        m.model_factor_id,
        f.method_tier,
        w.factor_id as weight_factor_id,
        case when a.activity_type = 'llm_requests' then f.it_kwh_per_request_low
             else w.weight_low * f.it_kwh_per_output_token_low end as it_kwh_per_unit_low,
        case when a.activity_type = 'llm_requests'
                 then (f.it_kwh_per_request_low + f.it_kwh_per_request_high) / 2
             else w.weight * (f.it_kwh_per_output_token_low + f.it_kwh_per_output_token_high) / 2
        end as it_kwh_per_unit,
        case when a.activity_type = 'llm_requests' then f.it_kwh_per_request_high
             else w.weight_high * f.it_kwh_per_output_token_high end as it_kwh_per_unit_high,
        case when a.activity_type = 'llm_requests' then f.embodied_kgco2e_per_request_low
             else w.weight_low * f.embodied_kgco2e_per_output_token_low end as embodied_kg_per_unit_low,
        case when a.activity_type = 'llm_requests'
                 then (f.embodied_kgco2e_per_request_low + f.embodied_kgco2e_per_request_high) / 2
             else w.weight * (f.embodied_kgco2e_per_output_token_low + f.embodied_kgco2e_per_output_token_high) / 2
        end as embodied_kg_per_unit,
        case when a.activity_type = 'llm_requests' then f.embodied_kgco2e_per_request_high
             else w.weight_high * f.embodied_kgco2e_per_output_token_high end as embodied_kg_per_unit_high
    from activity as a
    inner join {{ ref('int_activity_llm_factor_matched') }} as m on a.activity_id = m.activity_id
    inner join {{ ref('int_llm_factors') }} as f on m.model_factor_id = f.factor_id
    left join {{ ref('factor_llm_token_weights') }} as w
        on a.activity_type = w.activity_type and a.usage_date between w.valid_from and w.valid_to
),

other as (
    select
        a.activity_id,
        cast(null as {{ dbt.type_string() }}) as model_factor_id,
        e.method_tier,
        e.factor_id as weight_factor_id,
        e.it_kwh_per_unit_low,
        e.it_kwh_per_unit,
        e.it_kwh_per_unit_high,
        cast(0 as double) as embodied_kg_per_unit_low,
        cast(0 as double) as embodied_kg_per_unit,
        cast(0 as double) as embodied_kg_per_unit_high
    from activity as a
    inner join {{ ref('factor_activity_energy') }} as e
        on a.activity_type = e.activity_type and a.usage_date between e.valid_from and e.valid_to
),

per_unit as (
    select * from llm
    union all
    select * from other
)

select
    a.*,
    u.model_factor_id,
    u.weight_factor_id as activity_factor_id,
    coalesce(u.method_tier, 'no_factor') as method_tier,
    case coalesce(u.method_tier, 'no_factor')
        when 'model_specific' then 3
        when 'size_tier' then 4
        when 'activity_default' then 4
        else 5
    end as dq_score,
    a.quantity * u.it_kwh_per_unit_low as it_energy_kwh_low,
    a.quantity * u.it_kwh_per_unit as it_energy_kwh,
    a.quantity * u.it_kwh_per_unit_high as it_energy_kwh_high,
    a.quantity * u.embodied_kg_per_unit_low as co2e_embodied_kg_low,
    a.quantity * u.embodied_kg_per_unit as co2e_embodied_kg,
    a.quantity * u.embodied_kg_per_unit_high as co2e_embodied_kg_high
from activity as a
left join per_unit as u on a.activity_id = u.activity_id
