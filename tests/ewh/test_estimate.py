"""``ewh estimate``: a planned use gets the warehouse's figures for the same usage, plus cited equivalents.

The warehouse side is built independently here: an OpenAI usage page goes through the real connector
and landing code, then ``dbt seed`` + ``dbt run`` (as in tests/pipeline/test_factor_release.py).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from datetime import UTC, date, datetime

import duckdb
import polars as pl
import pytest

from connectors.core.config import Paths
from connectors.core.registry import CONNECTORS
from connectors.landing.zone import ingest_bytes, init_landing
from ewh import estimate as est
from ewh.cli import main
from factors.release import release_info, seed_path
from tests.support.dbt_cli import run_dbt

DAY = date(2026, 9, 1)
MODEL = "gpt-4o-mini-2024-07-18"
TOKENS = {
    "uncached": 8_000_000,
    "cached": 1_500_000,
    "write": 250_000,
    "output": 2_000_000,
    "requests": 4_000,
}
FIGURES = ["energy_kwh", "co2e_location_kg", "co2e_market_kg", "co2e_embodied_kg", "water_l"]


def _page() -> bytes:
    start = int(datetime(DAY.year, DAY.month, DAY.day, tzinfo=UTC).timestamp())
    result = {
        "object": "organization.usage.completions.result",
        "input_tokens": TOKENS["uncached"] + TOKENS["cached"] + TOKENS["write"],
        "input_uncached_tokens": TOKENS["uncached"],
        "input_cached_tokens": TOKENS["cached"],
        "input_cache_write_tokens": TOKENS["write"],
        "output_tokens": TOKENS["output"],
        "num_model_requests": TOKENS["requests"],
        "project_id": "proj_campaign",
        "user_id": None,
        "api_key_id": None,
        "model": MODEL,
        "batch": False,
        "service_tier": "default",
    }
    page = {
        "object": "page",
        "data": [{"object": "bucket", "start_time": start, "end_time": start + 86400, "results": [result]}],
        "has_more": False,
        "next_page": None,
    }
    return json.dumps(page).encode()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> dict[str, float]:
    """The warehouse's figures for the page, landed through the real connector and built with dbt."""
    root = tmp_path_factory.mktemp("warehouse")
    paths = Paths(root / "home", warehouse_override=root / "warehouse.duckdb")
    for source, connector in CONNECTORS.items():
        init_landing(paths, [source], connector.table)
    landed = ingest_bytes(CONNECTORS["openai_usage"], _page(), "completions_usage_2026-09-01.json", paths)
    assert landed.rows_landed == 5 and landed.rows_quarantined == 0
    release = release_info()
    run_dbt(paths, "seed", target=root / "target", vars_=release)
    run_dbt(paths, "run", "--select", "+fct_activity_impacts", target=root / "target", vars_=release)
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        columns = [f"{f}{end}" for f in FIGURES for end in ("", "_low", "_high")]
        row = con.sql(
            f"select {', '.join(f'sum({c}) as {c}' for c in columns)}, count(*) as n, "
            "max(dq_score) as dq, string_agg(distinct method_tier, ',' order by method_tier) as tier, "
            "any_value(factor_release) as rel "
            f"from fct_activity_impacts where model_raw = '{MODEL}'"
        ).pl()
        rows = con.sql(
            f"select activity_type, {', '.join(FIGURES)} from fct_activity_impacts "
            f"where model_raw = '{MODEL}' order by activity_type"
        ).pl()
    finally:
        con.close()
    return row.row(0, named=True) | {"rows": rows.to_dicts()}


def _run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["estimate", *argv])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def chain_dir(tmp_path_factory):
    """Where this module's estimates keep their compiled chain (built once, by the first estimate)."""
    return tmp_path_factory.mktemp("estimate")


