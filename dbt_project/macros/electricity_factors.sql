{#-
    The grid's carbon intensity (Ember, location-based) and the water its electricity consumes, in the
    country whose grid powered a row (`<row>.electricity_country`) on its usage day; a country with no
    factor takes Ember's World ('WOR'), and the factor id on the row says which. The joins (aliases g, gw,
    w, ww) go in the row's from-clause, the columns in its select list.
-#}
{% macro electricity_factor_joins(row) %}
    left join {{ ref('factor_grid_intensity') }} as g
        on {{ row }}.electricity_country = g.country and {{ row }}.usage_date between g.valid_from and g.valid_to
    left join {{ ref('factor_grid_intensity') }} as gw
        on gw.country = 'WOR' and {{ row }}.usage_date between gw.valid_from and gw.valid_to
    left join {{ ref('factor_electricity_water') }} as w
        on {{ row }}.electricity_country = w.country and {{ row }}.usage_date between w.valid_from and w.valid_to
    left join {{ ref('factor_electricity_water') }} as ww
        on ww.country = 'WOR' and {{ row }}.usage_date between ww.valid_from and ww.valid_to
{% endmacro %}

{% macro electricity_factor_columns() %}
        coalesce(g.factor_id, gw.factor_id) as grid_factor_id,
        coalesce(g.kgco2e_per_kwh, gw.kgco2e_per_kwh) as grid_kgco2e_per_kwh,
        coalesce(w.factor_id, ww.factor_id) as water_factor_id,
        coalesce(w.water_l_per_kwh, ww.water_l_per_kwh) as water_l_per_kwh
{%- endmacro %}
