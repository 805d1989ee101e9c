{#- The business keys no allocation rule matched, with their spend and footprint: rules to write. -#}
select
    vendor,
    source,
    coalesce(campaign_id, api_key_id, project, workspace, account, '(no business key)') as business_key,
    case when campaign_id is not null then 'campaign_id' when api_key_id is not null then 'api_key_id'
         when project is not null then 'project' when workspace is not null then 'workspace'
         when account is not null then 'account' else 'none' end as key_field,
    count(*) as activity_rows,
    sum(cast(cost_amount as double)) as spend,
    min(cost_currency) as spend_currency,
    sum(co2e_location_kg) as co2e_location_kg
from {{ ref('int_activity_allocated') }}
where business_unit = 'unallocated'
group by 1, 2, 3, 4
