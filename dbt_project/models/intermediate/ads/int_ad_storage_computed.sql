{#-
    GMSF v1.3 storage stage: the campaign's master files kept for 10 years, embodied emissions only
    (the framework excludes the drives' use phase: infrequent access):
      co2e_embodied_kg = masters GB x (HDD copies x 0.160 + SSD copies x 0.020 + cloud copies x 0.0253
                                       + LTO copies x 0.00114)
    One row per campaign declared in ad_campaign_inputs with masters_gb, dated storage_date; the
    campaign's ad platform is the vendor. Energy, location-based carbon and water are 0 (excluded by the
    framework), not unknown.
-#}
with k as (
{{ gmsf_parameters({
    'storage_hdd_kg_per_gb': 'hdd',
    'storage_ssd_kg_per_gb': 'ssd',
    'storage_cloud_kg_per_gb': 'cloud',
    'storage_lto_kg_per_gb': 'lto',
}) }}
),

inputs as (
    select
        ci.*,
        ci.masters_gb * (
            coalesce(ci.hdd_copies, 0) * k.hdd + coalesce(ci.ssd_copies, 0) * k.ssd
            + coalesce(ci.cloud_copies, 0) * k.cloud + coalesce(ci.lto_copies, 0) * k.lto
        ) as storage_kg
    from {{ ref('ad_campaign_inputs') }} as ci
    cross join k
    where ci.masters_gb is not null and ci.storage_date is not null
)

select
    'ad_storage|' || platform || '|' || campaign_id as activity_id,
    'ad_campaign_inputs' as source,
    'storage' as dataset,
    platform as vendor,
    platform || '.ads' as service,
    cast(null as {{ dbt.type_string() }}) as model,
    cast(null as {{ dbt.type_string() }}) as model_raw,
    'ad_storage' as activity_type,
    masters_gb as quantity,
    'GB' as unit,
    cast(null as {{ dbt.type_timestamp() }}) as usage_start,
    cast(null as {{ dbt.type_timestamp() }}) as usage_end,
    storage_date as usage_date,
    cast(null as {{ dbt.type_string() }}) as region,
    cast(null as {{ dbt.type_string() }}) as country,
    cast(null as {{ dbt.type_string() }}) as account,
    cast(null as {{ dbt.type_string() }}) as project,
    cast(null as {{ dbt.type_string() }}) as workspace,
    cast(null as {{ dbt.type_string() }}) as api_key_id,
    cast(null as {{ dbt.type_string() }}) as user_id,
    campaign_id,
    cast(null as {{ dbt.type_string() }}) as device,
    cast(null as {{ dbt.type_string() }}) as ad_format,
    cast(null as {{ dbt.type_string() }}) as placement,
    cast(null as decimal(38, 12)) as cost_amount,
    cast(null as decimal(38, 12)) as cost_amount_net,
    cast(null as {{ dbt.type_string() }}) as cost_currency,
    cast(null as {{ dbt.type_string() }}) as attributes,
    'dbt_project/seeds/config/ad_campaign_inputs.csv' as source_file,
    platform || '/' || campaign_id as source_row,
    cast(null as {{ dbt.type_string() }}) as source_sha256,
    cast(null as {{ dbt.type_string() }}) as connector_version,
    cast(null as {{ dbt.type_timestamp() }}) as ingested_at,
    cast(null as {{ dbt.type_string() }}) as electricity_country,
    'ad_framework' as method_tier,
    2 as dq_score,
    cast(null as {{ dbt.type_string() }}) as model_factor_id,
    'ad.storage' as activity_factor_id,
    cast(null as {{ dbt.type_string() }}) as provider_factor_id,
    cast(null as {{ dbt.type_string() }}) as grid_factor_id,
    cast(null as {{ dbt.type_string() }}) as water_factor_id,
    {{ figure_range_of('it_energy_kwh', 'cast(0 as double)') }},
    {{ figure_range_of('energy_kwh', 'cast(0 as double)') }},
    {{ figure_range_of('co2e_location_kg', 'cast(0 as double)') }},
    {{ figure_range_of('co2e_embodied_kg', 'storage_kg') }},
    {{ figure_range_of('water_l', 'cast(0 as double)') }},
    {{ figure_range_of('co2e_market_kg', 'cast(0 as double)') }},
    'location_fallback' as market_basis,
    cast(null as {{ dbt.type_string() }}) as market_factor_id,
    storage_kg
from inputs
