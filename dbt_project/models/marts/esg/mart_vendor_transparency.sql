{#-
    Vendor transparency scorecard: a score from vendor_disclosures (yes = 1, partial = 0.5, no or
    unknown = 0, out of the six items) beside the share of our footprint resting on that vendor, and
    the items to ask about. Our figures for a vendor rest on undisclosed data wherever it publishes no
    per-query energy of its own.
-#}
with scores as (
    select
        vendor,
        sum(case disclosed when 'yes' then 1.0 when 'partial' then 0.5 else 0 end) as score,
        count(*) as items,
        sum(case when item = 'per_query_energy' and disclosed = 'yes' then 1 else 0 end) as discloses_energy,
        {{ dbt.listagg("case when disclosed <> 'yes' then item end", "', '", "order by item") }} as ask_about
    from {{ ref('vendor_disclosures') }}
    group by vendor
),

footprint as (
    select vendor, sum(co2e_location_kg + coalesce(co2e_embodied_kg, 0)) as kgco2e
    from {{ ref('fct_activity_impacts') }}
    group by vendor
),

total as (
    select sum(kgco2e) as kgco2e from footprint
)

select
    s.vendor,
    s.score,
    s.items,
    s.score / s.items as transparency_share,
    s.ask_about,
    f.kgco2e,
    f.kgco2e / nullif(t.kgco2e, 0) as share_of_footprint,
    case when s.discloses_energy = 0 then f.kgco2e / nullif(t.kgco2e, 0) else 0 end
        as share_of_footprint_on_undisclosed_energy
from scores as s
left join footprint as f on s.vendor = f.vendor
cross join total as t
