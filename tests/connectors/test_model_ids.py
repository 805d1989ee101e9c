"""``normalise_model``: the model ids clouds publish reduce to the id the vendor itself uses.

Ids are copied from the vendors' own model tables (taken 2026-12):
- Bedrock: https://docs.aws.amazon.com/bedrock/latest/userguide/models-supported.html and
  https://docs.aws.amazon.com/bedrock/latest/userguide/custom-model-fine-tuning.html (context variants)
- Vertex AI: https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions (``-001`` revisions),
  https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/use-claude (``@`` dates) and
  https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/llama (``-maas``)
Expected ids are written by hand from each vendor's naming.
"""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors.core.frames import normalise_model


def _normalise(values: list[str]) -> list[str]:
    return pl.DataFrame({"raw": values}).select(normalise_model(pl.col("raw"))).to_series().to_list()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("meta.llama3-1-8b-instruct-v1:0", "llama3-1-8b-instruct"),
        ("us.meta.llama3-1-8b-instruct-v1:0", "llama3-1-8b-instruct"),
        ("meta.llama3-1-8b-instruct-v1:0:128k", "llama3-1-8b-instruct"),
        ("amazon.nova-pro-v1:0", "nova-pro"),
        ("amazon.nova-2-lite-v1:0:256k", "nova-2-lite"),
        ("anthropic.claude-3-haiku-20240307-v1:0", "claude-3-haiku"),
        ("eu.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5"),
        ("mistral.mixtral-8x7b-instruct-v0:1", "mixtral-8x7b-instruct"),
        ("mistral.mistral-large-2407-v1:0", "mistral-large"),
        ("ai21.jamba-1-5-large-v1:0", "jamba-1-5-large"),
        ("cohere.command-r-plus-v1:0", "command-r-plus"),
        ("deepseek.r1-v1:0", "deepseek-r1"),
        ("amazon.titan-text-express-v1", "titan-text-express-v1"),
        ("publishers/google/models/gemini-2.0-flash-001", "gemini-2.0-flash"),
        ("projects/p/locations/us-central1/publishers/google/models/gemini-1.5-pro-002", "gemini-1.5-pro"),
        ("claude-3-5-sonnet-v2@20241022", "claude-3-5-sonnet-v2"),
        ("claude-3-5-sonnet@20240620", "claude-3-5-sonnet"),
        ("llama-3.3-70b-instruct-maas", "llama-3.3-70b-instruct"),
        ("models/gemini-2.5-pro", "gemini-2.5-pro"),
        ("gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
        ("mistral-large-2411", "mistral-large"),
        ("gpt-4-0613", "gpt-4-0613"),
        ("mistral-medium-3-5", "mistral-medium-3-5"),
        ("deepseek-v3", "deepseek-v3"),
    ],
)
def test_cloud_ids_reduce_to_the_vendors_model_id(raw, expected):
    assert _normalise([raw]) == [expected]


# Model ids as vendors write them: lower-case words and version numbers joined by hyphens or dots, never
# ending in something normalise_model strips (a date, a YYMM snapshot, a revision or a version suffix).
_word = st.from_regex(r"[a-z][a-z0-9]{1,7}", fullmatch=True).filter(
    lambda w: w not in {"maas", "latest"} and not w.startswith("v")
)
_model = st.lists(_word, min_size=1, max_size=4).map("-".join)
_bedrock_profile = st.sampled_from(["", "us.", "eu.", "apac.", "global."])
_namespace = st.sampled_from(["anthropic.", "meta.", "amazon.", "mistral.", "cohere.", "ai21."])
_version = st.sampled_from(["-v1:0", "-v2:0", "-v1:0:128k", ":0"])


@given(model=_model, profile=_bedrock_profile, namespace=_namespace, version=_version)
def test_a_bedrock_id_normalises_like_the_bare_model_id(model, profile, namespace, version):
    assert _normalise([f"{profile}{namespace}{model}{version}"]) == _normalise([model])


@given(model=_model, revision=st.sampled_from(["", "-001", "-002", "@001", "@20241022", "-maas"]))
def test_a_vertex_id_normalises_like_the_bare_model_id(model, revision):
    assert _normalise([f"publishers/google/models/{model}{revision}"]) == _normalise([model])


@given(raw=st.text(alphabet=st.characters(codec="ascii"), max_size=60))
def test_normalising_never_fails_and_never_invents_text(raw):
    """Any string yields lower-case text no longer than the input: the parser only removes."""
    (out,) = _normalise([raw])
    assert out is not None and len(out) <= len(raw) and out == out.lower()
