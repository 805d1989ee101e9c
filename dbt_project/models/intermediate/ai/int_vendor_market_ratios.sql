{#-
    The clouds' own market-based adjustment of electricity emissions, per vendor, region and reporting
    period, from their carbon exports: Scope 2 market-based / Scope 2 location-based. It carries each
    cloud's contractual instruments (PPAs, certificates) in that region and period. Only exports that
    report both bases qualify (AWS and Google do; the Azure export reports market-based only, without
    energy, so no factor per kWh can be derived from it).
-#}
select
    vendor,
    region,
    period_start,
    period_end,
    sum(case when basis = 'market' then kgco2e else 0 end)
        / sum(case when basis = 'location' then kgco2e end) as market_to_location_ratio,
    'vendor_ratio.' || vendor || '.' || region || '.' || cast(period_start as {{ dbt.type_string() }})
        as factor_id,
    case vendor
        when 'aws' then 'https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-carbon-emissions.html'
        when 'google' then 'https://cloud.google.com/carbon-footprint/docs/data-schema'
        else 'https://learn.microsoft.com/en-us/industry/sustainability/api-overview'
    end as source_url,
    cast(year(period_start) as {{ dbt.type_string() }}) as source_year,
    'customer data (the cloud''s own carbon export for this account: ' || min(source_file) || ')' as licence
from {{ ref('stg_landing__vendor_emissions') }}
where scope = 'scope2' and region is not null
group by vendor, region, period_start, period_end
having sum(case when basis = 'location' then kgco2e end) > 0
    and sum(case when basis = 'market' then 1 else 0 end) > 0
