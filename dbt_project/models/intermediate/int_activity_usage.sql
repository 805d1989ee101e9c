{#-
    Usage rows: everything that measures work done (tokens, images, seconds...). Cost-only `spend`
    rows are kept apart in fct_vendor_costs: estimating them as well would count the same purchase
    twice wherever the vendor also reports usage.
    The comparable prompts of the vendors' own disclosures (int_disclosure_prompts, dataset
    `reference_prompt`) ride along, so they are estimated by the very same models; int_activity_impacts_all
    drops them and mart_vendor_disclosure_comparison reads them.
-#}
select * from {{ ref('int_activity_unioned') }}
where activity_type <> 'spend'
union all
select * from {{ ref('int_disclosure_prompts') }}
