{#-
    Cited equivalents beside each quarter's footprint, per business unit: energy as smartphone charges,
    location-based carbon as km driven by a named car, water as 500 mL bottles (factor_equivalents seed).
    One row per quarter, fiscal quarter, business unit and equivalent: the figure with its low/high and
    figure / factor value beside it, with the factor's id, unit, source, year, licence and note.
    The measure mapping (factor_id prefix equivalent.<measure>.) is ewh/estimate.py's
    EQUIVALENT_MEASURES, so `ewh estimate` and this mart divide the same figure by the same factor.
    A factor applies when its validity window contains the quarter's last day. Counts are linear, so a
    company total is the sum over business units; counts of different equivalents never add up.
-#}
with figures as (
    select
        quarter,
        fiscal_quarter,
        business_unit,
        max({{ dbt.last_day('usage_date', 'quarter') }}) as quarter_end,
        count(*) as activity_rows,
        {{ sum_with_bounds(['energy_kwh', 'co2e_location_kg', 'water_l']) }}
    from {{ ref('fct_activity_impacts') }} as f
    inner join {{ ref('int_activity_allocated') }} as a on f.activity_id = a.activity_id
    group by quarter, fiscal_quarter, business_unit
),

-- the figure each equivalent divides, chosen by the factor_id prefix (as in ewh/estimate.py)
measures as (
    select 'energy_kwh' as measure, 'kWh' as figure_unit, 'equivalent.energy.%' as factor_id_pattern
    union all
    select 'co2e_location_kg' as measure, 'kgCO2e' as figure_unit, 'equivalent.carbon.%' as factor_id_pattern
    union all
    select 'water_l' as measure, 'L' as figure_unit, 'equivalent.water.%' as factor_id_pattern
),

long_figures as (
    select
        f.quarter,
        f.fiscal_quarter,
        f.business_unit,
        f.quarter_end,
        f.activity_rows,
        m.measure,
        m.figure_unit,
        m.factor_id_pattern,
        case m.measure
            when 'energy_kwh' then f.energy_kwh_low
            when 'co2e_location_kg' then f.co2e_location_kg_low
            else f.water_l_low
        end as figure_low,
        case m.measure
            when 'energy_kwh' then f.energy_kwh
            when 'co2e_location_kg' then f.co2e_location_kg
            else f.water_l
        end as figure,
        case m.measure
            when 'energy_kwh' then f.energy_kwh_high
            when 'co2e_location_kg' then f.co2e_location_kg_high
            else f.water_l_high
        end as figure_high
    from figures as f
    cross join measures as m
)

select
    l.quarter,
    l.fiscal_quarter,
    l.business_unit,
    l.measure,
    l.figure_unit,
    l.figure_low,
    l.figure,
    l.figure_high,
    e.factor_id,
    e.equivalent,
    l.figure_low / nullif(e.value, 0) as equivalent_count_low,
    l.figure / nullif(e.value, 0) as equivalent_count,
    l.figure_high / nullif(e.value, 0) as equivalent_count_high,
    e.value as factor_value,
    e.unit as factor_unit,
    e.basis as factor_basis,
    e.source_url,
    e.source_year,
    e.licence,
    e.note,
    e.release as factor_release,
    l.quarter_end as factor_valid_at,
    l.activity_rows
from long_figures as l
inner join {{ ref('factor_equivalents') }} as e
    on e.factor_id like l.factor_id_pattern
    and l.quarter_end between e.valid_from and e.valid_to
