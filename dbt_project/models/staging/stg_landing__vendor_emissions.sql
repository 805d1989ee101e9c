{#- Every cloud carbon export as one table; figures stay in kgCO2e with their basis and scope. -#}
{% for source_name in var('emission_sources') %}
select
    record_id,
    source,
    dataset,
    vendor,
    account,
    project,
    service,
    region,
    country,
    cast(period_start as date) as period_start,
    cast(period_end as date) as period_end,
    basis,
    scope,
    cast(kgco2e as double) as kgco2e,
    cast(energy_kwh as double) as energy_kwh,
    methodology,
    attributes,
    source_file,
    source_row,
    source_sha256,
    connector_version,
    ingested_at
from {{ source('vendor_emissions', source_name) }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
