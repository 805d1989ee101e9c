{#-
    IT energy per activity row, with its range and the factors used (docs/methodology.md):
      LLM tokens   it_kwh = quantity * token_weight * it_kwh_per_output_token(model)
      LLM requests it_kwh = quantity * it_kwh_per_request(model)
      video        it_kwh = seconds * it_kwh_per_second(model)   (EcoLogits video_impacts at PUE 1;
                                                                   models it does not register: the default)
      other        it_kwh = quantity * it_kwh_per_unit(activity_type)
      images       it_kwh = images * it_kwh_per_image(model, size, quality) where published (gpt-image-1:
                   OpenAI's image tokens x EcoLogits' per-token energy), else the per-image default
      creative-tool units (credits, generations: factor_activity_conversions, int_activity_conversion_factors)
                   it_kwh = quantity * units_per_unit(feature, else the vendor's '*') * the target's factor
    Embodied emissions: LLM, video and per-model image rows (EcoLogits hardware share); null, never 0,
    for the per-unit defaults that have no embodied estimate (images, audio, TTS, embeddings, moderation).
    Low and high multiply the low (high) ends of every factor (for LLMs the model's range widened by the
    structural uncertainty, int_llm_model_matches); central is the model's EcoLogits figure times
    the central weight.
    Method tier and dq: an LLM row takes its model's; prefill rows (input, cache write, cached input) of a
    model identified by registry or name size take their token weight's own tier and dq instead
    (factor_llm_token_weights), and the worse dq of the two.
-#}
{#- One pass over the rows (no self-join on activity_id), so a filter on usage_date from an incremental
    fact reaches the table scan instead of stopping at a materialised CTE. LLM rows take the matched
    model factor; other rows the per-unit default of their activity type (the two sets are disjoint). -#}
{%- set is_llm = "m.model_factor_id is not null" -%}
{#- Per unit of quantity, each figure at the bound `{bound}` ('_low', '', '_high': figure_range_of). -#}
{%- set it_kwh_per_unit = "case when m.model_factor_id is null
                 then coalesce(im.it_kwh_per_image{bound}, e.it_kwh_per_unit{bound}, vm.it_kwh_per_second{bound}, vd.it_kwh_per_second{bound}, coalesce(cx.it_kwh_per_unit{bound}, cd.it_kwh_per_unit{bound}))
             when a.activity_type = 'llm_requests' then m.it_kwh_per_request{bound}
             else w.weight{bound} * m.it_kwh_per_output_token{bound} end" -%}
{%- set embodied_kg_per_unit = "case when m.model_factor_id is null
                 then coalesce(im.embodied_kgco2e_per_image{bound}, vm.embodied_kgco2e_per_second{bound}, vd.embodied_kgco2e_per_second{bound}, coalesce(cx.embodied_kgco2e_per_unit{bound}, cd.embodied_kgco2e_per_unit{bound}))
             when a.activity_type = 'llm_requests' then m.embodied_kgco2e_per_request{bound}
             else w.weight{bound} * m.embodied_kgco2e_per_output_token{bound} end" -%}
{#- A creative tool's own unit (credits, generations) converted with factor_activity_conversions: the row's
    feature's own conversion (cx) if the seed has one, else the vendor's default ('*', cd). -#}
{%- set other_tier = "coalesce(im.method_tier, e.method_tier, vm.method_tier, vd.method_tier, cx.method_tier, cd.method_tier, 'no_factor')" -%}
{%- set method_tier -%}
    case
        when {{ is_llm }} and m.model_method_tier in ('model_specific', 'name_size') and w.method_tier is not null
            then w.method_tier
        when {{ is_llm }} then m.model_method_tier
        else {{ other_tier }}
    end
{%- endset -%}
select
    a.*,
    case when {{ is_llm }} then m.model_factor_id end as model_factor_id,
    case when {{ is_llm }} then w.factor_id else coalesce(im.factor_id, e.factor_id, vm.factor_id, vd.factor_id, cx.factor_id, cd.factor_id) end
        as activity_factor_id,
    coalesce(vm.serving_vendor, vd.serving_vendor) as serving_vendor,
    {{ method_tier }} as method_tier,
    case
        when {{ is_llm }} then greatest(m.model_dq_score, coalesce(w.dq_score, 0))
        when {{ other_tier }} = 'model_specific' then 3
        when {{ other_tier }} in ('activity_default', 'model_proxy') then 4
        else coalesce(cx.dq_score, cd.dq_score, 5)
    end as dq_score,
    {{ figure_range_of('it_energy_kwh', 'a.quantity * (' ~ it_kwh_per_unit ~ ')') }},
    {{ figure_range_of('co2e_embodied_kg', 'a.quantity * (' ~ embodied_kg_per_unit ~ ')') }}
from {{ ref('int_activity_usage_keyed') }} as a
left join {{ ref('int_llm_model_matches') }} as m
    on a.is_llm_row
    and coalesce(a.model, '') = coalesce(m.model, '')
    and coalesce(a.model_raw, '') = coalesce(m.model_raw, '')
    and coalesce(a.model_catalog, '') = coalesce(m.model_catalog, '')
    and a.usage_date = m.usage_date
left join {{ ref('factor_llm_token_weights') }} as w
    on m.model_factor_id is not null
    and a.activity_type = w.activity_type and a.usage_date between w.valid_from and w.valid_to
left join {{ ref('factor_activity_energy') }} as e
    on m.model_factor_id is null
    and a.activity_type = e.activity_type and a.usage_date between e.valid_from and e.valid_to
left join {{ ref('factor_image_models') }} as im
    on m.model_factor_id is null and a.activity_type = 'images' and a.model = im.model
    and im.size = case when {{ json_text('a.attributes', 'size') }} in ('1024x1024', '1024x1536', '1536x1024')
                       then {{ json_text('a.attributes', 'size') }} else '*' end
    and im.quality = case when {{ json_text('a.attributes', 'quality') }} in ('low', 'medium', 'high')
                          then {{ json_text('a.attributes', 'quality') }} else '*' end
    and a.usage_date between im.valid_from and im.valid_to
left join {{ ref('factor_video_models') }} as vm
    on m.model_factor_id is null and a.activity_type = 'video_seconds'
    and a.model = vm.model and a.usage_date between vm.valid_from and vm.valid_to
left join {{ ref('factor_video_models') }} as vd
    on m.model_factor_id is null and a.activity_type = 'video_seconds' and vm.factor_id is null
    and vd.model = '*' and a.usage_date between vd.valid_from and vd.valid_to
left join {{ ref('int_activity_conversion_factors') }} as cx
    on m.model_factor_id is null and a.vendor = cx.vendor and a.activity_type = cx.activity_type
    and cx.feature = {{ json_text('a.attributes', 'feature') }} and a.usage_date between cx.valid_from and cx.valid_to
left join {{ ref('int_activity_conversion_factors') }} as cd
    on m.model_factor_id is null and cx.factor_id is null and a.vendor = cd.vendor
    and a.activity_type = cd.activity_type and cd.feature = '*' and a.usage_date between cd.valid_from and cd.valid_to
where a.activity_type not in ('ad_impressions', 'video_views', 'ad_view_seconds')  -- see int_ad_impacts_computed
