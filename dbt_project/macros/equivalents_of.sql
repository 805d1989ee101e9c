{#- The one home of the equivalents formula, used by mart_quarterly_equivalents and by `ewh estimate`
    (analyses/estimate_equivalents.sql, evaluated on the planned rows by ewh/estimate_sql.py).
    `figures` is a relation with the `keys`, the date `valid_at` and energy_kwh, co2e_location_kg and
    water_l, each with its _low and _high. Each factor of the factor_equivalents seed divides the figure
    its kind names (factor_id equivalent.<kind>.*: energy -> energy_kwh, carbon -> co2e_location_kg,
    water -> water_l), bound by bound, when its validity window contains `valid_at`. One row per key and
    equivalent; `carry` columns of `figures` are passed through at the end. -#}
{% macro equivalents_of(figures, keys, valid_at, carry=[]) %}
select
    {%- for key in keys %}
    l.{{ key }},
    {%- endfor %}
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
    l.{{ valid_at }} as factor_valid_at
    {%- for column in carry %},
    l.{{ column }}
    {%- endfor %}
from (
    select
        f.*,
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
    from {{ figures }} as f
    cross join (
        select 'energy_kwh' as measure, 'kWh' as figure_unit, 'equivalent.energy.%' as factor_id_pattern
        union all
        select 'co2e_location_kg' as measure, 'kgCO2e' as figure_unit, 'equivalent.carbon.%' as factor_id_pattern
        union all
        select 'water_l' as measure, 'L' as figure_unit, 'equivalent.water.%' as factor_id_pattern
    ) as m
) as l
inner join {{ ref('factor_equivalents') }} as e
    on e.factor_id like l.factor_id_pattern
    and l.{{ valid_at }} between e.valid_from and e.valid_to
{% endmacro %}
