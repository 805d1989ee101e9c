{#-
    For each distinct LLM model key (model, raw model, catalogue, usage day), the one model factor that
    applies, best first:
      10  the raw model id is a registry name (every EcoLogits registry, retired snapshots included),
      20  the raw id's match key (cloud namespaces, version suffixes and separators aside; date kept) is a
          registry name's key: `meta.llama3-1-8b-instruct-v1:0` -> `meta-llama/Meta-Llama-3.1-8B-Instruct`,
      30  the normalised id's key, 40 its `-latest` / `-preview` alias: both as they stood on the snapshot's
          own date when the raw id carries one (`mistral-large-2411` -> the alias's 2024-11 architecture,
          never today's), else on the usage day,
      50  a size written in the name (`8b`, `8x7b`, `30b-a3b`) -> EcoLogits at that size (size class),
      60  a price class in the name (factor_llm_tier_patterns) -> its tier,
      99  nothing: the wide `unknown` tier (small low end to frontier high end).
    The vendor's own catalogue wins a tie with another catalogue. Matching runs once per distinct (model,
    raw model, catalogue, day) of the LLM rows (int_activity_usage_keyed), a few thousand keys, kept in this
    table incrementally by usage day (macros/incremental_days.sql); int_activity_energy_estimated joins the
    rows to it by key. It holds the LLM sources' keys only, so the days to match again are those landed
    after it was built (`landed_through`), not after its newest row: a full landing whose ad or billing
    sources landed after its LLM sources otherwise made the next nightly match every day of the year.
    Low and high carry the structural uncertainty (factor_llm_structural: batching, serving stack, full-stack
    overhead) on top of the model's own range; central is EcoLogits' figure.
-#}
{%- set coefficients = ['it_kwh_per_output_token', 'it_kwh_per_request',
                        'embodied_kgco2e_per_output_token', 'embodied_kgco2e_per_request'] -%}
{%- set number = '[0-9]+([.][0-9]+)?' -%}
{{ config(**incremental_by_day_config(watermark='landed_through')) }}
-- depends_on: {{ ref('int_activity_unioned') }}
with match_keys as (
    select model, model_raw, model_catalog, usage_date, max(ingested_at) as ingested_at
    from {{ ref('int_activity_usage_keyed') }}
    where is_llm_row and {{ changed_usage_days_predicate(watermark='landed_through') }}
    group by model, model_raw, model_catalog, usage_date
),

keyed as (
    select
        k.*,
        {{ llm_model_key('k.model_raw') }} as raw_key,
        {{ llm_model_key('k.model') }} as model_key,
        lower(trim(k.model_raw)) as raw_lower,
        regexp_extract(lower(k.model_raw), '(20[0-9]{2})-?([01][0-9])-?([0-3][0-9])$', 0) as raw_full_date,
        regexp_extract(lower(k.model_raw), '-(2[3-9])(0[1-9]|1[0-2])$', 0) as raw_yymm,
        regexp_extract(k.model, '([0-9]+)x({{ number }})b($|[^a-z0-9])', 1) as moe_experts,
        regexp_extract(k.model, '([0-9]+)x({{ number }})b($|[^a-z0-9])', 2) as moe_expert_b,
        regexp_extract(k.model, '(^|[^a-z0-9.])({{ number }})b-a({{ number }})b($|[^a-z0-9])', 2) as moe_total_b,
        regexp_extract(k.model, '(^|[^a-z0-9.])({{ number }})b-a({{ number }})b($|[^a-z0-9])', 4) as moe_active_b,
        regexp_extract(k.model, '(^|[^a-z0-9.])({{ number }})b($|[^a-z0-9])', 2) as dense_b
    from match_keys as k
),

dated as (
    select
        *,
        -- the day the raw id's snapshot was released (YYYY-MM-DD, YYYYMMDD or Mistral's YYMM), else the usage day
        coalesce(
            case when raw_full_date <> '' then try_cast(
                concat(substr(replace(raw_full_date, '-', ''), 1, 4), '-', substr(replace(raw_full_date, '-', ''), 5, 2),
                       '-', substr(replace(raw_full_date, '-', ''), 7, 2)) as date) end,
            case when raw_yymm <> '' then try_cast(
                concat('20', substr(raw_yymm, 2, 2), '-', substr(raw_yymm, 4, 2), '-01') as date) end,
            usage_date
        ) as reference_date,
        -- total and active parameters (billions) a name states: NxMb (top-2 experts), Tb-aAb, or Pb
        case
            when moe_experts <> '' then cast(moe_experts as double) * cast(moe_expert_b as double)
            when moe_total_b <> '' then cast(moe_total_b as double)
            when dense_b <> '' then cast(dense_b as double)
        end as named_total_b,
        case
            when moe_experts <> '' then 2 * cast(moe_expert_b as double)
            when moe_active_b <> '' then cast(moe_active_b as double)
            when dense_b <> '' then cast(dense_b as double)
        end as named_active_b
    from keyed
),

registry as (
    select
        factor_id,
        model_catalog,
        lower(model_name) as name_lower,
        {{ llm_model_key('model_name') }} as name_key,
        length(model_name) as name_length,
        valid_from,
        valid_to
    from {{ ref('factor_llm_models') }}
),

