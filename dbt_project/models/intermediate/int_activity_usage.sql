{#-
    Usage rows: everything that measures work done (tokens, images, seconds...). Cost-only `spend`
    rows are kept apart in fct_vendor_costs: estimating them as well would count the same purchase
    twice wherever the vendor also reports usage.
-#}
select * from {{ ref('int_activity_unioned') }}
where activity_type <> 'spend'
