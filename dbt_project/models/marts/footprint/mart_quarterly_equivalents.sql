{#-
    Cited equivalents beside each quarter's footprint, per business unit: energy as smartphone charges,
    location-based carbon as km driven by a named car, water as 500 mL bottles (factor_equivalents seed).
    One row per quarter, fiscal quarter, business unit and equivalent: the figure with its low/high and
    figure / factor value beside it, with the factor's id, unit, source, year, licence and note.
    The formula (which figure each factor kind divides, low/central/high, validity window) is the macro
    equivalents_of, which `ewh estimate` evaluates too (analyses/estimate_equivalents.sql). A factor
    applies when its validity window contains the quarter's last day. Counts are linear, so a company total is the sum over business units; counts of different equivalents never add up.
-#}
{{ config(**incremental_by_period_config('quarter')) }}
with allocated as (
    {{ with_allocation(ref('fct_activity_impacts')) }}
),

figures as (
    select
        quarter,
        fiscal_quarter,
        business_unit,
        max({{ dbt.last_day('usage_date', 'quarter') }}) as quarter_end,
        count(*) as activity_rows,
        {{ sum_with_bounds(['energy_kwh', 'co2e_location_kg', 'water_l']) }}
    from allocated as f
    where {{ changed_periods_predicate('quarter') }}
    group by quarter, fiscal_quarter, business_unit
),

equivalents as (
    {{ equivalents_of(
        'figures', ['quarter', 'fiscal_quarter', 'business_unit'], 'quarter_end', carry=['activity_rows']
    ) }}
)

select *, {{ mart_build_columns() }}
from equivalents
