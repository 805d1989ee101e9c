{{ config(meta={"dagster": {"ref": {"name": "mart_quarterly_emissions"}}}) }}
{#- The quarterly mart must add up to the row-level impacts: nothing lost or double counted. -#}
with mart as (
    select sum(energy_kwh) as energy, sum(co2e_location_kg) as co2e, sum(activity_rows) as n
    from {{ ref('mart_quarterly_emissions') }}
),
rows_ as (
    select sum(energy_kwh) as energy, sum(co2e_location_kg) as co2e, count(*) as n
    from {{ ref('fct_activity_impacts') }}
)
select *
from mart cross join rows_ as r
where mart.n <> r.n
   or abs(coalesce(mart.energy, 0) - coalesce(r.energy, 0)) > 1e-9 * greatest(1, abs(coalesce(r.energy, 0)))
   or abs(coalesce(mart.co2e, 0) - coalesce(r.co2e, 0)) > 1e-9 * greatest(1, abs(coalesce(r.co2e, 0)))
