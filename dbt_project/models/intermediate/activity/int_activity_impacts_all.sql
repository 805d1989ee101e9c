{#- AI and other per-unit activity (EcoLogits path), ad delivery (GMSF path) and cost-only rows
    (spend-based fallback), in one shape. The vendor disclosures' comparable prompts are not activity:
    mart_vendor_disclosure_comparison reads them from int_activity_impacts_computed. -#}
select {{ impact_columns() | join(', ') }} from {{ ref('int_activity_impacts_computed') }}
where coalesce(dataset, '') <> 'reference_prompt'  -- the disclosures' comparable prompts (int_disclosure_prompts)
union all
select {{ impact_columns() | join(', ') }} from {{ ref('int_ad_impacts_computed') }}
union all
select {{ impact_columns() | join(', ') }} from {{ ref('int_spend_impacts_computed') }}