@pytest.fixture(scope="module")
def compared(chain_dir):
    """One CLI run: the page's usage on gpt-4o-mini (A) against the same on gpt-4o (B)."""
    workdir = chain_dir
    code, out, err = _run_cli(
        [
            "--vendor",
            "openai",
            "--model",
            MODEL,
            "--input-tokens",
            "8e6",
            "--cached-input-tokens",
            "1,500,000",
            "--cache-write-tokens",
            "250000",
            "--output-tokens",
            "2e6",
            "--requests",
            "4000",
            "--date",
            DAY.isoformat(),
            "--workdir",
            str(workdir),
            "--compare",
            "--model",
            "gpt-4o",
            "--label",
            "flagship",
            "--json",
        ]
    )
    assert code == 0, err
    return json.loads(out), workdir


def test_estimate_equals_the_warehouse_figure_for_the_same_usage(warehouse, compared):
    report, _ = compared
    option = report["options"][0]
    assert option["label"] == "A"
    assert len(option["rows"]) == warehouse["n"] == 5
    for name in FIGURES:
        for end, key in (("central", ""), ("low", "_low"), ("high", "_high")):
            ours, theirs = option["figures"][name][end], warehouse[f"{name}{key}"]
            assert theirs > 0, name
            assert ours == pytest.approx(theirs, rel=1e-9, abs=0), (name, end)
    # cached input carries the prefill assumption's dq 5; uncached input and cache writes the prefill weight's
    assert option["dq_score"] == warehouse["dq"] == 5
    tiers = ["model_specific", "prefill_assumption", "prefill_weight"]
    assert option["method_tiers"] == warehouse["tier"].split(",") == tiers
    assert report["factor_release"] == option["factor_release"] == warehouse["rel"] == "ewh-2026.11.0"
    assert report["factor_release_sha256"] == release_info()["factor_release_sha256"]


def test_every_row_equals_the_warehouse_row_to_the_last_digit(warehouse, compared):
    """The same compiled SQL on the same usage: not close, equal (row by row, no summing order)."""
    report, _ = compared
    ours = sorted(report["options"][0]["rows"], key=lambda r: r["activity_type"])
    assert [r["activity_type"] for r in ours] == [r["activity_type"] for r in warehouse["rows"]]
    for mine, theirs in zip(ours, warehouse["rows"], strict=True):
        for name in FIGURES:
            assert theirs[name] > 0, (mine["activity_type"], name)
            assert mine[name] == theirs[name], (mine["activity_type"], name)


def test_the_compiled_chain_stays_in_its_own_directory(compared):
    _, workdir = compared
    (build,) = (workdir / "dbt" / "estimate").iterdir()
    assert (build / "target" / "manifest.json").exists()  # not the repo's dbt_project/target
    assert (build / "chain.json").exists() and (build / "est.duckdb").exists()


def test_a_smaller_model_for_the_same_tokens_is_lower(compared):
    report, _ = compared
    small, large = report["options"]
    assert large["label"] == "flagship" and large["usage"]["model"] == "gpt-4o"
    # the comparison inherited every quantity of the first option
    assert {k: large["usage"][k] for k in ("input_tokens", "output_tokens", "requests")} == {
        "input_tokens": 8e6,
        "output_tokens": 2e6,
        "requests": 4000.0,
    }
    assert any(f.startswith("llm.openai.gpt-4o") and "mini" not in f for f in large["factor_ids"])
    for name in ("energy_kwh", "co2e_location_kg", "water_l", "co2e_embodied_kg"):
        assert small["figures"][name]["central"] < large["figures"][name]["central"], name
        assert small["figures"][name]["high"] < large["figures"][name]["high"], name
        assert report["comparison"][name]["ratio"] > 1
    energy = report["comparison"]["energy_kwh"]
    assert energy["difference"] == pytest.approx(energy["flagship"] - energy["A"])


def _equivalent_seed() -> pl.DataFrame:
    return pl.read_csv(seed_path("factor_equivalents"), try_parse_dates=True)


