{#- Ad delivery footprint per quarter, platform, campaign, country and format (GMSF v1.3 stages; a campaign's storage declaration counts in its storage_date quarter). -#}
select
    quarter,
    platform,
    campaign_id,
    coalesce(country, '(unknown)') as country,
    coalesce(ad_format, '(unknown)') as ad_format,
    'Scope 3 Category 1 (purchased goods and services)' as ghg_category,
    count(*) as delivery_records,
    sum(impressions) as impressions,
    sum(ad_selection_kwh) as selection_kwh,
    sum(ad_delivery_kwh) as delivery_kwh,
    sum(ad_device_kwh) as device_kwh,
    {{ sum_with_bounds(['energy_kwh', 'co2e_location_kg']) }},
    sum(ad_storage_kg) as storage_kg,
    sum(co2e_embodied_kg) as co2e_embodied_kg,
    sum(water_l) as water_l,
    1000 * 1000 * sum(co2e_location_kg + coalesce(co2e_embodied_kg, 0)) / nullif(sum(impressions), 0) as gco2e_per_1000_impressions,
    sum(dq_score * impressions) / nullif(sum(impressions), 0) as dq_score_weighted,
    max(dq_score) as worst_dq_score
from {{ ref('fct_ad_impacts') }}
group by 1, 2, 3, 4, 5, 6
