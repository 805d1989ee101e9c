{#- One landed source in the canonical activity schema, with explicit types so every adapter agrees. -#}
{% macro stage_activity(source_name) %}
select
    activity_id,
    source,
    dataset,
    vendor,
    service,
    model,
    model_raw,
    activity_type,
    cast(quantity as double) as quantity,
    unit,
    usage_start,
    usage_end,
    cast(usage_date as date) as usage_date,
    region,
    country,
    account,
    project,
    workspace,
    api_key_id,
    user_id,
    campaign_id,
    cost_amount,
    cost_currency,
    attributes,
    source_file,
    source_row,
    source_sha256,
    connector_version,
    ingested_at
from {{ source('landing', source_name) }}
{% endmacro %}
