{#-
    Usage rows: everything that measures work done (tokens, images, seconds...). Cost-only `spend`
    rows are kept apart in fct_vendor_costs: estimating them as well would count the same purchase
    twice wherever the vendor also reports usage.
    A cost report's line that states its token quantity (the OpenAI Costs API and dashboard Cost export,
    `quantity_unit` tokens: issue #13 class 2) lands as tokens, but it restates what the vendor's usage
    reports measure: like cost-report spend (int_spend_impacts_computed), it is estimated only on days its
    vendor reported no usage at all (`covered_by_usage`, decided in int_activity_unioned), so the same
    tokens are never counted twice. Its cost stays in fct_vendor_costs either way.
    The comparable prompts of the vendors' own disclosures (int_disclosure_prompts, dataset
    `reference_prompt`) ride along, so they are estimated by the very same models; int_activity_impacts_all
    drops them and mart_vendor_disclosure_comparison reads them.
-#}
select * from {{ ref('int_activity_unioned') }}
where activity_type <> 'spend' and not covered_by_usage
union all
select * from {{ ref('int_disclosure_prompts') }}
