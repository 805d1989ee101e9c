{#-
    Dual track: for each cloud vendor and quarter, our activity-based estimate of its AI services beside
    the vendor's own reported figure for the same AI services, location- and market-based, with the
    variance. Reporting rule (docs/methodology.md §6): the marts report our estimate, which uses one
    method for every vendor; the vendor figure is shown, never added, and a large variance is a prompt
    to check coverage (the periods each side covers are listed) and boundaries.
-#}
with ours as (
    select
        quarter,
        vendor,
        sum(co2e_location_kg + coalesce(co2e_embodied_kg, 0)) as ours_location_kgco2e,
        sum(co2e_market_kg + coalesce(co2e_embodied_kg, 0)) as ours_market_kgco2e,
        sum(energy_kwh) as ours_energy_kwh,
        min(usage_date) as ours_first_day,
        max(usage_date) as ours_last_day
    from {{ ref('fct_activity_impacts') }}
    where source in ('gcp_billing', 'azure_cost', 'aws_cur')
    group by 1, 2
),

reported as (
    select
        {{ quarter_label('period_start') }} as quarter,
        vendor,
        basis,
        sum(case when scope = 'total' then kgco2e end) as total_kgco2e,
        -- single scopes only: a two-scope sum (scope1+scope3) overlaps them and is never added
        sum(case when scope in ('scope1', 'scope2', 'scope3') then kgco2e end) as scopes_kgco2e,
        min(period_start) as first_period,
        max(period_end) as last_period
    from {{ ref('stg_landing__vendor_emissions') }}
    where {{ json_text('attributes', 'ai_service') }} = 'true'
    group by 1, 2, 3
),

theirs as (
    select
        quarter,
        vendor,
        sum(case when basis = 'location' then coalesce(total_kgco2e, scopes_kgco2e) end) as vendor_location_kgco2e,
        sum(case when basis = 'market' then coalesce(total_kgco2e, scopes_kgco2e) end) as vendor_market_kgco2e,
        min(first_period) as vendor_first_period,
        max(last_period) as vendor_last_period
    from reported
    group by 1, 2
)

select
    coalesce(o.quarter, t.quarter) as quarter,
    coalesce(o.vendor, t.vendor) as vendor,
    o.ours_location_kgco2e,
    t.vendor_location_kgco2e,
    o.ours_location_kgco2e - t.vendor_location_kgco2e as location_variance_kgco2e,
    o.ours_location_kgco2e / nullif(t.vendor_location_kgco2e, 0) as location_ratio,
    o.ours_market_kgco2e,
    t.vendor_market_kgco2e,
    o.ours_market_kgco2e - t.vendor_market_kgco2e as market_variance_kgco2e,
    o.ours_energy_kwh,
    o.ours_first_day,
    o.ours_last_day,
    t.vendor_first_period,
    t.vendor_last_period,
    'ours' as reported_figure
from ours as o
full outer join theirs as t on o.quarter = t.quarter and o.vendor = t.vendor