def _figures(label: str, **figures: tuple[float | None, float | None, float | None]) -> pl.DataFrame:
    """One planned option's figures (low, central, high), as fct_activity_impacts would sum them."""
    row: dict = {"project": label, "usage_date": DAY}
    for name in ("energy_kwh", "co2e_location_kg", "water_l"):
        low, central, high = figures.get(name, (None, None, None))
        row |= {f"{name}_low": low, name: central, f"{name}_high": high}
    return pl.DataFrame(
        [row], schema_overrides={f"{n}{e}": pl.Float64 for n in FIGURES for e in ("", "_low", "_high")}
    )


def test_equivalents_divide_the_figure_by_the_cited_factor(chain_dir):
    """The estimate's equivalents are the mart's SQL (macro equivalents_of) on the option's figures;
    expected counts by hand from the seed: 1 kWh / 0.022 kWh per charge, 1 kg / 0.2442 and / 0.16725 kg
    per km, 1 L / 0.5 L per bottle."""
    frame = est.figure_equivalents(
        _figures(
            "A",
            energy_kwh=(0.5, 1.0, 2.0),
            co2e_location_kg=(1.0, 1.0, 1.0),
            water_l=(None, 1.0, None),
        ),
        workdir=chain_dir,
    )
    equivalents = est.equivalents_of(frame, "A")
    found = {e["factor_id"]: e for e in equivalents}
    phone = found["equivalent.energy.smartphone_charge.epa_2024"]
    assert phone["count"] == pytest.approx(1 / 0.022)
    assert est.equivalent_line(phone) == ("≈ 45 smartphone charges (range 23-91) at 0.022 kWh per charge")
    assert "status S" in phone["basis"] and phone["source_url"].startswith("https://www.epa.gov/")
    epa_car = found["equivalent.carbon.car_km.epa_us_passenger_vehicle_2024"]
    uk_car = found["equivalent.carbon.car_km.desnz_uk_average_car_2025"]
    assert est.sig(epa_car["count"]) == "4.1" and est.sig(uk_car["count"]) == "6.0"
    assert "US passenger vehicle" in epa_car["equivalent"] and "UK car" in uk_car["equivalent"]
    assert uk_car["licence"] == "Open Government Licence v3.0"
    bottle = found["equivalent.water.bottle_500ml"]
    assert bottle["count"] == pytest.approx(2.0) and bottle["count_low"] is None
    assert est.equivalent_line(bottle) == "≈ 2.0 bottles of water (500 mL) at 0.5 L per bottle"
    assert [e["measure"] for e in equivalents] == [
        "energy_kwh",
        "co2e_location_kg",
        "co2e_location_kg",
        "water_l",
    ]


def test_equivalents_follow_their_validity_window(chain_dir):
    seed = _equivalent_seed().with_columns(pl.lit(date(2030, 1, 1)).alias("valid_from"))
    figures = _figures("A", **{m: (1.0, 1.0, 1.0) for m in ("energy_kwh", "co2e_location_kg", "water_l")})
    assert est.figure_equivalents(figures, seed=seed, workdir=chain_dir).is_empty()
    assert est.figure_equivalents(figures, workdir=chain_dir).height == 4


def test_significant_figures():
    assert [est.sig(x) for x in (45.4545, 0.0012345, 1234.5, 0.0, None, 99.6)] == [
        "45",
        "0.0012",
        "1,200",
        "0",
        "n/a",
        "100",
    ]


def test_equivalents_seed_is_cited_and_in_the_release():
    with seed_path("factor_equivalents").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["factor_id"].split(".")[1] for r in rows} == {"energy", "carbon", "water"}
    for row in rows:
        assert row["release"] == "ewh-2026.11.0" and row["source_url"].startswith("https://")
        assert row["basis"] and row["licence"] and row["note"]


