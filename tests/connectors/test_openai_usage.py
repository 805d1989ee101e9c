"""OpenAI usage pages -> canonical rows, checked value by value against the documented shapes."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import polars as pl
import pytest

from connectors.openai.usage import CONNECTOR, parse
from tests.support.landing import as_json, assert_parse_fails
from tests.support.openai_pages import COMPLETIONS_PAGE, usage_page


def test_completions_page_becomes_one_row_per_token_kind():
    parsed = parse(as_json(COMPLETIONS_PAGE), "completions_usage.json")
    assert parsed.dataset == "completions"
    assert parsed.raw_records == 1
    assert parsed.days == [date(2025, 9, 1), date(2025, 9, 2)]  # the empty bucket's day is covered too
    rows = parsed.rows.sort("activity_type")
    assert rows.select("activity_type", "quantity", "unit").rows() == [
        ("llm_cache_write_tokens", 200.0, "tokens"),
        ("llm_cached_input_tokens", 1800.0, "tokens"),
        ("llm_input_audio_tokens", 300.0, "tokens"),  # its own activity (issue #13 class 6) ...
        ("llm_input_tokens", 2700.0, "tokens"),  # ... so not also inside the 3000 uncached
        ("llm_output_audio_tokens", 100.0, "tokens"),
        ("llm_output_tokens", 900.0, "tokens"),
        ("llm_requests", 5.0, "requests"),
    ]
    first = rows.row(0, named=True)
    assert first["vendor"] == "openai"
    assert first["service"] == "openai.completions"
    assert first["model"] == "gpt-4o-mini"
    assert first["model_raw"] == "gpt-4o-mini-2024-07-18"
    assert first["project"] == "proj_abc"
    assert first["usage_start"] == datetime(2025, 9, 1, tzinfo=UTC)
    assert first["usage_end"] == datetime(2025, 9, 2, tzinfo=UTC)
    assert first["usage_date"] == date(2025, 9, 1)
    assert first["source_row"] == "/data/0/results/0#input_cache_write_tokens"
    assert json.loads(first["attributes"]) == {
        "batch": False,
        "service_tier": "default",
        "size": None,
        "source": None,
        "num_model_requests": 5,
    }


def test_old_result_shape_derives_uncached_input():
    """Before 2026 the API had no input_uncached_tokens: uncached = input - cached (- cache writes)."""
    page = usage_page(
        (
            1736553600,
            [
                {
                    "object": "organization.usage.completions.result",
                    "input_tokens": 1000,
                    "output_tokens": 300,
                    "input_cached_tokens": 400,
                    "input_audio_tokens": 0,
                    "output_audio_tokens": 0,
                    "num_model_requests": 2,
                    "project_id": None,
                    "user_id": None,
                    "api_key_id": None,
                    "model": "gpt-4o-2024-08-06",
                    "batch": None,
                }
            ],
        )
    )
    rows = parse(as_json(page), "completions.json").rows
    quantities = dict(rows.select("activity_type", "quantity").rows())
    assert quantities == {
        "llm_input_tokens": 600.0,
        "llm_cached_input_tokens": 400.0,
        "llm_output_tokens": 300.0,
        "llm_requests": 2.0,
        "llm_input_audio_tokens": 0.0,  # the older shape counts audio beside text: nothing subtracted
        "llm_output_audio_tokens": 0.0,
    }


def test_images_keep_size_and_source_as_attributes():
    page = usage_page(
        (
            1756684800,
            [
                {
                    "object": "organization.usage.images.result",
                    "images": 2,
                    "num_model_requests": 2,
                    "size": "1024x1024",
                    "source": "image.generation",
                    "project_id": "proj_abc",
                    "user_id": "user-abc",
                    "api_key_id": "key_abc",
                    "model": "dall-e-3",
                }
            ],
        )
    )
    parsed = parse(as_json(page), "images.json")
    assert parsed.dataset == "images"
    row = parsed.rows.row(0, named=True)
    assert (row["activity_type"], row["quantity"], row["unit"]) == ("images", 2.0, "images")
    assert (row["api_key_id"], row["user_id"], row["model"]) == ("key_abc", "user-abc", "dall-e-3")
    assert json.loads(row["attributes"])["size"] == "1024x1024"


def test_array_of_pages_gets_page_prefixed_pointers():
    second = json.loads(json.dumps(COMPLETIONS_PAGE))
    second["data"] = [second["data"][0] | {"start_time": 1756857600, "end_time": 1756944000}]
    parsed = parse(as_json([COMPLETIONS_PAGE, second]), "completions.json")
    assert parsed.raw_records == 2
    pointers = set(parsed.rows.get_column("source_row").str.replace(r"#.*$", ""))
    assert pointers == {"/0/data/0/results/0", "/1/data/0/results/0"}


def test_dataset_of_an_all_empty_export_comes_from_the_file_name():
    page = {
        "object": "page",
        "data": [{"object": "bucket", "start_time": 1756684800, "end_time": 1756771200, "results": []}],
        "has_more": False,
    }
    parsed = parse(as_json(page), "embeddings_usage_2025-09-01_2025-09-01.json")
    assert (parsed.dataset, parsed.rows.height, parsed.days) == ("embeddings", 0, [date(2025, 9, 1)])


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        (b'{"object": "page", "data": [', "malformed JSON"),
        (b"", "file is empty"),
        (b'{"object": "list", "items": []}', "no 'data' array"),
        (
            as_json(
                {
                    "data": [
                        {
                            "object": "bucket",
                            "start_time": 1,
                            "end_time": 2,
                            "results": [
                                {"object": "organization.usage.vector_stores.result", "usage_bytes": 1}
                            ],
                        }
                    ]
                }
            ),
            "unsupported",
        ),
    ],
)
def test_unreadable_files_fail_naming_source_file_and_problem(payload, problem):
    assert_parse_fails(parse, payload, "broken_export.json", "[openai_usage] broken_export.json", problem)


def test_every_bundled_sample_parses(request):
    from connectors.core.config import BUNDLED_SAMPLES

    files = CONNECTOR.find_files(BUNDLED_SAMPLES / "openai_usage")
    assert len(files) == 5
    for path in files:
        parsed = parse(path.read_bytes(), path.name)
        assert parsed.rows.height > 0, path.name
        assert parsed.rows.filter(pl.col("quantity").is_null()).height == 0, path.name
