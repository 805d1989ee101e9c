"""Cloud AI billing vocabulary: how AWS usage types, Azure meters and Google Cloud SKUs name a model and
a kind of usage. One home, read by the native billing readers (``connectors.amazon.cur``,
``connectors.microsoft.azure_cost``, ``connectors.google.cloud_billing``) and by the FOCUS reader
(``connectors.focus.cost_and_usage``), so the same bill line lands the same activity and model whichever
shape it arrives in (no vendor package imports another's: tests/test_layers.py).
"""

from __future__ import annotations

import polars as pl

from connectors.core.frames import normalise_model

# ------------------------------------------------------------------------ AWS (Bedrock usage types)
# activity type -> unit of each kind of Bedrock usage an AWS usage type can name
AWS_ACTIVITY_UNITS: dict[str, str] = {
    "llm_cached_input_tokens": "tokens",
    "llm_cache_write_tokens": "tokens",
    "embedding_tokens": "tokens",
    "llm_input_tokens": "tokens",
    "llm_output_tokens": "tokens",
    "video_seconds": "seconds",
    "images": "images",
}
# (usage-type pattern, activity type); the first match wins, so specific patterns come first
AWS_USAGE_TYPE_ACTIVITIES: list[tuple[str, str]] = [
    (r"(?i)cache-?_?read", "llm_cached_input_tokens"),
    (r"(?i)cache-?_?write", "llm_cache_write_tokens"),
    (r"(?i)embed.*(input-?_?tokens?|inputtokencount)", "embedding_tokens"),
    (r"(?i)(input-tokens?|input_tokens?|inputtokencount)", "llm_input_tokens"),
    (r"(?i)(output-tokens?|output_tokens?|outputtokencount|responsetokencount)", "llm_output_tokens"),
    (r"(?i)video.*sec", "video_seconds"),
    (r"(?i)(created[-_]image|image[-_]?count|-images?($|-))", "images"),
]
AWS_TOKEN_ACTIVITIES = tuple(activity for activity, unit in AWS_ACTIVITY_UNITS.items() if unit == "tokens")


