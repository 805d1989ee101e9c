{#-
    From IT energy to facility energy, carbon and water, in the country whose grid powered the work:
      energy_kwh       = it_energy_kwh * PUE(vendor)   (the serving vendor's, where another serves the
                                                        model: Veo resold by Runway runs at Google)
      co2e_location_kg = energy_kwh * grid_intensity(country)            (Ember, location-based)
      water_l          = it_energy_kwh * (WUE_onsite(vendor) + PUE * water_intensity(country))
    country = the row's residency country, else the vendor's default data-centre country; a
    country Ember publishes no 2024 value for uses Ember's 2024 World value (one vintage for every
    row); the grid factor id on the row says which.
    Market-based (market_basis says which, per row), first that applies:
      cfe_adjusted         Google Cloud region with a published carbon-free-energy share:
                           energy_kwh * (1 - CFE share) * the region's grid intensity
      vendor_market_ratio  the cloud's own carbon export reports Scope 2 market- and location-based for
                           the row's region and period: grid intensity * market / location
      residual_mix         the country's residual mix (AIB for Europe), no contractual instrument known
      location_fallback    none of these: the location-based figure repeated
-#}
with energy as (
    select * from {{ ref('int_activity_energy_estimated') }}
),

located as (
    select
        e.*,
        p.factor_id as provider_factor_id,
        p.pue_low,
        (p.pue_low + p.pue_high) / 2 as pue,
        p.pue_high,
        p.wue_onsite_l_per_kwh_low as wue_low,
        (p.wue_onsite_l_per_kwh_low + p.wue_onsite_l_per_kwh_high) / 2 as wue,
        p.wue_onsite_l_per_kwh_high as wue_high,
        coalesce(e.country, p.default_country, 'WOR') as electricity_country
    from energy as e
    left join {{ ref('factor_providers') }} as p
        on coalesce(e.serving_vendor, e.vendor) = p.vendor and e.usage_date between p.valid_from and p.valid_to
),

factored as (
    select
        l.*,
        {{ electricity_factor_columns() }},
        m.factor_id as cfe_factor_id,
        m.cfe_share,
        m.region_grid_kgco2e_per_kwh,
        vr.factor_id as vendor_ratio_factor_id,
        vr.market_to_location_ratio,
        rm.factor_id as residual_factor_id,
        rm.kgco2e_per_kwh as residual_kgco2e_per_kwh
    from located as l
    {{ electricity_factor_joins('l') }}
    left join {{ ref('factor_market_cfe') }} as m
        on l.vendor = m.vendor and l.region = m.region and l.usage_date between m.valid_from and m.valid_to
    left join {{ ref('int_vendor_market_ratios') }} as vr
        on l.vendor = vr.vendor and l.region = vr.region and l.usage_date between vr.period_start and vr.period_end
    left join {{ ref('factor_residual_mix') }} as rm
        on l.electricity_country = rm.country and l.usage_date between rm.valid_from and rm.valid_to
),

market as (
    select
        *,
        case when cfe_factor_id is not null then 'cfe_adjusted'
             when vendor_ratio_factor_id is not null then 'vendor_market_ratio'
             when residual_factor_id is not null then 'residual_mix'
             else 'location_fallback' end as market_basis,
        coalesce(cfe_factor_id, vendor_ratio_factor_id, residual_factor_id) as market_factor_id,
        case when cfe_factor_id is not null then (1 - cfe_share) * region_grid_kgco2e_per_kwh
             when vendor_ratio_factor_id is not null then grid_kgco2e_per_kwh * market_to_location_ratio
             when residual_factor_id is not null then residual_kgco2e_per_kwh
             else grid_kgco2e_per_kwh end as market_kgco2e_per_kwh
    from factored
)

select
    *,
    {{ figure_range_of('energy_kwh', 'it_energy_kwh{bound} * pue{bound}') }},
    {{ figure_range_of('co2e_location_kg', 'it_energy_kwh{bound} * pue{bound} * grid_kgco2e_per_kwh') }},
    {{ figure_range_of('water_l', 'it_energy_kwh{bound} * (wue{bound} + pue{bound} * water_l_per_kwh)') }},
    {{ figure_range_of('co2e_market_kg', 'it_energy_kwh{bound} * pue{bound} * market_kgco2e_per_kwh') }}
from market
