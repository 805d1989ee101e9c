{% for source_name in var('activity_sources') + var('emission_sources') %}
select
    source,
    dataset,
    source_file,
    source_row,
    source_sha256,
    field,
    reason,
    record,
    quarantined_at
from {{ source('quarantine', source_name) }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