def test_estimate_equivalents_come_from_the_seed_dbt_loaded(compared):
    report, _ = compared
    option = report["options"][0]
    energy = option["figures"]["energy_kwh"]
    phone = next(e for e in option["equivalents"] if e["measure"] == "energy_kwh")
    assert phone["value"] == 0.022
    assert phone["count"] == pytest.approx(energy["central"] / 0.022, rel=1e-12)
    assert phone["count_high"] == pytest.approx(energy["high"] / 0.022, rel=1e-12)
    assert {e["factor_id"] for e in option["equivalents"]} == set(_equivalent_seed()["factor_id"])


@pytest.fixture(scope="module")
def ads(chain_dir):
    """The GMSF worked example of docs/methodology.md §4, through the same build as the CLI."""
    usage = est.Usage(
        label="feed",
        platform="meta",
        impressions=10_000,
        country="DEU",
        ad_format="social",
        device="mobile",
        usage_date=DAY,
    )
    return est.estimate([usage], workdir=chain_dir)


def test_ads_estimate_matches_the_gmsf_worked_example(ads):
    (option,) = est.to_json(ads)["options"]
    figures = option["figures"]
    assert figures["energy_kwh"]["central"] == pytest.approx(1.8722, abs=5e-5)  # GMSF splits 0.7431/0.2569
    assert figures["co2e_location_kg"]["central"] == pytest.approx(0.5619, abs=5e-5)
    assert figures["co2e_embodied_kg"]["central"] == pytest.approx(0.2847, abs=5e-5)
    # 84.7 gCO2e per 1,000 impressions: location + embodied
    grams_per_1000 = (figures["co2e_location_kg"]["central"] + figures["co2e_embodied_kg"]["central"]) * 100
    assert grams_per_1000 == pytest.approx(84.7, abs=0.05)
    assert option["method_tiers"] == ["ad_framework"] and option["dq_score"] == 3  # payload + view time
    assert option["electricity_country"] == ["DEU"]
    # social range 0.3x-5x
    assert figures["energy_kwh"]["low"] == pytest.approx(0.3 * figures["energy_kwh"]["central"])
    assert figures["energy_kwh"]["high"] == pytest.approx(5 * figures["energy_kwh"]["central"])


def test_text_output_prints_figures_ranges_release_and_cited_equivalents(ads):
    text = est.render_text(ads, verbose=True)
    assert "Factor release ewh-2026.11.0" in text
    assert "[feed] meta ads (format=social, device=mobile, country=DEU): 10,000 impressions" in text
    assert "method ad_framework, dq score 3" in text
    energy_line = next(line for line in text.splitlines() if line.strip().startswith("energy (kWh)"))
    assert "1.8722" in energy_line and "(0.56167 - 9.3612)" in energy_line
    assert "≈ 85 smartphone charges (range 26-430) at 0.022 kWh per charge" in text
    assert "km driven by an average UK car of unknown fuel (DESNZ 2025)" in text
    assert (
        "https://www.gov.uk/government/publications/greenhouse-gas-reporting-conversion-factors-2025" in text
    )
    assert "never add them together" in text
    short = est.render_text(ads)  # one screen: the sources and factor ids only with --verbose
    assert "https://" not in short and "factors:" not in short and "--verbose" in short
    assert len(short.splitlines()) <= 24


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--vendor", "acme", "--output-tokens", "10", "--model", "x"], "unknown vendor 'acme'"),
        (["--platform", "myspace", "--impressions", "10"], "unknown ad platform 'myspace'"),
        (["--vendor", "openai", "--model", "gpt-4o"], "no quantity given"),
        (["--vendor", "openai", "--output-tokens", "10"], "need --model"),
        (["--platform", "meta", "--output-tokens", "10"], "--output-tokens do not apply to an ad platform"),
        (["--vendor", "openai", "--platform", "meta", "--impressions", "1"], "not both"),
        (["--platform", "meta", "--impressions", "1", "--country", "XX"], "unknown country 'XX'"),
        (
            ["--vendor", "openai", "--images", "5", "--compare", "--images", "-5"],
            "--compare: Invalid value for '--images': '-5': quantities must be finite and ≥ 0",
        ),
        (["--vendor", "openai", "--images", "5", "--compare", "--vendor", "acme"], "unknown vendor 'acme'"),
        (["--vendor", "openai", "--images", "5", "--compare"], "--compare needs"),
    ],
)
def test_bad_input_exits_with_a_clear_message(argv, message):
    code, out, err = _run_cli(argv)
    assert code == 2 and out == ""
    assert err.startswith("ewh estimate: ") and message in err


