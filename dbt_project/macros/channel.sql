{#- The purchase channel of an activity row: the vendor's own (seed vendor_channels: creative tools, seats),
    else advertising for ad delivery and 'AI API' for everything else. The one home of the rule. -#}
{% macro channel(vendor_channel, activity_type, ad_format) %}
coalesce(
    {{ vendor_channel }},
    case when {{ ad_format }} is not null or {{ activity_type }} in ('ad_impressions', 'video_views', 'ad_view_seconds')
         then 'advertising' else 'AI API' end
)
{%- endmacro %}