registry_candidates as (
    select
        k.model, k.model_raw, k.model_catalog, k.usage_date, r.factor_id, r.name_length,
        case
            when r.name_lower = k.raw_lower and k.usage_date between r.valid_from and r.valid_to then 10
            when r.name_key = k.raw_key and k.usage_date between r.valid_from and r.valid_to then 20
            when r.name_key = k.model_key and k.reference_date between r.valid_from and r.valid_to then 30
            when r.name_key in (concat(k.model_key, 'latest'), concat(k.model_key, 'preview'))
                and k.reference_date between r.valid_from and r.valid_to then 40
        end + case when k.model_catalog in ('*', r.model_catalog) then 0 else 1 end as preference
    from dated as k
    inner join registry as r
        on r.name_lower = k.raw_lower
        or r.name_key in (k.raw_key, k.model_key, concat(k.model_key, 'latest'), concat(k.model_key, 'preview'))
),

candidates as (
    select model, model_raw, model_catalog, usage_date, factor_id, preference, name_length
    from registry_candidates
    where preference is not null
    union all
    select k.model, k.model_raw, k.model_catalog, k.usage_date, s.factor_id, 50 as preference, 0 as name_length
    from dated as k
    inner join {{ ref('factor_llm_size_classes') }} as s
        on k.named_total_b > s.total_params_b_above and k.named_total_b <= s.total_params_b_max
        and k.named_active_b > 0 and k.named_active_b <= k.named_total_b
        and k.usage_date between s.valid_from and s.valid_to
    union all
    select k.model, k.model_raw, k.model_catalog, k.usage_date, t.factor_id, 60 + pat.priority / 1000.0, 0
    from dated as k
    inner join {{ ref('factor_llm_tier_patterns') }} as pat
        on coalesce(k.model, '') like pat.name_pattern
    inner join {{ ref('factor_llm_tiers') }} as t
        on t.model_name = pat.tier and k.usage_date between t.valid_from and t.valid_to
    union all
    select k.model, k.model_raw, k.model_catalog, k.usage_date, t.factor_id, 99, 0
    from dated as k
    inner join {{ ref('factor_llm_tiers') }} as t
        on t.model_name = 'unknown' and k.usage_date between t.valid_from and t.valid_to
),

ranked as (
    select
        *,
        row_number() over (
            partition by model, model_raw, model_catalog, usage_date order by preference, name_length, factor_id
        ) as rank_in_key
    from candidates
),

structural as (
    select
        k.model, k.model_raw, k.model_catalog, k.usage_date,
        exp(sum(ln(s.multiplier_low))) as structural_low,
        exp(sum(ln(s.multiplier_high))) as structural_high,
        count(s.factor_id) as structural_components
    from match_keys as k
    left join {{ ref('factor_llm_structural') }} as s
        on k.usage_date between s.valid_from and s.valid_to
    group by k.model, k.model_raw, k.model_catalog, k.usage_date
),

resolved as (
    select
        r.model, r.model_raw, r.model_catalog, r.usage_date, k.ingested_at, r.factor_id,
        coalesce(f.method_tier, 'name_size') as method_tier,
        coalesce(f.dq_score, 4) as dq_score,
        {%- for c in coefficients %}
        coalesce(f.{{ c }}_low, s.{{ c }}_intercept + s.{{ c }}_per_active_b * k.named_active_b)
            * coalesce(st.structural_low, 1) as {{ c }}_low,
        coalesce(f.{{ c }}, s.{{ c }}_intercept + s.{{ c }}_per_active_b * k.named_active_b) as {{ c }},
        coalesce(f.{{ c }}_high, s.{{ c }}_intercept + s.{{ c }}_per_active_b * k.named_active_b)
            * coalesce(st.structural_high, 1) as {{ c }}_high{{ ',' if not loop.last }}
        {%- endfor %}
    from ranked as r
    inner join dated as k
        on coalesce(r.model, '') = coalesce(k.model, '')
        and coalesce(r.model_raw, '') = coalesce(k.model_raw, '')
        and coalesce(r.model_catalog, '') = coalesce(k.model_catalog, '')
        and r.usage_date = k.usage_date
    inner join structural as st  -- one row per match key
        on coalesce(r.model, '') = coalesce(st.model, '')
        and coalesce(r.model_raw, '') = coalesce(st.model_raw, '')
        and coalesce(r.model_catalog, '') = coalesce(st.model_catalog, '')
        and r.usage_date = st.usage_date
    left join {{ ref('int_llm_factors') }} as f on r.factor_id = f.factor_id
    left join {{ ref('factor_llm_size_classes') }} as s on r.factor_id = s.factor_id
    where r.rank_in_key = 1
)

select
    model,
    model_raw,
    model_catalog,
    usage_date,
    ingested_at,
    factor_id as model_factor_id,
    method_tier as model_method_tier,
    dq_score as model_dq_score,
    {%- for c in coefficients %}
    {{ c }}_low, {{ c }}, {{ c }}_high,
    {%- endfor %}
    '{{ var("factor_release_sha256") }}' as factor_release_sha256,
    {{ landed_through() }}
from resolved