@pytest.mark.parametrize("value", ["-5", "nan", "inf", "lots"])
def test_bad_quantity_is_refused_by_the_parser(value, capsys):
    assert main(["estimate", "--vendor", "openai", "--model", "gpt-4o", "--output-tokens", value]) == 2
    err = capsys.readouterr().err
    assert f"Invalid value for '--output-tokens': '{value}'" in err


def test_negative_quantity_is_refused_by_the_library():
    with pytest.raises(est.EstimateError, match="--images must be a finite number"):
        est.check(est.Usage(label="A", vendor="openai", images=-1))


def test_comparison_inherits_within_a_family_and_starts_afresh_across():
    first = est.Usage(label="A", vendor="openai", model="gpt-image-1", images=500, usage_date=DAY)
    same = est.merge(first, est.Usage(model="dall-e-3"))
    assert (same.vendor, same.model, same.images, same.usage_date) == ("openai", "dall-e-3", 500, DAY)
    ads = est.merge(first, est.Usage(platform="meta", impressions=1e6, ad_format="display"))
    assert (ads.vendor, ads.images, ads.impressions) == (None, None, 1e6)
    own = est.merge(first, est.Usage(model="dall-e-3", images=20))
    assert own.images == 20


def test_activity_rows_are_canonical_and_valid():
    rows = est.activity_rows(
        [
            est.Usage(
                label="A", vendor="openai", model="GPT-4o-mini-2024-07-18", output_tokens=1, requests=1
            ),
            est.Usage(label="B", vendor="runway", model="gen4_turbo", video_seconds=120, usage_date=DAY),
        ]
    )
    assert rows.schema == est.ACTIVITY_SCHEMA
    assert rows["source"].to_list() == ["openai_usage", "openai_usage", "runway_usage"]
    assert rows["model"].to_list()[0] == "gpt-4o-mini"
    assert rows["activity_id"].n_unique() == 3
    assert set(rows["dataset"]) == {"estimate"}


def test_ewh_cli_exposes_estimate(capsys):
    assert main(["estimate", "--help"]) == 0
    assert "--compare" in capsys.readouterr().out


def test_a_misspelt_model_is_refused_with_close_matches_unless_fallback_is_allowed(chain_dir):
    """`gpt-4o-mni` is in no registry: without --allow-fallback it must not pass as a guess with exit 0."""
    argv = ["--vendor", "openai", "--model", "gpt-4o-mni", "--output-tokens", "1e6"]
    argv += ["--workdir", str(chain_dir)]
    code, out, err = _run_cli(argv)
    assert code == 2 and out == ""
    assert "'gpt-4o-mni' is in no EcoLogits registry" in err and "unknown_model" in err
    assert "Did you mean: " in err and "gpt-4o-mini" in err.split("Did you mean: ", 1)[1]
    assert "--allow-fallback" in err

    code, out, err = _run_cli([*argv, "--allow-fallback"])
    assert code == 0, err
    assert "method unknown_model" in out and "spans a small to a frontier model" in out


