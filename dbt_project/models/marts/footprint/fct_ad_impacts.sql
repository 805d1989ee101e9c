{#- One row per ad delivery record (its impressions), with the GMSF stages and every default used, and one
    per campaign storage declaration (GMSF storage stage, impressions 0).
    Incremental by usage day (macros/incremental_days.sql). -#}
{#- Both kinds of row have the impact shape; the GMSF delivery columns a storage declaration has not are
    null on its row (stage energies and impressions 0). -#}
{%- set delivery_only = {
    'format_used': dbt.type_string(), 'buy_type': dbt.type_string(), 'record_view_seconds': 'double',
    'view_seconds_per_impression': 'double', 'payload_mb': 'double', 'servers': 'double', 'calls': 'double',
    'ads_txt_lines_used': 'double', 'completion_rate': 'double', 'defaults_used': dbt.type_string(),
    'foreign_grid_factor_id': dbt.type_string(),
} -%}
{%- set stages = ['ad_selection_kwh', 'ad_delivery_kwh', 'ad_device_kwh'] %}
{{ config(**incremental_by_day_config()) }}
-- depends_on: {{ ref('int_activity_unioned') }}
with gmsf_rows as (
    select
        {{ impact_columns() | join(', ') }},
        platform,
        quantity as impressions,
        {{ (stages + delivery_only.keys() | list) | join(', ') }},
        cast(0 as double) as ad_storage_kg
    from {{ ref('int_ad_impacts_computed') }}
    where activity_type = 'ad_impressions' and {{ changed_usage_days_predicate() }}
    union all
    select
        {{ impact_columns() | join(', ') }},
        vendor as platform,
        cast(0 as double) as impressions,
        {%- for stage in stages %}
        cast(0 as double) as {{ stage }},
        {%- endfor %}
        {%- for column, type in delivery_only.items() %}
        cast(null as {{ type }}) as {{ column }},
        {%- endfor %}
        storage_kg as ad_storage_kg
    from {{ ref('int_ad_storage_computed') }}
    where {{ changed_usage_days_predicate() }}
)

select
    activity_id,
    {{ quarter_label('usage_date') }} as quarter,
    usage_date,
    platform,
    source,
    account,
    campaign_id,
    country,
    electricity_country,
    device,
    ad_format,
    format_used,
    placement,
    buy_type,
    impressions,
    record_view_seconds,
    view_seconds_per_impression,
    payload_mb,
    servers,
    calls,
    ads_txt_lines_used,
    completion_rate,
    {{ stages | join(', ') }},
    {{ figure_range(['energy_kwh', 'co2e_location_kg']) | join(', ') }},
    co2e_embodied_kg,
    water_l,
    dq_score,
    defaults_used,
    activity_factor_id as format_factor_id,
    provider_factor_id as region_factor_id,
    grid_factor_id,
    foreign_grid_factor_id,
    {{ cost_columns() | join(', ') }},
    attributes,
    source_file,
    source_row,
    source_sha256,
    ingested_at,
    {{ factor_release_stamp() }},
    ad_storage_kg,
    {{ build_stamp() }}
from gmsf_rows
