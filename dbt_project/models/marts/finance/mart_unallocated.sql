{#- The business keys no allocation rule matched, per quarter and currency, with their spend and
    footprint: rules to write, and the unallocated line finance sees at quarter close. -#}
{{ config(**incremental_by_period_config('quarter')) }}
with allocated as (
    {{ with_allocation(ref('fct_activity_impacts')) }}
)

select
    quarter,
    fiscal_quarter,
    vendor,
    source,
    coalesce(campaign_id, api_key_id, project, workspace, account, '(no business key)') as business_key,
    case when campaign_id is not null then 'campaign_id' when api_key_id is not null then 'api_key_id'
         when project is not null then 'project' when workspace is not null then 'workspace'
         when account is not null then 'account' else 'none' end as key_field,
    cost_currency as spend_currency,
    count(*) as activity_rows,
    sum(cast(cost_amount as double)) as spend,
    sum(co2e_location_kg) as co2e_location_kg,
    {{ mart_build_columns() }}
from allocated as f
where business_unit = 'unallocated' and {{ changed_periods_predicate('quarter') }}
group by 1, 2, 3, 4, 5, 6, 7
