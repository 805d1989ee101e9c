{#-
    Each conversion of a creative tool's own unit (factor_activity_conversions: Adobe generative credits,
    Jasper generations) with the per-unit factors of the activity it converts to, read from their one home:
    factor_activity_energy (images), factor_video_models (the '*' video default), factor_llm_tiers (tokens).
    Per source unit:  it_kwh = units_per_unit x target IT kWh per unit, low with low and high with high;
    embodied the same way where the target has an embodied figure (null for the per-image default).
-#}
select
    c.factor_id,
    c.vendor,
    c.activity_type,
    c.feature,
    c.target_activity_type,
    c.target_factor_id,
    c.method_tier,
    c.dq_score,
    c.valid_from,
    c.valid_to,
    c.units_per_unit_low * coalesce(e.it_kwh_per_unit_low, v.it_kwh_per_second_low, t.it_kwh_per_output_token_low)
        as it_kwh_per_unit_low,
    c.units_per_unit * coalesce(e.it_kwh_per_unit, v.it_kwh_per_second, t.it_kwh_per_output_token)
        as it_kwh_per_unit,
    c.units_per_unit_high * coalesce(e.it_kwh_per_unit_high, v.it_kwh_per_second_high, t.it_kwh_per_output_token_high)
        as it_kwh_per_unit_high,
    c.units_per_unit_low * coalesce(v.embodied_kgco2e_per_second_low, t.embodied_kgco2e_per_output_token_low)
        as embodied_kgco2e_per_unit_low,
    c.units_per_unit * coalesce(v.embodied_kgco2e_per_second, t.embodied_kgco2e_per_output_token)
        as embodied_kgco2e_per_unit,
    c.units_per_unit_high * coalesce(v.embodied_kgco2e_per_second_high, t.embodied_kgco2e_per_output_token_high)
        as embodied_kgco2e_per_unit_high
from {{ ref('factor_activity_conversions') }} as c
left join {{ ref('factor_activity_energy') }} as e on c.target_factor_id = e.factor_id
left join {{ ref('factor_video_models') }} as v on c.target_factor_id = v.factor_id
left join {{ ref('factor_llm_tiers') }} as t on c.target_factor_id = t.factor_id