def test_options_that_differ_only_by_overhead_say_so():
    """Two summaries with the same IT energy but different totals: the comparison names PUE and grid."""
    figures = {n: {"central": 1.0, "low": 0.5, "high": 2.0} for n in est.FIGURES}
    a = {"label": "A", "figures": figures, "it_energy_kwh": 0.8}
    b = {
        "label": "B",
        "figures": {**figures, "energy_kwh": {"central": 1.2, "low": 0.6, "high": 2.4}},
        "it_energy_kwh": 0.8,
    }
    assert any("only by data-centre overhead (PUE)" in line for line in est.compare_lines(a, b))
    c = {**b, "it_energy_kwh": 0.9}
    assert not any("data-centre overhead" in line for line in est.compare_lines(a, c))


# --- seat-based AI assistants (#18): --tool with messages, feature uses or active user-days


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--tool", "clippy", "--messages", "5"], "unknown tool 'clippy'"),
        (["--tool", "chatgpt", "--vendor", "openai", "--messages", "5"], "not both"),
        (["--tool", "chatgpt"], "no quantity given"),
        (["--tool", "chatgpt", "--output-tokens", "5"], "--output-tokens do not apply to --tool chatgpt"),
        (["--tool", "claude", "--output-tokens", "5"], "need --model"),
        (["--vendor", "openai", "--model", "gpt-4o", "--messages", "5"], "--messages do not apply"),
    ],
)
def test_bad_seat_input_exits_with_a_clear_message(argv, message):
    code, out, err = _run_cli(argv)
    assert code == 2 and out == ""
    assert message in err


def test_seat_activity_rows_imitate_the_seat_sources():
    rows = est.activity_rows(
        [
            est.check(est.Usage(label="A", tool="chatgpt", messages=5000, usage_date=DAY)),
            est.check(est.Usage(label="B", tool="copilot", active_user_days=100, usage_date=DAY)),
            est.check(
                est.Usage(
                    label="C", tool="claude", model="claude-sonnet-4-5", output_tokens=10, usage_date=DAY
                )
            ),
        ]
    )
    assert rows.select("source", "vendor", "model", "activity_type", "unit").rows() == [
        ("chatgpt_workspace", "openai", "chatgpt-enterprise", "assistant_messages", "messages"),
        (
            "m365_copilot",
            "microsoft",
            "microsoft-365-copilot",
            "assistant_active_user_days",
            "active_user_days",
        ),
        ("claude_analytics", "anthropic", "claude-sonnet-4-5", "llm_output_tokens", "tokens"),
    ]
    switched = est.merge(
        est.Usage(label="A", tool="chatgpt", messages=5), est.Usage(tool="gemini", feature_uses=3)
    )
    assert (switched.tool, switched.messages, switched.feature_uses) == ("gemini", None, 3)


@pytest.fixture(scope="module")
def seats(chain_dir):
    return est.estimate(
        [
            est.Usage(label="chat", tool="chatgpt", messages=5000, usage_date=DAY),
            est.Usage(label="copilot", tool="copilot", active_user_days=100, usage_date=DAY),
        ],
        workdir=chain_dir,
    )


def test_chatgpt_messages_estimate_by_hand(seats):
    chat, copilot = est.to_json(seats)["options"]
    energy = chat["figures"]["energy_kwh"]
    # 5,000 messages x 0.220 / 0.283 / 2.083 Wh IT x PUE 1.2 (provider.openai)
    assert energy["low"] == pytest.approx(1.32, rel=1e-6)
    assert energy["central"] == pytest.approx(1.698, rel=1e-6)
    assert energy["high"] == pytest.approx(12.498, rel=1e-6)
    assert chat["method_tiers"] == ["seat_message_assumption"] and chat["dq_score"] == 5
    # 100 active user-days x 2.833 Wh x 1.2: the weakest tier, shown but not refused (no model to misspell)
    assert copilot["figures"]["energy_kwh"]["central"] == pytest.approx(0.33996, rel=1e-6)
    assert copilot["method_tiers"] == ["seat_active_user_day"]
    assert est.fallback_refusals(seats) == []