def aws_usage_type_activity(usage_type: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(activity type, unit) of a Bedrock usage type; ``spend``/``currency`` when no pattern matches."""
    activity: pl.Expr = pl.lit("spend")
    unit: pl.Expr = pl.lit("currency")
    for pattern, activity_type in reversed(AWS_USAGE_TYPE_ACTIVITIES):
        matched = usage_type.str.contains(pattern).fill_null(False)
        activity = pl.when(matched).then(pl.lit(activity_type)).otherwise(activity)
        unit = pl.when(matched).then(pl.lit(AWS_ACTIVITY_UNITS[activity_type])).otherwise(unit)
    return activity, unit


def aws_usage_type_model(usage_type: pl.Expr) -> pl.Expr:
    """Model from a first-party usage type: ``USE1-Claude3.5Sonnet-input-tokens`` -> ``Claude3.5Sonnet``."""
    return usage_type.str.extract(
        r"^(?:[A-Z]{2,4}\d-)?(.+?)-(?i:(?:mantle-)?(?:input|output|cache|images?|created|video|text-to|"
        r"image-to|search|request|\d+x\d+|t2i|i2i|standard|premium)(?:[-_]|$))",
        1,
    )


def aws_model_id(raw: pl.Expr) -> pl.Expr:
    """``Claude3.5Sonnet`` -> ``claude-3-5-sonnet``; ``Claude Sonnet 4.5`` -> ``claude-sonnet-4-5``;
    ``Llama3-70B`` -> ``llama3-70b``; ``Nova2.0Lite`` -> ``nova-2-lite``; ``NovaPro`` -> ``nova-pro``."""
    kebab = (
        raw.str.replace(r"(?i)\s*\(amazon bedrock edition\)\s*$", "")
        .str.replace_all(r"(\d)\.0(\D|$)", "${1}${2}")
        .str.replace_all(r"([a-z])([A-Z])", "${1}-${2}")
        .str.replace_all(r"([a-z][a-z])(\d)", "${1}-${2}")
        .str.replace_all(r"(\d)([A-Z][a-z])", "${1}-${2}")
        .str.replace_all(r"[\s._/]+", "-")
        .str.to_lowercase()
        .str.replace_all(r"-+", "-")
        .str.replace(r"(?i)^llama-(\d)", "llama${1}")
        .str.replace(r"^deep-seek", "deepseek")  # DeepSeek is one word, not camel case
    )
    # Anthropic names Claude 4 and later family first: claude-4-5-sonnet -> claude-sonnet-4-5
    return normalise_model(
        kebab.str.replace(r"^claude-([4-9](?:-\d+)?)-(opus|sonnet|haiku)$", "claude-${2}-${1}")
    )


# ------------------------------------------------------------------------ Azure (cost-details meters)
# Direction and cache words of meter names, as Azure abbreviates them (``Inp``, ``Inpt``, ``Outp``,
# ``outpt``, ``Opt``; ``cached``, ``cchd``, ``cd``; ``cache writes``)
AZURE_INPUT_WORDS = ("inp", "inpt", "input")
AZURE_OUTPUT_WORDS = ("outp", "outpt", "opt", "out", "output")
AZURE_CACHED_WORDS = ("cached", "cchd", "ccchd", "cd", "cache")
AZURE_CACHE_WRITE_PATTERN = r"\bcache (write|writes|wr)\b|\bcw\b"
# last words of meters counted in something other than tokens
AZURE_NON_TOKEN_NOUNS = ["image", "images", "second", "seconds", "hour", "hours", "hr", "minute", "minutes"]
AZURE_NON_TOKEN_NOUNS += [
    "character",
    "characters",
    "unit",
    "units",
    "ccu",
    "request",
    "requests",
    "month",
    "day",
]
# placeholder activity of a token meter without a readable direction (quarantined with a named reason)
AZURE_UNKNOWN_TOKENS = "tokens_of_unknown_direction"

# UnitOfMeasure pack-size suffixes
AZURE_PACK_SCALE = {"": 1.0, "k": 1e3, "m": 1e6, "b": 1e9}
# words of a meter name that are not part of the model id
AZURE_MODEL_STOPWORDS = [
    # direction, cache, batch, deployment type
    *["inp", "inpt", "input", "outp", "opt", "out", "output", "outpt", "cached", "cchd", "ccchd", "cd"],
    *["cache", "write", "writes", "context", "short", "long", "shortco", "longco"],
    *["batch", "glbl", "gl", "global", "dzone", "dz", "data", "zone", "datazone", "regnl", "rg"],
    *["regional", "dzn", "provisioned", "managed", "unit", "units", "ptu", "ccu"],
    # unit words and pack sizes
    *["tokens", "token", "images", "second", "seconds", "hour", "hours", "characters", "1k", "1m"],
    *["10k", "100", "ep", "std", "hd", "lowres", "highres", "low", "medium", "high", "res", "aud", "txt"],
]


def azure_pack_size(unit_of_measure: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(multiplier, unit word) of ``UnitOfMeasure`` (lower case, never null).

    ``10K`` -> (10000, ''), ``1K Tokens`` -> (1000, 'tokens'), ``1/Hour`` -> (1, 'hour'),
    ``100`` -> (100, '').
    """
    uom = unit_of_measure.str.replace_all(",", "")
    parts = uom.str.extract_groups(r"^(\d+(?:\.\d+)?)?\s*([kmb])?\b\s*/?\s*(.*)$")
    number = parts.struct.field("1").cast(pl.Float64, strict=False).fill_null(1.0)
    suffix = parts.struct.field("2").fill_null("")
    scale = suffix.replace_strict(AZURE_PACK_SCALE, default=1.0, return_dtype=pl.Float64)
    return number * scale, parts.struct.field("3").fill_null("").str.strip_chars()


def azure_meter_facts(
    meter: pl.Expr, product: pl.Expr, subcategory: pl.Expr, unit_of_measure: pl.Expr, meter_region: pl.Expr
) -> list[pl.Expr]:
    """Columns derived from the meter name and unit: kind of usage, deployment type, batch, model.

    Every argument is lower-case text with nulls as "" (the Azure reader's ``_lower``).
    """
    words = meter.str.replace_all(r"[\s_/()-]+", " ").str.strip_chars()
    padded = pl.concat_str(pl.lit(" "), words, pl.lit(" "))

    def has(*tokens: str) -> pl.Expr:
        return padded.str.contains(" (" + "|".join(tokens) + ") ")

    multiplier, uom_word = azure_pack_size(unit_of_measure)
    last_word = words.str.extract(r"(\w+)$")
    noun = pl.when(uom_word != "").then(uom_word).otherwise(last_word).str.replace(r"s$", "")
    described = pl.concat_str([meter, product, subcategory], separator=" ")
    is_input = has(*AZURE_INPUT_WORDS)
    is_output = has(*AZURE_OUTPUT_WORDS)
    is_cache_write = words.str.contains(AZURE_CACHE_WRITE_PATTERN)
    is_cached = has(*AZURE_CACHED_WORDS) & ~is_cache_write
    is_embedding = described.str.contains(r"embedding|\bada\b")
    # a token meter says "Tokens" (in its name or unit), or is a bare pack size (1K, 1M) priced per input or
    # output: "GPT 5.6 Sol short context cache writes input Global" (UoM 1M)
    bare_pack = (
        (uom_word == "") & ~last_word.is_in(AZURE_NON_TOKEN_NOUNS) & ~noun.is_in(AZURE_NON_TOKEN_NOUNS)
    )
    is_tokens = (noun == "token") | (bare_pack & (multiplier >= 1e3) & (is_input | is_output | is_cached))
    seconds_per = (
        pl.when(noun.is_in(["hour", "hr"]))
        .then(3600.0)
        .when(noun.is_in(["minute", "min"]))
        .then(60.0)
        .when(noun.is_in(["second", "sec"]))
        .then(1.0)
    )
    activity = (
        pl.when(is_tokens & is_embedding)
        .then(pl.lit("embedding_tokens"))
        .when(is_tokens & is_cache_write)
        .then(pl.lit("llm_cache_write_tokens"))
        .when(is_tokens & is_cached)
        .then(pl.lit("llm_cached_input_tokens"))
        .when(is_tokens & is_output)
        .then(pl.lit("llm_output_tokens"))
        .when(is_tokens & is_input)
        .then(pl.lit("llm_input_tokens"))
        .when(is_tokens)  # a token meter whose direction this reader cannot tell: quarantined, never spend
        .then(pl.lit(AZURE_UNKNOWN_TOKENS))
        .when(noun == "image")
        .then(pl.lit("images"))
        .when(seconds_per.is_not_null() & described.str.contains(r"sora|video"))
        .then(pl.lit("video_seconds"))
        .when(seconds_per.is_not_null() & described.str.contains(r"whisper|transcri|speech to text|stt"))
        .then(pl.lit("audio_seconds"))
        .when((noun == "character") & described.str.contains(r"tts|speech|voice"))
        .then(pl.lit("tts_characters"))
        .otherwise(pl.lit("spend"))
    )
    unit_factor = pl.when(activity.is_in(["video_seconds", "audio_seconds"])).then(seconds_per).otherwise(1.0)
    deployment = (
        pl.when(has("glbl", "gl", "global"))
        .then(pl.lit("global"))
        .when(has("dzone", "dz", "dzn", "datazone") | words.str.contains("data zone"))
        .then(pl.lit("data_zone"))
        .when(has("regnl", "rg", "regional"))
        .then(pl.lit("regional"))
        .when(meter_region == "global")
        .then(pl.lit("global"))
    )
    return [
        activity.alias("activity_type"),
        (multiplier * unit_factor).alias("_multiplier"),
        deployment.alias("deployment_type"),
        has("batch").alias("batch"),
        azure_meter_model(words, described.str.contains(r"openai|gpt")).alias("_model"),
    ]


def azure_meter_model(words: pl.Expr, is_gpt_product: pl.Expr) -> pl.Expr:
    """Model id from the meter name: the words that are not direction/deployment/unit/snapshot markers.

    ``gpt-4o-mini-0718-Batch-Inp-glbl Tokens`` -> ``gpt-4o-mini``; ``gpt 4.1 Inp glbl Tokens`` ->
    ``gpt-4.1``; ``5.4 mini cd Inp Gl 1M Tokens`` -> ``gpt-5.4-mini``; ``Sora 2 dzone Second`` -> ``sora-2``.
    """
    kept = (
        words.str.split(" ")
        .list.eval(
            pl.element().filter(
                ~pl.element().is_in(AZURE_MODEL_STOPWORDS) & ~pl.element().str.contains(r"^(\d{4}|\d+[km])$")
            )
        )
        .list.join("-")
    )
    # GPT-5.x meters drop the family name ("5.4 mini cd Inp Gl 1M Tokens" under "Azure OpenAI GPT5")
    versioned = pl.when(is_gpt_product).then(kept.str.replace(r"^(\d+(\.\d+)?)(-|$)", "gpt-$1$3"))
    named = pl.coalesce(versioned, kept).str.replace(r"^image-(dall-e)", "$1").str.replace(r"-regional$", "")
    return pl.when(named != "").then(named)


# ------------------------------------------------------------------------ Google Cloud (SKU descriptions)
# The model named in a SKU description: a family word followed by version and variant words.
GCP_SKU_MODEL_PATTERN = (
    r"(?i)\b((?:gemini|gemma|imagen|veo|lyria)"
    r"(?:[ \-]+(?:\d+(?:\.\d+)?|pro|flash|lite|image|embedding|ultra|fast|tts|live|preview|nano)\b)+)"
)


def gcp_sku_model(sku: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(model as named, model id) of a SKU description.

    ``Gemini 2.5 Flash Input Tokens`` -> (``Gemini 2.5 Flash``, ``gemini-2.5-flash``).
    """
    model_raw = sku.str.extract(GCP_SKU_MODEL_PATTERN, 1)
    model = normalise_model(model_raw.str.replace_all(r"[ \-]+", "-")).str.replace(
        r"^(imagen-.*)-image$", "$1"
    )
    return model_raw, model


def gcp_sku_activity(sku: pl.Expr, model: pl.Expr) -> pl.Expr:
    """SKU description -> canonical activity type; null means a money-only line (spend)."""
    d = sku.str.to_lowercase()
    token = d.str.contains(r"\btokens?\b")
    genai = model.is_not_null() | token | d.str.contains(r"\bcharacters?\b")
    return (
        pl.when(~genai | d.str.contains(r"storage"))
        .then(pl.lit(None, pl.String))
        .when(d.str.contains(r"embed"))
        .then(pl.lit("embedding_tokens"))
        .when(~token & d.str.contains(r"image count|image generation|images? generated|^imagen|\bimagen\b"))
        .then(pl.lit("images"))
        .when(~token & d.str.contains(r"\bveo\b|video generation"))
        .then(pl.lit("video_seconds"))
        .when(d.str.contains(r"cach"))
        .then(pl.lit("llm_cached_input_tokens"))
        .when(d.str.contains(r"\boutput\b|thinking"))
        .then(pl.lit("llm_output_tokens"))
        .when(d.str.contains(r"\binput\b"))
        .then(pl.lit("llm_input_tokens"))
        .otherwise(pl.lit(None, pl.String))
    )
