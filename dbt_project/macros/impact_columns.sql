{#- The columns every row-level impact model exposes, in order (activity columns, then figures). -#}
{% macro impact_columns() %}
    {{ return([
        'activity_id', 'source', 'dataset', 'vendor', 'service', 'model', 'model_raw', 'activity_type',
        'quantity', 'unit', 'usage_start', 'usage_end', 'usage_date', 'region', 'country', 'account', 'project',
        'workspace', 'api_key_id', 'user_id', 'campaign_id', 'device', 'ad_format', 'placement', 'cost_amount',
        'cost_amount_net', 'cost_currency', 'attributes', 'source_file', 'source_row', 'source_sha256', 'connector_version',
        'ingested_at', 'electricity_country', 'method_tier', 'dq_score', 'model_factor_id', 'activity_factor_id',
        'provider_factor_id', 'grid_factor_id', 'water_factor_id',
        'it_energy_kwh_low', 'it_energy_kwh', 'it_energy_kwh_high',
        'energy_kwh_low', 'energy_kwh', 'energy_kwh_high',
        'co2e_location_kg_low', 'co2e_location_kg', 'co2e_location_kg_high',
        'co2e_embodied_kg_low', 'co2e_embodied_kg', 'co2e_embodied_kg_high',
        'water_l_low', 'water_l', 'water_l_high',
        'co2e_market_kg_low', 'co2e_market_kg', 'co2e_market_kg_high', 'market_basis', 'market_factor_id'
    ]) }}
{% endmacro %}
