{#-
    Ad delivery impacts with the Ad Net Zero GMSF v1.3 / IAB Europe digital stages (docs/methodology.md §4):
      selection = servers x kWh/server + RTB calls x 3 KB x fixed-network kWh/MB
                  (walled gardens: end-to-end platform, 500 servers, 0 calls; direct buys: 2 servers, 4 calls;
                   open-web programmatic: ads.txt lines x servers and calls per line, the lines from
                   ad_campaign_inputs or the row's attributes, else the framework's 3,000)
      delivery  = payload MB x (fixed share x fixed kWh/MB + mobile share x mobile kWh/MB + CDN kWh/MB)
                  (video: creative MB x completion rate + overhead, where the export reports completions)
      device    = seconds in view x device kWh/s (the default device mix when the export has no device)
    Carbon: selection on 50 % local + 50 % continental "foreign" grid (no country: the global foreign grid
    alone), delivery and device on the local grid (no country: Ember's World); embodied per stage in
    co2e_embodied_kg. The campaign storage stage is in int_ad_storage_computed. Figures sit on the impression row of each delivery record;
    that record's video-view and view-second rows carry 0 (method_tier = counted_in_impressions).
    Every default used is listed in defaults_used and lowers dq_score by one.
-#}
{% set ad_types = "('ad_impressions', 'video_views', 'ad_view_seconds')" %}
with ads as (
    select
        *,
        -- the ad platform: the vendor, except Google's programmatic buying tool (DV360) apart from Google Ads
        case when source = 'dv360' then 'dv360' else vendor end as platform,
        coalesce(source, '') || '|' || coalesce(dataset, '') || '|' || cast(usage_date as {{ dbt.type_string() }})
        || '|' || coalesce(account, '') || '|' || coalesce(campaign_id, '') || '|' || coalesce(country, '')
        || '|' || coalesce(device, '') || '|' || coalesce(placement, '') || '|' || coalesce(ad_format, '')
            as ad_record_key
    from {{ ref('int_activity_usage') }}
    where activity_type in {{ ad_types }}
),

-- each row with its delivery record's totals: a window, not a grouped self-join, so that the activity is
-- read once and a nightly's day filter reaches it (usage_date is part of the key, and of the partition)
records as (
    select
        *,
        sum(case when activity_type = 'ad_impressions' then quantity else 0 end)
            over (partition by ad_record_key, usage_date) as record_impressions,
        sum(case when activity_type = 'ad_view_seconds' then quantity end)
            over (partition by ad_record_key, usage_date) as record_view_seconds,
        sum(case when activity_type = 'video_views' then quantity end)
            over (partition by ad_record_key, usage_date) as record_video_views
    from ads
),

k as (
{{ gmsf_parameters({
    'selection_kwh_per_server': 'kwh_per_server',
    'selection_kg_embodied_per_server': 'kg_per_server',
    'rtb_mb_per_call': 'mb_per_call',
    'end_to_end_servers': 'e2e_servers',
    'end_to_end_calls': 'e2e_calls',
    'direct_servers': 'direct_servers',
    'direct_calls': 'direct_calls',
    'range_reference_ads_txt_lines': 'reference_ads_txt_lines',
    'default_ads_txt_lines': 'ads_txt_lines',
    'servers_per_line_display': 'servers_per_line_display',
    'calls_per_line_display': 'calls_per_line_display',
    'servers_per_line_video': 'servers_per_line_video',
    'calls_per_line_video': 'calls_per_line_video',
    'local_grid_share': 'local_share',
    'fixed_kwh_per_mb': 'fixed_kwh_per_mb',
    'fixed_kg_embodied_per_mb': 'fixed_kg_per_mb',
    'mobile_kwh_per_mb': 'mobile_kwh_per_mb',
    'mobile_kg_embodied_per_mb': 'mobile_kg_per_mb',
    'cdn_kwh_per_mb': 'cdn_kwh_per_mb',
    'cdn_kg_embodied_per_mb': 'cdn_kg_per_mb',
}) }}
),

device_mix as (
    select
        sum(default_share * kwh_per_second) as kwh_per_second,
        sum(default_share * kg_embodied_per_second) as kg_embodied_per_second
    from {{ ref('factor_ad_devices') }}
),

resolved as (
    select
        a.*,
        coalesce(
            ci.buy_type,
            {{ json_text('a.attributes', 'buy_type') }},
            case
                when a.vendor in ('meta', 'linkedin', 'tiktok', 'microsoft') then 'end_to_end'
                when a.vendor = 'amazon' and coalesce(a.ad_format, '') = 'search' then 'end_to_end'
                when a.vendor = 'google' and a.platform = 'google'
                    and coalesce(a.ad_format, '') in ('search', 'video', 'ctv', 'social')
                    then 'end_to_end'
                else 'programmatic'
            end
        ) as buy_type,
        coalesce(ci.ads_txt_lines, cast({{ json_text('a.attributes', 'ads_txt_lines') }} as double))
            as input_ads_txt_lines,
        {#- completions / starts, at most 1 (a case, not least(): least() skips a null operand); TikTok's
            starts are the record's video views (video_play_actions), LinkedIn reports videoStarts #}
        {%- for name, done, started in [
            ('tiktok', json_text('a.attributes', 'video_views_p100'), 'a.record_video_views'),
            ('linkedin', json_text('a.attributes', 'videoCompletions'), json_text('a.attributes', 'videoStarts'))] %}
        case when a.vendor = '{{ name }}' and cast({{ started }} as double) > 0
             then case when cast({{ done }} as double) >= cast({{ started }} as double) then 1.0
                       else cast({{ done }} as double) / cast({{ started }} as double) end
        end as {{ name }}_completion,
        {%- endfor %}
        coalesce(a.ad_format, 'display') as format_used,
        coalesce(reg.region, 'global') as ad_region,
        case when a.country is null then 'global' else coalesce(reg.continent, 'global') end as continent,
        coalesce(a.country, 'WOR') as electricity_country
    from records as a
    left join {{ ref('ad_country_regions') }} as reg on a.country = reg.country
    left join {{ ref('ad_campaign_inputs') }} as ci on a.platform = ci.platform and a.campaign_id = ci.campaign_id
),

factored as (
    select
        x.*,
        f.factor_id as format_factor_id,
        f.channel,
        case when f.channel = 'video' and coalesce(x.tiktok_completion, x.linkedin_completion) is not null
             then f.payload_mb * coalesce(x.tiktok_completion, x.linkedin_completion) + f.overhead_mb
             else f.payload_mb + f.overhead_mb end as payload_mb,
        case when f.channel = 'video' then coalesce(x.tiktok_completion, x.linkedin_completion) end
            as completion_rate,
        f.range_low,
        f.range_high,
        case
            when x.record_view_seconds is not null and x.record_impressions > 0
                then greatest(x.record_view_seconds / x.record_impressions, f.min_view_seconds)
            else f.default_view_seconds
        end as view_seconds_per_impression,
        rg.factor_id as region_factor_id,
        rg.fixed_share,
        rg.mobile_share,
        fg.factor_id as foreign_grid_factor_id,
        fg.foreign_grid_kgco2e_per_kwh,
        coalesce(dv.kwh_per_second, case when x.format_used = 'ctv' then tv.kwh_per_second end, mix.kwh_per_second)
            as device_kwh_per_second,
        coalesce(
            dv.kg_embodied_per_second,
            case when x.format_used = 'ctv' then tv.kg_embodied_per_second end,
            mix.kg_embodied_per_second
        ) as device_kg_per_second,
        {{ electricity_factor_columns() }},
        -- defaults used, each one costs a point of data quality
        trim(
            'payload'
            || case when x.buy_type = 'programmatic' and x.input_ads_txt_lines is null then ',ads_txt_lines' else '' end
            || case when x.record_view_seconds is null then ',view_time' else '' end
            || case when dv.device is null and not (x.format_used = 'ctv') then ',device_mix' else '' end
            || case when x.ad_format is null then ',ad_format' else '' end
            || case when x.format_used in ('search', 'audio') then ',format_as_display' else '' end
            || case when x.country is null then ',country' else '' end
        ) as defaults_used
    from resolved as x
    cross join device_mix as mix
    left join {{ ref('factor_ad_formats') }} as f
        on x.format_used = f.ad_format and x.usage_date between f.valid_from and f.valid_to
    left join {{ ref('factor_ad_regions') }} as rg
        on x.ad_region = rg.region and x.usage_date between rg.valid_from and rg.valid_to
    left join {{ ref('factor_ad_foreign_grids') }} as fg
        on x.continent = fg.continent and x.usage_date between fg.valid_from and fg.valid_to
    left join {{ ref('factor_ad_devices') }} as dv
        on x.device = dv.device and x.usage_date between dv.valid_from and dv.valid_to
    left join {{ ref('factor_ad_devices') }} as tv on tv.device = 'tv'
    {{ electricity_factor_joins('x') }}
),

per_impression as (
    select
        f.*,
        coalesce(f.input_ads_txt_lines, k.ads_txt_lines) as ads_txt_lines_used,
        {%- for name, lines in [('', 'coalesce(f.input_ads_txt_lines, k.ads_txt_lines)'),
                                ('reference_', 'k.reference_ads_txt_lines')] %}
        case when f.buy_type = 'end_to_end' then k.e2e_servers
             when f.buy_type = 'direct' then k.direct_servers
             when f.channel = 'video' then {{ lines }} * k.servers_per_line_video
             else {{ lines }} * k.servers_per_line_display end as {{ name }}servers,
        case when f.buy_type = 'end_to_end' then k.e2e_calls
             when f.buy_type = 'direct' then k.direct_calls
             when f.channel = 'video' then {{ lines }} * k.calls_per_line_video
             else {{ lines }} * k.calls_per_line_display end as {{ name }}calls,
        {%- endfor %}
        k.kwh_per_server, k.kg_per_server, k.mb_per_call, k.local_share,
        k.fixed_kwh_per_mb, k.fixed_kg_per_mb, k.mobile_kwh_per_mb, k.mobile_kg_per_mb,
        k.cdn_kwh_per_mb, k.cdn_kg_per_mb
    from factored as f
    cross join k
),

stages as (
    select
        p.*,
        p.servers * p.kwh_per_server + p.calls * p.mb_per_call * p.fixed_kwh_per_mb as selection_kwh_per_imp,
        p.servers * p.kg_per_server + p.calls * p.mb_per_call * p.fixed_kg_per_mb as selection_kg_embodied_per_imp,
        p.payload_mb * (p.fixed_share * p.fixed_kwh_per_mb + p.mobile_share * p.mobile_kwh_per_mb + p.cdn_kwh_per_mb)
            as delivery_kwh_per_imp,
        p.payload_mb * (p.fixed_share * p.fixed_kg_per_mb + p.mobile_share * p.mobile_kg_per_mb + p.cdn_kg_per_mb)
            as delivery_kg_embodied_per_imp,
        p.view_seconds_per_impression * p.device_kwh_per_second as device_kwh_per_imp,
        p.view_seconds_per_impression * p.device_kg_per_second as device_kg_embodied_per_imp,
        p.reference_servers * p.kwh_per_server + p.reference_calls * p.mb_per_call * p.fixed_kwh_per_mb
            as reference_selection_kwh_per_imp,
        p.reference_servers * p.kg_per_server + p.reference_calls * p.mb_per_call * p.fixed_kg_per_mb
            as reference_selection_kg_embodied_per_imp,
        case when p.country is null then p.foreign_grid_kgco2e_per_kwh  -- GMSF: unknown location, global alone
             else p.local_share * p.grid_kgco2e_per_kwh + (1 - p.local_share) * p.foreign_grid_kgco2e_per_kwh
        end as selection_grid_kgco2e_per_kwh,
        case when p.activity_type = 'ad_impressions' then p.quantity else 0 end as impressions_counted
    from per_impression as p
),

totals as (
    select
        s.*,
        s.impressions_counted * s.selection_kwh_per_imp as ad_selection_kwh,
        s.impressions_counted * s.delivery_kwh_per_imp as ad_delivery_kwh,
        s.impressions_counted * s.device_kwh_per_imp as ad_device_kwh,
        s.impressions_counted * (s.selection_kwh_per_imp + s.delivery_kwh_per_imp + s.device_kwh_per_imp)
            as central_energy_kwh,
        s.impressions_counted * (
            s.selection_kwh_per_imp * s.selection_grid_kgco2e_per_kwh
            + (s.delivery_kwh_per_imp + s.device_kwh_per_imp) * s.grid_kgco2e_per_kwh
        ) as central_co2e_kg,
        s.impressions_counted * (
            s.selection_kg_embodied_per_imp + s.delivery_kg_embodied_per_imp + s.device_kg_embodied_per_imp
        ) as central_embodied_kg,
        -- the range is centred on the supply path it was designed for (docs/methodology.md §4): the
        -- same record at the reference ads.txt depth for display/native programmatic buys without an
        -- ads.txt input, else the record itself
        s.impressions_counted * (
            s.reference_selection_kwh_per_imp * s.selection_grid_kgco2e_per_kwh
            + (s.delivery_kwh_per_imp + s.device_kwh_per_imp) * s.grid_kgco2e_per_kwh
        ) as reference_co2e_kg,
        s.impressions_counted * (s.reference_selection_kwh_per_imp + s.delivery_kwh_per_imp + s.device_kwh_per_imp)
            as reference_energy_kwh,
        s.impressions_counted * (
            s.reference_selection_kg_embodied_per_imp + s.delivery_kg_embodied_per_imp + s.device_kg_embodied_per_imp
        ) as reference_embodied_kg,
        s.buy_type = 'programmatic' and s.channel = 'display' and s.format_used in ('display', 'native')
            and s.input_ads_txt_lines is null as range_on_reference,
        1 + length(s.defaults_used) - length(replace(s.defaults_used, ',', '')) as defaults_count
    from stages as s
),

bounded as (
    select
        t.*,
        {%- for figure in ['energy_kwh', 'co2e_kg', 'embodied_kg'] %}
        case when t.range_on_reference then least(t.central_{{ figure }}, t.reference_{{ figure }} * t.range_low)
             else t.central_{{ figure }} * t.range_low end as low_{{ figure }},
        case when t.range_on_reference then greatest(t.central_{{ figure }}, t.reference_{{ figure }} * t.range_high)
             else t.central_{{ figure }} * t.range_high end as high_{{ figure }}{{ ',' if not loop.last }}
        {%- endfor %}
    from totals as t
)

select
    t.*,
    case when t.activity_type = 'ad_impressions' then 'ad_framework' else 'counted_in_impressions' end
        as method_tier,
    least(5, 1 + t.defaults_count) as dq_score,
    cast(null as {{ dbt.type_string() }}) as model_factor_id,
    t.format_factor_id as activity_factor_id,
    t.region_factor_id as provider_factor_id,
    t.central_energy_kwh as it_energy_kwh_low,
    t.central_energy_kwh as it_energy_kwh,
    t.central_energy_kwh as it_energy_kwh_high,
    t.low_energy_kwh as energy_kwh_low,
    t.central_energy_kwh as energy_kwh,
    t.high_energy_kwh as energy_kwh_high,
    t.low_co2e_kg as co2e_location_kg_low,
    t.central_co2e_kg as co2e_location_kg,
    t.high_co2e_kg as co2e_location_kg_high,
    t.low_embodied_kg as co2e_embodied_kg_low,
    t.central_embodied_kg as co2e_embodied_kg,
    t.high_embodied_kg as co2e_embodied_kg_high,
    t.low_energy_kwh * t.water_l_per_kwh as water_l_low,
    t.central_energy_kwh * t.water_l_per_kwh as water_l,
    t.high_energy_kwh * t.water_l_per_kwh as water_l_high,
    t.low_co2e_kg as co2e_market_kg_low,
    t.central_co2e_kg as co2e_market_kg,
    t.high_co2e_kg as co2e_market_kg_high,
    'location_fallback' as market_basis,
    cast(null as {{ dbt.type_string() }}) as market_factor_id
from bounded as t
