"""`ewh estimate --tool` (issue #18): a creative tool's planned use, checked, turned into the rows its
connector would land and estimated with the warehouse's compiled dbt chain."""

from __future__ import annotations

import json

import pytest

from ewh import estimate as est


@pytest.mark.parametrize(
    ("usage", "message"),
    [
        (est.Usage(tool="canva", characters=1), "unknown tool"),
        (est.Usage(tool="elevenlabs"), "no quantity"),
        (est.Usage(tool="elevenlabs", output_tokens=5), "do not apply to a tool"),
        (est.Usage(tool="adobe", vendor="openai", credits=5), "without --vendor"),
        (est.Usage(vendor="openai", model="gpt-4o", credits=5), "--tool"),
        (est.Usage(vendor="openai", model="gpt-4o", output_tokens=5, feature="x"), "--feature"),
        (est.Usage(tool="jasper", generations=-1), "finite number"),
    ],
)
def test_tool_options_are_checked_with_a_clear_message(usage, message):
    with pytest.raises(est.EstimateError, match=message):
        est.check(usage)


def test_tool_rows_are_what_the_connector_lands():
    usage = est.check(est.Usage(label="A", tool="adobe", credits=500, feature="Generate Video"))
    [row] = est.activity_rows([usage]).to_dicts()
    assert (row["source"], row["vendor"], row["service"]) == ("adobe_firefly", "adobe", "adobe.firefly")
    assert (row["activity_type"], row["unit"], row["quantity"]) == ("generative_credits", "credits", 500.0)
    assert json.loads(row["attributes"])["feature"] == "Generate Video"


@pytest.mark.slow
def test_tool_estimates_follow_the_cited_rules(tmp_path):
    """Worked by hand (docs/methodology.md, "Creative tools"): IT kWh x PUE 1.355 (1.15 to 1.56)."""
    options = [
        est.check(est.Usage(label="voice", tool="elevenlabs", characters=100_000)),
        est.check(est.Usage(label="video", tool="adobe", credits=1_000, feature="Generate Video")),
        est.check(est.Usage(label="copy", tool="jasper", generations=100)),
    ]
    result = est.estimate(options, workdir=tmp_path)
    energy = {s["label"]: s["figures"]["energy_kwh"] for s in result.summaries}
    # 100,000 x 1e-7 = 0.01; 1,000 x 0.02 x 0.0228334 = 0.456668; 100 x 400 x 2.482975e-6 = 0.099319
    assert energy["voice"]["central"] == pytest.approx(0.01 * 1.355, rel=1e-6)
    assert energy["video"]["central"] == pytest.approx(0.456668 * 1.355, rel=1e-6)
    assert energy["copy"]["central"] == pytest.approx(0.099319 * 1.355, rel=1e-6)
    assert energy["copy"]["low"] == pytest.approx(100 * 100 * 1.771124e-6 * 1.15, rel=1e-6)
    assert energy["copy"]["high"] == pytest.approx(100 * 2000 * 3.194825e-6 * 1.56, rel=1e-6)
