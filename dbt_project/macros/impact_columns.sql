{#- The canonical activity columns, in order (connectors/core/schema.py): what every landed source carries. -#}
{% macro activity_columns() %}
    {{ return([
        'activity_id', 'source', 'dataset', 'vendor', 'service', 'model', 'model_raw', 'activity_type',
        'quantity', 'unit', 'usage_start', 'usage_end', 'usage_date', 'region', 'country', 'account', 'project',
        'workspace', 'api_key_id', 'user_id', 'campaign_id', 'device', 'ad_format', 'placement']
        + cost_columns()
        + ['attributes', 'source_file', 'source_row', 'source_sha256', 'connector_version', 'ingested_at']
    ) }}
{% endmacro %}

{#- What a row cost: gross amount, net amount (after credits and discounts), currency. Every fact carries
    the three together. -#}
{% macro cost_columns() %}
    {{ return(['cost_amount', 'cost_amount_net', 'cost_currency']) }}
{% endmacro %}

{#- The columns every row-level impact model exposes, in order (activity columns, then figures). -#}
{% macro impact_columns() %}
    {{ return(activity_columns() + [
        'electricity_country', 'method_tier', 'dq_score', 'model_factor_id', 'activity_factor_id',
        'provider_factor_id', 'grid_factor_id', 'water_factor_id']
        + figure_range(impact_figures())
        + ['market_basis', 'market_factor_id']
    ) }}
{% endmacro %}

{#- The figures every row-level impact model carries, each with its range (figure_range). -#}
{% macro impact_figures() %}
    {{ return(['it_energy_kwh', 'energy_kwh', 'co2e_location_kg', 'co2e_embodied_kg', 'water_l', 'co2e_market_kg']) }}
{% endmacro %}
