{#- low <= central <= high for a figure carried with its range. -#}
{% test ordered_bounds(model, column_name) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }}_low > {{ column_name }} * (1 + 1e-9)
   or {{ column_name }} > {{ column_name }}_high * (1 + 1e-9)
{% endtest %}
