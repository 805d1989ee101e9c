{#-
    The comparable usage behind each vendor's per-prompt disclosure (vendor_disclosure_figures), as activity
    rows of the dataset `reference_prompt`: one request with its input and output tokens, on the vendor, model
    and day the disclosure describes. int_activity_usage adds them to the activity, so the warehouse's own
    models estimate them exactly as they estimate usage; int_activity_impacts_all leaves them out and
    mart_vendor_disclosure_comparison reads them back. Columns follow int_activity_unioned's, nulls where a
    prompt has nothing to say.
-#}
-- depends_on: {{ ref('int_activity_unioned') }}
with prompts as (
    select distinct
        prompt_id, prompt_vendor, prompt_model, prompt_date, prompt_input_tokens, prompt_output_tokens
    from {{ ref('vendor_disclosure_figures') }}
),

rows as (
    select prompt_id, prompt_vendor, prompt_model, prompt_date,
           'llm_input_tokens' as activity_type, cast(prompt_input_tokens as double) as quantity, 'tokens' as unit
    from prompts
    union all
    select prompt_id, prompt_vendor, prompt_model, prompt_date,
           'llm_output_tokens', cast(prompt_output_tokens as double), 'tokens'
    from prompts
    union all
    select prompt_id, prompt_vendor, prompt_model, prompt_date, 'llm_requests', cast(1 as double), 'requests'
    from prompts
)

{%- set given = {
    'activity_id': "concat('reference_prompt:', prompt_id, ':', activity_type)",
    'source': "'ewh_reference'",
    'dataset': "'reference_prompt'",
    'vendor': "prompt_vendor",
    'service': "concat(prompt_vendor, '.completions')",
    'model': "prompt_model",
    'model_raw': "prompt_model",
    'activity_type': "activity_type",
    'quantity': "quantity",
    'unit': "unit",
    'usage_date': "cast(prompt_date as date)",
    'project': "prompt_id",
    'source_file': "'dbt_project/seeds/reference/vendor_disclosure_figures.csv'",
    'source_row': "prompt_id",
    'source_sha256': "''",
    'connector_version': "'reference-1'",
    'report_family': "'reference_prompt'",
} %}
{%- set columns = adapter.get_columns_in_relation(ref('int_activity_unioned')) if execute else [] %}

select
{%- for c in columns %}
    {%- if c.name in given %}
    cast({{ given[c.name] }} as {{ c.data_type }}) as {{ c.name }}
    {%- else %}
    cast(null as {{ c.data_type }}) as {{ c.name }}
    {%- endif %}{{ ',' if not loop.last }}
{%- else %}
    {{ given.values() | join(', ') }}
{%- endfor %}
from rows
