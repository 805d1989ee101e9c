{#-
    The clouds' own carbon figures by quarter, vendor, service and region, location- and market-based
    side by side. Reported beside our estimates, never added to them.
-#}
select
    {{ quarter_label('period_start') }} as quarter,
    vendor,
    service,
    region,
    country,
    basis,
    scope,
    methodology,
    count(*) as records,
    sum(kgco2e) as kgco2e,
    min(period_start) as first_period_start,
    max(period_end) as last_period_end
from {{ ref('stg_landing__vendor_emissions') }}
group by 1, 2, 3, 4, 5, 6, 7, 8
